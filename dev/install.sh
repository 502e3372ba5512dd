#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install Guarantor into it.
#   dev/install.sh        runtime dependencies
#   dev/install.sh dev    plus test and lint tools
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  for candidate in python3.13 python3.12; do
    if command -v "$candidate" >/dev/null 2>&1; then PY=$candidate; break; fi
  done
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  echo "error: Guarantor needs Python >= 3.12 (PuLP 4 requires it); found $("$PY" --version 2>&1)." >&2
  echo "hint: with pyenv, the .python-version file selects 3.12; or set PYTHON=/path/to/python3.12" >&2
  exit 2
fi
[ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' || "$PY" -m venv --clear .venv
extra=""
[ "${1:-}" = "dev" ] && extra="[dev]"
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -e ".${extra}"
# Compile Guarantor's own modules now, as pip does for every other package: with an editable
# install nothing else does, and where PYTHONDONTWRITEBYTECODE is set (CI images, containers)
# every command would compile ~100 modules again (~0.15 s in each process).
.venv/bin/python -m compileall -q src/guarantor >/dev/null
