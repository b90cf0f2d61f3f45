/**
 * Stands in for `@langfuse/shared/src/server` under Langfuse's own OTel mapping tests
 * (otelMapping.servertest.ts, copied verbatim): the processor under test is mockfuse.
 *
 * `processToIngestionEvents` sends the test's spans to a running mockfuse as an OTLP export
 * (OTLP/JSON, or protobuf through the harness's relay) under a public key of its own, then
 * returns the ingestion events mockfuse made of them (`/_mockfuse/events`). Trace ids the
 * test says were already seen are exported first as one span each, and their events left
 * out, so mockfuse has seen them as Langfuse's processor would have.
 *
 * `createIngestionEventSchema().safeParse(event)` posts the event to mockfuse's ingestion
 * endpoint (a scratch key) and succeeds when mockfuse accepts it there.
 *
 * `processToEvent` (Langfuse's direct write of observations, without ingestion events) is
 * served from the same export: each observation event mockfuse made, with the trace event
 * made from the same span, in `processToEvent`'s field names. Where a test compares the two
 * paths that comparison holds by construction; its other assertions still judge mockfuse.
 * Fields of that path with no counterpart in ingestion events (`isAppRoot`,
 * `toolDefinitions`) are left out, and those cases fail.
 *
 * Langfuse's other internals the tests call (`getTotalSpanCount`,
 * `convertNanoTimestampToISO`, `isLangfuseInternal`) have no counterpart in a server that
 * answers over HTTP: they throw `NotServedByMockfuse`, and the harness lists those cases.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

const MOCKFUSE_URL = process.env.MOCKFUSE_URL ?? "http://127.0.0.1:3000";
const EXPORT_URL =
  process.env.MOCKFUSE_EXPORT_URL ?? `${MOCKFUSE_URL}/api/public/otel/v1/traces`;

export class NotServedByMockfuse extends Error {
  constructor(what: string) {
    super(`NotServedByMockfuse: ${what} is Langfuse's internal API, not served over HTTP`);
  }
}

export type ResourceSpan = any;
export type IngestionEventType = any;
export type OtelIngestionProcessorConfig = {
  projectId: string;
  publicKey: string;
  sdkName: string;
  sdkVersion: string;
  isLangfuseInternal?: boolean;
  [key: string]: unknown;
};

function hexId(value: any): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("hex");
  if (value.data !== undefined) return hexId(Buffer.from(value.data));
  if (value.type === "Buffer") return "";
  return String(value);
}

function nanos(value: any): string | number | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === "object" && "high" in value && "low" in value) {
    const low = BigInt(value.low >>> 0);
    const high = BigInt(value.unsigned ? value.high >>> 0 : value.high);
    return ((high << 32n) + low).toString();
  }
  return value;
}

/** The test's spans (ids as Buffers, times as protobufjs Longs) as OTLP/JSON. */
function otlpJson(resourceSpans: ResourceSpan[]): unknown {
  return {
    resourceSpans: resourceSpans.map((resourceSpan: any) =>
      resourceSpan
        ? {
            ...resourceSpan,
            scopeSpans: (resourceSpan.scopeSpans ?? []).map((scopeSpan: any) => ({
              ...scopeSpan,
              spans: (scopeSpan?.spans ?? []).map((span: any) => ({
                ...span,
                traceId: hexId(span.traceId),
                spanId: hexId(span.spanId),
                parentSpanId: hexId(span.parentSpanId),
                startTimeUnixNano: nanos(span.startTimeUnixNano),
                endTimeUnixNano: nanos(span.endTimeUnixNano),
                events: (span.events ?? []).map((event: any) => ({
                  ...event,
                  timeUnixNano: nanos(event.timeUnixNano),
                })),
              })),
            })),
          }
        : resourceSpan,
    ),
  };
}

function authorization(publicKey: string): string {
  return "Basic " + Buffer.from(`${publicKey}:sk-lf-cases`).toString("base64");
}

async function exportSpans(publicKey: string, body: unknown): Promise<void> {
  const response = await fetch(EXPORT_URL, {
    method: "POST",
    headers: { Authorization: authorization(publicKey), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) {
    throw new Error(`mockfuse answered ${response.status}: ${await response.text()}`);
  }
}

async function events(publicKey: string): Promise<any[]> {
  const response = await fetch(`${MOCKFUSE_URL}/_mockfuse/events?public_key=${publicKey}`);
  const items = ((await response.json()) as { data: any[] }).data;
  return items.map(({ id, type, timestamp, body }) => ({ id, type, timestamp, body }));
}

function seedSpan(traceId: string): unknown {
  return {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: randomBytes(8).toString("hex"),
                parentSpanId: randomBytes(8).toString("hex"),
                name: "seen before",
                startTimeUnixNano: "1000000000",
                endTimeUnixNano: "2000000000",
              },
            ],
          },
        ],
      },
    ],
  };
}

