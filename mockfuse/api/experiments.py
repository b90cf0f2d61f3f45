"""``GET /api/public/experiments`` and ``GET /api/public/experiment-items``: SDK 5.x's
``api.experiments``, read from the experiments the tenant's spans recorded
(``mockfuse.langfuse.experiments``).

As Langfuse answers them: ``fromStartTime`` is required, and the time range applies to items
before they are grouped into experiments; ``id``, ``name``, ``datasetId`` (and for items
``experimentId``, ``experimentName``, ``experimentItemId``) take comma-separated values;
``filter`` takes Langfuse's conditions on those columns; ``fields`` picks the field groups
shown; pages go by cursor, at most 100 a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockfuse.api.paging import bad_query, cursor_paged
from mockfuse.api.reading import Reading, in_time_range, meeting_filter, reading
from mockfuse.api.routing import Routes
from mockfuse.api.scores import score_v3
from mockfuse.langfuse.experiments import experiments_of

routes = Routes()

MOST_PER_PAGE = 100
MOST_SCORES = 50

EXPERIMENT_FIELDS = {
    "core": ("id", "name", "description", "startTime", "endTime", "itemCount", "datasetId"),
    "metadata": ("metadata",),
    "scores": (),
}
ITEM_FIELDS = {
    "core": (
        "id",
        "traceId",
        "startTime",
        "endTime",
        "level",
        "environment",
        "experimentId",
        "experimentName",
        "experimentItemId",
    ),
    "dataset": ("experimentDatasetId", "experimentItemVersion"),
    "io": ("input", "output", "expectedOutput"),
    "metadata": ("metadata",),
    "itemMetadata": ("experimentItemMetadata",),
    "experimentMetadata": ("experimentMetadata", "experimentDescription"),
    "scores": (),
}


def _groups(query: Any, known: dict[str, tuple[str, ...]], default: str) -> set[str] | str:
    """The field groups ``fields`` asks for (``core`` always), or the problem with them."""
    asked = {name.strip() for name in query.get("fields", default).split(",") if name.strip()}
    unknown = sorted(asked - set(known))
    if unknown:
        return f"fields: unknown field group(s) {unknown}; available: {', '.join(known)}"
    return asked | {"core"}


def _bounded(query: Any, name: str, most: int, default: int) -> int | str:
    try:
        value = int(query.get(name, default))
    except ValueError:
        return f"{name} must be an integer"
    return value if 1 <= value <= most else f"{name} must be between 1 and {most}"


def _matching(items: list[dict[str, Any]], query: Any, columns: dict[str, str]) -> list[Any]:
    """Items whose ``columns[name]`` is one of the comma-separated values of each parameter
    ``name`` given."""
    for name, field in columns.items():
        if name in query:
            wanted = {value.strip() for value in query[name].split(",")}
            items = [item for item in items if item.get(field) in wanted]
    return items


async def _listing(
    reading: Reading,
    *,
    fields: dict[str, tuple[str, ...]],
    default_fields: str,
    columns: dict[str, str],
    group: bool,
) -> web.Response:
    exchange, query = reading.exchange, reading.exchange.query
    if "fromStartTime" not in query:
        return bad_query(exchange, "fromStartTime: Required")
    groups = _groups(query, fields, default_fields)
    score_limit = _bounded(query, "scoreLimit", MOST_SCORES, MOST_SCORES)
    for problem in (groups, score_limit):
        if isinstance(problem, str):
            return bad_query(exchange, problem)
    assert isinstance(groups, set) and isinstance(score_limit, int)
    items = reading.exchange.services.experiments.items(exchange.tenant)
    in_range = in_time_range(items, query, "startTime", ("fromStartTime", "toStartTime"))
    if isinstance(in_range, str):
        return bad_query(exchange, in_range)
    listed = _matching(experiments_of(in_range) if group else in_range, query, columns)
    if "filter" in query:
        # The filter's column for an item's dataset is ``datasetId``, as for an experiment's.
        dataset = columns["datasetId"]
        filterable = [{**entry, "datasetId": entry[dataset]} for entry in listed]
        kept = meeting_filter(exchange, filterable, query)
        if isinstance(kept, web.Response):
            return kept
        listed = kept
    shown = [name for group_name, names in fields.items() if group_name in groups for name in names]
    scores = reading.scores if "scores" in groups else []
    project_id = reading.project_id

    def show(entry: dict[str, Any]) -> dict[str, Any]:
        view = {name: entry[name] for name in shown}
        if "scores" in groups:
            wanted = _scores_for(entry, group)
            view["scores"] = [score_v3(s, project_id) for s in scores if wanted(s)][:score_limit]
        return view

    return cursor_paged(exchange, listed, show, most=MOST_PER_PAGE)


def _scores_for(entry: dict[str, Any], experiment: bool) -> Callable[[dict[str, Any]], bool]:
    """An experiment's own scores (a run-level score names it as its dataset run); an item's,
    those on its trace and the observations in it."""
    if experiment:
        return lambda score: score["datasetRunId"] == entry["id"]
    return lambda score: score["traceId"] == entry["traceId"]


@routes.get("/api/public/experiments")
@reading
async def list_experiments(reading: Reading) -> web.Response:
    return await _listing(
        reading,
        fields=EXPERIMENT_FIELDS,
        default_fields="core",
        columns={"id": "id", "name": "name", "datasetId": "datasetId"},
        group=True,
    )


@routes.get("/api/public/experiment-items")
@reading
async def list_experiment_items(reading: Reading) -> web.Response:
    return await _listing(
        reading,
        fields=ITEM_FIELDS,
        default_fields="core,dataset",
        columns={
            "experimentId": "experimentId",
            "experimentName": "experimentName",
            "experimentItemId": "experimentItemId",
            "datasetId": "experimentDatasetId",
        },
        group=False,
    )
