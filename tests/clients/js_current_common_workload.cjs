// The workload of tests/clients/lf5_common_workload.py, written for the current Langfuse JS
// SDK (@langfuse/tracing and @langfuse/otel on OpenTelemetry's NodeSDK, scores through
// @langfuse/client); keys and base URL come from LANGFUSE_* environment variables.
const { NodeSDK } = require("@opentelemetry/sdk-node");
const { LangfuseSpanProcessor } = require("@langfuse/otel");
const { propagateAttributes, startActiveObservation } = require("@langfuse/tracing");
const { LangfuseClient } = require("@langfuse/client");

const QUESTION = { question: "What is Langfuse?" };
const ANSWER = { answer: "An LLM observability platform." };

async function main() {
  const sdk = new NodeSDK({ spanProcessors: [new LangfuseSpanProcessor()] });
  sdk.start();
  const langfuse = new LangfuseClient();
  await startActiveObservation("qa-pipeline", async (root) => {
    root.update({ input: QUESTION });
    const trace = { traceName: "qa-pipeline", userId: "user-123", sessionId: "session-abc", metadata: { env: "test" }, tags: ["shared"] };
    await propagateAttributes(trace, async () => {
      await startActiveObservation("retrieval", async (retrieval) => {
        retrieval.update({ input: { query: "What is Langfuse?" }, metadata: { k: "2" } });
        await startActiveObservation("embed-query", async (embedding) => {
          embedding.update({ input: "What is Langfuse?", output: { dims: 3 } });
        });
        retrieval.update({ output: { docs: ["doc-1", "doc-2"] } });
      });
      await startActiveObservation(
        "llm-call",
        async (generation) => {
          generation.update({
            model: "gpt-3.5-turbo",
            modelParameters: { max_tokens: 256 },
            input: [{ role: "user", content: "What is Langfuse?" }],
            output: { role: "assistant", content: "An LLM observability platform." },
            usageDetails: { input: 12, output: 8, total: 20 },
            costDetails: { input: 1.2e-5, output: 1.6e-5 },
          });
        },
        { asType: "generation" },
      );
      root.update({ output: ANSWER });
      langfuse.score.trace(root, { name: "quality", value: 0.9 });
    });
  });
  await langfuse.score.flush();
  await sdk.shutdown();
}
main().catch((error) => { console.error(error); process.exit(1); });
