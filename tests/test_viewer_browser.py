"""The trace viewer in a real headless Chromium: what a person looking at it sees.

Every wait here is Playwright's ``expect``, which re-checks its condition until it holds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mockfuse.server import MockfuseServer
from mockfuse.testing.tenant import MockfuseTenant
from tests.support.browser import CHROMIUM_ARGS, chromium_path, screenshot_path
from tests.support.client_envs import run_client
from tests.support.http import post_json

INGESTION = "/api/public/ingestion"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Anything the page would not say aloud is a failure: a script error, a dialog.
    surprises: list[str] = []
    page.on("pageerror", lambda error: surprises.append(f"script error: {error}"))
    page.on("dialog", lambda dialog: surprises.append(f"dialog: {dialog.message}"))
    yield page
    context.close()
    assert surprises == []


def label(tenant) -> str:
    """What the viewer calls a tenant: a test's node id, or a public key."""
    return tenant.window.label if tenant.window is not None else tenant.public_key


def open_tenant(page: Page, tenant) -> None:
    page.goto(tenant.viewer_url)
    expect(page.locator(".tenant-header .tenant-key")).to_have_text(label(tenant))


def observation_rows(page: Page, trace_id: str):
    return page.locator(f'details.trace[data-trace-id="{trace_id}"] .obs-row')


def batch_with_trace(name: str, *observations: dict) -> dict:
    trace_id = str(uuid.uuid4())
    events = [
        {
            "id": str(uuid.uuid4()),
            "type": "trace-create",
            "timestamp": "2026-11-27T10:00:00.000Z",
            "body": {"id": trace_id, "name": name, "timestamp": "2026-11-27T10:00:00.000Z"},
        }
    ]
    for observation in observations:
        events.append(
            {
                "id": str(uuid.uuid4()),
                "type": f"{observation.pop('kind', 'span')}-create",
                "timestamp": "2026-11-27T10:00:00.100Z",
                "body": {"id": str(uuid.uuid4()), "traceId": trace_id, **observation},
            }
        )
    return {"batch": events, "metadata": {}}


@pytest.mark.clients
def test_the_trace_tree_of_a_real_sdk_run_with_timeline_usage_and_scores(mockfuse, page):
    ids = json.loads(run_client("lf2", "lf2_sdk_workload.py", mockfuse.env).stdout)
    # From the server's front door, choosing the tenant in the list.
    page.goto(mockfuse.url + "/")
    page.locator(f'.tenants li[data-tenant="{mockfuse.tenant}"]').click()
    expect(page.locator(".tenant-header .tenant-key")).to_have_text(label(mockfuse))

    trace = page.locator(f'details.trace[data-trace-id="{ids["trace_id"]}"]')
    expect(trace.locator(".trace-name")).to_have_text("qa-pipeline")
    rows = observation_rows(page, ids["trace_id"])
    expect(rows.locator(".obs-name")).to_have_text(
        ["retrieval", "embed-query", "llm-call", "cache-miss"]
    )
    # embed-query is drawn under retrieval, which it is a child of.
    indent = rows.locator(".obs-label").evaluate_all("els => els.map(e => e.style.paddingLeft)")
    assert indent == ["0px", "16px", "0px", "0px"]
    generation = rows.nth(2)
    expect(generation.locator(".badge")).to_have_text("GENERATION")
    expect(generation.locator(".obs-facts")).to_contain_text("gpt-3.5-turbo")
    expect(generation.locator(".obs-facts")).to_contain_text("in 12 · out 8 · total 20")
    expect(rows.nth(3)).to_have_class("obs-row level-WARNING warning")
    # Every observation has a bar on the trace's shared timeline.
    widths = rows.locator(".bar").evaluate_all("els => els.map(e => e.style.width)")
    assert len(widths) == 4
    expect(trace.locator(".score")).to_have_text("quality: 0.9")

    generation.click()
    shown = json.loads(page.locator("#detail-json").text_content())
    [stored] = [o for o in mockfuse.observations if o["id"] == ids["generation_id"]]
    assert shown == stored

    page.screenshot(path=screenshot_path("viewer-sdk-trace"), full_page=True)


def test_the_page_updates_live_as_captures_arrive(mockfuse, page):
    # Opened before this tenant sent anything: the link keeps it chosen.
    open_tenant(page, mockfuse)
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    expect(page.locator("#tab-traces")).to_have_text("No traces yet.")

    first = batch_with_trace("first-trace", {"name": "step-1"})
    assert post_json(mockfuse, INGESTION, first).status_code == 207
    expect(page.locator(".trace-name")).to_have_text(["first-trace"])

    second = batch_with_trace("second-trace", {"name": "step-2", "kind": "generation"})
    assert post_json(mockfuse, INGESTION, second).status_code == 207
    # No reload: the live stream brings it, newest first.
    expect(page.locator(".trace-name")).to_have_text(["second-trace", "first-trace"])
    tenant_entry = page.locator(f'.tenants li[data-tenant="{mockfuse.tenant}"]')
    expect(tenant_entry.locator(".tenant-counts")).to_have_text("2 traces · 4 events · 2 requests")


