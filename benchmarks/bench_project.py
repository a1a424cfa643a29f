"""The throwaway repository the hook and guard benchmarks run against.

Both measure the rendered runtime as a hook sees it: a project whose Session
Config sets strict enforcement, with this checkout's runtime vendored where the
template puts it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def strict_project(base: Path) -> Path:
    repo = base / "proj"
    (repo / "src").mkdir(parents=True)
    (repo / "CLAUDE.md").write_text("# Bench\n\n## Session Config\n\n- enforcement: strict\n")
    shutil.copytree(ROOT / "runtime", repo / ".orchestrator" / "runtime",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return repo
