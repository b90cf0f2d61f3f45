// The current JS SDK's trace list with Langfuse's `filter` query parameter: traces carry
// tags, metadata and users; prints which trace names each filter kept, as JSON.
const { NodeSDK } = require("@opentelemetry/sdk-node");
const { LangfuseSpanProcessor } = require("@langfuse/otel");
const { propagateAttributes, startActiveObservation } = require("@langfuse/tracing");
const { LangfuseClient } = require("@langfuse/client");

const TRACES = [
  { traceName: "checkout", userId: "ada", tags: ["shop", "eu"], metadata: { tier: "gold" } },
  { traceName: "refund", userId: "bob", tags: ["shop"], metadata: { tier: "silver" } },
  { traceName: "login", userId: "ada", tags: ["auth"], metadata: { tier: "gold" } },
];
const FILTERS = {
  user: [{ type: "string", column: "userId", operator: "=", value: "ada" }],
  tags: [{ type: "arrayOptions", column: "tags", operator: "all of", value: ["shop", "eu"] }],
  metadata: [{ type: "stringObject", column: "metadata", key: "tier", operator: "=", value: "gold" }],
  names: [{ type: "stringOptions", column: "Name", operator: "none of", value: ["login"] }],
  both: [
    { type: "string", column: "userId", operator: "=", value: "ada" },
    { type: "arrayOptions", column: "tags", operator: "none of", value: ["auth"] },
  ],
};

async function main() {
  const processor = new LangfuseSpanProcessor();
  const sdk = new NodeSDK({ spanProcessors: [processor] });
  sdk.start();
  for (const attributes of TRACES) {
    await propagateAttributes(attributes, async () => {
      await startActiveObservation(attributes.traceName, async () => {});
    });
  }
  await processor.forceFlush();
  const langfuse = new LangfuseClient();
  const kept = {};
  for (const [name, filter] of Object.entries(FILTERS)) {
    const traces = await langfuse.api.trace.list({ filter: JSON.stringify(filter) });
    kept[name] = traces.data.map((trace) => trace.name).sort();
  }
  try {
    await langfuse.api.trace.list({ filter: "not json" });
  } catch (error) {
    kept.badFilter = error.statusCode;
  }
  await sdk.shutdown();
  console.log(JSON.stringify(kept));
}
main().catch((error) => { console.error(error); process.exit(1); });