def test_errors_are_highlighted_with_their_status_message(mockfuse, page):
    batch = batch_with_trace(
        "failing-call",
        {"name": "ok-step"},
        {"name": "llm", "kind": "generation", "level": "ERROR", "statusMessage": "rate limited"},
    )
    assert post_json(mockfuse, INGESTION, batch).status_code == 207
    open_tenant(page, mockfuse)
    trace = page.locator("details.trace")
    expect(trace).to_have_class("trace has-error")
    expect(trace.locator(".badge.error")).to_have_text("1 error")
    expect(trace.locator(".obs-row.error .obs-name")).to_have_text("llm")
    expect(trace.locator(".status-message")).to_have_text("rate limited")


def test_captured_markup_renders_as_text_and_runs_nothing(mockfuse, page):
    script = "<script>alert(1)</script>"
    image = '<img src=x onerror="window.pwned = 1">'
    batch = batch_with_trace(script, {"name": image, "metadata": {"note": script}})
    batch["batch"][0]["body"]["tags"] = [image]
    assert post_json(mockfuse, INGESTION, batch).status_code == 207
    open_tenant(page, mockfuse)

    expect(page.locator(".trace-name")).to_have_text(script)
    expect(page.locator(".obs-name")).to_have_text(image)
    expect(page.locator("details.trace summary")).to_contain_text("#" + image)
    page.locator(".obs-row").click()
    expect(page.locator("#detail-json")).to_contain_text(script)
    assert page.locator("main script, main img, aside img").count() == 0
    assert page.evaluate("window.pwned") is None
    page.screenshot(path=screenshot_path("viewer-markup-as-text"), full_page=True)


def test_the_requests_table_shows_statuses_and_faults(mockfuse, page):
    mockfuse.fail(503, route=INGESTION)
    batch = batch_with_trace("retried")
    assert post_json(mockfuse, INGESTION, batch).status_code == 503
    assert post_json(mockfuse, INGESTION, batch).status_code == 207
    open_tenant(page, mockfuse)
    page.get_by_role("tab", name="Requests").click()
    rows = page.locator("#tab-requests tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(4)).to_have_text("207")
    expect(rows.nth(1).locator("td").nth(4)).to_have_text("503")
    expect(rows.nth(1).locator("td").nth(6)).to_contain_text("fault")
    rows.nth(0).click()
    expect(page.locator("#detail-title")).to_have_text(f"Request #{mockfuse.requests[1].seq}")
    assert json.loads(page.locator("#detail-json").text_content())["body"] == batch


def test_the_snapshot_is_shown_and_downloads_as_the_file_it_would_be(mockfuse, page):
    batch = batch_with_trace("snapshotted", {"name": "step", "kind": "event"})
    assert post_json(mockfuse, INGESTION, batch).status_code == 207
    open_tenant(page, mockfuse)
    page.get_by_role("tab", name="Snapshot").click()
    served = httpx.get(
        mockfuse.url + "/_mockfuse/snapshot", params={"tenant": mockfuse.tenant}
    ).text
    expect(page.locator("#snapshot-text")).to_have_text(served.rstrip("\n"))
    assert json.loads(page.locator("#snapshot-text").text_content()) == mockfuse.snapshot()

    with page.expect_download() as download:
        page.locator("#snapshot-download").click()
    file_name = mockfuse.tenant.replace("#", "-")
    assert download.value.suggested_filename == f"{file_name}-traces.json"
    assert download.value.path().read_text() == served


def session_of_tests(server: MockfuseServer, count: int) -> list[MockfuseTenant]:
    """The windows a pytest session of ``count`` tests leaves on its server, one trace each."""
    key, secret = "pk-lf-session", "sk-lf-session"
    server.services.keyring.register(key, secret)
    windows = server.services.windows
    tests = []
    for index in range(count):
        window = windows.open(key, f"tests/test_checkout.py::test_case_{index}")
        tenant = MockfuseTenant.of_window(server.url, server.services, window, secret)
        assert (
            post_json(tenant, INGESTION, batch_with_trace(f"trace-of-{index}")).status_code == 207
        )
        tenant.close()  # as the plugin does when the test ends
        tests.append(tenant)
    return tests


def test_a_sessions_captures_are_grouped_by_test(page):
    with MockfuseServer() as server:
        first, second, third = session_of_tests(server, 3)
        page.goto(second.viewer_url)
        expect(page.locator(".tenant-header .tenant-key")).to_have_text(label(second))
        expect(page.locator(".trace-name")).to_have_text(["trace-of-1"])
        expect(page.locator(".tenants li.tenant-group")).to_have_text(["pk-lf-session · 3 tests"])
        entries = page.locator(".tenants li[data-test]")
        expect(entries.locator(".tenant-key")).to_have_text(
            [label(t) for t in (first, second, third)]
        )
        expect(page.locator("#tenant-filter")).to_be_hidden()

        entries.nth(2).click()
        expect(page.locator(".trace-name")).to_have_text(["trace-of-2"])
        assert f"tenant={quote(third.tenant)}" in page.url
        page.screenshot(path=screenshot_path("viewer-session-by-test"), full_page=True)


def test_a_long_session_is_narrowed_by_the_filter(page):
    with MockfuseServer() as server:
        tests = session_of_tests(server, 500)
        page.goto(server.url + "/_mockfuse/")
        expect(page.locator(".tenants li.tenant-group")).to_have_text(["pk-lf-session · 500 tests"])
        page.locator("#tenant-filter").fill("test_case_417")
        entries = page.locator(".tenants li[data-test]")
        expect(entries.locator(".tenant-key")).to_have_text([label(tests[417])])
        entries.click()
        expect(page.locator(".trace-name")).to_have_text(["trace-of-417"])
