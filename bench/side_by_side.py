"""Servers side by side under one load generator (wrk): each started on a free loopback port,
loaded in turn, round after round, so that a noisy machine's drift hits them all alike; the
medians of their requests per second are compared."""

from __future__ import annotations

import argparse
import base64
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Servers by name: each one's command (its port is appended) and the environment it adds.
Commands = dict[str, tuple[list[str], dict[str, str]]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # polling a port that is not open yet; nothing to wait on instead
    raise RuntimeError(f"nothing listens on {port}")


@dataclass(frozen=True)
class Load:
    """What one wrk run measured: requests per second, answer latency in milliseconds, and
    the server's CPU time (user and system) per request in microseconds. The CPU time moves
    less between rounds than the rate on a noisy machine: it does not count the time the
    server waited for a core."""

    rate: float
    p50: float
    p99: float
    cpu_us: float


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_UNITS_IN_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency(output: str, percent: str) -> float:
    match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(output)
    return float(match.group(1)) * _UNITS_IN_MS[match.group(2)]


def run_wrk(port: int, script: Path, seconds: int, *options: str) -> tuple[str, int]:
    """wrk's report of ``script`` loading ``port`` for ``seconds`` over one thread (with
    ``options``, for instance ``-c8``), and the requests it saw answered; RuntimeError when any
    answer was not a 2xx."""
    result = subprocess.run(
        ["wrk", "-t1", *options, f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} requests failed:\n{result.stdout}")
    done = re.search(r"(\d+) requests in", result.stdout)
    if done is None:
        raise RuntimeError(result.stdout + result.stderr)
    return result.stdout, int(done.group(1))


def load(port: int, script: Path, seconds: int, pid: int) -> Load:
    """wrk running ``script`` against the server ``pid`` listening on ``port``."""
    cpu_before = cpu_seconds(pid)
    report, answered = run_wrk(port, script, seconds, "-c8", "--latency")
    cpu = cpu_seconds(pid) - cpu_before
    match = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if match is None:
        raise RuntimeError(report)
    return Load(
        float(match.group(1)),
        _latency(report, "50"),
        _latency(report, "99"),
        cpu / answered * 1e6,
    )


# Any key pair is accepted: the tenant a load test writes to.
AUTHORIZATION = "Basic " + base64.b64encode(b"pk-lf-bench:sk-lf-bench").decode()


def argument_parser(description: str | None) -> argparse.ArgumentParser:
    """``--rounds`` and ``--seconds`` of a side-by-side load test, with its docstring as help."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    return parser


def checkout(folder: Path | str) -> dict[str, str]:
    """The environment that runs the mockfuse of the checkout in ``folder``, whatever the
    environment has installed and whichever folder the bench runs from (PYTHONSAFEPATH,
    Python 3.11+: no cwd on the path)."""
    return {"PYTHONPATH": str(Path(folder).resolve()), "PYTHONSAFEPATH": "1"}


def load_arguments(description: str | None) -> argparse.Namespace:
    return argument_parser(description).parse_args()


@contextmanager
def started(commands: Commands) -> Iterator[dict[str, tuple[int, int]]]:
    """Each server started (its command, a free port appended, with its extra environment)
    and listening: their ports and process ids, by name; stopped on leaving."""
    ports = {name: free_port() for name in commands}
    servers = {
        name: subprocess.Popen(
            [*command, str(ports[name])],
            stdout=subprocess.DEVNULL,
            env={**os.environ, **extra_env},
        )
        for name, (command, extra_env) in commands.items()
    }
    try:
        for port in ports.values():
            wait_until_listening(port)
        yield {name: (ports[name], servers[name].pid) for name in commands}
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)


def loaded_rounds(
    commands: Commands,
    script: Path,
    rounds: int,
    seconds: int,
) -> dict[str, list[Load]]:
    """Load each server with wrk running ``script`` for ``seconds``, ``rounds`` times, printing
    each round; answer each server's loads, one a round.

    Every round starts every server afresh: one process of a server runs a few percent faster
    or slower than another of the same server for as long as it lives (where its heap and code
    landed in memory), so a server kept for all rounds carries its one process's luck into
    every round, and more rounds would not average it out. Every other round loads the
    servers in reverse order, so that a machine slowing down or speeding up over a round
    favours none of them."""
    runs: dict[str, list[Load]] = {name: [] for name in commands}
    for round_number in range(1, rounds + 1):
        with started(commands) as servers:
            order = list(servers) if round_number % 2 else list(reversed(servers))
            for name in order:
                port, pid = servers[name]
                runs[name].append(load(port, script, seconds, pid))
        print(
            f"round {round_number}: "
            + ", ".join(
                f"{n} {r[-1].rate:.0f} req/s (p50 {r[-1].p50:.2f} ms, p99 {r[-1].p99:.2f} ms,"
                f" {r[-1].cpu_us:.0f} µs CPU)"
                for n, r in runs.items()
            )
        )
    return runs


def median_load(loads: list[Load]) -> Load:
    """Each measure's own median over the rounds."""
    return Load(
        statistics.median(load.rate for load in loads),
        statistics.median(load.p50 for load in loads),
        statistics.median(load.p99 for load in loads),
        statistics.median(load.cpu_us for load in loads),
    )


def paired_ratio(loads: list[Load], floor: list[Load]) -> float:
    """The median over rounds of a server's rate over the floor's in the same round: a slow
    stretch of the machine that spans a round moves both, and its ratio less than either."""
    pairs = zip(loads, floor, strict=True)
    return statistics.median(mine.rate / theirs.rate for mine, theirs in pairs)


def median_loads(
    commands: Commands,
    script: Path,
    rounds: int,
    seconds: int,
) -> dict[str, Load]:
    """``loaded_rounds``, each server's medians (rate, p50, p99, CPU time, each its own)."""
    runs = loaded_rounds(commands, script, rounds, seconds)
    return {name: median_load(loads) for name, loads in runs.items()}


def median_rates(
    commands: Commands,
    script: Path,
    rounds: int,
    seconds: int,
) -> dict[str, float]:
    """``median_loads``, requests per second only, printed."""
    medians = {name: m.rate for name, m in median_loads(commands, script, rounds, seconds).items()}
    print(", ".join(f"median {name}: {rate:.0f} req/s" for name, rate in medians.items()))
    return medians


SHAPE_TABLE_HEADER = (
    "| shape | server | req/s | bare req/s | ratio | paired ratio | p50 / p99 ms "
    "| bare p50 / p99 ms | p99 ratio | CPU µs a request / bare's | CPU ratio |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def shape_table_rows(shape: str, runs: dict[str, list[Load]], floor_name: str) -> list[str]:
    """A row of ``SHAPE_TABLE_HEADER``'s table for each server of ``runs`` beside the floor's:
    medians, ratios of rate (of the medians, and paired), p99 and CPU time (floor over
    server: it reads like the rate's)."""
    floor = median_load(runs[floor_name])
    rows = []
    for name in [n for n in runs if n != floor_name]:
        load = median_load(runs[name])
        rows.append(
            f"| {shape} | {name} | {load.rate:.0f} | {floor.rate:.0f} | "
            f"{load.rate / floor.rate:.2f} | {paired_ratio(runs[name], runs[floor_name]):.2f} | "
            f"{load.p50:.2f} / {load.p99:.2f} | {floor.p50:.2f} / {floor.p99:.2f} | "
            f"{load.p99 / floor.p99:.2f} | {load.cpu_us:.0f} / {floor.cpu_us:.0f} | "
            f"{floor.cpu_us / load.cpu_us:.2f} |"
        )
    return rows


def shape_bench(
    description: str | None,
    shapes: list[str],
    servers: Callable[[str | None], Commands],
    script_for: Callable[[str, Path], tuple[Path, str]],
) -> None:
    """A bench of load shapes side by side (``ingestion_shapes.py``, ``otlp_shapes.py``):
    ``--shape``, ``--baseline``, ``--rounds`` and ``--seconds`` parsed; for each shape, its wrk
    script (``script_for`` writes it in a folder and says what it posts, printed), every server of
    ``servers(baseline)`` loaded in rounds; then the table of medians beside the bare
    handler's."""
    parser = argument_parser(description)
    parser.add_argument(
        "--shape", action="append", choices=shapes, help="only these shapes (repeatable)"
    )
    parser.add_argument("--baseline", help="a checkout of mockfuse to run beside this one")
    args = parser.parse_args()
    commands = servers(args.baseline)
    folder = Path(tempfile.mkdtemp())
    table = []
    for shape in args.shape or shapes:
        script, posts = script_for(shape, folder)
        print(f"-- {shape}: {posts}")
        runs = loaded_rounds(commands, script, args.rounds, args.seconds)
        table += shape_table_rows(shape, runs, "bare aiohttp")
    print()
    print(SHAPE_TABLE_HEADER)
    print("\n".join(table))
