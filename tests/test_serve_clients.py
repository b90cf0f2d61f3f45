"""The SDKs' own read and management calls against ``mockfuse serve``, a separate process as
a suite in any language uses it: the same answers the fixture's tests check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from typing import Any

import httpx
import pytest

from mockfuse.auth import basic_authorization
from tests.support.client_envs import run_client, run_node_client
from tests.test_cli import serve
from tests.test_clients_otel import assert_media_resolved
from tests.test_datasets import assert_dataset_read_back
from tests.test_pricing import assert_model_costs_read_back
from tests.test_prompts import assert_prompt_management_read_back

pytestmark = pytest.mark.clients
_tenants = count(1)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serve() as (_, url, _banner):
        yield url


def client_env(url: str) -> dict[str, str]:
    """Keys of a tenant of its own on the served mockfuse (any key pair is accepted)."""
    n = next(_tenants)
    return {
        "LANGFUSE_HOST": url,
        "LANGFUSE_BASE_URL": url,
        "LANGFUSE_PUBLIC_KEY": f"pk-lf-served-{n}",
        "LANGFUSE_SECRET_KEY": f"sk-lf-served-{n}",
    }


def auth(env: dict[str, str]) -> dict[str, str]:
    return {
        "Authorization": basic_authorization(env["LANGFUSE_PUBLIC_KEY"], env["LANGFUSE_SECRET_KEY"])
    }


def read_out(client: str, script: str, env: dict[str, str], *args: str) -> Any:
    return json.loads(run_client(client, script, env, *args).stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("client", ["lf2", "lf5"])
def test_prompt_management(served, client):
    assert_prompt_management_read_back(
        read_out(client, "prompt_management_workload.py", client_env(served))
    )


@pytest.mark.parametrize("client", ["lf2", "lf5"])
def test_models_and_costs(served, client):
    assert_model_costs_read_back(read_out(client, "models_workload.py", client_env(served)))


def test_datasets_and_runs(served):
    seen = read_out("lf2", "dataset_workload.py", client_env(served), "served set")
    assert_dataset_read_back(seen)
    assert [item[0] for item in seen["run"]["items"]] == sorted(i["id"] for i in seen["items"])


def test_datasets_with_the_current_sdk(served):
    assert_dataset_read_back(
        read_out("lf5", "dataset_workload.py", client_env(served), "evals/served set")
    )


def test_traces_observations_and_sessions_read_back_by_sdk_2(served):
    env = client_env(served)
    run_client("lf2", "lf2_common_workload.py", env)
    [trace] = httpx.get(f"{served}/api/public/traces", headers=auth(env)).json()["data"]
    seen = read_out("lf2", "lf2_read_back.py", env, trace["id"])
    assert seen["trace_name"] == "qa-pipeline"
    assert seen["trace_observations"] == ["embed-query", "llm-call", "qa-pipeline", "retrieval"]
    assert (seen["listed"], seen["sessions"]) == ([trace["id"]], ["session-abc"])
    assert seen["total_cost"] == pytest.approx(2.8e-05)


def test_observations_and_v3_scores_read_back_by_the_current_sdk(served):
    env = client_env(served)
    prompt = {
        "name": "movie-critic",
        "prompt": "Review {{movie}} as a critic.",
        "labels": ["production"],
    }
    created = httpx.post(f"{served}/api/public/v2/prompts", json=prompt, headers=auth(env))
    assert created.status_code == 200
    seen = read_out("lf5", "lf5_sdk_workload.py", env)
    assert seen["prompt"] == "Review Dune as a critic."
    assert seen["read_back"] == ["answer", "cache-miss", "qa-pipeline", "retrieve"]
    assert seen["scores_read_back"] == [
        ["helpful", "CATEGORICAL", "yes", "trace"],
        ["relevance", "NUMERIC", 0.8, "observation"],
    ]


def test_media_uploaded_and_resolved_by_the_current_sdk(served):
    assert_media_resolved(read_out("lf5", "lf5_media_workload.py", client_env(served)))


@pytest.fixture(scope="module")
def served_with_keys() -> Iterator[str]:
    with serve("--keys", "pk-lf-ci:sk-lf-ci", "--project-id", "ci-project") as (_, url, _banner):
        yield url


def keyed_env(url: str, public_key: str, secret_key: str) -> dict[str, str]:
    return {
        **client_env(url),
        "LANGFUSE_PUBLIC_KEY": public_key,
        "LANGFUSE_SECRET_KEY": secret_key,
    }


@pytest.mark.parametrize("client", ["lf2", "lf5"])
def test_each_python_sdks_auth_check_reports_the_keys_serve_was_given(served_with_keys, client):
    right = keyed_env(served_with_keys, "pk-lf-ci", "sk-lf-ci")
    assert read_out(client, "auth_check_workload.py", right) is True
    for public_key, secret_key in (("pk-lf-ci", "sk-lf-wrong"), ("pk-lf-other", "sk-lf-ci")):
        wrong = keyed_env(served_with_keys, public_key, secret_key)
        # Both SDK generations raise the API client's error for Langfuse's 401.
        assert read_out(client, "auth_check_workload.py", wrong) == "UnauthorizedError: 401"


def test_the_current_js_sdk_is_refused_with_wrong_keys(served_with_keys):
    def projects(public_key: str, secret_key: str) -> Any:
        env = keyed_env(served_with_keys, public_key, secret_key)
        result = run_node_client("js_current", "js_current_auth_check.cjs", env)
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert projects("pk-lf-ci", "sk-lf-ci") == ["ci-project"]
    assert projects("pk-lf-ci", "sk-lf-wrong") == 401
