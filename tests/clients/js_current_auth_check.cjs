// The current JS SDK's project lookup (its way to check keys) with the LANGFUSE_* keys it was
// given: prints the project id, or the status it was refused with.
const { LangfuseClient } = require("@langfuse/client");
async function main() {
  const langfuse = new LangfuseClient();
  try {
    const projects = await langfuse.api.projects.get();
    console.log(JSON.stringify(projects.data.map((project) => project.id)));
  } catch (error) {
    console.log(JSON.stringify(error.statusCode ?? String(error)));
  }
}
main().catch((error) => { console.error(error); process.exit(1); });
