// Prompt management through the legacy JS SDK (npm langfuse 3.x): createPrompt with the
// isActive flag it still sends, then getPrompt. Prints what it read back as JSON.
const { Langfuse } = require("langfuse");
async function main() {
  const langfuse = new Langfuse();
  const created = await langfuse.createPrompt({ name: "legacy-active", prompt: "Hi {{name}}", isActive: true });
  const fetched = await langfuse.getPrompt("legacy-active", undefined, { cacheTtlSeconds: 0 });
  console.log(JSON.stringify({ created: created.version, version: fetched.version, labels: fetched.labels, compiled: fetched.compile({ name: "Ada" }) }));
  await langfuse.shutdownAsync();
}
main().catch((error) => { console.error(error); process.exit(1); });
