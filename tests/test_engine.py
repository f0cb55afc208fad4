"""The execution engine on its own (no Sphinx), on the real torch and MegEngine."""

from __future__ import annotations

import json

import pytest

from sphinx_apidiff.execution.engine import Engine, ExampleJob
from sphinx_apidiff.model.spec import parse_pair

from .conftest import MEGENGINE_PYTHON

pytestmark = pytest.mark.megengine  # every test here runs the real MegEngine


def jobs(yaml_text):
    pair, diags = parse_pair(yaml_text, "t.yaml")
    assert diags == []
    return [
        ExampleJob(ex, [fw for fw in pair.apis if fw in ex.code], pair_id=pair.id, index=i)
        for i, ex in enumerate(pair.examples)
    ]


HEAD = "apis:\n  torch: torch.abs\n  megengine: megengine.functional.abs\nexamples:\n"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path_factory.mktemp("cache")) as eng:
        yield eng


def drawn(result, framework):
    """The two lists of numbers a snippet printed: its first and its second draw."""
    side = result.sides[framework]
    assert side.ok, side.error
    first, second = (json.loads(line) for line in side.stdout.splitlines())
    return first, second


DRAW_TWICE = """\
  - code:
      torch: |
        %s
        y = torch.randn(3)
        print(json.dumps(y.tolist())); print(json.dumps(torch.randn(3).tolist()))
      megengine: |
        %s
        y = megengine.random.normal(size=(3,))
        print(json.dumps(y.numpy().tolist()))
        print(json.dumps(megengine.random.normal(size=(3,)).numpy().tolist()))
    compare: [y]
    expect: differ
"""


def test_fresh_namespace_and_random_state_per_example(engine):
    results = engine.run(
        jobs(
            HEAD
            + DRAW_TWICE % (("import json; leak = 1",) * 2)
            + DRAW_TWICE % (("import json",) * 2)
            + """\
  - code:
      torch: z = leak
      megengine: z = leak
    compare: [z]
"""
        )
    )
    first, second, third = results
    for framework in ("torch", "megengine"):
        # the same seed before every snippet: each framework draws the same numbers twice
        first_draws, second_draws = drawn(first, framework), drawn(second, framework)
        assert first_draws == second_draws, framework
        # ... and they are random numbers: a second draw in one snippet differs from the first
        assert first_draws[0] != first_draws[1], framework
        assert len(first_draws[0]) == 3 and len(set(first_draws[0])) == 3, framework
        # a name defined by an earlier example is not there
        assert third.sides[framework].error is not None, framework
        assert "NameError" in third.sides[framework].error, framework
        assert "leak" in third.sides[framework].error, framework
    assert third.status == "error"


def test_one_worker_per_runtime_for_many_examples(engine):
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
    assert engine.worker_starts == 2  # one start per runtime, ever, for this module's engine


def test_protocol_survives_what_snippets_do_to_stdio(engine):
    [result] = engine.run(
        jobs(
            HEAD
            + """\
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
"""
        )
    )
    assert result.status == "match"
    assert result.sides["torch"].stdout == "captured\nno stdin\n"
