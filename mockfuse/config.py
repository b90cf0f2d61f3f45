"""What a mockfuse server is set up with, and the objects its routes share."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from mockfuse.auth import KeyRing
from mockfuse.faults import FaultBook
from mockfuse.media import MediaStore
from mockfuse.prompts import PromptBook
from mockfuse.store import Store

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


@dataclass
class Services:
    """The state every route works on, shared by the server thread and the test's handles."""

    config: ServerConfig
    store: Store = field(default_factory=Store)
    faults: FaultBook = field(default_factory=FaultBook)
    prompts: PromptBook = field(default_factory=PromptBook)
    media: MediaStore = field(default_factory=MediaStore)
    keyring: KeyRing = field(init=False)

    def __post_init__(self) -> None:
        self.keyring = KeyRing(self.config.keys, strict=bool(self.config.keys))


SERVICES = web.AppKey("mockfuse_services", Services)
