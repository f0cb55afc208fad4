"""``apidiff``: a comparison page's skeleton from YAML, with parts filled later.

Everything the YAML alone decides (sections, labels, the author's prose) is
built here, at read time, so the table of contents and cross-references work.
Everything that needs the real libraries (signatures, parameter table, example
results) is an :class:`~sphinx_apidiff.nodes.apidiff_part` placeholder, filled
after the main process has introspected and executed (see ``resolve``).
"""

from __future__ import annotations

import os
from typing import cast

from docutils import nodes
from docutils.parsers.rst import DirectiveError, directives
from docutils.statemachine import StringList
from docutils.utils import SystemMessagePropagation
from sphinx.errors import SphinxWarning
from sphinx.util.docutils import SphinxDirective, switch_source_input
from sphinx.util.parsing import nested_parse_to_nodes

from sphinx_apidiff.model.anchors import (
    example_anchor,
    examples_anchor,
    page_label,
    param_anchor,
    params_anchor,
    usage_anchor,
)
from sphinx_apidiff.model.diagnostics import Diagnostic, internal_message
from sphinx_apidiff.model.spec import PairSpec, parse_pair, prose_text, read_pair_file
from sphinx_apidiff.model.vocabulary import AUTHOR_CATEGORIES, Subtype, Tag, TagKind
from sphinx_apidiff.sphinx_ext.i18n import _
from sphinx_apidiff.sphinx_ext.located import warn
from sphinx_apidiff.sphinx_ext.nodes import (
    PairEntry,
    apidiff_part,
    apidiff_table,
    get_pairs,
    get_tables,
    get_unreadable,
)

#: Exceptions that are how Sphinx and docutils work (``-W``, ``self.error``), not bugs.
_NOT_OURS = (SphinxWarning, DirectiveError, SystemMessagePropagation)


