// Runs Langfuse's pricing tier tests against mockfuse's pricing rules: Langfuse's imports
// resolve to the shim, which asks mockfuse (see langfuse_shared_shim.ts).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const shim = fileURLToPath(new URL("./langfuse_shared_shim.ts", import.meta.url));
// The packages the tests import live in the harness's client environment (NODE_PATH), which
// ES module resolution does not search.
const modules = process.env.NODE_PATH ?? "node_modules";

export default {
  // vitest's cache stays out of the checkout.
  cacheDir: join(tmpdir(), "mockfuse-langfuse-pricing-cases"),
  resolve: {
    alias: [
      { find: /^@langfuse\/shared(\/src\/server)?$/, replacement: shim },
      { find: /^\.\.\/scripts\/upsertDefaultModelPrices$/, replacement: shim },
      { find: /^\.\.\/constants\/default-model-prices\.json$/, replacement: shim },
      { find: /^(decimal\.js|zod)$/, replacement: join(modules, "$1") },
    ],
  },
  test: {
    include: ["*.test.ts"],
    testTimeout: 60000,
  },
};
