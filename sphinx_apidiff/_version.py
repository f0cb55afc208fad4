"""The package's version, in a module of its own: the command line reads it without
importing the package's Sphinx entry point (``sphinx_apidiff.setup``)."""

__version__ = "0.1.0"
