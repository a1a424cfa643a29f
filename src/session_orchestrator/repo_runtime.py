"""Running the runtime vendored into a repository, the way its hooks and command texts run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from session_orchestrator.template import RUNTIME_DIR


def run(dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python3 -S .orchestrator/runtime <args>` in `dest`, output captured (the CLI decides what to show)."""
    dest = dest.resolve()
    return subprocess.run([sys.executable, "-S", str(dest / RUNTIME_DIR), *args], cwd=dest, capture_output=True,
                          text=True, check=False)
