"""Nothing dropped silently: a test whose clients sent data mockfuse rejected fails at
teardown with Langfuse's reason and the request, unless it declared the rejection, asked for
it with a fault rule, or the project relaxed the rule; reads and wrong keys never count."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mockfuse.capture.rejections import rejections_of
from mockfuse.capture.requests import NOTHING, CapturedRequest, KeptJson
from tests.support.client_envs import client_python

ROOT = Path(__file__).resolve().parent.parent

CLIENT = """
import httpx

from mockfuse.auth import basic_authorization


def send(mockfuse, path, payload, *, secret_key=None, method="POST"):
    headers = {
        "Authorization": basic_authorization(mockfuse.public_key, secret_key or mockfuse.secret_key)
    }
    return httpx.request(method, f"{mockfuse.url}{path}", json=payload, headers=headers)


def batch(*events):
    return {"batch": [
        {"id": f"e-{n}", "timestamp": "2026-12-06T10:00:00Z", **event}
        for n, event in enumerate(events)
    ]}


GOOD = {"type": "trace-create", "body": {"id": "t-1", "name": "checkout"}}
BAD = {"type": "score-create", "body": {"traceId": "t-1", "name": "ok", "value": 2,
                                        "dataType": "BOOLEAN"}}
"""


def run(pytester: pytest.Pytester, tests: str, ini: str = "") -> pytest.RunResult:
    pytester.makeconftest(CLIENT)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(
        test_app="from conftest import BAD, GOOD, batch, send\nimport pytest\n" + tests
    )
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")


def test_an_invalid_event_fails_an_otherwise_green_test_with_the_reason(pytester):
    result = run(
        pytester,
        """
def test_checkout(mockfuse):
    send(mockfuse, "/api/public/ingestion", batch(GOOD, BAD))
    mockfuse.wait_for(traces=1)
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_checkout*",
            "*mockfuse rejected 1 thing(s) this test's clients sent*",
            "*event e-1 (score-create): 400 Invalid request data body.value: Value must be a "
            "number equal to either 0 or 1 for data type BOOLEAN "
            "[[]POST /api/public/ingestion answered 207 (request *)]",
            "*trace 'checkout'*",
            "*mockfuse.expect_rejections(pattern)*",
        ]
    )


