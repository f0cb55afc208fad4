"""sphinx-apidiff: framework migration pages from YAML and the real installed libraries.

This package is Sphinx's entry point (``extensions = ["sphinx_apidiff"]``): nothing in
it imports this module, so the command line never reaches the extension through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx_apidiff._version import __version__

#: Bump when what is stored in the environment changes shape.
ENV_VERSION = 8  # 3: modules, gradients and sweeps in the stored analyses; 4: unreadable files;
# 5: the example sections of a pair
# 6: a "notebooks" part (the downloads)
# 7: the stored analyses' row tags and kinds (defaults by value, dtypes of every run)
# 8: the stored analyses' judgements (verdict, reason, dtype badge of every run)


def setup(app: Any) -> dict[str, Any]:
    """Register the directives, nodes, options and events; see docs/configuration.rst."""
    from sphinx_apidiff.sphinx_ext import collector, config, events, i18n, render, report
    from sphinx_apidiff.sphinx_ext.collector import ApiDiffCollector
    from sphinx_apidiff.sphinx_ext.directives import ApiDiffDirective, ApiDiffTableDirective
    from sphinx_apidiff.sphinx_ext.nodes import apidiff_part, apidiff_table

    app.setup_extension("sphinx_design")
    config.register(app)
    app.add_message_catalog(i18n.CATALOG, str(i18n.LOCALE_DIR))
    app.add_node(apidiff_part)
    app.add_node(apidiff_table)
    app.add_directive("apidiff", ApiDiffDirective)
    app.add_directive("apidiff-table", ApiDiffTableDirective)
    app.add_env_collector(ApiDiffCollector)
    app.connect("env-check-consistency", collector.warn_duplicate_ids)
    app.add_post_transform(render.FillParts)
    app.add_post_transform(render.DesignLayout)
    app.connect("env-updated", events.analyse_pending)
    app.connect("builder-inited", _add_css)
    app.connect("build-finished", _copy_static)
    app.connect("build-finished", report.write_report)
    app.connect("build-finished", events.summarize)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static" / "apidiff.css"
#: The JSON Schema of pair files, shipped with the package (``sphinx-apidiff schema`` prints it).
SCHEMA = PACKAGE / "schema.json"


def _add_css(app: Any) -> None:
    if app.builder.format == "html":
        app.add_css_file("apidiff.css")


def _copy_static(app: Any, exception: Exception | None) -> None:
    """``build-finished`` (HTML builders): the stylesheet, and the schema at a stable URL
    (``_static/apidiff.schema.json``) that editors can name in a pair file's first line."""
    # copied, not added to html_static_path: the user's configuration stays theirs
    if exception is None and app.builder.format == "html":
        from sphinx.util.fileutil import copy_asset_file

        from sphinx_apidiff.model.schema import SCHEMA_NAME

        static = Path(app.outdir) / "_static"
        copy_asset_file(STATIC, static / STATIC.name, force=True)
        copy_asset_file(SCHEMA, static / SCHEMA_NAME, force=True)
