"""Inputs that once crashed a build: each one is located warnings and a written page.

``tests/roots/test-crash`` holds one pair file (and one page) per case of issue 8,
plus inline YAML. A page whose YAML could not be read shows an admonition naming
the file, line and problem; a usable pair renders its page. ``sphinx-apidiff
check`` on the same files prints one located line per problem and exits 1.
"""

from __future__ import annotations

import re

import pytest

from .conftest import cli, root_fixture, status_of, warnings_of

app = root_fixture("crash")

BOX = "This comparison page could not be built"

#: page -> (warning located at the file and line, what the page shows)
CASES = {
    "missing_apis": (
        r"pairs/missing_apis\.yaml:1: WARNING: missing required key 'apis' \[apidiff\.spec\]",
        "box",
    ),
    "misspelt": (
        r"pairs/misspelt\.yaml:2: WARNING: apsi: unknown key 'apsi'; did you mean 'apis'\? \[apidiff\.spec\]",
        "box",
    ),
    "apis_string": (
        r"pairs/apis_string\.yaml:2: WARNING: apis: expected a mapping, got a string \[apidiff\.spec\]",
        "box",
    ),
    "apis_list": (
        r"pairs/apis_list\.yaml:2: WARNING: apis: expected a mapping, got a list \[apidiff\.spec\]",
        "box",
    ),
    "only_title": (
        r"pairs/only_title\.yaml:1: WARNING: missing required key 'apis' \[apidiff\.spec\]",
        "box",
    ),
    "empty": (
        r"pairs/empty\.yaml:1: WARNING: a pair file is a mapping .*got an empty file \[apidiff\.spec\]",
        "box",
    ),
    "top_list": (
        r"pairs/top_list\.yaml:1: WARNING: a pair file is a mapping .*got a list \[apidiff\.spec\]",
        "box",
    ),
    "examples_numbers": (
        r"pairs/examples_numbers\.yaml:7: WARNING: example 2: expected a mapping, got a number \(the example is left out\) \[apidiff\.spec\]",
        "page",
    ),
    "wrong_types": (
        r"pairs/wrong_types\.yaml:24: WARNING: example 3: missing required key 'code' \(the example is left out\) \[apidiff\.spec\]",
        "page",
    ),
    "truncated": (
        r"pairs/truncated\.yaml:8: WARNING: malformed YAML: .*flow sequence.* \[apidiff\.yaml\]",
        "box",
    ),
    "tabs": (
        r"pairs/tabs\.yaml:2: WARNING: malformed YAML: found character '\\t' .*\[apidiff\.yaml\]",
        "box",
    ),
    "bom_crlf": (None, "page"),
    "bad_values": (
        r"pairs/bad_values\.yaml:14: WARNING: input 'big': shape \[100000, 100000\] has 10000000000 elements.* \[apidiff\.spec\]",
        "page",
    ),
    "two_documents": (
        r"pairs/two_documents\.yaml:4: WARNING: malformed YAML: a pair file holds one YAML document.* \[apidiff\.yaml\]",
        "box",
    ),
    "no_such_date": (
        r"pairs/no_such_date\.yaml:4: WARNING: cannot read the value '2024-02-30': day is out of range for month \[apidiff\.yaml\]",
        "box",
    ),
    "alias_bomb": (
        r"pairs/alias_bomb\.yaml:\d+: WARNING: the document expands to more than 100000 values .*\[apidiff\.yaml\]",
        "box",
    ),
    "recursive": (
        r"pairs/recursive\.yaml:7: WARNING: pairs/recursive\.yaml includes itself .*\[apidiff\.spec\]",
        "page+box",
    ),
    "inline_only_title": (
        r"pages/inline_only_title\.rst:8: WARNING: missing required key 'apis' \[apidiff\.spec\]",
        "box",
    ),
    "inline_list": (
        r"pages/inline_list\.rst:6: WARNING: a pair file is a mapping .*got a list \[apidiff\.spec\]",
        "box",
    ),
    "inline_wrong_types": (
        r"pages/inline_wrong_types\.rst:10: WARNING: params: expected a list, got an integer \[apidiff\.spec\]",
        "page",
    ),
    "inline_tabs": (r"pages/inline_tabs\.rst:\d+: WARNING: .*\[apidiff\.spec\]", "box"),
    "no_argument": (
        r"pages/no_argument\.rst:4: WARNING: apidiff needs a YAML file argument or inline YAML \[apidiff\.spec\]",
        "box",
    ),
}


