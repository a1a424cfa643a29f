# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Does the vendored runtime still hold the files it was released with?

A runtime file changed in place (a repository-wide formatter run, a hand edit, a
merge that left conflict markers) silently changes what the guards do, and the
next template update then has to merge into it. `MANIFEST.json`, shipped next to
the code, records a SHA-256 per file; `check` compares the directory with it.

This module imports nothing else from the runtime on purpose: when another
runtime file is broken, `__main__` still uses it to say which files differ.

Regenerate the manifest after changing any runtime file (a test catches drift):

    python3 -m runtime.core.integrity
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

MANIFEST = "MANIFEST.json"
FORMAT = 1
CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>")
RUNTIME_DIR = Path(__file__).resolve().parent.parent
ANSWERS_FILE = ".copier-answers.session-orchestrator.yml"
# Re-renders only .orchestrator/runtime/ at the template version already installed;
# every other rendered file, and the user's own files, are left as they are.
RESTORE = (
    f"restore the runtime: copier recopy --trust --defaults --overwrite --vcs-ref=:current: -a {ANSWERS_FILE} "
    "-x '**' -x '!.orchestrator/runtime/**'  (or, on a clean working tree: session-orchestrator update)"
)


class Problem:
    """One runtime file that differs from the manifest.

    kind: changed | conflict | missing | added | manifest. `path` is as the user
    would type it from the repository root.
    """

    __slots__ = ("detail", "kind", "path", "restore")

    def __init__(self, path: str, kind: str, detail: str, restore: str = RESTORE) -> None:
        self.path, self.kind, self.detail, self.restore = path, kind, detail, restore

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.kind!r}, {self.detail!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.path, self.kind, self.detail) == (
            other.path, other.kind, other.detail)

    def __hash__(self) -> int:
        return hash((self.path, self.kind, self.detail))

    @property
    def fix(self) -> str:
        if self.kind == "added":
            return f"delete it (the runtime ships only the files in {MANIFEST}), or {self.restore}"
        return self.restore


def digest(data: bytes) -> str:
    """SHA-256 of the file with CRLF read as LF: a checkout that converts line
    endings has not changed the code, and must not be reported as if it had."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def covered(directory: Path) -> list[str]:
    """Files the manifest covers: everything but itself, bytecode and dot-files. A tool that keeps a cache
    in the directory (`.ruff_cache/`, `.mypy_cache/`, `__pycache__/`) names it with a dot or as bytecode,
    so its files are never the runtime's; `session-orchestrator update` uses this same rule."""
    found = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in filenames:
            if name == MANIFEST and dirpath == str(directory):
                continue
            if name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            found.append(Path(dirpath, name).relative_to(directory).as_posix())
    return sorted(found)


def build(directory: Path = RUNTIME_DIR) -> dict[str, object]:
    from .. import __version__

    return {
        "format": FORMAT,
        "runtime": __version__,
        "algorithm": "sha256, CRLF read as LF",
        "files": {name: digest((directory / name).read_bytes()) for name in covered(directory)},
    }


def render(manifest: dict[str, object]) -> str:
    """Pretty-printed and sorted, so a release's manifest diff names the files it changed."""
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def conflict_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), 1)
            if line.startswith(CONFLICT_MARKERS[::2]) or line.rstrip() == CONFLICT_MARKERS[1]]


def check_dir(directory: Path, shown_as: str) -> list[Problem]:
    """Compare `directory` with its manifest; `shown_as` prefixes paths in messages."""
    manifest_path = directory / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError(f"unknown manifest format {manifest.get('format')!r}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = "missing" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc})"
        return [Problem(f"{shown_as}/{MANIFEST}", "manifest",
                        f"{reason}: the runtime's files cannot be verified")]
    problems: list[Problem] = []
    for name, expected in sorted(files.items()):
        shown = f"{shown_as}/{name}"
        try:
            data = (directory / name).read_bytes()
        except FileNotFoundError:
            problems.append(Problem(shown, "missing", "deleted (the runtime needs it)"))
            continue
        except OSError as exc:
            problems.append(Problem(shown, "missing", f"unreadable ({exc.strerror})"))
            continue
        if digest(data) == expected:
            continue
        marked = conflict_lines(data.decode("utf-8", "replace"))
        if marked:
            where = ", ".join(str(n) for n in marked[:3]) + (", ..." if len(marked) > 3 else "")
            problems.append(Problem(shown, "conflict", f"left with merge-conflict markers (line {where})"))
        else:
            problems.append(Problem(shown, "changed", "changed since it was rendered (edited or reformatted)"))
    for name in covered(directory):
        if name not in files:
            problems.append(Problem(f"{shown_as}/{name}", "added", "not part of the runtime"))
    return problems


def check(root: Path) -> list[Problem]:
    """The repository's vendored runtime (`<root>/.orchestrator/runtime`) against its manifest."""
    return check_dir(root / ".orchestrator" / "runtime", ".orchestrator/runtime")


def check_running() -> list[Problem]:
    """The runtime this code belongs to, named as the user sees it: `.orchestrator/runtime`
    when vendored, its own path otherwise (a development checkout)."""
    if RUNTIME_DIR.parent.name == ".orchestrator":
        return check_dir(RUNTIME_DIR, ".orchestrator/runtime")
    problems = check_dir(RUNTIME_DIR, str(RUNTIME_DIR))
    for problem in problems:
        problem.restore = "a development checkout: regenerate the manifest with 'python3 -m runtime.core.integrity'"
    return problems


def summary(problems: list[Problem], limit: int = 2) -> str:
    """One line for the banner: how many files, the first few by name."""
    named = "; ".join(f"{p.path} {p.kind}" for p in problems[:limit])
    more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
    noun = "file differs" if len(problems) == 1 else "files differ"
    return (f"WARNING: {len(problems)} runtime {noun} from the release ({named}{more}); "
            "run 'python3 .orchestrator/runtime doctor'")


def main(argv: list[str]) -> int:
    """Write (default) or verify (`--check`) this directory's manifest."""
    text = render(build())
    path = RUNTIME_DIR / MANIFEST
    if argv[:1] == ["--check"]:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is stale; regenerate it with: python3 -m runtime.core.integrity", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(covered(RUNTIME_DIR))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
