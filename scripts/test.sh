#!/usr/bin/env bash
# Set up and run every check CI runs: ruff, import-linter (layer contracts), mypy, pytest.
# Extra arguments go to pytest, e.g. ./scripts/test.sh -k crash
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
echo "== import-linter (layers, DESIGN.md section 1)"
.venv/bin/lint-imports
echo "== mypy (strict)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest -q "$@"
