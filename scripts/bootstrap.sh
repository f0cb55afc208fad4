#!/usr/bin/env bash
# Set up what the docs and the tests need, idempotently:
#   .venv           Python >= 3.11: Sphinx, this package (editable), torch==2.13.0 (CPU), test tools
#   .venv-megengine Python 3.10:    megengine==1.13.0 with numpy<2 (MegEngine has no wheels for 3.11)
# Re-running is cheap: each environment is rebuilt only when its requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

find_python() {  # find_python 3.11 -> path of an interpreter of that version
  local want=$1 candidate
  for candidate in "python$want" \
      "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/$want"*/bin/python \
      "$HOME/.pyenv/versions/$want"*/bin/python /usr/bin/python"$want" /usr/local/bin/python"$want"; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

stamp_ok() { [ -f "$1/.apidiff-stamp" ] && [ "$(cat "$1/.apidiff-stamp")" = "$2" ]; }

# -- the Sphinx side ------------------------------------------------------------
py311=$(find_python 3.11) || { echo "bootstrap: Python 3.11 not found" >&2; exit 1; }
want="$(sha256sum pyproject.toml scripts/bootstrap.sh | sha256sum | cut -c1-16)"
if ! stamp_ok .venv "$want"; then
  echo "bootstrap: building .venv with $py311"
  "$py311" -m venv .venv
  # torch is pinned: the CPU wheel (an unpinned torch would pull a multi-GB CUDA build).
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "torch==2.13.0" -e ".[test,myst,docs]" 2>&1 | grep -v "is ignored: it is neither" || true
  .venv/bin/python -c "import sphinx, torch, sphinx_apidiff, myst_parser" \
    || { echo "bootstrap: .venv is incomplete" >&2; exit 1; }
  echo "$want" > .venv/.apidiff-stamp
fi

# -- the MegEngine runtime ------------------------------------------------------------
py310=$(find_python 3.10) || { echo "bootstrap: Python 3.10 not found (MegEngine 1.13 needs <= 3.10)" >&2; exit 1; }
want_mge="megengine==1.13.0 numpy<2"
if ! stamp_ok .venv-megengine "$want_mge"; then
  echo "bootstrap: building .venv-megengine with $py310 (about 1 GB download the first time)"
  "$py310" -m venv .venv-megengine
  .venv-megengine/bin/pip install --quiet --disable-pip-version-check \
    "megengine==1.13.0" "numpy<2" 2>&1 | grep -v "is ignored: it is neither" || true
  .venv-megengine/bin/python -c "import megengine" 2>/dev/null \
    || { echo "bootstrap: megengine does not import in .venv-megengine" >&2; exit 1; }
  echo "$want_mge" > .venv-megengine/.apidiff-stamp
fi
echo "bootstrap: ready ($root/.venv, $root/.venv-megengine)"
