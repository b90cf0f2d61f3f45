// An app on the current Langfuse JS SDK, as Langfuse's docs set it up: OpenTelemetry's NodeSDK
// with @langfuse/otel's span processor and one LangfuseClient (scores), made once per process
// and configured by LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_BASE_URL. Like a real
// app it stamps each request with a fresh id and the time it came in, and keeps the model's
// response id: values that change on every run.
const { randomBytes, randomUUID } = require("node:crypto");
const { NodeSDK } = require("@opentelemetry/sdk-node");
const { LangfuseSpanProcessor } = require("@langfuse/otel");
const { propagateAttributes, startActiveObservation } = require("@langfuse/tracing");
const { LangfuseClient } = require("@langfuse/client");

const processor = new LangfuseSpanProcessor();
const sdk = new NodeSDK({ spanProcessors: [processor] });
sdk.start();
const langfuse = new LangfuseClient();

function responseId() {
  return `chatcmpl-${randomBytes(21).toString("base64url").replace(/[-_]/g, "x")}`;
}

async function answer(question, { userId } = {}) {
  return startActiveObservation("answer", async (root) => {
    const request = { requestId: randomUUID(), receivedAt: new Date().toISOString() };
    root.update({ input: { question }, metadata: request });
    const attributes = userId ? { userId, sessionId: "chat-1" } : {};
    return propagateAttributes(attributes, async () => {
      const docs = await startActiveObservation("retrieve", async (span) => {
        const found = [`doc about ${question}`];
        span.update({ input: { query: question }, output: { docs: found } });
        return found;
      });
      const reply = await startActiveObservation(
        "reply",
        async (generation) => {
          const text = `answer to ${question}`;
          generation.update({
            model: "gpt-4o-mini",
            input: [{ role: "user", content: `${question} (${docs.length} docs)` }],
            output: { role: "assistant", content: text },
            usageDetails: { input: 10, output: 4 },
            metadata: { responseId: responseId() },
          });
          return text;
        },
        { asType: "generation" },
      );
      root.update({ output: { reply } });
      langfuse.score.trace(root, { name: "helpful", value: 1 });
      return reply;
    });
  });
}

async function flush() {
  await processor.forceFlush();
  await langfuse.score.flush();
}

module.exports = { answer, flush, shutdown: () => sdk.shutdown() };
