const assert = require("node:assert/strict");
const { afterEach, beforeEach, test } = require("node:test");

const KEY = (process.env.LANGFUSE_PUBLIC_KEY = "pk-lf-vercel-second");
const { processor, summarize } = require("./app.cjs");
const { assertNothingRejected, checkSnapshot, forget, traces } = require("./mockfuse.cjs");

beforeEach(() => forget(KEY));
afterEach(() => assertNothingRejected(KEY));

test("a plain call is one generation under its span", async () => {
  const answer = await summarize("Summarize Langfuse.");
  await processor.forceFlush();
  const [trace] = await traces(KEY);
  const [root, generation] = trace.observations.sort((a, b) => a.type === "SPAN" ? -1 : 1);
  assert.deepEqual([root.type, root.name], ["SPAN", "summary:ai.generateText"]);
  assert.deepEqual([generation.type, generation.model], ["GENERATION", "gpt-4o-mini"]);
  assert.equal(generation.output, answer);
  assert.match(JSON.stringify(generation.input), /Summarize Langfuse/);
  checkSnapshot(KEY, "second/a-plain-call");
});

test("each call is a trace of its own", async () => {
  await summarize("One.");
  await summarize("Two.");
  await processor.forceFlush();
  const found = await traces(KEY, { atLeast: 2 });
  assert.deepEqual(found.map((t) => t.input.prompt).sort(), ["One.", "Two."]);
});
