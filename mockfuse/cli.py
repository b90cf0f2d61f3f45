"""The ``mockfuse`` command: ``serve`` runs the server; ``snapshot`` and ``check`` read one.

Exit codes: 0 success, 1 a failed check, 2 a usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
import sys
from collections.abc import Sequence

from mockfuse import __version__
from mockfuse.config import DEFAULT_MAX_BODY_SIZE, ServerConfig
from mockfuse.server import base_url, make_app, start_site

LOCAL_PUBLIC_KEY = "pk-lf-local"
LOCAL_SECRET_KEY = "sk-lf-local"


def _key_pair(text: str) -> tuple[str, str]:
    public_key, separator, secret_key = text.partition(":")
    if not separator or not public_key or not secret_key:
        raise argparse.ArgumentTypeError(f"expected PUBLIC_KEY:SECRET_KEY, got {text!r}")
    return public_key, secret_key


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run a mock Langfuse server until Ctrl-C or SIGTERM",
        description="Run a mock Langfuse server that records everything it receives.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=int, default=3000, help="port; 0 picks a free one")
    serve.add_argument(
        "--keys",
        type=_key_pair,
        action="append",
        default=[],
        metavar="PK:SK",
        help="accept only this key pair (repeatable); without it any key pair is accepted",
    )
    serve.add_argument(
        "--max-body-size",
        type=int,
        default=DEFAULT_MAX_BODY_SIZE,
        metavar="BYTES",
        help="ingestion body limit; larger requests get 413 (default: Langfuse's 4.5 MB)",
    )
    serve.add_argument("--project-id", default=ServerConfig.project_id, help="project id to report")


def _banner(config: ServerConfig, port: int) -> str:
    url = base_url(config.host, port)
    public_key, secret_key = config.keys[0] if config.keys else (LOCAL_PUBLIC_KEY, LOCAL_SECRET_KEY)
    keys_note = "only the keys given with --keys" if config.keys else "any key pair"
    lines = [
        f"mockfuse {__version__} serving at {url} (accepts {keys_note})",
        f"admin API: {url}/_mockfuse/",
        "point Langfuse clients here:",
        f"  export LANGFUSE_HOST={url}",
        f"  export LANGFUSE_BASE_URL={url}",
        f"  export LANGFUSE_BASEURL={url}",
        f"  export LANGFUSE_PUBLIC_KEY={public_key}",
        f"  export LANGFUSE_SECRET_KEY={secret_key}",
        "press Ctrl-C to stop",
    ]
    return "\n".join(lines)


async def _serve(config: ServerConfig) -> None:
    runner, port = await start_site(make_app(config), config.host, config.port)
    print(_banner(config, port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    print("mockfuse stopped", flush=True)


def run_serve(args: argparse.Namespace) -> int:
    if not _is_loopback(args.host):
        print(
            f"mockfuse: warning: binding {args.host} exposes captured data beyond this machine",
            file=sys.stderr,
        )
    config = ServerConfig(
        host=args.host,
        port=args.port,
        keys=tuple(args.keys),
        max_body_size=args.max_body_size,
        project_id=args.project_id,
    )
    try:
        asyncio.run(_serve(config))
    except OSError as error:
        print(f"mockfuse: cannot serve on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockfuse", description="A recording mock Langfuse server for tests."
    )
    parser.add_argument("--version", action="version", version=f"mockfuse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _serve_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return run_serve(args)
    raise AssertionError(f"unhandled command {args.command}")
