// An app on the Vercel AI SDK, traced as Langfuse's docs connect it: the AI SDK's
// experimental_telemetry spans, exported by @langfuse/otel's span processor (configured by
// LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_BASE_URL), registered once per
// process. The model is the AI SDK's own mock: it calls the tool it is offered once, then
// answers.
const { NodeTracerProvider } = require("@opentelemetry/sdk-trace-node");
const { LangfuseSpanProcessor } = require("@langfuse/otel");
const { generateText, stepCountIs, tool } = require("ai");
const { MockLanguageModelV3 } = require("ai/test");
const { z } = require("zod");

const processor = new LangfuseSpanProcessor();
const provider = new NodeTracerProvider({ spanProcessors: [processor] });
provider.register();

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};
const model = new MockLanguageModelV3({
  provider: "openai.chat",
  modelId: "gpt-4o-mini",
  doGenerate: async ({ prompt, tools }) => {
    const answered = prompt.some((message) => message.role === "tool");
    if (tools?.length && !answered) {
      const input = JSON.stringify({ city: "Paris" });
      const call = { type: "tool-call", toolCallId: "call-1", toolName: tools[0].name, input };
      return { content: [call], finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage, warnings: [] };
    }
    const asked = JSON.stringify(prompt.at(-1).content);
    const text = answered ? "It is sunny." : `echo: ${asked}`;
    return { content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
  },
});

const getWeather = tool({
  description: "The weather in a city.",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny in ${city}`,
});

async function forecast(question) {
  const { text } = await generateText({
    model,
    prompt: question,
    tools: { getWeather },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, functionId: "weather" },
  });
  return text;
}

async function summarize(question) {
  const { text } = await generateText({
    model,
    prompt: question,
    experimental_telemetry: { isEnabled: true, functionId: "summary" },
  });
  return text;
}

module.exports = { forecast, processor, summarize };