def html(app, page):
    return (app.outdir / "pages" / f"{page}.html").read_text(encoding="utf-8")


def test_every_case_is_a_case():
    pages = {p.stem for p in (app_root() / "pages").glob("*.rst")}
    assert pages == set(CASES)


def app_root():
    from pathlib import Path

    return Path(__file__).parent / "roots" / "test-crash"


@pytest.mark.parametrize("page", sorted(CASES))
def test_located_warning_and_a_page(app, page):
    pattern, shows = CASES[page]
    warnings = warnings_of(app)
    if pattern is not None:
        assert any(re.search(pattern, w) for w in warnings), (
            f"no warning matches {pattern!r} in:\n" + "\n".join(warnings)
        )
    text = html(app, page)
    if shows == "box":
        assert "apidiff-error" in text and BOX in text
    else:  # the page, and the box only where the page includes itself
        assert "apidiff-page" in text and (BOX in text) == (shows == "page+box")
        assert re.search(r"<h2>.* differences", text)


def test_no_traceback_anywhere(app):
    everything = app.warning.getvalue() + status_of(app)
    for word in ("Traceback", "Exception occurred", "internal error"):
        assert word not in everything
    # every apidiff warning is located at a file and a line
    for w in warnings_of(app):
        assert re.match(r"\S+\.(yaml|rst):\d+: WARNING: ", w), w
    assert "bom_crlf" not in "".join(warnings_of(app))


def test_the_box_names_file_line_and_problem(app):
    text = html(app, "misspelt")
    box = text[text.index("apidiff-error") :]
    assert "pairs/misspelt.yaml, line 1" in box and "missing required key" in box
    assert "pairs/misspelt.yaml, line 2" in box and "did you mean" in box
    inline = html(app, "inline_only_title")
    assert "pages/inline_only_title.rst, line 8" in inline


def test_usable_pairs_render_what_is_valid(app):
    # the examples that are numbers are dropped; the rest of the page is there
    text = html(app, "examples_numbers")
    assert "The page renders; the examples are numbers." in text
    assert "apidiff-panels" in text
    # the recursive page is rendered once, with the box where it includes itself
    text = html(app, "recursive")
    assert text.count("apidiff-panels") == 1 and "pairs/recursive.yaml, line 7" in text
    assert "A byte order mark and CRLF line ends are fine." in html(app, "bom_crlf")


def test_the_admonition_is_translated(rootdir, tmp_path):
    from .conftest import build_root

    zh = build_root(rootdir, "crash", tmp_path, confoverrides={"language": "zh_CN"})
    zh.cleanup()
    text = (zh.outdir / "pages" / "misspelt.html").read_text(encoding="utf-8")
    assert "无法生成此对比页面" in text and "pairs/misspelt.yaml，第 1 行" in text


def test_check_prints_one_line_per_problem(app):
    files = sorted(str(p.relative_to(app.srcdir)) for p in (app.srcdir / "pairs").glob("*.yaml"))
    proc = cli("check", "--conf-dir", ".", "--mode", "off", *files, cwd=app.srcdir)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "internal error" not in out and "Traceback" not in out
    problems = [line for line in proc.stdout.splitlines() if ": warning: " in line]
    for line in problems:
        assert re.fullmatch(r"pairs/\w+\.yaml:\d+: warning: .+ \[apidiff\.\w+\]", line), line
    # the same problems as the build, file by file (the build also parses prose)
    built = {
        re.sub(r"^.*?(pairs/)", r"\1", w).replace(": WARNING: ", ": warning: ")
        for w in warnings_of(app)
        if "pairs/" in w and "recursive" not in w
    }
    assert set(problems) == built
    for case in ("missing_apis", "empty", "top_list", "truncated", "tabs", "alias_bomb"):
        assert any(line.startswith(f"pairs/{case}.yaml:") for line in problems), case


