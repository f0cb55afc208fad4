"""Hypothesis on the real pair files: no input escapes the parser, validator or renderer.

The strategies start from every pair file in the repository (the guide's and the
test projects', broken ones included) and mutate them: delete, rename and retype
keys at any depth on the parsed structure (re-dumped as YAML), truncate the text
anywhere, re-indent lines, insert tabs and stray characters. Every problem must
come back as a diagnostic with a message and a line of the file.

Profiles (``HYPOTHESIS_PROFILE``): ``default`` runs a few hundred cases per test
in the suite; ``long`` runs tens of thousands (see docs/contributing.rst).
Hypothesis keeps no database: nothing is written into the repository.
"""

from __future__ import annotations

import atexit
import copy
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from sphinx_apidiff.model import loader, schema
from sphinx_apidiff.model.spec import parse_pair

from .conftest import status_of

# Hypothesis caches (constants, unicode tables) go to a temporary folder, not the repository.
_HOME = tempfile.mkdtemp(prefix="apidiff-hypothesis-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted([*ROOT.glob("docs/pairs/*.yaml"), *ROOT.glob("tests/roots/*/pairs/*.yaml")])
TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]


def _loads(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # broken on purpose (PyYAML's dates raise ValueError)
        return None


_COMMON = {"database": None, "deadline": None, "derandomize": False}
settings.register_profile(
    "default",
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    **_COMMON,
)
settings.register_profile(
    "long",
    max_examples=20_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    **_COMMON,
)
# CI runs the same cases every time (a red CI is then a bug, never bad luck); a developer's
# runs explore new ones.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)

# -- strategies ---------------------------------------------------------------------

#: Words a pair file uses: renaming a key to one of these tries the valid neighbours.
WORDS = sorted(
    {*schema.PAIR.keys, *schema.EXAMPLE.keys, *schema.INPUT.keys, "note", "en", "zh_CN"}
    | {"torch", "megengine", "x", "y", "<<", "float32", "int8", "match", "differ"}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 10**400, 2**63, 2**64]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from([*WORDS, "", " ", "a b", "torch.relu", "1e5", "2024-02-30", "~", "null"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), inner, max_size=3)
    ),
    max_leaves=6,
)
keys = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=10),
    st.integers(min_value=-3, max_value=3),
    st.booleans(),
    st.none(),
)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


def _mutate(draw: Any, data: Any) -> Any:
    path = draw(st.sampled_from(_paths(data)))
    op = draw(st.sampled_from(["delete", "rename", "retype", "retype"]))
    if not path:
        return draw(values) if op == "retype" else data
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "retype":
        parent[last] = draw(values)
    elif isinstance(parent, dict):  # rename, keeping the order of the keys
        new = draw(keys)
        items = [(new if k == last else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
    else:  # "rename" in a list: the item moves
        item = parent.pop(last)
        parent.insert(draw(st.integers(0, len(parent))), item)
    return data


#: The seeds that are YAML mappings of a reasonable size (not the alias bomb): the
#: structural mutations start from these.
STRUCTURES = [
    data for data in map(_loads, TEXTS) if isinstance(data, dict) and len(_paths(data)) < 5000
]


@st.composite
def mutated_structures(draw: Any) -> str:
    """A real pair, with keys deleted, renamed or retyped at any depth, dumped again."""
    data = copy.deepcopy(draw(st.sampled_from(STRUCTURES)))
    for _ in range(draw(st.integers(1, 4))):
        data = _mutate(draw, data)
    flow = draw(st.sampled_from([None, False, True]))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow)


@st.composite
def mutated_texts(draw: Any) -> str:
    """A real pair file (or a structural mutation of one), cut, re-indented, tabbed."""
    text = draw(st.one_of(st.sampled_from(TEXTS), mutated_structures()))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["truncate", "indent", "tab", "insert", "lines"]))
        lines = text.splitlines(keepends=True) or [""]
        if op == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        elif op == "indent":
            i = draw(st.integers(0, len(lines) - 1))
            delta = draw(st.integers(-4, 4))
            stripped = lines[i].lstrip(" ")
            indent = max(0, len(lines[i]) - len(stripped) + delta)
            lines[i] = " " * indent + stripped
            text = "".join(lines)
        elif op == "tab":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + "\t" + text[at:]
        elif op == "insert":
            at = draw(st.integers(0, len(text)))
            junk = draw(
                st.text(max_size=4) | st.sampled_from([":", "- ", "{", "[", "&a ", "*a", "!!"])
            )
            text = text[:at] + junk + text[at:]
        else:  # a line doubled or dropped
            i = draw(st.integers(0, len(lines) - 1))
            lines[i : i + 1] = [] if draw(st.booleans()) else [lines[i], lines[i]]
            text = "".join(lines)
    return text


any_text = st.one_of(mutated_structures(), mutated_texts())

# -- the parser and the validator ---------------------------------------------------


def assert_located(text: str, offset: int = 0) -> None:
    """Parse ``text``: no exception, every diagnostic has a message and a line of the file."""
    spec, diags = parse_pair(text, "fuzz.yaml", line_offset=offset, default_id="fuzz")
    last = offset + max(len(text.splitlines()), 1)
    for diag in diags:
        assert isinstance(diag.message, str) and diag.message.strip(), diag
        assert len(diag.message.splitlines()) == 1, diag  # a warning is one located line
        assert re.fullmatch(r"[a-z]+", diag.subtype), diag
        assert isinstance(diag.line, int) and offset + 1 <= diag.line <= last, (diag, last)
    if spec is not None:  # what the page is built from has the types it claims
        assert len(spec.apis) >= 2 and all(isinstance(a, str) and a for a in spec.apis.values())
        assert all(isinstance(c.text, str) for e in spec.examples for c in e.code.values())
        for line in [spec.line, *spec.api_lines.values()]:
            assert line is not None and offset + 1 <= line <= last


def test_the_seeds_are_the_real_files():
    assert len(SEEDS) >= 70 and len(STRUCTURES) >= 60
    for text in TEXTS:  # the real files themselves, as they are
        assert_located(text)


@given(any_text)
def test_parser_survives_mutated_pairs(text):
    assert_located(text)


@given(any_text, st.integers(min_value=1, max_value=500))
def test_inline_yaml_lines_are_lines_of_the_document(text, offset):
    assert_located(text, offset)


def parse_both_ways(text: str, offset: int = 0) -> tuple[Any, Any]:
    """``text`` read with libyaml's parser (the default) and with PyYAML's pure-Python one."""
    fast = parse_pair(text, "case.yaml", line_offset=offset)
    with mock.patch.object(loader, "_FAST_LOADER", None):
        pure = parse_pair(text, "case.yaml", line_offset=offset)
    return fast, pure


needs_libyaml = pytest.mark.skipif(
    loader._FAST_LOADER is None, reason="PyYAML was built without libyaml"
)


@needs_libyaml
def test_libyaml_reads_the_real_files_as_pure_python_does():
    for text in TEXTS:
        fast, pure = parse_both_ways(text)
        assert fast == pure


@needs_libyaml
@given(any_text, st.integers(min_value=0, max_value=50))
def test_libyaml_and_pure_python_give_the_same_spec_and_diagnostics(text, offset):
    fast, pure = parse_both_ways(text, offset)
    assert fast == pure


@given(values)
def test_validator_survives_any_value(data):
    for problem in schema.validate(data):
        assert isinstance(problem.message, str) and problem.message.strip()
        assert isinstance(problem.path, tuple) and isinstance(problem.blocked, tuple)


# -- the page renderer --------------------------------------------------------------

BATCH = 24
_BUILDS = max(2, settings.default.max_examples // 400)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One signature cache for every build (introspection is not what is tested)."""
    return tmp_path_factory.mktemp("fuzz-cache")


@settings(max_examples=_BUILDS, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(any_text, st.booleans()), min_size=BATCH, max_size=BATCH))
def test_renderer_writes_every_page(shared, tmp_path_factory, cases):
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path_factory.mktemp("fuzz")
    (src / "pairs").mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinx_apidiff"]\napidiff_execution_mode = "off"\n'
        f"apidiff_cache_path = {str(shared)!r}\n",
        encoding="utf-8",
    )
    names = [f"case{i}" for i in range(BATCH)]
    for name, (text, as_file) in zip(names, cases, strict=True):
        title = f"{name}\n{'=' * len(name)}\n\n"
        if as_file:  # a pair file
            (src / "pairs" / f"{name}.yaml").write_text(text, encoding="utf-8")
            page = f"{title}.. apidiff:: pairs/{name}.yaml\n"
        else:  # the same YAML inline
            body = "".join(f"   {line}\n" for line in text.splitlines())
            page = f"{title}.. apidiff::\n\n{body}"
        (src / f"{name}.rst").write_text(page, encoding="utf-8")
    (src / "index.rst").write_text(
        "Fuzz\n====\n\n.. toctree::\n\n" + "".join(f"   {n}\n" for n in names), encoding="utf-8"
    )
    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    try:
        app.build()  # raises on an exception that escapes the extension
    finally:
        app.cleanup()
    log = app.warning.getvalue() + status_of(app)
    for word in ("Traceback", "Exception occurred", "internal error"):
        assert word not in log, log
    for name in names:
        assert (app.outdir / f"{name}.html").is_file(), name
    for line in app.warning.getvalue().splitlines():
        if "[apidiff." in line:
            assert re.match(r"\S+:\d+: WARNING: ", re.sub(r"\x1b\[[0-9;]*m", "", line)), line
    shutil.rmtree(src, ignore_errors=True)