class ApiDiffDirective(SphinxDirective):
    """``.. apidiff:: pairs/name.yaml`` or the YAML inline as the body."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"no-title": directives.flag, "class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        # where a problem is shown: the YAML file once known, else the directive
        self._where: tuple[str, str | None] = (self._document(), None)
        try:
            return self._run()
        except _NOT_OURS:
            raise
        except Exception as exc:  # a bug of ours: one located warning, and the page lives
            shown, source = self._where
            self._unreadable(source or self.get_source_info()[0])
            message = internal_message(exc, "building this comparison page")
            warn(message, Subtype.INTERNAL, source or self.get_location())
            return [self._error_box(shown, [Diagnostic(Subtype.INTERNAL, message)])]

    def _run(self) -> list[nodes.Node]:
        if self.arguments and self.content:
            warn(
                "give a YAML file or inline YAML, not both (the inline YAML is ignored)",
                Subtype.SPEC,
                self.get_location(),
            )
        if self.arguments:
            relpath, abspath = self.env.relfn2path(self.arguments[0], self.env.docname)
            self.env.note_dependency(relpath)
            if not os.path.isfile(abspath):
                return self._refuse(f"pair file not found: {self.arguments[0]} ({abspath})")
            if abspath in self._active():  # its own prose includes it again
                return self._refuse(f"{relpath} includes itself (in its prose)")
            self._where = (relpath, abspath)
            spec, diags = read_pair_file(abspath)
            source, shown = abspath, relpath
        elif self.content:
            source = self.get_source_info()[0] or str(self.env.doc2path(self.env.docname))
            spec, diags = parse_pair(
                "\n".join(self.content),
                source,
                line_offset=self._content_line_offset(),
                default_id=None,
            )
            shown = os.path.relpath(source, self.env.srcdir)
        else:
            return self._refuse("apidiff needs a YAML file argument or inline YAML")
        for diag in diags:
            warn(diag.message, diag.subtype, f"{source}:{diag.line}" if diag.line else source)
        if spec is None:
            self._unreadable(source)
            return [self._error_box(shown, diags)]

        entries = get_pairs(self.env).setdefault(self.env.docname, [])
        entry = PairEntry(self.env.docname, len(entries), spec, shown, None)
        entries.append(entry)
        self._active().add(source)
        try:
            return self._page(entry)
        finally:
            self._active().discard(source)

    def _unreadable(self, source: str | None) -> None:
        """Note a pair file (or document) that cannot be read now: a refresh of the
        results store keeps the results of the pairs stored from it."""
        if source:
            get_unreadable(self.env).setdefault(self.env.docname, set()).add(source)

    def _active(self) -> set[str]:
        """Pair files whose page is being built (a page's prose may hold a page)."""
        return cast(set[str], self.env.temp_data.setdefault("apidiff_active", set()))

    def _document(self) -> str:
        """The file of the directive, relative to the source folder."""
        source = self.get_source_info()[0] or str(self.env.doc2path(self.env.docname))
        return os.path.relpath(source, self.env.srcdir)

    def _refuse(self, message: str) -> list[nodes.Node]:
        """A problem of the directive itself: a warning at it, and the box on the page."""
        warn(message, Subtype.SPEC, self.get_location())
        line = self.get_source_info()[1]
        return [self._error_box(self._document(), [Diagnostic(Subtype.SPEC, message, line)])]

    def _error_box(self, shown: str, diags: list[Diagnostic]) -> nodes.Element:
        """What an author sees instead of the page: the file, line and problem of each."""
        title = _("This comparison page could not be built")
        box = nodes.admonition("", nodes.title(title, title), classes=["apidiff-error", "error"])
        self.set_source_info(box)
        intro = _("Fix the problems below; the build log has the same warnings.")
        box += nodes.paragraph(intro, intro)
        items = nodes.bullet_list(classes=["apidiff-error-list"])
        for diag in diags:
            where = (
                _("{file}, line {line}").format(file=shown, line=diag.line) if diag.line else shown
            )
            items += nodes.list_item(
                "",
                nodes.paragraph(
                    "",
                    "",
                    nodes.strong(where, where),
                    nodes.Text(": "),
                    nodes.Text(diag.message),
                    nodes.Text(" "),
                    nodes.inline(
                        f"[apidiff.{diag.subtype}]",
                        f"[apidiff.{diag.subtype}]",
                        classes=["apidiff-error-type"],
                    ),
                ),
            )
        box += items
        return box

    def _content_line_offset(self) -> int:
        """Lines before the body in the document (file line = YAML line + this)."""
        if type(self.state).__module__.startswith("myst_parser"):
            # MyST counts the body offset from the directive's own line.
            return self.lineno + self.content_offset
        return self.content_offset

    # -- building the skeleton -------------------------------------------------------

    def _text(self, value: object) -> str | None:
        return prose_text(value, self.config.language)  # type: ignore[arg-type]

    def _prose(self, value: object, source: str, line: int | None) -> list[nodes.Node]:
        text = self._text(value)
        if not text:
            return []
        first = max((line or 1) - 1, 0)
        lines = StringList(
            text.splitlines(), items=[(source, first + i) for i in range(len(text.splitlines()))]
        )
        if type(self.state).__module__.startswith("myst_parser"):
            return nested_parse_to_nodes(self.state, lines, allow_section_headings=False)
        with switch_source_input(self.state, lines):  # problems located in the YAML file
            return nested_parse_to_nodes(self.state, lines, allow_section_headings=False)

    def _section(self, title: str, ident: str, explicit: bool = False) -> nodes.section:
        section = nodes.section(classes=["apidiff-section"])
        section += nodes.title(title, title)
        self.set_source_info(section)
        section["names"].append(ident)
        if explicit:
            self.state.document.note_explicit_target(section, section)
        else:
            self.state.document.note_implicit_target(section, section)
        return section

    def _part(self, entry: PairEntry, part: str, index: int = 0) -> apidiff_part:
        node = apidiff_part(part=part, key=entry.key, index=index)
        self.set_source_info(node)
        return node

    def _params(self, entry: PairEntry) -> nodes.section:
        """The parameter table, and a subsection per row with a note."""
        spec = entry.spec
        params = self._section(_("Parameter differences"), params_anchor(spec.id))
        table = self._part(entry, "params")
        params += table
        for index, row in enumerate(spec.params):
            if row.note is None:
                continue
            note = self._prose(row.note, spec.source, row.note_line or row.line)
            table += nodes.container("", *[n.deepcopy() for n in note], row=index)
            names = " / ".join(dict.fromkeys(row.names.values()))
            sub = self._section(names, param_anchor(spec.id, names))
            sub += self._part(entry, "row", index)
            sub.extend(note)
            params += sub
        return params

    def _page(self, entry: PairEntry) -> list[nodes.Node]:
        spec: PairSpec = entry.spec
        src = spec.source
        title = self._text(spec.title) or spec.id
        heading = _("{title} differences").format(title=title)
        label = page_label(spec.id)
        # a second pair with this id on the page: one located warning (warn_duplicate_ids)
        # rather than docutils' "duplicate explicit target" at the directive
        first = label not in self.state.document.nameids
        if "no-title" in self.options:
            # no heading, but the same label: :ref: finds it, titled as the heading would be
            root: nodes.Element = nodes.container(classes=["apidiff-page"])
            self.set_source_info(root)
            if first:
                root["names"].append(label)
                self.state.document.note_explicit_target(root, root)
                entry.label_title = heading
            else:
                self.state.document.set_id(root)
        else:
            root = self._section(heading, label, explicit=first)
            root["classes"].append("apidiff-page")
        entry.section_id = root["ids"][0]
        root["classes"] += self.options.get("class", [])
        root += self._part(entry, "panels")
        root += self._part(entry, "category")

        summary = self._prose(spec.summary, src, spec.summary_line)
        usage = self._prose(spec.usage, src, spec.usage_line)
        if summary or usage:
            section = self._section(_("Usage differences"), usage_anchor(spec.id))
            section.extend(summary)
            section.extend(usage)
            root += section

        if spec.params or not spec.missing:  # with no counterpart, no row compares anything
            root += self._params(entry)

        if spec.examples:
            examples = self._section(_("Examples"), examples_anchor(spec.id))
            examples += self._part(entry, "notebooks")
            for number, example in enumerate(spec.examples, start=1):
                heading = self._text(example.title) or _("Example {number}").format(number=number)
                sub = self._section(heading, example_anchor(spec.id, number))
                entry.example_sections.append((sub["ids"][0], heading))
                sub += self._part(entry, "example", number - 1)
                examples += sub
            root += examples
        return [root]


SORT_KEYS = ("page", "id", "reference", "category", "deviation")


def _words(argument: str | None, example: str) -> list[str]:
    """An option's values, space or comma separated; an option given empty is an error
    (Sphinx passes None), reported at the directive like any bad option value."""
    values = [v.strip() for v in (argument or "").replace(",", " ").split() if v.strip()]
    if not values:
        raise ValueError(f"give at least one value, e.g. {example}")
    return values


def _kinds(argument: str | None) -> list[str]:
    """``:kind:`` values: kinds of difference, e.g. ``values dtype missing:megengine``."""
    values = _words(argument, "values dtype")
    for value in values:
        try:
            Tag.parse(value)
        except ValueError:
            known = ", ".join(kind.value for kind in TagKind)
            raise ValueError(f"unknown kind {value!r}; use {known} (missing:<framework>)") from None
    return values


def _categories(argument: str | None) -> list[str]:
    values = _words(argument, "renamed defaults")
    unknown = [v for v in values if v not in AUTHOR_CATEGORIES]
    if unknown:
        raise ValueError(f"unknown categories {unknown}; use {', '.join(AUTHOR_CATEGORIES)}")
    return values


def _frameworks(argument: str | None) -> list[str]:
    return _words(argument, "torch megengine")


class ApiDiffTableDirective(SphinxDirective):
    """``.. apidiff-table::``: the overview of every pair in the project, filled late."""

    has_content = False
    option_spec = {
        "frameworks": _frameworks,
        "category": _categories,
        "kind": _kinds,
        "sort": lambda arg: directives.choice(arg, SORT_KEYS),
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        node = apidiff_table(
            frameworks=self.options.get("frameworks", []),
            categories=self.options.get("category", []),
            kinds=self.options.get("kind", []),
            sort=self.options.get("sort", "page"),
            classes=self.options.get("class", []),
        )
        self.set_source_info(node)
        get_tables(self.env).add(self.env.docname)
        return [node]