PAIR_HEAD = "apis:\n  torch: torch.abs\n  megengine: megengine.functional.abs\n"

#: text -> (line, message pattern) of a diagnostic it must give, without Sphinx
PARSER_CASES = {
    "apis: &a\n  torch: *a\n": (1, r"an alias refers to a node that contains it"),
    "apis: " + "[" * 3000 + "]" * 3000 + "\n": (1, r"nested more than 100 levels"),
    "apis:\n  torch: \x00\n": (2, r"U\+0000 is not allowed"),
    "? [a, b]\n: 1\n" + PAIR_HEAD: (1, r"a key must be a word or a number, not a list"),
    PAIR_HEAD + "summary: a\nsummary: b\n": (5, r"duplicate key 'summary'"),
    "apis:\n  torch: torch.abs\n  class: x.abs\n": (3, r"apis: key 'class' is not a valid name"),
    "apis:\n  torch: torch.abs\n  1: x.abs\n": (3, r"apis: key 1 is not a valid name"),
    PAIR_HEAD + "summary: {english: x}\n": (4, r"'english' is not a language code"),
    # found by the renderer fuzz: a key of control characters split the warning in two lines
    PAIR_HEAD + '"a\\fb\\x15c": 1\n': (4, r"^'a\\x0cb\\x15c': unknown key"),
    PAIR_HEAD + "id: ../../etc/x\n": (4, r"id: '\.\./\.\./etc/x' is not valid"),
    PAIR_HEAD + "examples:\n  - code: {torch: a, megengine: b}\n    atol: 1" + "0" * 400 + "\n": (
        6,
        r"example 1, atol: expected a finite number",
    ),
    PAIR_HEAD + "examples:\n  - code: {torch: a, megengine: b}\n    timeout: 1.0e+300\n": (
        6,
        r"timeout: must be at most 86400",
    ),
    PAIR_HEAD
    + "examples:\n  - code: {torch: a, megengine: b}\n    inputs:\n      x: {value: [.nan], dtype: int32}\n": (
        7,
        r"input 'x': 'value': nan is not an integer \(int32\)",
    ),
    PAIR_HEAD
    + "examples:\n  - code: {torch: a, megengine: b}\n    inputs:\n      x: {value: 1.0e+39, dtype: float32}\n": (
        7,
        r"does not fit in float32",
    ),
    PAIR_HEAD
    + "examples:\n  - code: {torch: a, megengine: b}\n    inputs:\n      x: {shape: ["
    + ", ".join(["1"] * 33)
    + "]}\n": (
        7,
        r"shape: has 33 items, at most 32 allowed",
    ),
    PAIR_HEAD + "examples:\n  - code: {torch: a, megengine: b}\n    compare: [for]\n": (
        6,
        r"compare: 'for' is not a variable name",
    ),
}


@pytest.mark.parametrize("text", list(PARSER_CASES), ids=range(len(PARSER_CASES)))
def test_parser_locates_what_it_refuses(text):
    from sphinx_apidiff.model.spec import parse_pair

    line, pattern = PARSER_CASES[text]
    _, diags = parse_pair(text, "p.yaml")
    found = [(d.line, d.message) for d in diags]
    assert any(d_line == line and re.search(pattern, m) for d_line, m in found), found
    assert all(len(m.splitlines()) == 1 for _, m in found), found


def test_files_are_read_as_utf8_with_or_without_bom(tmp_path):
    from sphinx_apidiff.model.spec import read_pair_file

    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + PAIR_HEAD.encode())
    spec, diags = read_pair_file(tmp_path / "bom.yaml")
    assert spec is not None and diags == [] and list(spec.apis) == ["torch", "megengine"]
    (tmp_path / "latin1.yaml").write_bytes(PAIR_HEAD.encode() + b"summary: caf\xe9\n")
    spec, diags = read_pair_file(tmp_path / "latin1.yaml")
    assert spec is None and [(d.line, d.subtype) for d in diags] == [(4, "yaml")]
    assert "not UTF-8" in diags[0].message
