"""Doctree regression files: a change of what the pages are made of shows as a reviewed diff.

``tests/roots/test-regression`` builds from its committed results store (nothing runs,
so every machine builds the same pages) with the HTML builder, which runs
``DesignLayout`` over sphinx-design, and with the text builder. The post-transform
doctree of a pair page and of the overview page must equal its file in
``tests/regression/``. ``APIDIFF_REGEN=1`` rewrites the files and fails, saying so:
review ``git diff tests/regression`` and commit it with the change that made it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from sphinx_design.testing import normalize_doctree_xml

from sphinx_apidiff.files import atomic_write

from .conftest import build_root, warnings_of

REGRESSION = Path(__file__).parent / "regression"
ROOT = Path(__file__).resolve().parent.parent
PAGES = {"pair": "var", "overview": "index"}
#: The one warning the root asks for: an example whose author expects a match got an error.
EXPECTED_WARNING = "example 'MegEngine has no correction': expected match, got error"


def regenerating() -> bool:
    return os.environ.get("APIDIFF_REGEN", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module", params=["html", "text"])
def app(request, rootdir, tmp_path_factory):
    app = build_root(
        rootdir, "regression", tmp_path_factory.mktemp(request.param), buildername=request.param
    )
    yield app
    app.cleanup()


def doctree_text(app, docname: str) -> str:
    """The page's doctree after every post-transform of the builder, without this machine's paths."""
    doctree = app.env.get_and_resolve_doctree(docname, app.builder)
    # the page's content: the document node itself holds its path and Sphinx's bookkeeping
    text = normalize_doctree_xml("".join(child.pformat() for child in doctree.children))
    for path in (app.srcdir, app.outdir, app.doctreedir, ROOT, Path.home()):
        assert str(path) not in text, f"{docname}: the doctree holds {path}"
    return text


def test_the_build_warns_only_of_the_unexpected_example(app):
    assert [w for w in warnings_of(app) if EXPECTED_WARNING not in w] == []
    assert any(EXPECTED_WARNING in w for w in warnings_of(app))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_doctree_matches_its_regression_file(app, page):
    path = REGRESSION / f"{page}.{app.builder.name}.xml"
    shown = path.relative_to(ROOT)
    built = doctree_text(app, PAGES[page])
    if regenerating():
        before = path.read_text(encoding="utf-8") if path.exists() else None
        atomic_write(path, built)
        state = "unchanged" if before == built else "rewritten"
        pytest.fail(
            f"APIDIFF_REGEN: {shown} {state}; review `git diff tests/regression`, "
            "then run without APIDIFF_REGEN",
            pytrace=False,
        )
    if not path.exists():
        pytest.fail(f"{shown} is missing: make it with APIDIFF_REGEN=1", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if built != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            built.splitlines(keepends=True),
            fromfile=str(shown),
            tofile=f"{PAGES[page]} as built now",
        )
        pytest.fail(
            f"{shown} differs from the build (if the change is meant, regenerate with "
            f"APIDIFF_REGEN=1 and commit the reviewed diff):\n{''.join(diff)}",
            pytrace=False,
        )


def test_the_log_says_results_are_collected_not_executed(app):
    # every result of this root comes from its store: nothing runs, and the log says so
    log = app._status.getvalue()
    assert "apidiff: collecting results..." in log and "(stored)" in log
    assert "executing" not in log and "(ran)" not in log


def test_a_sweep_cell_is_logged_with_its_own_status():
    from sphinx_apidiff.execution.results import SWEEP, ExampleJob, ExampleResult, SideResult
    from sphinx_apidiff.model.spec import parse_pair
    from sphinx_apidiff.model.vocabulary import Status
    from sphinx_apidiff.sphinx_ext.events import progress_text

    text = "apis: {torch: torch.abs, megengine: megengine.functional.abs}\n"
    text += "examples:\n  - code: {torch: 'y = 1', megengine: 'y = 1'}\n    compare: [y]\n"
    spec, _ = parse_pair(text, "x.yaml")
    assert spec is not None
    job = ExampleJob(spec.examples[0], ["torch", "megengine"], "abs: #1 float16", variant=SWEEP)
    rejected = ExampleResult(
        status=Status.ERROR,
        sides={"torch": SideResult(ok=True), "megengine": SideResult(ok=False, error="no fp16")},
        from_store=True,
    )
    # the page calls a dtype one framework rejects "unsupported", not an error
    assert progress_text(job, rejected) == "abs: #1 float16 [unsupported] (stored)"
    ran = ExampleResult(status=Status.MATCH)
    assert progress_text(ExampleJob(spec.examples[0], ["torch"], "abs: #1"), ran) == (
        "abs: #1 [match] (ran)"
    )