def test_every_write_answered_4xx_counts_and_reads_never_do(pytester):
    result = run(
        pytester,
        """
def test_writes(mockfuse):
    assert send(mockfuse, "/api/public/scores", {"name": "q"}).status_code == 400
    assert send(mockfuse, "/api/public/datasets/none/items", {}, method="GET").status_code == 404
    deleted = send(mockfuse, "/api/public/v2/prompts/missing", None, method="DELETE")
    assert deleted.status_code == 404


def test_reads_and_wrong_keys(mockfuse):
    assert send(mockfuse, "/api/public/v2/prompts/missing", None, method="GET").status_code == 404
    wrong = send(mockfuse, "/api/public/ingestion", batch(GOOD), secret_key="sk-wrong")
    assert wrong.status_code == 401
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_writes*",
            "*mockfuse rejected 2 thing(s)*",
            "*the request: Invalid request data: body.value: Required*"
            "[[]POST /api/public/scores answered 400*",
            "*the request: Prompt not found*[[]DELETE /api/public/v2/prompts/missing answered 404*",
        ]
    )
    assert "test_reads_and_wrong_keys" not in result.stdout.str().split("short test summary")[1]


def test_declared_rejections_and_fault_rules_keep_a_test_green(pytester):
    result = run(
        pytester,
        """
def test_declared(mockfuse):
    mockfuse.expect_rejections("Invalid request data")
    send(mockfuse, "/api/public/ingestion", batch(GOOD, BAD))


@pytest.mark.mockfuse_expect_rejections("score-create")
def test_marked(mockfuse):
    send(mockfuse, "/api/public/ingestion", batch(GOOD, BAD))


@pytest.mark.mockfuse_expect_rejections()
def test_marked_for_any(mockfuse):
    send(mockfuse, "/api/public/ingestion", batch(GOOD, BAD))
    send(mockfuse, "/api/public/scores", {"name": "q"})


def test_asked_for_with_a_fault(mockfuse):
    mockfuse.fail(400, route="/api/public/ingestion")
    mockfuse.fail(207, route="/api/public/ingestion", reject=1)
    assert send(mockfuse, "/api/public/ingestion", batch(GOOD)).status_code == 400
    assert send(mockfuse, "/api/public/ingestion", batch(GOOD)).json()["errors"]


def test_declared_something_else(mockfuse):
    mockfuse.expect_rejections("Prompt not found")
    send(mockfuse, "/api/public/ingestion", batch(GOOD, BAD))
""",
    )
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_declared_something_else*"])


@pytest.mark.parametrize(
    ("mode", "outcomes", "warned"),
    [
        ("fail", {"passed": 1, "errors": 1}, False),
        ("warn", {"passed": 1}, True),
        ("ignore", {"passed": 1}, False),
    ],
)
def test_the_ini_option_sets_what_a_rejection_does(pytester, mode, outcomes, warned):
    result = run(
        pytester,
        """
def test_checkout(mockfuse):
    send(mockfuse, "/api/public/ingestion", batch(GOOD, BAD))
""",
        ini=f"mockfuse_rejections = {mode}",
    )
    result.assert_outcomes(**outcomes, warnings=1 if warned else 0)
    if warned:
        result.stdout.fnmatch_lines(["*MockfuseRejectionWarning: mockfuse rejected 1 thing(s)*"])


def test_an_unknown_mode_is_a_usage_error(pytester):
    result = run(pytester, "def test_nothing():\n    pass\n", ini="mockfuse_rejections = loud")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*mockfuse_rejections must be one of fail, warn, ignore*"])


SDK5_SCORE = """
from langfuse import get_client


def test_scores_the_checkout(mockfuse):
    langfuse = get_client()
    with langfuse.start_as_current_observation(name="checkout") as span:
        span.score_trace(name="helpful", value=2, data_type="BOOLEAN")
    langfuse.flush()
    mockfuse.wait_for(traces=1)
"""


@pytest.mark.clients
def test_a_real_clients_silently_dropped_score_fails_its_test(tmp_path):
    """Langfuse SDK 5.x logs a rejected score at most; the test fails naming it."""
    (tmp_path / "test_app.py").write_text(SDK5_SCORE)
    result = subprocess.run(
        [str(client_python("lf5")), "-m", "pytest", "-p", "mockfuse.pytest_plugin", "-q"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "1 passed, 1 error" in result.stdout, result.stdout + result.stderr
    assert (
        "an event: body.value: Value must be a number equal to either 0 or 1 for data type "
        "BOOLEAN [POST /api/public/scores answered 207"
    ) in result.stdout, result.stdout


def logged(
    path: str, status: int, *, method: str = "POST", note: str | None = None, body: object = None
) -> CapturedRequest:
    return CapturedRequest(
        seq=1,
        received_at=0.0,
        public_key="pk",
        method=method,
        path=path,
        query={},
        headers={},
        raw_body=b"",
        kept_body=KeptJson.of(body),
        status=status,
        kept_response=NOTHING,
        note=note,
    )


def test_an_exports_unreadable_spans_and_a_failed_upload_count():
    spans = logged("/api/public/otel/v1/traces", 200, note="1 span event(s) failed validation")
    [rejection] = rejections_of(spans)
    assert rejection.describe().startswith("spans of the export: 1 span event(s) failed validation")

    report = {
        "uploadedAt": "2026-12-06T10:00:00Z",
        "uploadHttpStatus": 403,
        "uploadHttpError": "SignatureDoesNotMatch",
    }
    upload = logged("/api/public/media/m-1", 204, method="PATCH", body=report)
    [rejection] = rejections_of(upload)
    assert "upload failed with 403: SignatureDoesNotMatch" in rejection.reason

    succeeded = logged("/api/public/media/m-1", 204, method="PATCH", body={"uploadHttpStatus": 200})
    assert rejections_of(succeeded) == []
