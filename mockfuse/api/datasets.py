"""Datasets and runs: ``/api/public/v2/datasets[/{name}]`` (and the deprecated v1
``/api/public/datasets[/{name}]``), ``/api/public/dataset-items[/{id}]``,
``/api/public/dataset-run-items`` and ``/api/public/datasets/{name}/runs[/{run}]``.

Clients encode dataset and run names differently (SDK 5.x quotes every character of a name in
a path, SDK 2.x quotes a name it puts in a query, and its HTTP client may quote it again);
Langfuse decodes a name once more after the framework has, and so does mockfuse when the name
as received names nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import unquote

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.media import dataset_item_view, unresolvable_media
from mockfuse.api.paging import bad_query, not_found, paged
from mockfuse.api.routing import Handler, Routes
from mockfuse.langfuse.datasets import DatasetBook, DatasetError, DatasetNotFound, parse_version

routes = Routes()

Work = Callable[[Exchange, DatasetBook], Awaitable[web.Response]]


def datasets_route(path: str, **handlers: Work) -> None:
    """Declare ``path`` with a handler per method; the book's refusals become Langfuse's
    400 and 404 answers."""
    for method, work in handlers.items():
        routes.route(method.upper(), path)(_answering_refusals(work))


def _answering_refusals(work: Work) -> Handler:
    async def handle(exchange: Exchange) -> web.Response:
        try:
            return await work(exchange, exchange.services.datasets)
        except DatasetError as error:
            return exchange.answer_invalid(str(error), body=_body_of(exchange))
        except DatasetNotFound as error:
            return not_found(exchange, str(error), body=_body_of(exchange))

    return handle


def _body_of(exchange: Exchange) -> Any:
    """The body the handler decoded (``json_body``), for the request log; None if none."""
    return exchange.parsed_body


def _spec(exchange: Exchange) -> dict[str, Any] | web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    if not isinstance(spec, dict):
        return exchange.answer_invalid("Expected object", body=spec)
    return spec


T = TypeVar("T")


def _by_name(name: str, lookup: Callable[[str], T]) -> T:
    """What ``lookup`` finds for ``name`` as received, else for ``name`` decoded once more."""
    try:
        return lookup(name)
    except DatasetNotFound:
        if unquote(name) == name:
            raise
        return lookup(unquote(name))


# -- datasets -------------------------------------------------------------------------------


async def _create_dataset(exchange: Exchange, book: DatasetBook) -> web.Response:
    spec = _spec(exchange)
    if isinstance(spec, web.Response):
        return spec
    return exchange.answer(200, book.upsert_dataset(exchange.tenant, spec), body=spec)


async def _list_datasets(exchange: Exchange, book: DatasetBook) -> web.Response:
    return paged(exchange, book.datasets(exchange.tenant))


async def _get_dataset(exchange: Exchange, book: DatasetBook) -> web.Response:
    found = _by_name(exchange.match("name"), lambda name: book.dataset(exchange.tenant, name))
    return exchange.answer(200, found)


datasets_route("/api/public/v2/datasets", post=_create_dataset, get=_list_datasets)
datasets_route("/api/public/v2/datasets/{name}", get=_get_dataset)


# The deprecated v1 routes (the legacy JS SDK's createDataset posts to v1): a dataset comes
# with its items and its runs.


def _with_items_and_runs(
    exchange: Exchange, book: DatasetBook, dataset: dict[str, Any], *, whole: bool
) -> dict[str, Any]:
    tenant = exchange.tenant
    items = book.items(tenant, dataset_name=dataset["name"])
    runs = book.runs(tenant, dataset["name"])
    return {
        **{k: v for k, v in dataset.items() if k not in ("inputSchema", "expectedOutputSchema")},
        "items": (
            [dataset_item_view(exchange, item) for item in items]
            if whole
            else [item["id"] for item in items]
        ),
        "runs": [run["name"] for run in runs],
    }


async def _create_dataset_v1(exchange: Exchange, book: DatasetBook) -> web.Response:
    spec = _spec(exchange)
    if isinstance(spec, web.Response):
        return spec
    key = exchange.tenant
    dataset = book.upsert_dataset(key, spec)
    created = _with_items_and_runs(exchange, book, dataset, whole=True)
    created["runs"] = book.runs(key, dataset["name"])  # v1's create answers whole runs
    return exchange.answer(200, created, body=spec)


async def _list_datasets_v1(exchange: Exchange, book: DatasetBook) -> web.Response:
    key = exchange.tenant
    datasets = [_with_items_and_runs(exchange, book, d, whole=False) for d in book.datasets(key)]
    return paged(exchange, datasets)


async def _get_dataset_v1(exchange: Exchange, book: DatasetBook) -> web.Response:
    key = exchange.tenant
    dataset = _by_name(exchange.match("name"), lambda name: book.dataset(key, name))
    return exchange.answer(200, _with_items_and_runs(exchange, book, dataset, whole=True))


datasets_route("/api/public/datasets", post=_create_dataset_v1, get=_list_datasets_v1)
datasets_route("/api/public/datasets/{name}", get=_get_dataset_v1)


# -- items ----------------------------------------------------------------------------------


async def _upsert_item(exchange: Exchange, book: DatasetBook) -> web.Response:
    spec = _spec(exchange)
    if isinstance(spec, web.Response):
        return spec
    unknown = unresolvable_media(exchange, spec)
    if unknown:
        return exchange.answer_invalid_request(
            f"Dataset item references unknown media: {', '.join(unknown)}", body=spec
        )
    name = spec.get("datasetName")
    tenant = exchange.tenant
    if not isinstance(name, str):
        item = book.upsert_item(tenant, spec)
    else:
        item = _by_name(name, lambda name: book.upsert_item(tenant, {**spec, "datasetName": name}))
    return exchange.answer(200, dataset_item_view(exchange, item), body=spec)


async def _list_items(exchange: Exchange, book: DatasetBook) -> web.Response:
    query = exchange.query
    name = query.get("datasetName")
    version = query.get("version")
    if version is not None and name is None:
        return bad_query(exchange, "datasetName is required when version parameter is provided")
    moment = parse_version(version) if version is not None else None

    def items(dataset_name: str | None) -> list[dict[str, Any]]:
        return book.items(
            exchange.tenant,
            dataset_name=dataset_name,
            source_trace_id=query.get("sourceTraceId"),
            source_observation_id=query.get("sourceObservationId"),
            version=moment,
        )

    found = items(None) if name is None else _by_name(name, items)
    return paged(exchange, [dataset_item_view(exchange, item) for item in found])


async def _get_item(exchange: Exchange, book: DatasetBook) -> web.Response:
    item = book.item(exchange.tenant, exchange.match("item_id"))
    return exchange.answer(200, dataset_item_view(exchange, item))


async def _delete_item(exchange: Exchange, book: DatasetBook) -> web.Response:
    book.delete_item(exchange.tenant, exchange.match("item_id"))
    return exchange.answer(200, {"message": "Dataset item successfully deleted"})


datasets_route("/api/public/dataset-items", post=_upsert_item, get=_list_items)
datasets_route("/api/public/dataset-items/{item_id}", get=_get_item, delete=_delete_item)


# -- runs -----------------------------------------------------------------------------------


async def _add_run_item(exchange: Exchange, book: DatasetBook) -> web.Response:
    spec = _spec(exchange)
    if isinstance(spec, web.Response):
        return spec
    store = exchange.services.store
    key = exchange.tenant

    def trace_of(observation_id: str) -> str | None:
        # Langfuse looks the observation up; it may arrive later than this call, as in
        # Langfuse, where ingestion lags: a client that knows the trace id sends it too.
        found = next((o for o in store.observations(key) if o["id"] == observation_id), None)
        return None if found is None else found["traceId"] or found["id"]

    return exchange.answer(200, book.add_run_item(key, spec, trace_of), body=spec)


async def _list_run_items(exchange: Exchange, book: DatasetBook) -> web.Response:
    dataset_id, run_name = exchange.query.get("datasetId"), exchange.query.get("runName")
    if dataset_id is None or run_name is None:
        return bad_query(exchange, "datasetId and runName are required")
    return paged(exchange, book.run_items(exchange.tenant, dataset_id, run_name))


async def _list_runs(exchange: Exchange, book: DatasetBook) -> web.Response:
    runs = _by_name(exchange.match("name"), lambda name: book.runs(exchange.tenant, name))
    return paged(exchange, runs)


def _in_run(exchange: Exchange, act: Callable[[str, str], T]) -> T:
    """``act(dataset name, run name)`` with the names of the path, each decoded as needed."""
    return _by_name(
        exchange.match("name"),
        lambda dataset: _by_name(exchange.match("run"), lambda run: act(dataset, run)),
    )


async def _get_run(exchange: Exchange, book: DatasetBook) -> web.Response:
    run = _in_run(exchange, lambda dataset, name: book.run(exchange.tenant, dataset, name))
    return exchange.answer(200, run)


async def _delete_run(exchange: Exchange, book: DatasetBook) -> web.Response:
    _in_run(exchange, lambda dataset, name: book.delete_run(exchange.tenant, dataset, name))
    return exchange.answer(200, {"message": "Dataset run successfully deleted"})


datasets_route("/api/public/dataset-run-items", post=_add_run_item, get=_list_run_items)
datasets_route("/api/public/datasets/{name}/runs", get=_list_runs)
datasets_route("/api/public/datasets/{name}/runs/{run}", get=_get_run, delete=_delete_run)
