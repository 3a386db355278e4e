#!/usr/bin/env bash
# Run every test: lint, unit, property, AppTest and real-browser tests.
# Installs what it needs: the pinned packages into .venv, and Debian's chromium and PostgreSQL server
# if they are missing (the store's tests start a throwaway PostgreSQL cluster of their own).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/setup_env.sh requirements-dev.txt | tail -n 1)
if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null; then
  echo "Installing Debian's chromium and poppler-utils for the browser and PDF tests..." >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium poppler-utils >&2
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing Debian's postgresql for the store's tests..." >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
fi
"$python" -m ruff check roi store ui pages app.py tests benchmarks scripts
# The layers of the package, no import circle, no project import inside a function (docs/architecture.md).
"$(dirname "$python")/lint-imports" --config pyproject.toml
# Two workers (this is a 2-core machine); an idle worker takes tests from the other's queue.
"$python" -m pytest -q -p no:cacheprovider -n "${ROI_TEST_WORKERS:-2}" --dist worksteal "$@"
