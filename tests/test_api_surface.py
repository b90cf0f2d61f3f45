"""docs/api-surface.md stays true: it lists as served exactly the public routes mockfuse has,
each method it lists is answered (and refused with a wrong secret key), and a route it lists
as not served gets mockfuse's JSON 404 and is logged."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from mockfuse.auth import basic_authorization
from mockfuse.server import make_app
from tests.support.http import auth_headers

PAGE = Path(__file__).resolve().parent.parent / "docs" / "api-surface.md"
ROW = re.compile(
    r"^\| `(?P<path>/api/public/[^`]*)` \| (?P<methods>[A-Z, ]+) \| (?P<status>[a-z ]+) \|"
)


def listed() -> list[tuple[str, tuple[str, ...], str]]:
    rows = []
    for line in PAGE.read_text().splitlines():
        match = ROW.match(line)
        if match:
            methods = tuple(m.strip() for m in match["methods"].split(","))
            rows.append((match["path"], methods, match["status"]))
    return rows


def served_paths() -> set[str]:
    paths = set()
    for route in make_app().router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith("/api/public/"):
            paths.add(path)
    return paths


def _shape(path: str) -> str:
    """A path with its parameters unnamed: Langfuse's names and mockfuse's differ."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_the_page_lists_as_served_exactly_the_routes_mockfuse_serves():
    rows = listed()
    assert len(rows) > 20
    documented = {_shape(path) for path, _, status in rows if status == "served"}
    assert documented == {_shape(path) for path in served_paths()}
    assert {status for _, _, status in rows} == {"served"}


def listed_methods(status: str) -> list[tuple[str, str]]:
    """Each (path, method) the page lists with ``status``."""
    return [
        (path, method) for path, methods, shown in listed() if shown == status for method in methods
    ]


def concrete(path: str) -> str:
    """``path`` with a value for each parameter (a version is a number)."""
    return re.sub(r"\{[^}]+\}", "x", path.replace("{version}", "1"))


# Routes of Langfuse's public API for organization-scoped keys, which mockfuse does not serve.
NOT_SERVED = [
    ("/api/public/organizations/projects", "GET"),
    ("/api/public/scim/Users", "GET"),
    ("/api/public/llm-connections", "PUT"),
]


@pytest.mark.parametrize(("path", "method"), NOT_SERVED)
@pytest.mark.mockfuse_expect_rejections()
def test_a_route_not_served_gets_mockfuses_404_and_is_logged(mockfuse, path, method):
    url_path = concrete(path)
    response = httpx.request(
        method, mockfuse.url + url_path, headers=auth_headers(mockfuse), json={}
    )
    assert response.status_code == 404
    assert response.json()["message"] == f"mockfuse does not serve {method} {url_path}"
    assert [(r.method, r.path) for r in mockfuse.requests] == [(method, url_path)]


@pytest.mark.parametrize(("path", "method"), listed_methods("served"))
@pytest.mark.mockfuse_expect_rejections()
def test_every_method_listed_as_served_is_answered(mockfuse, path, method):
    response = httpx.request(
        method, mockfuse.url + concrete(path), headers=auth_headers(mockfuse), json={}
    )
    assert response.status_code != 405
    assert "does not serve" not in response.text
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("path", "method"),
    # The health check is open, as Langfuse's is.
    [(p, m) for p, m in listed_methods("served") if p != "/api/public/health"],
)
def test_a_wrong_secret_key_is_a_401_on_every_served_method(mockfuse, path, method):
    headers = {"Authorization": basic_authorization(mockfuse.public_key, "sk-lf-wrong")}
    response = httpx.request(method, mockfuse.url + concrete(path), headers=headers, json={})
    assert response.status_code == 401, response.text


def test_a_trailing_slash_is_redirected_to_the_route_as_langfuse_redirects_it(mockfuse):
    mockfuse.add_prompt("greeting", "Hi")
    url = f"{mockfuse.url}/api/public/v2/prompts/?name=greeting"
    redirected = httpx.get(url, headers=auth_headers(mockfuse))
    assert redirected.status_code == 308
    assert redirected.headers["Location"] == "/api/public/v2/prompts?name=greeting"
    followed = httpx.get(url, headers=auth_headers(mockfuse), follow_redirects=True)
    assert [p["name"] for p in followed.json()["data"]] == ["greeting"]
    # A POST keeps its method and body through the 308.
    score = {"traceId": "t1", "name": "quality", "value": 1}
    posted = httpx.post(
        f"{mockfuse.url}/api/public/scores/",
        json=score,
        headers=auth_headers(mockfuse),
        follow_redirects=True,
    )
    assert posted.status_code == 200 and mockfuse.scores[0]["name"] == "quality"
    assert [(r.method, r.path, r.status) for r in mockfuse.requests][-2:] == [
        ("POST", "/api/public/scores/", 308),
        ("POST", "/api/public/scores", 200),
    ]
    unknown = httpx.get(f"{mockfuse.url}/api/public/nothing-here/", headers=auth_headers(mockfuse))
    assert unknown.status_code == 404
