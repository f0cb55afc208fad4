"""Workers: several per runtime (lanes), and warm pools that outlive a build.

Every result must be what a cold build with one worker per runtime gives: the
same ExampleResult JSON (timings aside), in the same order.
"""

from __future__ import annotations

import pytest

from sphinx_apidiff.execution.engine import Engine

from .conftest import MEGENGINE_PYTHON
from .test_engine import HEAD, jobs

#: 40 examples: a random draw, values that depend on the inputs' seed, an error, a
#: documented difference; more than JOBS_PER_LANE, so a second lane starts.
EXAMPLE = """\
  - inputs:
      x: {shape: [3, 4]}
    seed: %(i)d
    code:
      torch: |
        y = torch.abs(x) + %(i)d
        r = torch.rand(2)
      megengine: |
        y = megengine.functional.abs(x) + %(i)d
        r = megengine.random.uniform(size=(2,))
    compare: [y, r]
    expect: differ
  - code:
      torch: y = torch.ones(2) / 0
      megengine: y = megengine.functional.ones((2,)) / %(zero)s
    compare: [y]
    expect: %(expect)s
"""
MANY = HEAD + "".join(
    EXAMPLE % {"i": i, "zero": "0" if i % 2 else "undefined_name", "expect": "match" if i % 2 else "error"}
    for i in range(20)
)


def comparable(results):
    """The results as JSON, without what differs from run to run (timings)."""
    data = [r.to_json() for r in results]
    for item in data:
        for side in item["sides"].values():
            side["elapsed"] = None
    return data


def run_all(tmp_path, name, **kwargs):
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path / name, mode="force", **kwargs) as eng:
        results = eng.run(jobs(MANY))
    return results, eng.worker_starts


@pytest.mark.megengine
def test_parallel_workers_give_what_one_worker_gives(tmp_path):
    one, starts_one = run_all(tmp_path, "one", workers=1)
    two, starts_two = run_all(tmp_path, "two", workers=2)
    assert starts_one == 2  # one worker per runtime
    assert starts_two == 4  # 40 waiting tasks per runtime: a second lane each
    assert [r.status for r in one].count("error") == 10
    assert comparable(two) == comparable(one)
