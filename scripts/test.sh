#!/usr/bin/env bash
# Quick start 2: set up and run the checks: ruff, mypy and the test suite (slow benchmarks excluded).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
exec .venv/bin/pytest -m "not slow" "$@"
