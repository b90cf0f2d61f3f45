const assert = require("node:assert/strict");
const { after, afterEach, beforeEach, test } = require("node:test");

const KEY = (process.env.LANGFUSE_PUBLIC_KEY = "pk-lf-js-second");
const { answer, flush, shutdown } = require("./app.cjs");
const { assertNothingRejected, checkSnapshot, forget, traces } = require("./mockfuse.cjs");

beforeEach(() => forget(KEY));
afterEach(() => assertNothingRejected(KEY));
after(shutdown);

test("questions asked at once are traces of their own", async () => {
  await Promise.all([answer("One?"), answer("Two?")]);
  await flush();
  const found = await traces(KEY, { atLeast: 2 });
  assert.deepEqual(found.map((t) => t.input.question).sort(), ["One?", "Two?"]);
  checkSnapshot(KEY, "second/two-at-once");
});

test("each question is answered once", async () => {
  await answer("Once?");
  await flush();
  const [trace] = await traces(KEY);
  assert.equal(trace.observations.filter((o) => o.type === "GENERATION").length, 1);
});