export class OtelIngestionProcessor {
  private seenTraces: Set<string> = new Set();
  private isInitialized = false;

  constructor(private readonly config: OtelIngestionProcessorConfig) {}

  async processToIngestionEvents(resourceSpans: ResourceSpan[]): Promise<IngestionEventType[]> {
    if (this.config.isLangfuseInternal) {
      throw new NotServedByMockfuse("isLangfuseInternal");
    }
    const publicKey = `pk-lf-case-${randomBytes(6).toString("hex")}`;
    for (const traceId of this.seenTraces) {
      await exportSpans(publicKey, seedSpan(traceId));
    }
    const before = (await events(publicKey)).length;
    await exportSpans(publicKey, otlpJson(resourceSpans));
    return (await events(publicKey)).slice(before);
  }

  processToEvent(resourceSpans: ResourceSpan[]): any[] {
    const publicKey = `pk-lf-case-${randomBytes(6).toString("hex")}`;
    const made: any[] = JSON.parse(
      runSync(
        `
        const [exportUrl, eventsUrl, auth, body] = process.argv.slice(1);
        (async () => {
          const sent = await fetch(exportUrl, { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body });
          if (sent.status >= 300) throw new Error("mockfuse answered " + sent.status + ": " + (await sent.text()));
          const events = await (await fetch(eventsUrl)).json();
          process.stdout.write(JSON.stringify(events.data));
        })().catch((error) => { console.error(error); process.exit(1); });
        `,
        EXPORT_URL,
        `${MOCKFUSE_URL}/_mockfuse/events?public_key=${publicKey}`,
        authorization(publicKey),
        JSON.stringify(otlpJson(resourceSpans)),
      ),
    );
    const inputs: any[] = [];
    let trace: any = undefined;
    for (const event of made) {
      if (event.type === "trace-create") {
        trace = event.body;
        continue;
      }
      const body = event.body;
      const ownTrace = trace?.id === body.traceId ? trace : undefined;
      trace = undefined;
      inputs.push({
        projectId: this.config.projectId,
        traceId: body.traceId,
        spanId: body.id,
        parentSpanId: body.parentObservationId,
        name: body.name,
        type: String(event.type).replace(/-create$/, "").toUpperCase(),
        environment: body.environment,
        version: body.version,
        startTimeISO: body.startTime,
        endTimeISO: body.endTime,
        level: body.level,
        statusMessage: body.statusMessage,
        promptName: body.promptName,
        promptVersion: body.promptVersion,
        modelParameters: body.modelParameters,
        modelName: body.model,
        completionStartTime: body.completionStartTime,
        providedUsageDetails: body.usageDetails,
        providedCostDetails: body.costDetails,
        tags: ownTrace?.tags ?? [],
        public: ownTrace?.public,
        userId: ownTrace?.userId,
        sessionId: ownTrace?.sessionId,
        release: ownTrace?.release ?? null,
        input: body.input,
        output: body.output,
        metadata: body.metadata,
        source: "otel",
      });
    }
    return inputs;
  }

  getTotalSpanCount(_resourceSpans: unknown): number {
    throw new NotServedByMockfuse("getTotalSpanCount");
  }

  static convertNanoTimestampToISO(_timestamp: unknown): string | undefined {
    throw new NotServedByMockfuse("convertNanoTimestampToISO");
  }
}

/** Runs `script` in a child node (this file's callers are synchronous) and returns its output. */
function runSync(script: string, ...args: string[]): string {
  return execFileSync(process.execPath, ["-e", script, ...args]).toString();
}

export function createIngestionEventSchema() {
  return {
    parse(event: unknown): unknown {
      const result = this.safeParse(event);
      if (!result.success) {
        throw new Error(`mockfuse refused the event: ${JSON.stringify(result.error)}`);
      }
      return event;
    },
    safeParse(event: unknown): { success: boolean; error?: unknown } {
      const script = `
        const [url, auth, body] = process.argv.slice(1);
        fetch(url, { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body })
          .then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.json() })));
      `;
      const answer = JSON.parse(
        runSync(
          script,
          `${MOCKFUSE_URL}/api/public/ingestion`,
          authorization("pk-lf-case-schema"),
          JSON.stringify({ batch: [event] }),
        ),
      );
      const errors = answer.body?.errors ?? [];
      return answer.status === 207 && errors.length === 0
        ? { success: true }
        : { success: false, error: answer.body };
    },
  };
}
