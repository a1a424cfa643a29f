"""Finding the template and driving Copier.

The CLI calls Copier's API in-process (a render is about 0.5 s that way) and
then hands over to the repository's own vendored runtime for anything that
touches session state: the CLI never imports the runtime.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ANSWERS_FILE = ".copier-answers.session-orchestrator.yml"
CONFLICT_MARKER = "<<<<<<< before updating"


class CliError(Exception):
    """A problem the user can fix; the message says how."""


def default_template() -> Path | None:
    """This checkout's template when the CLI runs from a source checkout."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "copier.yml").is_file() and (root / "template").is_dir() else None


def resolve_template(template: str | None) -> str:
    if template:
        return template
    found = default_template()
    if found is None:
        raise CliError("no template found next to this installation; pass --template <path or git URL>")
    return str(found)


def is_git_repo(path: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--git-dir"], cwd=path, capture_output=True).returncode == 0


def dirty_files(path: Path) -> list[str]:
    out = subprocess.run(["git", "status", "--porcelain"], cwd=path, capture_output=True, text=True)
    return out.stdout.splitlines()


def copy(template: str, dest: Path, data: dict[str, Any], vcs_ref: str | None, quiet: bool) -> None:
    from copier import run_copy

    run_copy(template, str(dest), data=data, defaults=True, unsafe=True, vcs_ref=vcs_ref, quiet=quiet)


def update(dest: Path, data: dict[str, Any], vcs_ref: str | None, quiet: bool) -> None:
    from copier import run_update

    run_update(str(dest), data=data, defaults=True, overwrite=True, unsafe=True, vcs_ref=vcs_ref,
               answers_file=ANSWERS_FILE, quiet=quiet)


def conflicts(dest: Path) -> list[str]:
    """Files left with merge conflicts: unmerged index entries or inline markers.

    Copier exits 0 even when it leaves conflicts, so this check is what keeps a
    user edit from being committed half-merged.
    """
    out = subprocess.run(["git", "ls-files", "-u"], cwd=dest, capture_output=True, text=True)
    files = {line.split("\t", 1)[1] for line in out.stdout.splitlines() if "\t" in line}
    grep = subprocess.run(["git", "grep", "-l", "-F", CONFLICT_MARKER], cwd=dest, capture_output=True,
                          text=True)
    files.update(grep.stdout.split())
    return sorted(files)


def run_runtime(dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the repository's vendored runtime, as hooks and command texts do."""
    dest = dest.resolve()
    return subprocess.run([sys.executable, "-S", str(dest / ".orchestrator" / "runtime"), *args], cwd=dest,
                          capture_output=True, text=True)
