"""Instructions a request: the servers of ``ingestion_shapes.py`` under the same load, each
run under valgrind's callgrind, which counts every instruction the process executes. Counts
do not move with a noisy machine as times do: one run is a verdict, where the timed bench
needs many rounds and still moves by a tenth.

Each server is started under callgrind and warmed up with wrk; then its counters are zeroed
(``callgrind_control -z``), wrk loads it for ``--seconds``, and its counters are dumped: the
instructions it executed, over the requests wrk saw answered. That is the server's own work
in user space, interpreter and C extensions alike; not the kernel's (its system calls are the
same for every server here: one read, one write and a share of an epoll wait a request, with
``getpid`` on uvloop), nor what memory costs beyond the instructions that touch it (cache
misses, fresh pages: see ``memory.py fresh-pages``). The ratio is the bare handler's count
over the server's, so that it reads like a rate's. Needs valgrind and wrk.

    .venv/bin/python bench/ingestion_instructions.py [--seconds 10] [--shape "1 event"]
        [--baseline DIR] [--server mockfuse]

``--baseline`` counts another checkout of mockfuse beside this one; ``--server`` counts only
the servers named (the bare handler is always counted: it is the floor).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from ingestion_shapes import SHAPES, load_script, servers
from side_by_side import free_port, run_wrk, wait_until_listening

WARM_UP_SECONDS = 3
# callgrind runs Python some fifty times slower: starting up takes that much longer.
START_TIMEOUT = 180


def _callgrind_control(option: str, pid: int) -> None:
    subprocess.run(["callgrind_control", option, str(pid)], capture_output=True, check=True)


def _dumped_total(out: Path) -> int:
    """The instruction total of the newest dump callgrind wrote under ``out``."""
    newest = max(out.parent.glob(out.name + "*"), key=lambda path: path.stat().st_mtime)
    for line in newest.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {newest}")


def instructions_a_request(
    command: list[str], extra_env: dict[str, str], script: Path, seconds: int, folder: Path
) -> tuple[float, int]:
    """The server's instructions a request under ``script``'s load, and the requests counted."""
    port = free_port()
    out = folder / f"callgrind.{port}"
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **extra_env},
    )
    try:
        wait_until_listening(port, timeout=START_TIMEOUT)
        run_wrk(port, script, WARM_UP_SECONDS, "-c4")
        _callgrind_control("-z", server.pid)  # zero the counters
        _, requests = run_wrk(port, script, seconds, "-c4")
        _callgrind_control("-d", server.pid)  # dump them
        return _dumped_total(out) / requests, requests
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="repeatable")
    parser.add_argument("--baseline", help="a checkout of mockfuse to count beside this one")
    parser.add_argument("--server", action="append", help="only these servers (repeatable)")
    args = parser.parse_args()
    commands = servers(args.baseline)
    if args.server:
        wanted = {*args.server, "bare aiohttp", *(["baseline"] if args.baseline else [])}
        commands = {name: command for name, command in commands.items() if name in wanted}
    folder = Path(tempfile.mkdtemp())
    table = []
    for shape in args.shape or SHAPES:
        script = load_script(shape, folder)
        counts = {}
        for name, (command, extra_env) in commands.items():
            counts[name], requests = instructions_a_request(
                command, extra_env, script, args.seconds, folder
            )
            print(
                f"{shape}: {name} {counts[name] / 1000:.1f} k instructions a request "
                f"({requests} requests)",
                flush=True,
            )
        floor = counts["bare aiohttp"]
        for name, count in counts.items():
            if name != "bare aiohttp":
                table.append(
                    f"| {shape} | {name} | {count / 1000:.0f} | {floor / 1000:.0f} | "
                    f"{floor / count:.2f} |"
                )
    print()
    print("| shape | server | k instructions a request | bare's | ratio |")
    print("|---|---|---|---|---|")
    print("\n".join(table))


if __name__ == "__main__":
    main()
