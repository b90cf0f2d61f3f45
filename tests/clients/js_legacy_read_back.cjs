// The legacy JS SDK (npm langfuse 3.x) reading back through its own calls: a trace with its
// observations and scores, lists of observations and sessions, and a dataset with a run.
// Keys and base URL come from LANGFUSE_* environment variables; prints what it read as JSON.
const { Langfuse } = require("langfuse");
async function main() {
  const langfuse = new Langfuse();
  const trace = langfuse.trace({ name: "js-read-back", sessionId: "js-session", userId: "js-user" });
  const generation = trace.generation({ name: "llm", model: "gpt-4o-mini", usage: { input: 100, output: 50 } });
  generation.end({ output: "done" });
  trace.score({ name: "quality", value: 1, dataType: "BOOLEAN" });
  await langfuse.flushAsync();

  const read = (await langfuse.fetchTrace(trace.id)).data;
  const observations = (await langfuse.fetchObservations({ traceId: trace.id, type: "GENERATION" })).data;
  const sessions = (await langfuse.fetchSessions()).data;

  const name = "js set/ü";
  await langfuse.createDataset({ name, description: "from js" });
  await langfuse.createDatasetItem({ datasetName: name, id: "js-item", input: { q: 1 }, expectedOutput: 2 });
  const dataset = await langfuse.getDataset(name);
  await dataset.items[0].link(generation, "js-run", { description: "first" });
  const run = await langfuse.getDatasetRun({ datasetName: name, runName: "js-run" });
  console.log(JSON.stringify({
    trace: { name: read.name, sessionId: read.sessionId, totalCost: read.totalCost },
    observations: read.observations.map((o) => [o.name, o.model, o.calculatedTotalCost]),
    scores: read.scores.map((s) => [s.name, s.dataType, s.value, s.stringValue]),
    listed: observations.map((o) => o.id),
    sessions: sessions.map((s) => s.id),
    dataset: [dataset.name, dataset.description, dataset.items.map((i) => [i.id, i.input, i.expectedOutput])],
    run: [run.name, run.description, run.datasetRunItems.map((i) => [i.datasetItemId, i.traceId, i.observationId])],
    ids: { trace: trace.id, generation: generation.id },
  }));
  await langfuse.shutdownAsync();
}
main().catch((error) => { console.error(error); process.exit(1); });
