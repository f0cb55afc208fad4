# Sourced by scripts/bootstrap.sh and scripts/lock.sh.
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

pip_install() {  # pip_install VENV ARGS...: quiet, without the local index's noise; fails with pip
  local venv=$1; shift
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "is ignored: it is neither" || true; }
}

# What each environment installs, in one place (scripts/lock.sh freezes exactly these).
# The frameworks are pinned here, always, also for `make test-newest`: the guide and the
# tests document what these releases do (an unpinned torch would also pull a multi-GB CUDA
# build). PaddlePaddle and JAX (extra "frameworks") come as CPU wheels from PyPI.
PY311_REQUIREMENTS=("torch==2.13.0" "paddlepaddle==3.3.1" "jax==0.10.2" "jaxlib==0.10.2"
                    -e ".[test,myst,docs,lint,frameworks]" hypothesis)
# MegEngine 1.13 has no wheels for Python 3.11, and breaks with numpy 2.
MEGENGINE_REQUIREMENTS=("megengine==1.13.0" "numpy<2")
