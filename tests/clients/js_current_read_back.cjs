// The current Langfuse JS SDK's own calls beyond tracing: prompts (create, get, fallback,
// delete), datasets and their items (one carrying media), and reading a trace back through
// the API client.
// Prints what it read as JSON.
const { NodeSDK } = require("@opentelemetry/sdk-node");
const { LangfuseSpanProcessor } = require("@langfuse/otel");
const { startActiveObservation } = require("@langfuse/tracing");
const { LangfuseClient } = require("@langfuse/client");
const { LangfuseMedia, LangfuseMediaReference } = require("@langfuse/core");

async function main() {
  const processor = new LangfuseSpanProcessor();
  const sdk = new NodeSDK({ spanProcessors: [processor] });
  sdk.start();
  const langfuse = new LangfuseClient();
  const seen = {};

  await langfuse.prompt.create({ name: "js/greeting", prompt: "Hi {{name}}", labels: ["production"] });
  await langfuse.prompt.create({ name: "js/greeting", prompt: "Hello {{name}}", labels: [] });
  const production = await langfuse.prompt.get("js/greeting", { cacheTtlSeconds: 0 });
  const latest = await langfuse.prompt.get("js/greeting", { label: "latest", cacheTtlSeconds: 0 });
  seen.prompts = [
    [production.version, production.compile({ name: "Ada" })],
    [latest.version, latest.compile({ name: "Ada" })],
  ];
  await langfuse.prompt.delete("js/greeting", { version: 2 });
  const afterDelete = await langfuse.prompt.get("js/greeting", { label: "latest", cacheTtlSeconds: 0 });
  seen.latestAfterDelete = afterDelete.version;
  const fallback = await langfuse.prompt.get("js/missing", { fallback: "Bye {{name}}", maxRetries: 0, cacheTtlSeconds: 0 });
  seen.fallback = [fallback.isFallback, fallback.compile({ name: "Ada" })];

  await langfuse.api.datasets.create({ name: "js-current-set", description: "from the current js sdk" });
  await langfuse.api.datasetItems.create({ datasetName: "js-current-set", id: "js-item-1", input: { q: 1 }, expectedOutput: 2 });
  const picture = Buffer.from("\x89PNG\r\n\x1a\n a picture from js", "latin1");
  await langfuse.dataset.createItem({
    datasetName: "js-current-set",
    id: "js-item-2",
    input: { gallery: [new LangfuseMedia({ source: "bytes", contentBytes: picture, contentType: "image/png" })] },
  });
  const dataset = await langfuse.dataset.get("js-current-set");
  const plain = dataset.items.find((item) => item.id === "js-item-1");
  seen.dataset = [dataset.name, dataset.description, [[plain.id, plain.input, plain.expectedOutput]]];
  // The SDK rebuilt its media reference from the item's mediaReferences.
  const reference = dataset.items.find((item) => item.id === "js-item-2").input.gallery[0];
  const downloaded = Buffer.from(await (await fetch(reference.url)).arrayBuffer());
  seen.media = [reference instanceof LangfuseMediaReference, reference.contentType, downloaded.equals(picture)];

  const traceId = await startActiveObservation("js-read-back", async (root) => {
    root.update({ input: { question: "read me back" } });
    return root.traceId;
  });
  await processor.forceFlush();
  const trace = await langfuse.api.trace.get(traceId);
  seen.trace = [trace.name, trace.input, trace.observations.map((o) => o.name)];
  await sdk.shutdown();
  console.log(JSON.stringify(seen));
}
main().catch((error) => { console.error(error); process.exit(1); });
