"""The generator script runs as documented, and its `--check` agrees with the committed file."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_check_passes_on_the_committed_file() -> None:
    done = subprocess.run([sys.executable, "scripts/generate_agents_json.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == done.stderr == ""
