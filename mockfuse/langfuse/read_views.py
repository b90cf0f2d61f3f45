"""Traces and observations as Langfuse's read API shows them: the fields it derives (costs,
prices, latency, the prompt and model links, the trace's fields on each observation). One
place makes them for the read API (``GET /api/public/traces/{id}``, ``/observations``) and
for a test's handle (``mockfuse.traces``, ``mockfuse.observations``), so both agree field for
field."""

from __future__ import annotations

from dataclasses import dataclass

from mockfuse.langfuse.models import Model, ModelBook, has_usage_details
from mockfuse.langfuse.projection import Entity, trace_latency
from mockfuse.langfuse.prompts import PromptBook
from mockfuse.langfuse.timestamps import seconds_between


def total_cost(observation: Entity) -> float | None:
    """An observation's total cost; None when it has no costs, as Langfuse shows it."""
    costs = observation.get("costDetails") or {}
    if "total" in costs:
        return float(costs["total"])
    return float(sum(costs.values())) if costs else None


def trace_summary(trace: Entity, project_id: str) -> Entity:
    """A trace as the trace list shows it: without its observations and scores."""
    return {
        **{k: v for k, v in trace.items() if k not in ("observations", "scores")},
        "htmlPath": f"/project/{project_id}/traces/{trace['id']}",
        "latency": trace_latency(trace),
        "totalCost": sum(total_cost(o) or 0.0 for o in trace["observations"]),
    }


def _usage(observation: Entity) -> Entity:
    """The ``usage`` object of Langfuse's observation views, from the normalized details."""
    counts, costs = observation["usageDetails"], observation["costDetails"]
    sent = observation.get("usage") or {}
    return {
        "input": counts.get("input", 0),
        "output": counts.get("output", 0),
        "total": counts.get("total", 0),
        "unit": sent.get("unit") or "TOKENS",
        "inputCost": costs.get("input"),
        "outputCost": costs.get("output"),
        "totalCost": costs.get("total"),
    }


def _pricing(model: Model | None, costs: dict[str, float]) -> Entity:
    prices = model.prices if model else {}
    return {
        "modelId": model.id if model else None,
        "inputPrice": prices.get("input"),
        "outputPrice": prices.get("output"),
        "totalPrice": prices.get("total"),
        "calculatedInputCost": costs.get("input"),
        "calculatedOutputCost": costs.get("output"),
        "calculatedTotalCost": costs.get("total"),
    }


@dataclass
class ReadViews:
    """The read API's views of one tenant's entities."""

    tenant: str | None
    project_id: str
    prompts: PromptBook
    models: ModelBook

    def observation(self, observation: Entity, trace: Entity | None) -> Entity:
        """``observation`` as the read API shows it, linked to its model and prompt."""
        trace = trace or {}
        prompt_id = self.prompts.id_of(
            self.tenant, observation.get("promptName"), observation.get("promptVersion")
        )
        model = self.models.match(self.tenant, observation["model"])
        usage = observation["usageDetails"]
        # The tier its usage was priced by, as Langfuse records it: whenever a model and
        # usage are known, even when the client's own costs were kept.
        tier = (
            model.tier_for(usage, observation.get("modelParameters"), observation.get("metadata"))
            if model is not None and has_usage_details(usage)
            else None
        )
        return {
            **observation,
            **_pricing(model, observation["costDetails"]),
            "usagePricingTierId": tier.id if tier else None,
            "usagePricingTierName": tier.name if tier else None,
            "usage": _usage(observation),
            "projectId": self.project_id,
            "isRootObservation": observation.get("parentObservationId") is None,
            "latency": seconds_between(observation["startTime"], observation["endTime"]),
            "timeToFirstToken": seconds_between(
                observation["startTime"], observation.get("completionStartTime")
            ),
            "totalCost": total_cost(observation),
            "userId": trace.get("userId"),
            "sessionId": trace.get("sessionId"),
            "traceName": trace.get("name"),
            "tags": trace.get("tags"),
            "release": trace.get("release"),
            "promptId": prompt_id,
        }

    def trace(self, trace: Entity) -> Entity:
        """``trace`` as ``GET /api/public/traces/{id}`` shows it, observations and scores
        included."""
        return {
            **trace_summary(trace, self.project_id),
            "observations": [self.observation(o, trace) for o in trace["observations"]],
            "scores": trace["scores"],
        }
