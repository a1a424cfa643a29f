"""Shared parts of the benchmarks: the throwaway project they run against, and finding runtime code.

The hook and guard benchmarks measure the rendered runtime as a hook sees it: a
project whose Session Config sets strict enforcement, with this checkout's runtime
vendored where the template puts it.

Runtime modules move between packages as the runtime is reorganised, so a
benchmark never names a module's path: it asks for the module whose source
defines what it needs (`module_defining`), and fails with a message naming the
definition it looked for when that is gone.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "runtime"


def strict_project(base: Path, runtime: Path = RUNTIME, name: str = "proj") -> Path:
    """`runtime` may be another checkout's runtime, so two layouts can be timed side by side."""
    repo = base / name
    (repo / "src").mkdir(parents=True)
    (repo / "CLAUDE.md").write_text("# Bench\n\n## Session Config\n\n- enforcement: strict\n")
    shutil.copytree(runtime, repo / ".orchestrator" / "runtime",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def module_defining(pattern: str, runtime: Path = RUNTIME) -> str:
    """The dotted name (`runtime.pkg.mod`) of the one module under `runtime` whose source matches
    `pattern` (a regular expression, `^` and `$` per line), e.g. `^class HookContext\\b`."""
    regex = re.compile(pattern, re.MULTILINE)
    found = sorted(path for path in runtime.rglob("*.py")
                   if "__pycache__" not in path.parts and regex.search(path.read_text(encoding="utf-8")))
    if len(found) != 1:
        where = ", ".join(str(path.relative_to(runtime)) for path in found) or "none"
        raise SystemExit(f"expected one module under {runtime} matching {pattern!r}, found {len(found)} ({where}): "
                         "the benchmark needs updating to the runtime's current code")
    parts = found[0].relative_to(runtime.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_defining(pattern: str) -> ModuleType:
    """This checkout's runtime module matching `pattern` (see `module_defining`), imported."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(module_defining(pattern))
