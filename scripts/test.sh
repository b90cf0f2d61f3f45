#!/usr/bin/env bash
# The project's one test command: installs what the tests need, then lints, type-checks and
# runs the tests. Works on a fresh machine with Python 3.10+; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
# Real Langfuse clients, each in its own virtual environment, built once and cached.
.venv/bin/python -m tests.support.client_envs

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/pytest -n 2 "$@"
