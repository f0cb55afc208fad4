"""The options, declared once: the build and the command line read and check them alike."""

from __future__ import annotations

from sphinx_apidiff.options import ApidiffConfig

from .conftest import warnings_of

BAD = {
    "apidiff_execution_timeout": -1,
    "apidiff_workers": "many",
    "apidiff_ignore_params": "name",
    "apidiff_execution_mode": "sometimes",
}


def test_the_build_and_the_command_line_warn_alike_and_fall_back(tmp_path):
    from sphinx.testing.util import SphinxTestApp

    conf = "".join(f"{name} = {value!r}\n" for name, value in BAD.items())
    (tmp_path / "conf.py").write_text(f"extensions = ['sphinx_apidiff']\n{conf}", "utf-8")
    (tmp_path / "index.rst").write_text("Options\n=======\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=tmp_path)
    try:
        found = warnings_of(app)
        defaults = ApidiffConfig()
        for option in ApidiffConfig.declarations():
            assert app.config[option.name] == getattr(defaults, option.field), option.name
            assert app.config.values[option.name].description == option.help
    finally:
        app.cleanup()
    cli, problems = ApidiffConfig.from_mapping(BAD)
    assert cli == defaults
    assert len(problems) == len(BAD) == len(found)
    for problem, warning in zip(problems, found, strict=True):
        assert warning.endswith(f"WARNING: {problem} [apidiff.config]"), (warning, problem)


def test_a_default_list_is_never_shared():
    first, second = ApidiffConfig(), ApidiffConfig.from_mapping({})[0]
    first.ignore_params.append("changed")
    assert "changed" not in second.ignore_params
    option = next(o for o in ApidiffConfig.declarations() if o.field == "ignore_params")
    assert option.default() is not option.default()
