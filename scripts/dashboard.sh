#!/usr/bin/env bash
# Start the dashboard on http://localhost:8501, installing what it needs into .venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/setup_env.sh requirements.txt | tail -n 1)
exec "$python" -m streamlit run app.py "$@"
