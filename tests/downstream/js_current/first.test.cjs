const assert = require("node:assert/strict");
const { after, afterEach, beforeEach, test } = require("node:test");

// One key a test file (node --test runs files in processes of their own, side by side).
const KEY = (process.env.LANGFUSE_PUBLIC_KEY = "pk-lf-js-first");
const { answer, flush, shutdown } = require("./app.cjs");
const { assertNothingRejected, checkSnapshot, forget, traces } = require("./mockfuse.cjs");

beforeEach(() => forget(KEY));
afterEach(() => assertNothingRejected(KEY));
after(shutdown);

test("a question is a trace with its retrieval, a priced generation and a score", async () => {
  assert.equal(await answer("What is Langfuse?"), "answer to What is Langfuse?");
  await flush();
  const [trace] = await traces(KEY);
  assert.equal(trace.name, "answer");
  const byName = Object.fromEntries(trace.observations.map((o) => [o.name, o]));
  assert.equal(byName.retrieve.parentObservationId, byName.answer.id);
  assert.equal(byName.reply.type, "GENERATION");
  assert.equal(byName.reply.parentObservationId, byName.answer.id);
  // Priced as Langfuse prices gpt-4o-mini: $0.15 and $0.60 per million tokens.
  assert.ok(Math.abs(byName.reply.costDetails.total - 3.9e-6) < 1e-12);
  assert.deepEqual(trace.scores.map((s) => [s.name, s.value]), [["helpful", 1]]);
  checkSnapshot(KEY, "first/a-question");
});

test("the user and session reach the trace", async () => {
  await answer("Who asks?", { userId: "user-7" });
  await flush();
  const [trace] = await traces(KEY);
  assert.deepEqual([trace.userId, trace.sessionId], ["user-7", "chat-1"]);
  checkSnapshot(KEY, "first/user-and-session");
});

test("a test sees only its own traces", async () => {
  await answer("Only mine?");
  await flush();
  const found = await traces(KEY);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].input, { question: "Only mine?" });
});
