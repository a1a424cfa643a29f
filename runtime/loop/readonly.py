# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Gates never write: checks run in check mode, and the working tree proves it.

A gate judges the code; it must not change it. A linter whose config says
`fix = true` rewrites files on every run, and then the gate has edited the
project behind every scope the hooks enforce, and the finding it fixed is never
reported. So two things, both needed:

1. Commands are turned into their check-only form where that is safe to do from
   the words alone: `ruff check` gets `--no-fix` (it wins over the config),
   `ruff format`, black and prettier get `--check`, isort `--check-only`, eslint
   and biome lose `--fix`/`--write`. A script (`npm run lint`) is left as it is:
   what it runs is not visible here.
2. The working tree (tracked and untracked, not ignored) is snapshotted before the
   checks start and after they end. Any difference blocks the gate and is named,
   with the check that wrote it. Checks run side by side, so a file is attributed
   by its modification time to the checks that were running at that moment: one
   name when only one was, all candidates otherwise (never a guess). A deleted
   file has no time stamp, so every check that ran is named.

Caches tools keep about their own runs are not project files and are left out:
`__pycache__`, `.pytest_cache`, `.mypy_cache`, `.ruff_cache`, `.hypothesis`,
`.eslintcache`, `*.tsbuildinfo`, `.coverage` (most projects ignore them anyway).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

CACHE_DIRS = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".tox", ".nox")
CACHE_FILES = re.compile(r"(^|/)(\.eslintcache|[^/]*\.tsbuildinfo|\.coverage(\.[^/]*)?|[^/]*\.py[co])$")
SLACK = 0.05  # file-system time stamps come from a coarse clock; a write just after a start may read earlier
_OPERATORS = ("&&", "||", ";", "|", "&")


def _is_cache(path: str) -> bool:
    parts = path.split("/")
    return any(part in CACHE_DIRS for part in parts[:-1]) or bool(CACHE_FILES.search(path))


