// Runs Langfuse's OTel mapping tests against mockfuse: the import of Langfuse's processor
// resolves to the shim, which talks to a running mockfuse (MOCKFUSE_URL).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// JSON carries no undefined: Langfuse's in-process test can ask for a key that is present
// with the value undefined, which no answer over HTTP can hold. Such an expectation is read
// as "absent", its only meaning on the wire; every other line runs as Langfuse wrote it.
const ABSENT_OVER_JSON = [["        model: undefined,\n", "        // model: absent\n"]];

export default {
  // vitest's cache stays out of the checkout.
  cacheDir: join(tmpdir(), "mockfuse-langfuse-otel-cases"),
  plugins: [
    {
      name: "absent-over-json",
      enforce: "pre",
      transform(code, id) {
        if (!id.endsWith(".servertest.ts")) return null;
        let changed = code;
        for (const [from, to] of ABSENT_OVER_JSON) {
          if (!changed.includes(from)) throw new Error(`expected to rewrite ${from.trim()}`);
          changed = changed.replace(from, to);
        }
        return { code: changed, map: null };
      },
    },
  ],
  resolve: {
    alias: {
      "@langfuse/shared/src/server": fileURLToPath(
        new URL("./langfuse_shared_shim.ts", import.meta.url),
      ),
    },
  },
  test: {
    globals: true,
    include: ["*.servertest.ts"],
    testTimeout: 30000,
  },
};
