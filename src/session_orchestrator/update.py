"""`update`: Copier's 3-way merge to a newer template version, then the vendored runtime restored.

Copier merges the runtime like any other file; the runtime is the template's, so it is put back to
the new version instead (edits saved aside: `vendored.restore`). Copier exits 0 even when it leaves
conflicts, so every file left half merged is listed and the exit code says so. `--dry-run` runs the
same update in a throwaway clone and lists what it would change.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import git

from session_orchestrator import answers as answers_mod
from session_orchestrator import console, doctor, terminal, vendored
from session_orchestrator import template as tpl
from session_orchestrator.errors import EXIT_CONFLICTS, EXIT_OK, CliError
from session_orchestrator.template import ANSWERS_FILE, RUNTIME_DIR, Source

# What a dry run calls each change `git status --porcelain` shows in the scratch clone.
_STATUS_WORDS = {"A": "add", "?": "add", "D": "remove", "M": "merge", "R": "rename", "U": "conflict"}
UNDO = "run 'git status' to see what changed, then 'git checkout -- . && git clean -fd' to undo"


def run(dest: Path, data: list[str] | None, template: str | None, vcs_ref: str | None, dry_run: bool,
        quiet: bool) -> int:
    """The `update` command: checks first, then the update (or its dry run), the conflicts, doctor."""
    repo = tpl.open_repo(dest) if dest.is_dir() else None
    if repo is None:
        raise CliError(f"{dest} is not a git repository; updates need git to merge (run 'git init' and commit first)")
    tpl.read_answers(dest)
    dirty = tpl.dirty_files(repo)
    if dirty:
        listed = "\n  ".join(dirty[:10]) + ("\n  ..." if len(dirty) > 10 else "")
        raise CliError(f"the working tree has uncommitted changes:\n  {listed}\n"
                       "commit or stash them (git stash -u), then run 'session-orchestrator update' again")
    source = tpl.update_source(dest, template, vcs_ref)
    answers = answers_mod.parse(data, None, tpl.template_dir(source))
    if dry_run:
        with console.progress("trying the update in a scratch clone", quiet):
            code, lines = preview(dest, repo, source, answers)
        console.out("\n".join(lines))
        return code
    with console.progress(f"updating from {source.describe()}", quiet):
        notes = update(dest, repo, source, answers, quiet)
    for note in notes:
        console.warn(note)
    found = tpl.conflicts(repo)
    if found:
        return report_conflicts(found)
    console.step("checking the result", quiet)
    return doctor.after_install(dest, quiet)


def update(dest: Path, repo: git.Repo, source: Source, data: dict[str, Any], quiet: bool) -> list[str]:
    """copier update, then the vendored runtime restored to the new version; returns notes to print."""
    from copier import run_update

    runtime_dir = dest / RUNTIME_DIR
    before = vendored.snapshot(repo, runtime_dir)
    old = str(tpl.read_answers(dest)["_commit"])
    with tpl.fetch_from(source) as mirrors:
        with terminal.plain_stderr():
            run_update(str(dest), data=data, defaults=True, overwrite=True, unsafe=True, vcs_ref=source.ref,
                       answers_file=ANSWERS_FILE, quiet=quiet)
        new = str(tpl.read_answers(dest)["_commit"])
        history = tpl.template_repo(source, mirrors)
        if history is None:
            return ["the template's history was not readable, so the runtime was merged, not restored"]
        return vendored.restore(dest, repo, history, old, new, before)


def report_conflicts(found: dict[str, str]) -> int:
    console.alert(f"the update left {len(found)} file(s) to resolve; nothing you wrote is lost, "
                  "both versions are in each file:")
    for name, what in found.items():
        console.out_err(f"  {name}: {what}")
    console.out_err("next: edit each file to what you want (between <<<<<<< and >>>>>>>; for a .rej file apply its "
                    "hunks by hand and delete it), then 'git add' them and commit")
    return EXIT_CONFLICTS


@contextmanager
def _silenced() -> Iterator[None]:
    """Sends file descriptor 1 (where Copier's tasks write) to /dev/null for a while."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def preview(dest: Path, repo: git.Repo, source: Source, data: dict[str, Any]) -> tuple[int, list[str]]:
    """The update, run in a throwaway clone of the repository; lists what it would change there."""
    root = Path(repo.working_tree_dir or dest)
    sub = dest.resolve().relative_to(root.resolve())
    with tempfile.TemporaryDirectory(prefix="session-orchestrator-dry-run-") as tmp:
        clone = git.Repo.clone_from(str(root), str(Path(tmp) / "repo"))
        target = Path(clone.working_tree_dir or tmp) / sub
        with _silenced():  # the install step's notes describe the scratch clone, not the repository
            update(target, clone, source, data, quiet=True)
        changes = []
        for line in clone.git.status("--porcelain", "--untracked-files=all").splitlines():
            code, name = line[:2], line[3:]
            word = "conflict" if "U" in code or code in ("AA", "DD") else _STATUS_WORDS.get(code.strip()[:1], "change")
            changes.append((word, name))
        found = tpl.conflicts(clone)
    if not changes:
        return EXIT_OK, ["the update would change nothing"]
    lines = [f"the update would change {len(changes)} file(s) (nothing was changed):"]
    lines += [f"  {'conflict' if name in found else word:9} {name}" for word, name in changes]
    return (EXIT_CONFLICTS if found else EXIT_OK), lines
