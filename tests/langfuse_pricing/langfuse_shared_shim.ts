/**
 * Stands in for Langfuse's pricing code under its own pricing tier tests
 * (pricing-tier-matcher.test.ts, copied verbatim): every function the tests call answers
 * with mockfuse's rules (mockfuse_pricing.py, run with MOCKFUSE_PYTHON), and the model list
 * they read is the one mockfuse ships (mockfuse/langfuse/data/model_prices.json).
 *
 * - matchPricingTier, hasPricingTierUsageDetails, validateRegexPattern: mockfuse's
 *   matching_tier, has_usage_details, check_usage_pattern;
 * - default-model-prices.json: mockfuse's shipped copy of it;
 * - DefaultModelPriceSchema: accepts a model when mockfuse loads it with its tiers held to
 *   the rules user-defined models are held to.
 */
import { execFileSync } from "node:child_process";
import { Decimal } from "decimal.js";
import { z } from "zod";

const PYTHON = process.env.MOCKFUSE_PYTHON ?? "python3";
const SCRIPT = new URL("./mockfuse_pricing.py", import.meta.url).pathname;

function mockfuse(request: Record<string, unknown>): any {
  return JSON.parse(execFileSync(PYTHON, [SCRIPT, JSON.stringify(request)]).toString());
}

const shipped: { models: any[]; refused: Record<string, string> } = mockfuse({
  call: "shippedModels",
});

export default shipped.models;

export const DefaultModelPriceSchema = z.custom(
  (entry: any) => !(entry?.id in shipped.refused),
  { message: "mockfuse refuses this model" },
);

export type PricingTierWithPrices = any;

export function matchPricingTier(tiers: any[], usageDetails: any, attributes: any = {}): any {
  const result = mockfuse({
    call: "matchPricingTier",
    tiers: tiers.map((tier) => ({
      ...tier,
      prices: Object.fromEntries(tier.prices.map((p: any) => [p.usageType, p.price.toString()])),
    })),
    usage: usageDetails,
    attributes,
  });
  if (result === null) return null;
  return {
    ...result,
    prices: Object.fromEntries(
      Object.entries(result.prices).map(([usage, price]) => [usage, new Decimal(price as string)]),
    ),
  };
}

export function hasPricingTierUsageDetails(usageDetails: any): boolean {
  return mockfuse({ call: "hasPricingTierUsageDetails", usage: usageDetails ?? null });
}

export function validateRegexPattern(pattern: string): void {
  const refusal = mockfuse({ call: "validateRegexPattern", pattern });
  if (refusal !== null) throw new Error(refusal);
}
