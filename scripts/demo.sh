#!/usr/bin/env bash
# Quick start 1: set up and run the main job (`gwangyang demo`). Extra arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/gwangyang demo "$@"
