// What a JavaScript suite needs of `mockfuse serve`: its admin API (forget a key's captures,
// read its traces as Langfuse shows them, fail on data it rejected) and `mockfuse check` for
// snapshot files (MOCKFUSE_UPDATE=1 writes them).
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const url = process.env.LANGFUSE_BASE_URL;

async function forget(publicKey) {
  await fetch(`${url}/_mockfuse/captures?public_key=${publicKey}`, { method: "DELETE" });
}

async function traces(publicKey, { atLeast = 1, timeoutMs = 10000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetch(`${url}/_mockfuse/traces?public_key=${publicKey}`);
    const { data } = await answer.json();
    if (data.length >= atLeast || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 50)); // poll until there or late
  }
}

// Nothing dropped silently: a test fails when mockfuse rejected what its clients sent.
async function assertNothingRejected(publicKey) {
  const answer = await fetch(`${url}/_mockfuse/rejections?public_key=${publicKey}`);
  const { data } = await answer.json();
  if (data.length) throw new Error(`mockfuse rejected:\n${data.map((r) => r.description).join("\n")}`);
}

function checkSnapshot(publicKey, name) {
  const file = path.join(__dirname, "snapshots", `${name}.json`);
  const update = process.env.MOCKFUSE_UPDATE ? ["--update"] : [];
  const args = ["check", "--url", url, "--public-key", publicKey, file, ...update];
  execFileSync("mockfuse", args, { stdio: "inherit" });
}

module.exports = { assertNothingRejected, checkSnapshot, forget, traces };
