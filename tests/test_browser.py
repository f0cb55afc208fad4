"""Built pages in a real browser: headless Chromium (the system's, through Playwright).

A few of the guide's own pairs (``docs/pairs`` with their committed results in
``docs/_apidiff_store``, so nothing runs) are built once per theme (furo, the guide's;
alabaster, Sphinx's default) and language (English, Chinese), then opened at a phone's
width (390 px) and a desktop's (1400 px). On every page:

- the document does not scroll sideways, and nothing of the page's content reaches past
  the viewport's right edge unless it sits in a scroll container of its own;
- the overview's API names break only after a dot; table headers and the overview's
  categories only at spaces (a Chinese word stays whole); other badges never;
- at 390 px the parameter table gives its notes a readable width (rows are not tall
  because the notes are squeezed into a column off-screen);
- code cards keep one layout on the page, and side by side (1400 px) each pane shows
  its lines whole.

Without Chromium or Playwright the tests skip, saying why; under CI (``CI=true``) they
fail instead, like the MegEngine tests (see conftest.py).
"""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest

from sphinx_apidiff.sphinx_ext.render.design import SIDE_BY_SIDE

from .conftest import megengine_missing, megengine_required, warnings_of

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: A parameter table with long notes and an error, the longest API names, code cards of
#: many widths (stacked), a page whose code cards fit side by side; their overview.
PAIRS = ["conv2d", "binary_cross_entropy_with_logits", "max", "exp"]
WIDTHS = [390, 1400]
SITES = [("furo", "en"), ("furo", "zh_CN"), ("alabaster", "en"), ("alabaster", "zh_CN")]