def _tool(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _check_only(words: list[str]) -> tuple[list[str], list[str]]:
    """One simple command's words in check mode, and what was changed (for the source note)."""
    notes: list[str] = []
    for index, word in enumerate(words):
        name, rest = _tool(word), words[index + 1:]
        if name == "ruff" and rest[:1] == ["check"]:
            kept = [w for w in rest[1:] if w not in ("--fix", "--fix-only", "--unsafe-fixes")]
            if "--no-fix" not in kept or len(kept) != len(rest) - 1:
                notes.append("ruff check with --no-fix")
                kept = ["--no-fix", *[w for w in kept if w != "--no-fix"]]
            return [*words[:index + 1], "check", *kept], notes
        if name == "ruff" and rest[:1] == ["format"]:
            if not {"--check", "--diff"} & set(rest):
                notes.append("ruff format with --check")
                return [*words[:index + 1], "format", "--check", *rest[1:]], notes
            return words, notes
        if name in ("eslint", "biome"):
            kept = [w for w in rest if w not in ("--fix", "--write", "--apply", "--apply-unsafe", "--unsafe")]
            if len(kept) != len(rest):
                notes.append(f"{name} without --fix/--write")
            return [*words[:index + 1], *kept], notes
        if name == "black":
            if not {"--check", "--diff"} & set(rest):
                notes.append("black with --check")
                return [*words[:index + 1], "--check", *rest], notes
            return words, notes
        if name == "isort":
            if not {"--check-only", "--check", "-c", "--diff"} & set(rest):
                notes.append("isort with --check-only")
                return [*words[:index + 1], "--check-only", *rest], notes
            return words, notes
        if name == "prettier":
            kept = [w for w in rest if w not in ("--write", "-w")]
            if not {"--check", "-c", "--list-different", "-l"} & set(kept):
                notes.append("prettier with --check")
                kept = ["--check", *kept]
            return [*words[:index + 1], *kept], notes
    return words, notes


def check_mode(kind: str, command: str) -> tuple[str, str]:
    """(`command` in check-only form, a note saying what changed or '') for lint and typecheck commands.

    Works on whitespace-separated words and leaves anything it does not recognise alone;
    the tree check after every gate catches what a command writes anyway.
    """
    if kind == "test" or command.strip().lower() in ("skip", "auto") or not command.strip():
        return command, ""
    words = command.split()
    out: list[str] = []
    notes: list[str] = []
    segment: list[str] = []
    for word in [*words, ";"]:
        if word in _OPERATORS:
            fixed, said = _check_only(segment)
            out.extend(fixed)
            notes.extend(said)
            out.append(word)
            segment = []
        else:
            segment.append(word)
    out.pop()
    if not notes:
        return command, ""
    return " ".join(out), "run as " + ", ".join(notes) + " (gates never write)"


# --- the tree check ----------------------------------------------------------


def take(root: Path) -> dict[str, Any]:
    """The working tree before the checks start: {'snap': ...} or {'error': why git could not say}."""
    from ..core.treestate import TreeUnreadableError, snapshot

    try:
        return {"snap": snapshot(root)}
    except TreeUnreadableError as exc:
        return {"error": str(exc)}


def _when(root: Path, path: str) -> float | None:
    try:
        return os.lstat(root / path).st_mtime
    except OSError:
        return None


def compare_tree(root: Path, before: dict[str, Any], after: dict[str, Any], jobs: list[Any]) -> dict[str, Any]:
    """What changed in the project while the checks ran, and which checks could have done it.

    `jobs` carry `kind`, `command`, `wall_start` and `wall_end`. The result is recorded
    in the gate as `wrote`: {'checked': bool, 'files': [...], 'by': [{'checks', 'commands', 'files'}],
    'error': '...' when git could not list the tree}.
    """
    from ..core.treestate import changed_between, is_runtime_record

    if "error" in before or "error" in after:
        return {"checked": False, "files": [], "by": [],
                "error": f"git could not list the working tree: {before.get('error') or after.get('error')}"}
    changed = [path for path in changed_between(before["snap"], after["snap"])
               if not is_runtime_record(path) and not _is_cache(path)]
    groups: dict[tuple[str, ...], list[str]] = {}
    ran = [job for job in jobs if job.proc is not None]
    for path in changed:
        stamp = _when(root, path)
        if stamp is None:
            candidates = ran
        else:
            candidates = [job for job in ran if job.wall_start - SLACK <= stamp <= (job.wall_end or stamp) + SLACK]
            candidates = candidates or ran
        key = tuple(job.kind for job in candidates)
        groups.setdefault(key, []).append(path)
    commands = {job.kind: job.command for job in ran}
    by = [{"checks": list(key), "commands": [commands[k] for k in key], "files": files}
          for key, files in groups.items()]
    return {"checked": True, "files": changed, "by": by}


def describe(wrote: dict[str, Any], limit: int = 5) -> list[str]:
    """Summary lines for a gate whose checks changed files (or whose tree could not be read)."""
    if not wrote:
        return []
    if not wrote.get("checked"):
        return [f"  UNVERIFIED: could not check that the checks changed no file ({wrote.get('error')})",
                "    fix: run the gate in a git repository where 'git status' works"]
    lines = []
    for entry in wrote.get("by") or []:
        files = entry["files"]
        named = ", ".join(files[:limit]) + (f" and {len(files) - limit} more" if len(files) > limit else "")
        if len(entry["checks"]) == 1:
            who = f"the {entry['checks'][0]} check ({entry['commands'][0]})"
        else:
            who = "one of the checks that were running then: " + ", ".join(
                f"{kind} ({command})" for kind, command in zip(entry["checks"], entry["commands"], strict=True))
        lines.append(f"  WROTE: {who} changed {len(files)} file{'s' if len(files) != 1 else ''}: {named}")
    if lines:
        lines.append("    fix: a gate must never change the project: make the command check only (--check, "
                     "--no-fix, no --fix/--write) in the Session Config; 'git diff' shows what it changed")
    return lines
