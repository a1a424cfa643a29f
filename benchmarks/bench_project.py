"""The throwaway repository the hook and guard benchmarks run against.

Both measure the rendered runtime as a hook sees it: a project whose Session
Config sets strict enforcement, with this checkout's runtime vendored where the
template puts it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def strict_project(base: Path, runtime: Path = ROOT / "runtime", name: str = "proj") -> Path:
    """`runtime` may be another checkout's runtime, so two layouts can be timed side by side."""
    repo = base / name
    (repo / "src").mkdir(parents=True)
    (repo / "CLAUDE.md").write_text("# Bench\n\n## Session Config\n\n- enforcement: strict\n")
    shutil.copytree(runtime, repo / ".orchestrator" / "runtime",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return repo
