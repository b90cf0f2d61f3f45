// The current Langfuse JS SDK running an experiment over a dataset, as its docs show:
// dataset.get, then runExperiment with a task and an evaluator; then the run and the
// experiment read back through the SDK's API client.
// Prints what it saw as JSON.
const { NodeSDK } = require("@opentelemetry/sdk-node");
const { LangfuseSpanProcessor } = require("@langfuse/otel");
const { LangfuseClient } = require("@langfuse/client");

async function main() {
  const processor = new LangfuseSpanProcessor();
  const sdk = new NodeSDK({ spanProcessors: [processor] });
  sdk.start();
  const langfuse = new LangfuseClient();
  const since = new Date(Date.now() - 1000).toISOString();

  await langfuse.api.datasets.create({ name: "js-capitals" });
  for (const [country, capital] of [["Italy", "Rome"], ["France", "Paris"]]) {
    await langfuse.api.datasetItems.create({
      datasetName: "js-capitals", id: `js-${country}`, input: { country }, expectedOutput: capital,
    });
  }
  const answers = { Italy: "Rome", France: "Lyon" };
  const dataset = await langfuse.dataset.get("js-capitals");
  const result = await dataset.runExperiment({
    name: "capitals-js",
    runName: "js-run",
    task: async (item) => answers[item.input.country],
    evaluators: [
      async ({ output, expectedOutput }) => ({ name: "exact", value: output === expectedOutput ? 1 : 0 }),
    ],
  });
  await processor.forceFlush();

  const run = await langfuse.api.datasets.getRun("js-capitals", "js-run");
  const experiments = await langfuse.api.experiments.list({ fromStartTime: since });
  const items = await langfuse.api.experiments.listItems({
    fromStartTime: since, experimentId: result.experimentId, fields: "core,io",
  });
  await sdk.shutdown();
  console.log(JSON.stringify({
    experimentId: result.experimentId,
    datasetRunId: result.datasetRunId,
    items: result.itemResults.map((r) => [r.item.id, r.output, r.traceId]).sort(),
    run: [run.id, run.name, run.datasetRunItems.map((i) => [i.datasetItemId, i.traceId]).sort()],
    experiments: experiments.data.map((e) => [e.id, e.name, e.itemCount]),
    readItems: items.data.map((i) => [i.experimentItemId, i.traceId, i.output, i.expectedOutput]).sort(),
  }));
}
main().catch((error) => { console.error(error); process.exit(1); });
