# Shared by scripts/run and scripts/test: make .venv and install the project with the given extras,
# re-installing only when pyproject.toml changed. Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MASTOC_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  local stamp="$VENV/.mastoc-installed-$extras"
  local sum
  sum="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "Installing mastoc[$extras] into $VENV ..." >&2
    "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]"
    echo "$sum" > "$stamp"
  fi
}