@functools.cache
def browser_missing() -> str | None:
    """Why the tests cannot open a browser, or None when they can."""
    if shutil.which("chromium") is None:
        return "no `chromium` on PATH (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = browser_missing()
    if reason is not None:
        if megengine_required():  # CI: a skipped browser test would prove nothing
            pytest.fail(f"{reason}, and this run requires it (CI)", pytrace=False)
        pytest.skip(f"needs a browser: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # the system's Chromium: Playwright downloads nothing
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


def write_site(src: Path, theme: str, language: str) -> None:
    """A small copy of the guide: the pairs' pages, their stored results, their overview."""
    (src / "pairs").mkdir(parents=True)
    (src / "_apidiff_store").mkdir()
    (src / "guide").mkdir()
    for name in PAIRS:
        shutil.copy(DOCS / "pairs" / f"{name}.yaml", src / "pairs")
        stored = name.replace("_", "-") + ".json"
        shutil.copy(DOCS / "_apidiff_store" / stored, src / "_apidiff_store")
        (src / "guide" / f"{name}.rst").write_text(f".. apidiff:: /pairs/{name}.yaml\n")
    (src / "conf.py").write_text(
        'extensions = ["sphinx_apidiff"]\n'
        'project = "apidiff-browser"\n'
        f"html_theme = {theme!r}\n"
        f"language = {language!r}\n"
        'apidiff_execution_mode = "cache"\n'
        'apidiff_store_path = "_apidiff_store"\n'
    )
    pages = "\n".join(f"   guide/{name}" for name in PAIRS)
    (src / "index.rst").write_text(
        f"Guide\n=====\n\n.. toctree::\n\n{pages}\n\n.. apidiff-table::\n   :sort: reference\n"
    )


@pytest.fixture(scope="module", params=SITES, ids=["-".join(site) for site in SITES])
def site(request, browser, tmp_path_factory) -> Path:
    """The built pages (HTML files) of one theme and language, built once for the module."""
    from sphinx.testing.util import SphinxTestApp

    theme, language = request.param
    src = tmp_path_factory.mktemp(f"{theme}-{language}") / "src"
    write_site(src, theme, language)
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
        assert warnings_of(app) == [], warnings_of(app)
        yield Path(app.outdir)
    finally:
        app.cleanup()


def pages(site: Path) -> list[Path]:
    return [site / "index.html", *(site / "guide" / f"{name}.html" for name in PAIRS)]


#: The elements and texts of the page's content whose right edge is past the viewport's,
#: outside any scroll container that itself fits (a table's own container, a code block).
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const main = document.querySelector('[role=main]');
  const past = (box) => box.width > 0 && box.right > width + 0.5;
  const held = (el) => {
    for (; el && el !== main.parentElement; el = el.parentElement) {
      const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
      if (scrolls && !past(el.getBoundingClientRect())) return true;
    }
    return false;
  };
  const out = [];
  for (const el of main.querySelectorAll('*')) {
    if (past(el.getBoundingClientRect()) && !held(el.parentElement)) {
      out.push(`${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  const texts = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(text);
    if (Array.from(range.getClientRects()).some(past) && !held(text.parentElement)) {
      out.push(`text in ${text.parentElement.tagName}: ${text.data.trim().slice(0, 40)}`);
    }
  }
  return out;
}"""

#: For each element of ``selector``: its text, and the index of each character that starts
#: a new line (its top is below the previous character's).
LINE_STARTS = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.getClientRects().length === 0) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = '', starts = [], top = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (rects.length && !/\\s/.test(node.data[i])) {
          const here = rects[0].top;
          if (top !== null && here > top + 2) starts.push(text.length);
          top = here;
        }
        text += node.data[i];
      }
    }
    out.push([text, starts]);
  }
  return out;
}"""

#: For each grid of two or more code cards: whether they are side by side, and for each
#: block in them whether it shows its lines whole (nothing to scroll to) and whether it
#: would show a line of ``columns`` characters whole.
CODE_PANES = """(columns) => Array.from(document.querySelectorAll('.apidiff-code'), (grid) => {
  const cards = Array.from(grid.querySelectorAll('.sd-card'));
  const tops = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().top)));
  const blocks = Array.from(grid.querySelectorAll('pre'), (pre) => {
    const whole = pre.scrollWidth <= pre.clientWidth;
    const line = document.createTextNode('\\n' + 'x'.repeat(columns));
    pre.appendChild(line);
    const room = pre.scrollWidth <= pre.clientWidth;
    line.remove();
    return [whole, room];
  });
  return [cards.length, tops.size < cards.length, blocks];
}).filter(([count]) => count > 1)"""


@pytest.fixture(scope="module")
def opened(site, browser):
    """Each page at each width: a function (width, page) -> the Playwright page, loaded."""
    tabs = {width: browser.new_page(viewport={"width": width, "height": 900}) for width in WIDTHS}

    def open_page(width: int, path: Path):
        tab = tabs[width]
        tab.goto(path.as_uri())
        return tab

    yield open_page
    for tab in tabs.values():
        tab.close()


def label(site: Path, path: Path, width: int) -> str:
    return f"{path.relative_to(site)} at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(site, opened, width):
    for path in pages(site):
        tab = opened(width, path)
        assert tab.evaluate(OVERFLOWING) == [], label(site, path, width)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, label(
            site, path, width
        )


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_tables_scroll_in_their_own_container(site, opened, width):
    for path in pages(site):
        tab = opened(width, path)
        unheld = tab.evaluate(
            """() => Array.from(document.querySelectorAll('table[class*="apidiff-"]'))
                .filter((t) => !t.closest('.apidiff-scroll')).map((t) => t.className)"""
        )
        assert unheld == [], label(site, path, width)


#: Chinese text may break after its punctuation (形状、|数据类型), not inside a word.
CJK_PUNCTUATION = "、，。；：）"


def breaks(found: list[list], allowed: str) -> list[str]:
    """The texts that start a line after a character not in ``allowed``, marked with |."""
    bad = []
    for text, starts in found:
        for start in starts:
            before = text[:start][-1:]
            if not (before in allowed or (" " in allowed and before.isspace())):
                bad.append(f"{text[:start]}|{text[start:]}")
    return bad


@pytest.mark.parametrize("width", WIDTHS)
def test_overview_names_break_only_after_a_dot(site, opened, width):
    tab = opened(width, site / "index.html")
    found = tab.evaluate(LINE_STARTS, "table.apidiff-overview code")
    assert len(found) >= 2 * len(PAIRS)
    assert breaks(found, ".") == [], label(site, site / "index.html", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_headers_and_badges_do_not_break_inside_words(site, opened, width):
    for path in pages(site):
        tab = opened(width, path)
        headers = tab.evaluate(LINE_STARTS, 'table[class*="apidiff-"] th')
        assert breaks(headers, " " + CJK_PUNCTUATION) == [], label(site, path, width)
        badges = ".sd-badge:not(table.apidiff-overview .apidiff-badge-category)"
        broken = [text for text, starts in tab.evaluate(LINE_STARTS, badges) if starts]
        assert broken == [], label(site, path, width)
        # the overview's category may take two lines, so that the table fits the content
        categories = tab.evaluate(LINE_STARTS, "table.apidiff-overview .apidiff-badge-category")
        assert breaks(categories, " ") == [], label(site, path, width)


def test_parameter_rows_are_not_squeezed_tall(site, opened):
    """At a phone's width the parameter table does not squeeze its notes into a sliver of a
    column (which made every row tall): a note has a readable width, and a row without
    one is at most two lines high (its names, its badges)."""
    tab = opened(390, site / "guide" / "conv2d.html")
    rows = tab.evaluate(
        """() => Array.from(document.querySelectorAll('table.apidiff-params tbody tr'), (row) => {
            const boxes = Array.from(row.cells, (cell) => cell.getBoundingClientRect())
                .filter((box) => box.height > 0);
            const note = row.cells[row.cells.length - 1];
            return [row.cells[0].textContent.trim(),
                    Math.max(...boxes.map((b) => b.bottom)) - Math.min(...boxes.map((b) => b.top)),
                    note.textContent.trim() !== '',
                    note.getBoundingClientRect().width / parseFloat(getComputedStyle(note).fontSize)];
        })"""
    )
    one_line = min(height for _name, height, _noted, _ems in rows)
    assert min(ems for _name, _height, noted, ems in rows if noted) >= 14, rows
    bare = [(name, height / one_line) for name, height, noted, _ems in rows if not noted]
    assert len(bare) >= 4
    assert [name for name, lines in bare if lines > 2.2] == [], bare


def test_code_cards_keep_one_layout_and_show_whole_lines(site, opened):
    """At 1400 px the code cards of a page are all side by side or all stacked; side by
    side, each pane shows its lines whole, and would show any line the layout lets
    stand side by side (``SIDE_BY_SIDE`` characters)."""
    layouts = set()
    for path in pages(site)[1:]:
        tab = opened(1400, path)
        grids = tab.evaluate(CODE_PANES, SIDE_BY_SIDE)
        assert grids, label(site, path, 1400)
        sides = {side for _count, side, _blocks in grids}
        assert len(sides) == 1, (label(site, path, 1400), grids)
        layouts |= sides
        for _count, side, blocks in grids:
            if side:
                assert all(whole and room for whole, room in blocks), (
                    label(site, path, 1400),
                    blocks,
                )
    assert layouts == {True, False}  # the site has both kinds of pages


def test_the_phone_shows_one_card_per_row(site, opened):
    for path in pages(site)[1:]:
        tab = opened(390, path)
        grids = tab.evaluate(CODE_PANES, SIDE_BY_SIDE)
        assert [side for _count, side, _blocks in grids if side] == []


def test_the_site_is_what_the_tests_read(site):
    """The pages hold what the checks above look for: an overview, parameters, code cards."""
    index = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'class="apidiff-overview', index)
    conv = (site / "guide" / "conv2d.html").read_text(encoding="utf-8")
    assert "apidiff-params" in conv and "apidiff-code" in conv


def test_one_code_layout_per_page():
    """No browser: the rule behind the layout. A line of 45 characters in one example stacks
    the cards of every example of the page; a grid of one card does not count."""
    from docutils import nodes

    from sphinx_apidiff.sphinx_ext.render.design import code_layout

    def grid(*lines: str) -> nodes.container:
        cards = [nodes.container("", nodes.literal_block(line, line)) for line in lines]
        return nodes.container("", *cards)

    short, wide = "x" * 35, "x" * (SIDE_BY_SIDE + 5)
    page = [grid(short, short), grid(short, wide)]
    code_layout(page)
    assert [g.get("apidiff_columns") for g in page] == [1, 1]
    page = [grid(short, short), grid(wide)]
    code_layout(page)
    assert [g.get("apidiff_columns") for g in page] == [None, None]


# -- a page of four frameworks ------------------------------------------------------------

#: For each grid of cards: each card's width and the number of cards in each row.
CARD_ROWS = """(selector) => Array.from(document.querySelectorAll(selector), (grid) => {
  const cards = Array.from(grid.querySelectorAll(':scope > .sd-row > .sd-col > .sd-card'));
  const rows = new Map();
  for (const card of cards) {
    const top = Math.round(card.parentElement.getBoundingClientRect().top);
    rows.set(top, (rows.get(top) || 0) + 1);
  }
  return [cards.map((c) => Math.round(c.getBoundingClientRect().width)), Array.from(rows.values())];
})"""


@pytest.fixture(scope="module")
def nway_results(tmp_path_factory) -> Path:
    """One result cache for the module's builds of test-nway: the examples run once, and
    the second theme's build reads their results (the layout is what these tests check)."""
    return tmp_path_factory.mktemp("nway-results")


@pytest.fixture(scope="module", params=["furo", "alabaster"])
def nway_site(request, browser, rootdir, tmp_path_factory, nway_results) -> Path:
    """``tests/roots/test-nway`` (torch, MegEngine, Paddle and JAX), built in each theme."""
    from .conftest import build_root

    if megengine_missing() is not None:
        pytest.skip(f"needs MegEngine: {megengine_missing()}")
    dest = tmp_path_factory.mktemp(f"nway-{request.param}")
    overrides = {"html_theme": request.param, "apidiff_cache_path": str(nway_results)}
    app = build_root(rootdir, "nway", dest, confoverrides=overrides)
    try:
        yield Path(app.outdir)
    finally:
        app.cleanup()


@pytest.mark.megengine
@pytest.mark.parametrize("width", WIDTHS)
def test_four_signature_cards_lay_out_evenly(nway_site, browser, width):
    """Four frameworks' cards: the same width, in rows of equal count (2 + 2 on a
    desktop, one per row on a phone), never 3 + 1; nothing of the page reaches past a
    phone's edge, and the parameter table of four frameworks fits it without scrolling."""
    tab = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for page in ("softmax.html", "cumsum.html"):
            tab.goto((nway_site / page).as_uri())
            [(widths, rows)] = tab.evaluate(CARD_ROWS, ".apidiff-panels")
            assert len(widths) == 4, page
            assert max(widths) - min(widths) <= 1, (page, width, widths)
            assert rows == ([2, 2] if width == 1400 else [1, 1, 1, 1]), (page, width, rows)
            assert tab.evaluate(OVERFLOWING) == [], (page, width)
            assert tab.evaluate("document.documentElement.scrollWidth") <= width, (page, width)
            if width == 390:
                fits = tab.evaluate(
                    """() => Array.from(document.querySelectorAll('table.apidiff-params-nway'),
                        (t) => t.closest('.apidiff-scroll').scrollWidth
                               <= t.closest('.apidiff-scroll').clientWidth)"""
                )
                assert fits == [True], (page, fits)
    finally:
        tab.close()


def test_signature_cards_of_many_frameworks_stack_when_a_line_does_not_fit():
    """No browser: three signature cards stand in a row while their lines fit a third
    of the page (26 characters), four two by two while they fit half (40); else one per
    row. Two cards stand side by side whatever their lines, as before."""
    from docutils import nodes

    from sphinx_apidiff.sphinx_ext.render.design import panel_layout

    def panels(count: int, width: int) -> nodes.container:
        line = "x" * width
        cards = [nodes.container("", nodes.literal_block(line, line)) for _ in range(count)]
        return nodes.container("", *cards)

    cases = [(3, 26, None), (3, 28, 1), (4, 40, None), (4, 41, 1), (2, 90, None)]
    for count, width, expected in cases:
        grid = panels(count, width)
        panel_layout(grid)
        assert grid.get("apidiff_columns") == expected, (count, width)
