# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Which reviewers a wave needs, read from the wave's git diff and a rule table kept as data.

The session reviewer looks at every wave; the security and architecture reviewers are added only when
the diff touches what they review. The rules live in `reviewers.json` beside this file so they can be
read and changed without reading code, and the diff comes from git (the tree recorded when the wave
started against the tree now), never from what an agent says it changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).with_name("reviewers.json")


class ReviewersError(Exception):
    """The wave's diff or the rule table cannot be read; the message says which and why."""


def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """The rule table, with every pattern compiled; a bad table names the file, the rule and the pattern."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewersError(f"cannot read the reviewer rules in {path}: {exc}") from exc
    rules = []
    for index, rule in enumerate(data.get("rules") or [], start=1):
        compiled: dict[str, Any] = {}
        for key in ("lines", "removed_lines"):
            compiled[key] = []
            for pattern in rule.get(key) or []:
                try:
                    compiled[key].append(re.compile(pattern))
                except re.error as exc:
                    raise ReviewersError(f"{path}: rule {index} ({rule.get('agent')}): {key} pattern "
                                         f"{pattern!r} is not a valid regular expression: {exc}") from exc
        rules.append({**rule, **compiled})
    return {"always": str(data.get("always") or ""), "rules": rules}


def _git(root: Path, *args: str) -> str:
    from ..core.proc import run

    code, out, err = run(["git", "-c", "core.quotepath=off", *args], root, 60)
    if code != 0:
        raise ReviewersError(f"git {' '.join(args[:2])} failed: {err.strip() or f'exit {code}'}")
    return out


def diff(root: Path, start: str, end: str) -> list[dict[str, Any]]:
    """Every file that differs between the trees (or commits) `start` and `end`: its path, whether it was
    added (A), deleted (D) or modified (M), and its added and removed lines."""
    changes: dict[str, dict[str, Any]] = {}
    fields = _git(root, "diff", "--no-renames", "--name-status", "-z", start, end).split("\0")
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        if path:
            changes[path] = {"path": path, "status": status[:1] or "M", "added": [], "removed": []}
    current: dict[str, Any] | None = None
    for line in _git(root, "diff", "--no-renames", "--no-color", "--no-ext-diff", "-U0", start, end).splitlines():
        if line.startswith("diff --git "):
            current = None
        elif (line.startswith("--- a/") and current is None) or line.startswith("+++ b/"):
            current = changes.get(line[6:])  # a deleted file has only its `--- a/` name
        elif current is not None and line.startswith("+") and not line.startswith("+++ "):
            current["added"].append(line[1:])
        elif current is not None and line.startswith("-") and not line.startswith("--- "):
            current["removed"].append(line[1:])
    return sorted(changes.values(), key=lambda c: c["path"])


def _any(patterns: list[str], path: str) -> str | None:
    from ..guards.pathglob import glob_match

    return next((p for p in patterns if glob_match(p, path)), None)


def _reasons(rule: dict[str, Any], change: dict[str, Any]) -> list[str]:
    path = change["path"]
    if _any(rule.get("skip") or [], path):
        return []
    found = []
    glob = _any(rule.get("paths") or [], path)
    if glob:
        found.append(f"{path}: the path matches {glob}")
    for status, key, what in (("A", "added_files", "a new file"), ("D", "deleted_files", "a deleted file")):
        glob = _any(rule.get(key) or [], path) if change["status"] == status else None
        if glob:
            found.append(f"{path}: {what} matching {glob}")
    for key, lines in (("lines", change["added"] + change["removed"]), ("removed_lines", change["removed"])):
        for pattern in rule.get(key) or []:
            line = next((text for text in lines if pattern.search(text)), None)
            if line is not None:
                shown = " ".join(line.split())[:80]
                found.append(f"{path}: {'a removed' if key == 'removed_lines' else 'a changed'} line matches "
                             f"/{pattern.pattern}/: {shown}")
                break
    return found


def select(changes: list[dict[str, Any]], rules: dict[str, Any]) -> list[dict[str, Any]]:
    """The reviewers for these changes, in the table's order: the one that always reviews, then each rule's
    agent whose paths or lines the changes touch, with the reasons (at most one per file and kind)."""
    chosen = [{"agent": rules["always"], "reasons": ["reviews every wave's changes"]}] if rules["always"] else []
    for rule in rules["rules"]:
        reasons = [reason for change in changes for reason in _reasons(rule, change)]
        if reasons:
            chosen.append({"agent": str(rule["agent"]), "why": str(rule.get("why") or ""), "reasons": reasons})
    return chosen


def for_wave(root: Path, number: int) -> dict[str, Any]:
    """The reviewers wave `number` needs: its diff from the tree recorded when it started (or the session's
    start commit for a wave recorded before that) to the working tree now."""
    from ..core.treestate import TreeUnreadableError, tree_id
    from .state import StateError, load, require_active

    state = require_active(load(root))
    waves = state.get("waves") or []
    if not 1 <= number <= len(waves):
        raise StateError(f"wave {number} does not exist; this session has waves 1 to {len(waves)}")
    wave = waves[number - 1]
    start = str(wave.get("start_tree") or state.get("start_ref") or "")
    if not start:
        raise ReviewersError(f"wave {number} has no recorded start; start it with 'wave start {number}' first")
    try:
        end = tree_id(root)
    except TreeUnreadableError as exc:
        raise ReviewersError(f"cannot read the working tree from git: {exc}") from exc
    changes = diff(root, start, end)
    return {"wave": number, "start": start, "end": end, "files": [c["path"] for c in changes],
            "reviewers": select(changes, load_rules())}


def format_plan(plan: dict[str, Any]) -> str:
    lines = [f"reviewers for wave {plan['wave']} ({len(plan['files'])} changed "
             f"file{'' if len(plan['files']) == 1 else 's'}): {', '.join(r['agent'] for r in plan['reviewers'])}"]
    for reviewer in plan["reviewers"]:
        lines.append(f"  {reviewer['agent']}" + (f" ({reviewer['why']})" if reviewer.get("why") else "") + ":")
        lines.extend(f"    {reason}" for reason in reviewer["reasons"][:5])
        if len(reviewer["reasons"]) > 5:
            lines.append(f"    and {len(reviewer['reasons']) - 5} more")
    lines.append(f"the diff they review: git diff {plan['start']} {plan['end']}")
    lines.append("dispatch each reviewer over that diff and record each one's JSON with "
                 f"'review record --wave {plan['wave']} -'")
    return "\n".join(lines)
