"""Every client environment that runs mockfuse in its own process (its in-process downstream
suites, README's examples) installs what ``pip install mockfuse`` installs, so that they run
mockfuse as its users do: the fast paths included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "tests" / "clients"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower()


def mockfuse_dependencies() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.MULTILINE | re.DOTALL)
    assert block is not None
    return {_name(quoted) for quoted in re.findall(r'^\s*"([^"]+)"', block.group(1), re.MULTILINE)}


def _runs_mockfuse(requirements: Path) -> bool:
    text = requirements.read_text()
    return "mockfuse" in text and "pytest" in text


IN_PROCESS = sorted(path for path in CLIENTS.glob("*.requirements.txt") if _runs_mockfuse(path))


def test_the_dependencies_are_read() -> None:
    assert {"aiohttp", "msgspec", "uvloop", "pytest"} <= mockfuse_dependencies()


@pytest.mark.parametrize("requirements", IN_PROCESS, ids=lambda path: path.name)
def test_client_environment_installs_what_mockfuse_needs(requirements: Path) -> None:
    listed = {
        _name(line)
        for line in requirements.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # aiohttp may come with the client (LiteLLM depends on it), as it would for a user.
    missing = mockfuse_dependencies() - listed - {"aiohttp"}
    assert not missing, f"{requirements.name} lacks {sorted(missing)}"
