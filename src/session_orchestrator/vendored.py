"""The runtime vendored into a repository (`.orchestrator/runtime/`): which files are its own, and putting
a new version in place on `update`.

The runtime's files are the ones its MANIFEST.json covers, by the runtime's own rule (`integrity.covered`:
no dot-files or dot-directories, no bytecode), and MANIFEST.json itself. A tool's cache in the directory
(`.ruff_cache/`, `.mypy_cache/`, `__pycache__/`) or a file git ignores is the machine's, not the runtime's:
it is not an edit to save, nor a file to delete. `doctor` judges the directory by the same rule, and a dry
run (a clone, which has no ignored files) sees what the real run sees.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import git

from session_orchestrator import template as tpl
from session_orchestrator.template import RUNTIME_DIR

MANIFEST = "MANIFEST.json"


def runtime_module(name: str) -> Any:
    """A module of the bundled runtime, loaded under a private name (the runtime stays standalone)."""
    root = tpl.bundle_root() / "template" / ".orchestrator" / "runtime"
    package = "_so_bundled_runtime"
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(package, root / "__init__.py",
                                                      submodule_search_locations=[str(root)])
        if spec is None or spec.loader is None:
            raise ImportError(str(root))
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{name}")


def _ignored(repo: git.Repo, runtime_dir: Path) -> set[str]:
    """Files under the runtime directory that git ignores, relative to it (none if git cannot say)."""
    try:
        out = repo.git.execute(["git", "-C", str(runtime_dir), "ls-files", "-z", "--others", "--ignored",
                                "--exclude-standard", "--", "."])
    except git.GitCommandError:
        return set()
    return {name for name in str(out).split("\0") if name}


def snapshot(repo: git.Repo, runtime_dir: Path, shipped: set[str] | frozenset[str] = frozenset()) -> dict[str, bytes]:
    """The runtime's own files as they are on disk: relative path -> bytes.

    A file git ignores counts only when the template ships it (`shipped`): a repository may ignore
    `*.json` and still have the runtime's MANIFEST.json.
    """
    if not runtime_dir.is_dir():
        return {}
    names = set(runtime_module("core.integrity").covered(runtime_dir))
    if (runtime_dir / MANIFEST).is_file():
        names.add(MANIFEST)
    names -= _ignored(repo, runtime_dir) - set(shipped)
    return {name: (runtime_dir / name).read_bytes() for name in sorted(names)}


def restore(dest: Path, repo: git.Repo, history: git.Repo, old: str, new: str, before: dict[str, bytes]) -> list[str]:
    """The runtime is the template's: put the new version in place instead of a 3-way merge.

    A file that differed from the old template version (an edit, a reformat, a
    file the user added) is saved first, under a backup path we print.
    """
    old_files, new_files = tpl.runtime_files(history, old), tpl.runtime_files(history, new)
    if not new_files:
        return []
    runtime_dir = dest / RUNTIME_DIR
    notes: list[str] = []
    edited = {rel: data for rel, data in before.items() if old_files.get(rel) != data and new_files.get(rel) != data}
    if edited:
        backup = dest / ".orchestrator" / "backup" / f"runtime-{old}"
        if backup.exists():
            backup = backup.with_name(f"{backup.name}-{time.strftime('%Y%m%d%H%M%S')}")
        for rel, data in edited.items():
            target = backup / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        shown = backup.relative_to(dest)
        notes.append(f"your edits to {len(edited)} runtime file(s) are saved in {shown}/ "
                     f"({', '.join(sorted(edited))}); the runtime itself was restored to {new}")
    for rel, data in new_files.items():
        path = runtime_dir / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for rel in sorted(set(snapshot(repo, runtime_dir, set(old_files) | set(new_files))) - set(new_files)):
        (runtime_dir / rel).unlink()
    unmerged = [path for path in repo.index.unmerged_blobs() if str(path).startswith(RUNTIME_DIR + "/")]
    if unmerged:
        repo.git.reset("-q", "--", *[str(p) for p in unmerged])
    return notes
