"""The options as Sphinx config values: registered, and validated on ``config-inited``.

The options themselves (defaults, validators, help text) are declared once in
:mod:`sphinx_apidiff.options`, which the command line reads without Sphinx.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from sphinx_apidiff.model.vocabulary import Subtype
from sphinx_apidiff.options import ApidiffConfig

logger = logging.getLogger(__name__)


def register(app: Sphinx) -> None:
    """Declare every option to Sphinx as ``apidiff_<name>``, validated on ``config-inited``."""
    for option in ApidiffConfig.declarations():
        app.add_config_value(
            option.name, option.default(), "env", types=option.types, description=option.help
        )
    app.connect("config-inited", validate, priority=400)


def validate(app: Sphinx, config: Config) -> None:
    """``config-inited``: a bad value warns and falls back to the default."""
    for option in ApidiffConfig.declarations():
        problem = option.problem(config[option.name])
        if problem:
            logger.warning(problem, type="apidiff", subtype=Subtype.CONFIG)
            config[option.name] = option.default()


def from_sphinx(config: Config) -> ApidiffConfig:
    """The options of a build, from Sphinx's config (validated on ``config-inited``)."""
    return ApidiffConfig(**{o.field: config[o.name] for o in ApidiffConfig.declarations()})
