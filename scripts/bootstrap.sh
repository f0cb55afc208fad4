#!/usr/bin/env bash
# Set up what the docs and the tests need, idempotently:
#   .venv           Python >= 3.11: Sphinx, this package (editable), torch==2.13.0 (CPU),
#                   PaddlePaddle and JAX (CPU), test tools
#   .venv-megengine Python 3.10:    megengine==1.13.0 with numpy<2 (MegEngine has no wheels for 3.11)
# Every version is pinned by constraints/py311.txt and constraints/megengine.txt (refresh them
# with `make lock`), so CI and every developer test against the same releases.
# Re-running is cheap: each environment is rebuilt only when its requirements or pins change.
#
#   APIDIFF_CONSTRAINTS=none   the Sphinx side unpinned and upgraded to the newest releases
#                              (torch stays 2.13.0); `make test-newest` uses it in .venv-newest
#   APIDIFF_VENV=DIR           the Sphinx side's environment (default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/common.sh

check_venv() {
  "$venv/bin/python" -c "import sphinx, torch, paddle, jax, sphinx_apidiff, myst_parser, hypothesis, build" \
    || { echo "bootstrap: $venv is incomplete" >&2; exit 1; }
}

stamp_ok() { [ -f "$1/.apidiff-stamp" ] && [ "$(cat "$1/.apidiff-stamp")" = "$2" ]; }
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

venv=${APIDIFF_VENV:-.venv}

# -- the Sphinx side ------------------------------------------------------------
py311=$(find_python 3.11) || { echo "bootstrap: Python 3.11 not found" >&2; exit 1; }
if [ "${APIDIFF_CONSTRAINTS:-}" = none ]; then
  # Unpinned on purpose: install (again) and upgrade everything but torch to the newest.
  echo "bootstrap: $venv with the newest releases (no constraints; the frameworks stay pinned)"
  [ -x "$venv/bin/python" ] || "$py311" -m venv "$venv"
  pip_install "$venv" --upgrade --upgrade-strategy eager "${PY311_REQUIREMENTS[@]}"
  check_venv
  echo unconstrained > "$venv/.apidiff-stamp"
else
  want="$(hash_of pyproject.toml scripts/bootstrap.sh scripts/common.sh constraints/py311.txt)"
  if ! stamp_ok "$venv" "$want"; then
    echo "bootstrap: building $venv with $py311 (pinned by constraints/py311.txt)"
    "$py311" -m venv "$venv"
    pip_install "$venv" -c constraints/py311.txt "${PY311_REQUIREMENTS[@]}"
    check_venv
    echo "$want" > "$venv/.apidiff-stamp"
  fi
fi

# -- the MegEngine runtime (always pinned: it is the runtime the guide documents) -------
py310=$(find_python 3.10) || { echo "bootstrap: Python 3.10 not found (MegEngine 1.13 needs <= 3.10)" >&2; exit 1; }
# Only what this environment installs: a change on the Sphinx side must not rebuild 1 GB.
want_mge="$({ echo "${MEGENGINE_REQUIREMENTS[*]}"; cat constraints/megengine.txt; } \
  | sha256sum | cut -c1-16)"
if ! stamp_ok .venv-megengine "$want_mge"; then
  echo "bootstrap: building .venv-megengine with $py310 (about 1 GB download the first time)"
  "$py310" -m venv .venv-megengine
  pip_install .venv-megengine -c constraints/megengine.txt "${MEGENGINE_REQUIREMENTS[@]}"
  .venv-megengine/bin/python -c "import megengine" 2>/dev/null \
    || { echo "bootstrap: megengine does not import in .venv-megengine" >&2; exit 1; }
  echo "$want_mge" > .venv-megengine/.apidiff-stamp
fi
echo "bootstrap: ready ($root/$venv, $root/.venv-megengine)"
