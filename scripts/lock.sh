#!/usr/bin/env bash
# Refresh constraints/py311.txt and constraints/megengine.txt (`make lock`): build both
# environments afresh in a temporary folder with no constraints, so pip picks the newest
# releases that satisfy pyproject.toml, and write down exactly what got installed.
# torch stays pinned to 2.13.0 (scripts/common.sh), never the newest.
# Then run `make test`: the new pins are what CI will use.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/apidiff-lock.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

freeze() {  # freeze VENV OUT COMMENT: pip freeze, less this package, with a header
  local header="# $3
# Written by \`make lock\` (scripts/lock.sh) on $(date -u +%Y-%m-%d), read by scripts/bootstrap.sh
# (pip install -c). Edit nothing by hand: change pyproject.toml or scripts/common.sh, then
# run \`make lock\`."
  { echo "$header"
    "$1/bin/pip" freeze --exclude-editable --disable-pip-version-check \
      | grep -v -i "^sphinx[-_]apidiff[= @]" \
      | sed -E 's/^torch==2\.13\.0\+[a-z0-9.]+$/torch==2.13.0/' \
      | LC_ALL=C sort -f
  } > "$2.tmp"
  mv "$2.tmp" "$2"
  echo "lock: $2 ($(grep -vc '^#' "$2") pins)"
}

py311=$(find_python 3.11) || { echo "lock: Python 3.11 not found" >&2; exit 1; }
"$py311" -m venv "$tmp/py311"
pip_install "$tmp/py311" "${PY311_REQUIREMENTS[@]}"
grep -q "^torch==2\.13\.0" <("$tmp/py311/bin/pip" freeze) \
  || { echo "lock: torch is not 2.13.0" >&2; exit 1; }
freeze "$tmp/py311" constraints/py311.txt \
  "The Sphinx side (.venv, Python 3.11): this package's dependencies and extras test, myst, docs, lint, frameworks."

py310=$(find_python 3.10) || { echo "lock: Python 3.10 not found" >&2; exit 1; }
"$py310" -m venv "$tmp/megengine"
pip_install "$tmp/megengine" "${MEGENGINE_REQUIREMENTS[@]}"
freeze "$tmp/megengine" constraints/megengine.txt \
  "The MegEngine runtime (.venv-megengine, Python 3.10): megengine 1.13.0 and numpy < 2."
