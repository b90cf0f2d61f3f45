"""``MockfuseTenant``: one test's view of the server — its keys, its captures, its waits.

The pytest fixture ``mockfuse`` is one of these; ``MockfuseServer.tenant()`` makes one
outside pytest.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from mockfuse.capture.faults import FaultRule
from mockfuse.capture.rejections import Rejection, rejections
from mockfuse.capture.requests import CapturedRequest
from mockfuse.capture.windows import Window
from mockfuse.langfuse.auth import basic_authorization
from mockfuse.langfuse.projection import Entity, Event
from mockfuse.snapshot.of_tenant import normalized_snapshot
from mockfuse.snapshot.session import SnapshotsOfTest
from mockfuse.testing.tree import render_tree
from mockfuse.viewer import VIEWER_PATH

if TYPE_CHECKING:
    from mockfuse.capture.services import Services

Predicate = Callable[["MockfuseTenant"], bool]

ENV_URL_NAMES = ("LANGFUSE_HOST", "LANGFUSE_BASE_URL", "LANGFUSE_BASEURL")


# Where an OpenTelemetry exporter sends traces to Langfuse (its docs: the base URL, then
# ``/api/public/otel``; a signal's own endpoint variable is used whole, so the traces path).
OTLP_TRACES_PATH = "/api/public/otel/v1/traces"


def langfuse_env(url: str, public_key: str, secret_key: str) -> dict[str, str]:
    """The environment variables that point every Langfuse client at ``url`` with a key pair:
    the Langfuse SDKs and LiteLLM (``LANGFUSE_*``), and any OpenTelemetry exporter over
    OTLP/HTTP, as Langfuse's docs set one up for an app without its SDK. Those are the traces
    signal's own variables: they take precedence over the general ``OTEL_EXPORTER_OTLP_*`` an
    app may also have, and leave its metrics and logs where they were going."""
    env = dict.fromkeys(ENV_URL_NAMES, url)
    env["LANGFUSE_PUBLIC_KEY"] = public_key
    env["LANGFUSE_SECRET_KEY"] = secret_key
    env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = url + OTLP_TRACES_PATH
    # Header values are percent-encoded in this variable (the exporters decode them).
    authorization = quote(basic_authorization(public_key, secret_key), safe="")
    env["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = f"Authorization={authorization}"
    env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf"  # Langfuse takes no gRPC
    return env


def new_keys(label: str | None = None) -> tuple[str, str]:
    """A public and a secret key unique to one test; ``label`` makes the tenant findable."""
    slug = re.sub(r"[^a-z0-9]+", "-", (label or "").lower()).strip("-")[:40]
    token = uuid.uuid4().hex[:12]
    stem = f"{slug}-{token}" if slug else token
    return f"pk-lf-{stem}", f"sk-lf-{stem}"


class MockfuseTenant:
    """A handle on one tenant's captures: a public key's, or one test's window of the key
    that a pytest session shares (``window``)."""

    def __init__(
        self,
        *,
        url: str,
        services: Services,
        public_key: str,
        secret_key: str,
        window: Window | None = None,
    ) -> None:
        self.url = url
        self.public_key = public_key
        self.secret_key = secret_key
        self.window = window
        # What the store, prompts, datasets and fault rules know this tenant's things by.
        self.tenant = window.tenant if window is not None else public_key
        self._services = services
        self._store = services.store
        self._since = window.opened if window is not None else time.time()
        self._separate: list[MockfuseTenant] = []
        # Rejections the test declared (``expect_rejections``): patterns of their reasons;
        # None when it declared none, an empty tuple when it declared any.
        self._expected_rejections: tuple[re.Pattern[str], ...] | None = None
        # Set by the pytest plugin: where this test's snapshot files are and how they are kept.
        self.snapshots: SnapshotsOfTest | None = None

    @classmethod
    def create(
        cls,
        url: str,
        services: Services,
        *,
        public_key: str | None = None,
        secret_key: str | None = None,
        label: str | None = None,
    ) -> MockfuseTenant:
        """A handle on a tenant of its own on the server at ``url``: fresh keys unique to it
        unless given (``label`` makes them findable), registered unless the keys are strict."""
        generated_public, generated_secret = new_keys(label)
        tenant = cls(
            url=url,
            services=services,
            public_key=public_key or generated_public,
            secret_key=secret_key or generated_secret,
        )
        if not services.keyring.strict:  # strict keys are the server's alone to grant
            services.keyring.register(tenant.public_key, tenant.secret_key)
        return tenant

    @classmethod
    def of_window(
        cls, url: str, services: Services, window: Window, secret_key: str
    ) -> MockfuseTenant:
        """A handle on one test's window of the session's key pair."""
        return cls(
            url=url,
            services=services,
            public_key=window.public_key,
            secret_key=secret_key,
            window=window,
        )

    def new_tenant(self, label: str | None = None) -> MockfuseTenant:
        """A fully separate tenant with keys of its own, forgotten with this one: for clients
        that must not share the session's keys (several run at once in one test, or a
        subprocess given its ``env``)."""
        tenant = MockfuseTenant.create(self.url, self._services, label=label)
        tenant.snapshots = self.snapshots
        self._separate.append(tenant)
        return tenant

    def close(self) -> None:
        """Forget what this tenant made (prompts, media, datasets, experiments, models, score
        configs, comments, annotation queues, fault rules), and its captures unless it is a test's
        window (those stay readable in the viewer for a while: see
        ``mockfuse.capture.windows.KEEP_FINISHED``)."""
        for separate in self._separate:
            separate.close()
        services = self._services
        services.faults.clear(self.tenant)
        services.prompts.forget(self.tenant)
        services.media.forget(self.tenant)
        services.datasets.forget(self.tenant)
        services.experiments.forget(self.tenant)
        services.models.forget(self.tenant)
        services.score_configs.forget(self.tenant)
        services.comments.forget(self.tenant)
        services.annotation_queues.forget(self.tenant)
        if self.window is None:
            self._store.clear(self.tenant)
            services.keyring.forget(self.public_key)
            return
        self._store.forget_merged(self.tenant)
        for expired in services.windows.close(self.window):
            self._store.clear(expired)

    @property
    def viewer_url(self) -> str:
        """This tenant in the trace viewer: open it in a browser while a test is paused."""
        return f"{self.url}{VIEWER_PATH}#{urlencode({'tenant': self.tenant})}"

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that point every Langfuse client at this tenant."""
        return langfuse_env(self.url, self.public_key, self.secret_key)

    # -- captures --------------------------------------------------------------------------

    @property
    def requests(self) -> list[CapturedRequest]:
        return self._store.requests(self.tenant)

    @property
    def events(self) -> list[Event]:
        return self._store.events(self.tenant)

    @property
    def traces(self) -> list[Entity]:
        """The tenant's traces as ``GET /api/public/traces/{id}`` shows each, in time order."""
        return self._services.shown_traces(self.tenant)

    @property
    def observations(self) -> list[Entity]:
        """The tenant's observations as a trace's read view shows each."""
        return self._services.shown_observations(self.tenant)

    @property
    def scores(self) -> list[Entity]:
        return self._store.scores(self.tenant)

    @property
    def rejections(self) -> list[Rejection]:
        """What mockfuse refused of the data this tenant's clients sent (its tenants from
        ``new_tenant`` too): each per-event error of a 207, each write answered 4xx or 5xx
        (401 and 403 aside), spans of an export it could not read, media uploads reported
        failed; not what a fault rule (``fail``) refused on purpose."""
        mine = [self, *self._separate]
        return [rejection for tenant in mine for rejection in rejections(tenant.requests)]

    def expect_rejections(self, *reasons: str) -> None:
        """Declare rejections this test provokes on purpose: those whose reason (or what was
        rejected) a pattern of ``reasons`` finds, or any with no pattern given, do not fail
        it at teardown."""
        patterns = tuple(re.compile(reason) for reason in reasons)
        known = self._expected_rejections
        self._expected_rejections = (
            () if not patterns or known == () else (*(known or ()), *patterns)
        )

    def unexpected_rejections(self) -> list[Rejection]:
        """``rejections`` less those the test declared with ``expect_rejections``."""
        expected = self._expected_rejections
        if expected == ():
            return []
        return [
            rejection
            for rejection in self.rejections
            if not any(pattern.search(rejection.describe()) for pattern in expected or ())
        ]

    def tree(self) -> str:
        """This tenant's traces at a glance: one line a trace and one an observation (type,
        name, model, usage, cost, level and status), nested by indent, with scores."""
        return render_tree(self.traces)

    @property
    def media(self) -> list[dict[str, Any]]:
        """Media this tenant's clients uploaded: metadata, bytes (base64) and ``links`` to
        the traces, observations and fields that carry them."""
        return [media.to_json() for media in self._services.media.of_tenant(self.tenant)]

    def reset(self) -> None:
        """Forget this tenant's captures and fault rules; its keys stay valid."""
        self._store.clear(self.tenant)
        self._services.faults.clear(self.tenant)

    # -- waiting ---------------------------------------------------------------------------

    def _condition(
        self,
        requests: int | None,
        events: int | None,
        traces: int | None,
        predicate: Predicate | None,
    ) -> Callable[[], bool]:
        wanted = {"requests": requests, "events": events, "traces": traces}

        def met() -> bool:
            counts = self._store.counts(self.tenant, traces=traces is not None)
            if any(n is not None and counts[name] < n for name, n in wanted.items()):
                return False
            return predicate is None or predicate(self)

        return met

    def _timeout_error(self, timeout: float, **wanted: Any) -> TimeoutError:
        goals = ", ".join(
            f"{name}>={value}" if name != "predicate" else "predicate"
            for name, value in wanted.items()
            if value is not None
        )
        counts = self._store.counts(self.tenant)
        have = ", ".join(f"{name}={count}" for name, count in counts.items())
        lines = [f"mockfuse: waited {timeout}s for {goals or 'nothing'}; have {have}"]
        for request in self.requests[-5:]:
            lines.append(f"  {request.method} {request.path} -> {request.status}")
            errors = request.response.get("errors") if isinstance(request.response, dict) else None
            for error in (errors or [])[:3]:
                if isinstance(error, dict):
                    lines.append(f"    rejected {error.get('id')}: {error.get('message')}")
        if not counts["requests"]:
            lines.extend(f"  {line}" for line in self._elsewhere())
        if counts.get("traces"):
            lines[1:1] = ["  " + line for line in self.tree().splitlines()]
        return TimeoutError("\n".join(lines))

    def _elsewhere(self) -> list[str]:
        """Where what arrived since this tenant began went instead, and the likely cause."""
        windows = self._services.windows
        mine = {self.tenant, *(separate.tenant for separate in self._separate)}
        elsewhere: dict[str | None, int] = {}
        for tenant, _ in self._store.arrived_since(self._since):
            if tenant not in mine:
                elsewhere[tenant] = elsewhere.get(tenant, 0) + 1
        if not elsewhere:
            return [
                f"nothing arrived at {self.url} since this test began: the client was made "
                "before the fixture set LANGFUSE_* (add `mockfuse_autostart = true` to the "
                "pytest configuration), points elsewhere, or has not sent yet (flush() it); "
                "see README, 'Clients created once'"
            ]
        lines = []
        for tenant, count in elsewhere.items():
            named = windows.describe(tenant)
            if tenant is None:
                lines.append(f"{count} request(s) arrived without Langfuse credentials")
            elif named["public_key"] != self.public_key:
                lines.append(
                    f"{count} request(s) arrived as {named['public_key']}: a Langfuse client "
                    "made before this test (at import time, or by an earlier test) still "
                    f"sends with those keys, not {self.public_key}; see README, 'Clients "
                    "created once'"
                )
            elif named["test"] is not None:
                lines.append(
                    f"{count} request(s) went to test {named['test']}: their events record "
                    "what happened while that test ran (a client that sent late)"
                )
            else:
                lines.append(
                    f"{count} request(s) carried only events made while no test ran (at "
                    "import time or in a session fixture): they are kept outside any test "
                    "('(outside any test)' in the viewer)"
                )
        return lines

    def wait_for(
        self,
        *,
        requests: int | None = None,
        events: int | None = None,
        traces: int | None = None,
        predicate: Predicate | None = None,
        timeout: float = 5.0,
    ) -> MockfuseTenant:
        """Block until at least this many requests, events and traces arrived and
        ``predicate(tenant)`` holds; TimeoutError saying what arrived otherwise."""
        condition = self._condition(requests, events, traces, predicate)
        if not self._store.wait(condition, timeout):
            raise self._timeout_error(
                timeout, requests=requests, events=events, traces=traces, predicate=predicate
            )
        return self

    async def wait_for_async(
        self,
        *,
        requests: int | None = None,
        events: int | None = None,
        traces: int | None = None,
        predicate: Predicate | None = None,
        timeout: float = 5.0,
    ) -> MockfuseTenant:
        """``wait_for`` for async tests: the test's event loop keeps running while it waits."""
        condition = self._condition(requests, events, traces, predicate)
        if not await self._store.wait_async(condition, timeout):
            raise self._timeout_error(
                timeout, requests=requests, events=events, traces=traces, predicate=predicate
            )
        return self

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(
        self,
        view: str = "traces",
        *,
        ignore: Iterable[str] = (),
        keep: Iterable[str] = (),
        volatile: Iterable[str] = (),
    ) -> list[Any]:
        """The normalized captures of ``view`` (``traces``, ``events`` or ``requests``): ids
        as linked placeholders, timestamps and values that change on every run masked, SDK
        bookkeeping dropped — for syrupy, inline-snapshot or a plain ``==``. ``volatile``
        adds patterns to the ``mockfuse_volatile`` ini option's."""
        session_patterns = self.snapshots.recorder.volatile if self.snapshots else ()
        return normalized_snapshot(
            self._services,
            self.tenant,
            view=view,
            ignore=ignore,
            keep=keep,
            volatile=(*session_patterns, *volatile),
        )

    def assert_snapshot(
        self,
        name: str | None = None,
        *,
        view: str = "traces",
        ignore: Iterable[str] = (),
        keep: Iterable[str] = (),
        volatile: Iterable[str] = (),
    ) -> None:
        """Compare this test's captures with its snapshot file (write it with
        ``pytest --mockfuse-update``); an AssertionError shows what changed."""
        __tracebackhide__ = True
        if self.snapshots is None:
            raise RuntimeError(
                "assert_snapshot needs the mockfuse pytest fixture; elsewhere use snapshot() "
                "or the `mockfuse check` command"
            )
        try:
            self.snapshots.check(
                name, self.snapshot(view, ignore=ignore, keep=keep, volatile=volatile)
            )
        except AssertionError as failure:
            # What arrived, at a glance, under the first line and above the details.
            first, _, details = str(failure).partition("\n")
            tree = f"The test's traces:\n{self.tree()}"
            raise AssertionError(f"{first}\n\n{tree}\n\n{details}") from None

    # -- prompts ---------------------------------------------------------------------------

    def add_prompt(
        self,
        name: str,
        prompt: Any,
        *,
        type: str = "text",
        version: int | None = None,
        labels: Iterable[str] = ("production",),
        config: Any = None,
        tags: Iterable[str] = (),
    ) -> dict[str, Any]:
        """A prompt the prompts API serves to this tenant: ``text`` (a string) or ``chat`` (a
        list of messages); versions count up from 1 unless given."""
        return self._services.prompts.add(
            self.tenant,
            name,
            prompt,
            type=type,
            version=version,
            labels=labels,
            config=config,
            tags=tags,
        )

    # -- faults ----------------------------------------------------------------------------

    def fail(
        self,
        status: int | None = 503,
        *,
        route: str = "*",
        times: int | None = 1,
        reject: int = 1,
        retry_after: int | None = None,
        delay: float = 0.0,
        drop: bool = False,
        malformed: bool = False,
        fraction: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """Misbehave on this tenant's next ``times`` requests to ``route`` (a glob): answer
        ``status`` (429 with ``retry_after``, 5xx, …), or with ``status=207`` reject the first
        ``reject`` events of a batch and accept the rest; ``drop`` the connection; answer
        ``malformed`` JSON; wait ``delay`` seconds first. With ``fraction``, fire on that share
        of matching requests, drawn from ``seed``. A faulted request stores nothing."""
        rule = FaultRule(
            self.tenant,
            status=status,
            route=route,
            times=times,
            reject=reject,
            retry_after=retry_after,
            delay=delay,
            drop=drop,
            malformed=malformed,
            fraction=fraction,
            seed=seed,
        )
        return self._services.faults.add(rule)
