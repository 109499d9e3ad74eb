"""The matcher is a pure library: importing it loads no web framework and no database."""

from __future__ import annotations

import subprocess
import sys


def test_importing_matcher_loads_neither_flask_nor_sqlalchemy() -> None:
    code = ("import sys, matcher, matcher.bench.synthetic; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'models', 'web', 'matching')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
