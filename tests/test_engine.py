"""The execution engine on its own (no Sphinx), on the real torch and MegEngine."""

from __future__ import annotations

import pytest

from sphinx_apidiff.execute import Engine, ExampleJob
from sphinx_apidiff.spec import parse_pair

from .conftest import MEGENGINE_PYTHON


def jobs(yaml_text):
    pair, diags = parse_pair(yaml_text, "t.yaml")
    assert diags == []
    return [ExampleJob(ex, [fw for fw in pair.apis if fw in ex.code], pair_id=pair.id, index=i)
            for i, ex in enumerate(pair.examples)]


HEAD = "apis:\n  torch: torch.abs\n  megengine: megengine.functional.abs\nexamples:\n"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path_factory.mktemp("cache")) as eng:
        yield eng


def test_fresh_namespace_and_random_state_per_example(engine):
    results = engine.run(jobs(HEAD + """\
  - code:
      torch: |
        leak = 1
        y = torch.randn(3)
      megengine: |
        leak = 1
        y = megengine.random.normal(size=(3,))
    compare: [y]
    expect: differ
  - code:
      torch: |
        y = torch.randn(3)
        z = leak
      megengine: |
        y = megengine.random.normal(size=(3,))
    compare: [y]
"""))
    first, second = results
    # the same seed before every snippet: torch draws the same numbers twice
    assert first.results["y"].shapes == {"torch": [3], "megengine": [3]}
    assert second.status == "error"
    assert "NameError" in second.sides["torch"].error and "leak" in second.sides["torch"].error


def test_one_worker_per_runtime_for_many_examples(engine):
    before = engine.worker_starts
    example = """\
  - inputs:
      x: {shape: [4]}
    code:
      torch: y = torch.abs(x) + %d
      megengine: y = megengine.functional.abs(x) + %d
    compare: [y]
"""
    results = engine.run(jobs(HEAD + "".join(example % (i, i) for i in range(12))))
    assert [r.status for r in results] == ["match"] * 12
    assert engine.worker_starts - before <= 2  # at most one start per runtime, ever


def test_protocol_survives_what_snippets_do_to_stdio(engine):
    [result] = engine.run(jobs(HEAD + """\
  - code:
      torch: |
        import os, sys
        os.write(1, b"straight to fd 1\\n")
        sys.__stdout__.write("to the real stdout\\n")
        print("captured")
        try:
            input()
        except EOFError:
            print("no stdin")
        y = 1
      megengine: y = 1
    compare: [y]
"""))
    assert result.status == "match"
    assert result.sides["torch"].stdout == "captured\nno stdin\n"
