"""Model prices through a Langfuse Python SDK's own calls (2.x and 5.x alike): define a model
for a custom model name, log a generation of it and one of gpt-3.5-turbo with token counts
only, and read the calculated costs back. Prints what it read as JSON."""

import importlib.metadata
import json

from langfuse import Langfuse

langfuse = Langfuse()
sdk_major = int(importlib.metadata.version("langfuse").split(".")[0])
usage = {"input": 1000, "output": 500}

if sdk_major >= 3:
    defined = langfuse.api.models.create(
        model_name="acme-llm",
        match_pattern="(?i)^acme-llm(-v\\d+)?$",
        unit="TOKENS",
        input_price=0.000002,
        output_price=0.000004,
    )
    for model in ("acme-llm-v2", "gpt-3.5-turbo"):
        generation = langfuse.start_observation(
            name=model, as_type="generation", model=model, usage_details=usage
        )
        generation.end()
    langfuse.flush()
    listed = langfuse.api.models.list(limit=100).data
    costs = {}
    for observation in langfuse.api.observations.get_many(fields="core,model,usage", limit=10).data:
        costs[observation.name] = {
            "model_id": observation.model_id,
            "input_price": observation.input_price,
            "total_cost": observation.total_cost,
            "cost_details": observation.cost_details,
        }
else:
    from langfuse.api.resources.models.types.create_model_request import CreateModelRequest

    defined = langfuse.client.models.create(
        request=CreateModelRequest(
            modelName="acme-llm",
            matchPattern="(?i)^acme-llm(-v\\d+)?$",
            unit="TOKENS",
            inputPrice=0.000002,
            outputPrice=0.000004,
        )
    )
    trace = langfuse.trace(name="priced")
    for model in ("acme-llm-v2", "gpt-3.5-turbo"):
        trace.generation(name=model, model=model, usage=usage).end()
    langfuse.flush()
    listed = langfuse.client.models.list(limit=100).data
    costs = {}
    for observation in langfuse.fetch_observations(type="GENERATION").data:
        costs[observation.name] = {
            "model_id": observation.model_id,
            "input_price": observation.input_price,
            "total_cost": observation.calculated_total_cost,
            "cost_details": observation.cost_details,
        }
print(
    json.dumps(
        {
            "defined_id": defined.id,
            "listed": [(m.model_name, m.is_langfuse_managed) for m in listed],
            "costs": costs,
        }
    )
)
