#!/usr/bin/env bash
# The dashboard on http://localhost:8501 with a local sign-in provider, to try sign-in. Installs the
# test packages (the provider is one) into .venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/setup_env.sh requirements-dev.txt | tail -n 1)
exec "$python" scripts/sign_in_demo.py "$@"
