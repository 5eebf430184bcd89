#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine: system packages and a virtual
# environment in .venv with the package installed (editable) and its extras.
# Usage: bash scripts/setup.sh [EXTRAS]   e.g. bash scripts/setup.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-}"

need_apt=()
command -v mdb-export >/dev/null 2>&1 || need_apt+=(mdbtools)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Hangul in pages and PNG plots (Korean cell ids); see src/gwangyang/plotting.py.
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
if [ "${#need_apt[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing Debian packages: ${need_apt[*]}" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >&2
if [ -n "$EXTRAS" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$EXTRAS]" >&2
else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e . >&2
fi
