#!/usr/bin/env bash
# Create .venv beside the project (if missing) and install the pinned requirements into it.
# Usage: source-free; prints the venv's python path on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
want="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(basename "$want")-$(cat requirements*.txt | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -r "$want" >&2
  touch "$stamp"
fi
echo "$(pwd)/.venv/bin/python"
