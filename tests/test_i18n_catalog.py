"""The message catalogue is complete: every ``_("...")`` is translated and the .mo is compiled."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_catalog_is_translated_and_compiled():
    proc = subprocess.run(
        [sys.executable, "tools/i18n.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        "message catalogue out of date; run `python tools/i18n.py update`, translate the new "
        f"messages in sphinx_apidiff/locale/*/LC_MESSAGES/*.po, then update again:\n"
        f"{proc.stdout}{proc.stderr}"
    )
