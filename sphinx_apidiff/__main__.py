import sys

from sphinx_apidiff.authoring.cli import main

sys.exit(main())
