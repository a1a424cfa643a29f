# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The learnings store: `.orchestrator/metrics/learnings.jsonl`.

Append-only like the other metrics (jsonl.py: one locked write per record), so
a crash never leaves half a learning and the history of every learning stays
readable. The current state of a learning is its last record by id: accepting,
rejecting or editing one appends a new full record rather than rewriting the file.

This module is imported by the session-start banner, so it loads nothing beyond
what that needs; the analysis lives in evolve.py.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..core import jsonl
from ..core.paths import metrics_dir

LEARNINGS = "learnings.jsonl"
STATUSES = ("proposed", "accepted", "rejected", "retired")
NOT_TO_RETRY = "not-to-retry"
# Fields that define a learning's content; a record is appended only when one of them changed.
CONTENT_KEYS = ("id", "kind", "subject", "statement", "evidence", "files", "confidence", "first_seen",
                "last_seen", "status", "edited")


def path(root: Path) -> Path:
    return metrics_dir(root) / LEARNINGS


def current(root: Path) -> dict[str, dict[str, Any]]:
    """id -> the latest record of every learning, in order of first appearance."""
    latest: dict[str, dict[str, Any]] = {}
    for record in jsonl.read(path(root)):
        ident = record.get("id")
        if isinstance(ident, str) and ident:
            latest[ident] = record
    return latest


def content(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in CONTENT_KEYS if k in record}


def save(root: Path, record: dict[str, Any]) -> None:
    """Append the new state of one learning, stamped with when it was written."""
    stamped = content(record)
    stamped["ts"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    jsonl.append(path(root), stamped)


def ranked(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most confident first; the id breaks ties so the order never depends on the file."""
    return sorted(records, key=lambda r: (-float(r.get("confidence") or 0), str(r.get("id"))))


def applies(record: dict[str, Any], likely: set[str]) -> bool:
    """A learning about files applies when one of them is likely to be touched; one
    without files (a gate check, a command) applies to every session."""
    files = record.get("files") or []
    return not files or any(f in likely for f in files)


def for_start(root: Path, likely: set[str], count: int, budget: int,
              records: list[dict[str, Any]] | None = None) -> list[str]:
    """The banner's learnings block: accepted learnings that apply, not-to-retry ones first
    among equals, most confident first, cut to `count` entries and `budget` characters
    (the heading included). Empty when there is nothing to show or no room."""
    if count <= 0 or budget <= 0 or not path(root).exists():
        return []
    if records is None:
        records = list(current(root).values())
    accepted = [r for r in records if r.get("status") == "accepted"]
    avoid = ranked([r for r in accepted if r.get("kind") == NOT_TO_RETRY])
    other = ranked([r for r in accepted if r.get("kind") != NOT_TO_RETRY and applies(r, likely)])
    chosen = [(True, r) for r in avoid] + [(False, r) for r in other]
    if not chosen:
        return []
    heading = "learnings (accepted; 'evolve list' shows all):"
    lines = [heading]
    used = len(heading)
    shown = 0
    for avoid_it, record in chosen:
        if shown >= count:
            break
        label = "do not retry" if avoid_it else record.get("kind", "?")
        line = f"  [{float(record.get('confidence') or 0):.2f}] {label}: {record.get('statement', '')}"
        room = budget - used - 1  # the newline joining it
        if room < 24:
            break
        if len(line) > room:
            line = line[: room - 3].rstrip() + "..."
        lines.append(line)
        used += len(line) + 1
        shown += 1
    hidden = len(chosen) - shown
    note = f"  ... {hidden} more"
    if hidden and used + len(note) + 1 <= budget:
        lines.append(note)
    return lines if shown else []


def likely_files(root: Path, changes: list[str], commits: int = 3) -> set[str]:
    """The files a session is likely to touch: those changed in the working tree (git status
    porcelain lines, as the banner already has them) and those of the last `commits` commits."""
    likely = set()
    for line in changes:
        name = line[3:].split(" -> ")[-1].strip().strip('"')
        if name:
            likely.add(name)
    from ..core.proc import run

    code, out, _ = run(["git", "log", f"-{commits}", "--name-only", "--format="], root, 5)
    if code == 0:
        likely.update(line.strip() for line in out.splitlines() if line.strip())
    return likely


def banner_lines(root: Path, config: Any, changes: list[str]) -> list[str]:
    """What the session-start banner adds: the learnings block and instruction-budget warnings.
    Never raises for a missing or unreadable file: the banner must always print."""
    out: list[str] = []
    try:
        if path(root).exists():
            records = list(current(root).values())
            budget = int(config.get("learnings-budget", 800))
            block = for_start(root, likely_files(root, changes), int(config.get("learnings-at-start", 5)), budget,
                              records)
            waiting = sum(1 for r in records if r.get("status") == "proposed")
            hint = f"learnings: {waiting} proposed, shown once accepted: /evolve review"
            if waiting and len("\n".join([*block, hint])) <= budget:
                block.append(hint)
            out.extend(block)
    except (OSError, ValueError, TypeError):
        pass
    try:
        from . import budget as instruction_budget

        out.extend(instruction_budget.check(root, config))
    except (OSError, ValueError, TypeError):
        pass
    return out
