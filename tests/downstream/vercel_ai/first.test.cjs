const assert = require("node:assert/strict");
const { afterEach, beforeEach, test } = require("node:test");

// One key a test file (node --test runs files in processes of their own, side by side).
const KEY = (process.env.LANGFUSE_PUBLIC_KEY = "pk-lf-vercel-first");
const { forecast, processor } = require("./app.cjs");
const { assertNothingRejected, checkSnapshot, forget, traces } = require("./mockfuse.cjs");

beforeEach(() => forget(KEY));
afterEach(() => assertNothingRejected(KEY));

test("a tool loop is a span with two priced generations and the tool", async () => {
  assert.equal(await forecast("Weather in Paris?"), "It is sunny.");
  await processor.forceFlush();
  const [trace] = await traces(KEY);
  assert.equal(trace.name, "weather:ai.generateText");
  const byType = {};
  for (const o of trace.observations) (byType[o.type] ??= []).push(o);
  const [root] = byType.SPAN;
  const [weather] = byType.TOOL;
  const calls = byType.GENERATION.sort((a, b) => a.startTime.localeCompare(b.startTime));
  assert.deepEqual(
    calls.map((c) => [c.name, c.model, c.parentObservationId]),
    [
      ["weather:ai.generateText.doGenerate", "gpt-4o-mini", root.id],
      ["weather:ai.generateText.doGenerate", "gpt-4o-mini", root.id],
    ],
  );
  assert.deepEqual([weather.name, weather.input, weather.output], ["getWeather", { city: "Paris" }, "sunny in Paris"]);
  for (const call of calls) {
    assert.deepEqual(call.usageDetails, { input: 12, output: 5, total: 17 });
    // Priced as Langfuse prices gpt-4o-mini: $0.15 and $0.60 per million tokens.
    assert.ok(Math.abs(call.costDetails.total - 4.8e-6) < 1e-12);
  }
  assert.equal(calls[1].output, "It is sunny.");
  assert.match(JSON.stringify(calls[1].input), /sunny in Paris/); // the tool's result, sent back
  assert.equal(calls[0].modelParameters.finishReason, "tool-calls");
  checkSnapshot(KEY, "first/a-tool-loop");
});

test("the function id names the trace and its spans", async () => {
  await forecast("And in Rome?");
  await processor.forceFlush();
  const [trace] = await traces(KEY);
  assert.deepEqual([trace.name, trace.input], ["weather:ai.generateText", { prompt: "And in Rome?" }]);
  const names = new Set(trace.observations.map((o) => o.name));
  assert.deepEqual([...names].sort(), ["getWeather", "weather:ai.generateText", "weather:ai.generateText.doGenerate"]);
});

test("a test sees only its own traces", async () => {
  await forecast("Weather in Oslo?");
  await processor.forceFlush();
  const found = await traces(KEY);
  assert.equal(found.length, 1);
  assert.match(JSON.stringify(found[0].input), /Oslo/);
});
