// The workload of tests/clients/lf2_common_workload.py, written for the legacy JS SDK
// (npm langfuse 3.x); keys and base URL come from LANGFUSE_* environment variables.
const { Langfuse } = require("langfuse");
const QUESTION = { question: "What is Langfuse?" };
const ANSWER = { answer: "An LLM observability platform." };
async function main() {
  const langfuse = new Langfuse();
  const trace = langfuse.trace({ name: "qa-pipeline", userId: "user-123", sessionId: "session-abc", metadata: { env: "test" }, tags: ["shared"], input: QUESTION });
  const root = trace.span({ name: "qa-pipeline", input: QUESTION });
  const retrieval = root.span({ name: "retrieval", input: { query: "What is Langfuse?" }, metadata: { k: "2" } });
  const embedding = retrieval.span({ name: "embed-query", input: "What is Langfuse?" });
  embedding.end({ output: { dims: 3 } });
  retrieval.end({ output: { docs: ["doc-1", "doc-2"] } });
  const generation = root.generation({ name: "llm-call", model: "gpt-3.5-turbo", modelParameters: { max_tokens: 256 }, input: [{ role: "user", content: "What is Langfuse?" }] });
  generation.end({ output: { role: "assistant", content: "An LLM observability platform." }, usageDetails: { input: 12, output: 8, total: 20 }, costDetails: { input: 1.2e-05, output: 1.6e-05 } });
  root.end({ output: ANSWER });
  trace.update({ output: ANSWER });
  trace.score({ name: "quality", value: 0.9 });
  await langfuse.shutdownAsync();
}
main().catch((error) => { console.error(error); process.exit(1); });
