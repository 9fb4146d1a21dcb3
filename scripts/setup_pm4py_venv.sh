#!/usr/bin/env bash
# Create (if missing) a virtualenv with pm4py, used to generate independent
# reference numbers (scripts/pm4py_reference.py -> tests/data/pm4py_reference.json).
set -euo pipefail
VENV="${PM4PY_VENV:-/root/.venvs/pm4py}"
if [ ! -x "$VENV/bin/python" ]; then
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --upgrade pip >/dev/null
# no-op if already installed
"$VENV/bin/python" -m pip install pm4py
"$VENV/bin/python" -c 'import pm4py; print("pm4py", pm4py.__version__)'
