"""What a mockfuse server is set up with, and the services assembled from it: the state
every route, the admin API and a test's handle work on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mockfuse.capture.faults import FaultBook
from mockfuse.capture.journal import Journal, replay
from mockfuse.capture.store import Store
from mockfuse.capture.windows import TestWindows
from mockfuse.langfuse.annotation_queues import AnnotationQueueBook
from mockfuse.langfuse.auth import KeyRing
from mockfuse.langfuse.comments import CommentBook
from mockfuse.langfuse.datasets import DatasetBook
from mockfuse.langfuse.experiments import ExperimentBook
from mockfuse.langfuse.media import MediaStore
from mockfuse.langfuse.models import ModelBook
from mockfuse.langfuse.otel.seen_traces import SeenTraces
from mockfuse.langfuse.projection import Entity
from mockfuse.langfuse.prompts import PromptBook
from mockfuse.langfuse.read_views import ReadViews
from mockfuse.langfuse.score_configs import ScoreConfigBook

# Langfuse's ingestion route takes "4.5mb" as Next.js counts it: 4.5 * 1024 * 1024 bytes.
DEFAULT_MAX_BODY_SIZE = 4_718_592


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 0
    # Key pairs accepted in strict mode; empty means any key pair is accepted.
    keys: tuple[tuple[str, str], ...] = ()
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    project_id: str = "mockfuse-project"
    project_name: str = "mockfuse"
    # Events one ingestion batch may carry; Langfuse has only its size limit, but a mock in
    # a load test should not hold a million events because one request asked it to.
    max_batch_events: int = 10_000
    # Longest request line and header field, in bytes (aiohttp answers 400 past it).
    max_header_size: int = 8190
    # Requests kept per tenant (None: all); older ones go, with the events they stored.
    max_requests: int | None = None
    # Every capture appended here before its answer, and replayed from here at start.
    journal: Path | None = None
    # A server with its own process (``serve``) keeps collector pauses short: mockfuse.capture.heap.
    freeze_heap: bool = False
    # Required (as a Bearer token) on the admin API when set.
    admin_token: str | None = None


@dataclass
class Services:
    """The state every route works on, shared by the server thread and the test's handles."""

    config: ServerConfig
    store: Store = field(init=False)
    faults: FaultBook = field(default_factory=FaultBook)
    prompts: PromptBook = field(default_factory=PromptBook)
    media: MediaStore = field(default_factory=MediaStore)
    models: ModelBook = field(default_factory=ModelBook)
    windows: TestWindows = field(default_factory=TestWindows)
    datasets: DatasetBook = field(init=False)
    experiments: ExperimentBook = field(default_factory=ExperimentBook)
    score_configs: ScoreConfigBook = field(init=False)
    comments: CommentBook = field(init=False)
    annotation_queues: AnnotationQueueBook = field(default_factory=AnnotationQueueBook)
    keyring: KeyRing = field(init=False)
    seen_traces: SeenTraces = field(default_factory=SeenTraces)

    def __post_init__(self) -> None:
        self.datasets = DatasetBook(self.config.project_id)
        self.score_configs = ScoreConfigBook(self.config.project_id)
        self.comments = CommentBook(self.config.project_id)
        self.keyring = KeyRing(self.config.keys, strict=bool(self.config.keys))
        self.store = Store(
            max_requests=self.config.max_requests,
            models=self.models,
            score_configs=self.score_configs,
            freeze_heap=self.config.freeze_heap,
        )
        if self.config.journal is not None:
            for capture in replay(self.config.journal):
                self.store.capture(**capture)
            self.store.journal = Journal(self.config.journal)

    # -- what Langfuse's read API shows ---------------------------------------------------

    def read_views(self, tenant: str | None) -> ReadViews:
        return ReadViews(tenant, self.config.project_id, self.prompts, self.models)

    def shown_traces(self, tenant: str | None, *, newest: int | None = None) -> list[Entity]:
        """The tenant's traces as ``GET /api/public/traces/{id}`` shows each, in time order
        (with ``newest``, only that many of the latest)."""
        views = self.read_views(tenant)
        return [views.trace(trace) for trace in self.store.traces(tenant, newest=newest)]

    def shown_observations(self, tenant: str | None) -> list[Entity]:
        """The tenant's observations as a trace's read view shows each."""
        views = self.read_views(tenant)
        traces, observations = self.store.traces_with_observations(tenant)
        by_id = {trace["id"]: trace for trace in traces}
        return [
            views.observation(observation, by_id.get(observation["traceId"]))
            for observation in observations
        ]
