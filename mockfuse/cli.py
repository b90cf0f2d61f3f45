"""The ``mockfuse`` command: ``serve`` runs the server; ``snapshot`` and ``check`` read one.

Exit codes: 0 success, 1 a failed check, 2 a usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import signal
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mockfuse import __version__, event_loop
from mockfuse.capture import heap
from mockfuse.capture.faults import rule_from_spec
from mockfuse.capture.services import DEFAULT_MAX_BODY_SIZE, ServerConfig, Services
from mockfuse.langfuse.prompts import PromptError, prompt_from_spec
from mockfuse.server import base_url, make_app, start_site
from mockfuse.snapshot.compare import describe_difference, find_changes, snapshot_text
from mockfuse.snapshot.files import read_snapshot, write_snapshot
from mockfuse.snapshot.views import VIEWS
from mockfuse.testing.tenant import langfuse_env
from mockfuse.viewer import VIEWER_PATH

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE = 0, 1, 2

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
    serve.add_argument(
        "--max-batch-events",
        type=int,
        default=ServerConfig.max_batch_events,
        metavar="N",
        help="events one ingestion batch may carry; more get 413 (default: %(default)s)",
    )
    serve.add_argument(
        "--max-header-size",
        type=int,
        default=ServerConfig.max_header_size,
        metavar="BYTES",
        help="longest request line or header; longer get 400 (default: %(default)s)",
    )
    serve.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="keep the last N requests per tenant (and their events); /_mockfuse/tenants "
        "counts what was evicted",
    )
    serve.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="append every capture to FILE before answering; start on it again to restore",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="require Authorization: Bearer TOKEN on the admin API (needed off loopback)",
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="JSON",
        help='a fault rule, as the admin API takes it: \'{"public_key": "pk-lf-local", '
        '"status": 503, "times": 2}\' (repeatable)',
    )
    serve.add_argument(
        "--prompts",
        type=Path,
        metavar="FILE",
        help="a JSON list of prompts to serve ({name, type, prompt, labels, config}); "
        "those without public_key are served to every tenant",
    )


def _viewer_url(config: ServerConfig, url: str) -> str:
    # With an admin token the link carries it once; the page then keeps it in a cookie.
    token = f"?token={urllib.parse.quote(config.admin_token)}" if config.admin_token else ""
    return f"{url}{VIEWER_PATH}{token}"


def _banner(config: ServerConfig, port: int) -> str:
    url = base_url(config.host, port)
    public_key, secret_key = config.keys[0] if config.keys else (LOCAL_PUBLIC_KEY, LOCAL_SECRET_KEY)
    keys_note = "only the keys given with --keys" if config.keys else "any key pair"
    lines = [
        f"mockfuse {__version__} serving at {url} (accepts {keys_note})",
        f"trace viewer: {_viewer_url(config, url)}",
        f"admin API: {url}/_mockfuse/",
        f"event loop: {event_loop.name()}",
        "point Langfuse clients (and OpenTelemetry exporters) here:",
        *(
            f"  export {name}={value}"
            for name, value in langfuse_env(url, public_key, secret_key).items()
        ),
        "press Ctrl-C to stop",
    ]
    return "\n".join(lines)


def _load_prompts(services: Services, path: Path | None) -> None:
    if path is None:
        return
    try:
        specs = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(specs, list):
            raise PromptError("the file must hold a JSON list of prompts")
        for spec in specs:
            prompt_from_spec(services.prompts, spec)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot load prompts from {path}: {error}") from None


async def _serve(services: Services) -> None:
    config = services.config
    app = make_app(services=services)
    if config.freeze_heap:
        # All built so far lives as long as the server: frozen now, the first freeze under
        # load does not walk every object the imports made (a 15 ms stall, measured here).
        heap.freeze_survivors()
        heap.hold_freed_memory()
    runner, port = await start_site(app, config.host, config.port)
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
        if args.admin_token is None:
            raise UsageError(
                f"binding {args.host} exposes captured data beyond this machine: "
                "give --admin-token to protect the admin API"
            )
        print(
            f"mockfuse: warning: binding {args.host} exposes captured data beyond this machine",
            file=sys.stderr,
        )
    if args.max_requests is not None and args.max_requests < 1:
        raise UsageError("--max-requests must be at least 1")
    config = ServerConfig(
        host=args.host,
        port=args.port,
        keys=tuple(args.keys),
        max_body_size=args.max_body_size,
        project_id=args.project_id,
        max_requests=args.max_requests,
        max_batch_events=args.max_batch_events,
        max_header_size=args.max_header_size,
        journal=args.journal,
        admin_token=args.admin_token,
        freeze_heap=True,  # the process is the server's own
    )
    try:
        services = Services(config)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot start: {error}") from None
    _load_prompts(services, args.prompts)
    for spec in args.fault:
        try:
            services.faults.add(rule_from_spec(json.loads(spec)))
        except ValueError as error:
            raise UsageError(f"--fault {spec}: {error}") from None
    try:
        event_loop.run(_serve(services))
    except OSError as error:
        print(f"mockfuse: cannot serve on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0


def _snapshot_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="base URL of a running mockfuse server")
    parser.add_argument("--public-key", required=True, help="the tenant whose captures to use")
    parser.add_argument("--view", choices=VIEWS, default="traces", help="default: traces")
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="GLOB", help="drop these paths too"
    )
    parser.add_argument(
        "--keep", action="append", default=[], metavar="GLOB", help="keep these paths verbatim"
    )
    parser.add_argument(
        "--volatile",
        action="append",
        default=[],
        metavar="REGEX",
        help="values that change on every run, besides the built-in rules: each match (its "
        "first group, if it has one) becomes an <id:n> placeholder",
    )
    parser.add_argument("--admin-token", metavar="TOKEN", help="the server's --admin-token")


def _snapshot_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    snapshot = commands.add_parser(
        "snapshot",
        help="print (or write) a tenant's normalized snapshot",
        description="Fetch a tenant's normalized captures from a running mockfuse server.",
    )
    _snapshot_source(snapshot)
    snapshot.add_argument("-o", "--output", type=Path, help="write to this file, not stdout")
    check = commands.add_parser(
        "check",
        help="compare a tenant's captures with a snapshot file",
        description="Exit 0 when the captures match FILE, 1 with a diff when they do not, "
        "2 on a usage error.",
    )
    _snapshot_source(check)
    check.add_argument("file", type=Path, metavar="FILE", help="the snapshot file")
    check.add_argument("--update", action="store_true", help="write FILE instead of failing")


class UsageError(Exception):
    pass


def _fetch_snapshot(args: argparse.Namespace) -> Any:
    query = urllib.parse.urlencode(
        [("public_key", args.public_key), ("view", args.view)]
        + [("ignore", glob) for glob in args.ignore]
        + [("keep", glob) for glob in args.keep]
        + [("volatile", pattern) for pattern in args.volatile]
    )
    url = f"{args.url.rstrip('/')}/_mockfuse/snapshot?{query}"
    headers = {"Authorization": f"Bearer {args.admin_token}"} if args.admin_token else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=30
        ) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise UsageError(
            f"{url} answered {error.code}: {error.read().decode(errors='replace')}"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise UsageError(f"cannot read a snapshot from {url}: {error}") from None


def run_snapshot(args: argparse.Namespace) -> int:
    data = _fetch_snapshot(args)
    if args.output is None:
        sys.stdout.write(snapshot_text(data))
    else:
        write_snapshot(args.output, data)
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    actual = _fetch_snapshot(args)
    if not args.file.exists():
        if args.update:
            write_snapshot(args.file, actual)
            print(f"mockfuse: wrote {args.file}")
            return EXIT_OK
        print(f"mockfuse: {args.file} does not exist; create it with --update", file=sys.stderr)
        return EXIT_DIFFERENT
    try:
        expected = read_snapshot(args.file)
    except ValueError as error:
        raise UsageError(f"{args.file} is not a JSON snapshot: {error}") from None
    changes = find_changes(expected, actual)
    if not changes:
        print(f"mockfuse: captures match {args.file}")
        return EXIT_OK
    if args.update:
        write_snapshot(args.file, actual)
        print(f"mockfuse: updated {args.file}")
        return EXIT_OK
    print(describe_difference(expected, actual, changes, expected_label=str(args.file)))
    return EXIT_DIFFERENT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockfuse", description="A recording mock Langfuse server for tests."
    )
    parser.add_argument("--version", action="version", version=f"mockfuse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _serve_parser(commands)
    _snapshot_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"serve": run_serve, "snapshot": run_snapshot, "check": run_check}
    try:
        return commands[args.command](args)
    except UsageError as error:
        print(f"mockfuse: {error}", file=sys.stderr)
        return EXIT_USAGE
