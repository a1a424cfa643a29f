# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`reconcile`: turn confident, accepted learnings into the agents' own rule files.

Nothing is applied silently. `propose` prints every new rule as a unified diff
against what is on disk and writes nothing; `apply ID ...` writes exactly the
rules the user approved. A rule already present (its file exists, or its
marker is in the file) is never proposed again, so a rule the user edited or
deleted by hand stays their decision.

Where and how each agent keeps rules is platform data (`rules` in
`platforms/<name>.yml`, rendered into `.orchestrator/install.json`):

- `style: file`: one Markdown file per rule in `dir` (e.g.
  `<agent dir>/rules/<slug>.md`); when the learning is about files and the platform
  names a `paths_key`, the frontmatter scopes the rule to them (a YAML list, or one
  string joined with `paths_join`). `description_key` adds the rule's statement as
  its description, and `always_key` says whether it applies everywhere (`true`
  when it is not scoped to files), for agents whose rule files need both.
- `style: section`: one bullet per rule under `heading` in `file` (for agents
  whose only always-on instructions are AGENTS.md).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from . import learnings

MARKER = "session-orchestrator learning:"


def slug(record: dict[str, Any]) -> str:
    text = f"{record.get('kind', 'learning')} {record.get('subject') or record.get('id')}".lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].rstrip("-") or str(record.get("id"))


def _marker(record: dict[str, Any]) -> str:
    return f"<!-- {MARKER} {record['id']} -->"


def eligible(root: Path, threshold: float) -> list[dict[str, Any]]:
    return learnings.ranked([r for r in learnings.current(root).values()
                             if r.get("status") == "accepted" and float(r.get("confidence") or 0) >= threshold])


class Change:
    """One proposed rule for one platform: the file, its text now and after."""

    def __init__(self, record: dict[str, Any], platform: str, path: str, before: str, after: str,
                 heading: str | None = None) -> None:
        self.record, self.platform, self.path, self.before, self.after = record, platform, path, before, after
        self.heading = heading  # set for a section-style rule

    def diff(self) -> str:
        old = "/dev/null" if not self.before else f"a/{self.path}"
        lines = difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                     old, f"b/{self.path}")
        return "".join(lines)


def _rule_file(record: dict[str, Any], spec: dict[str, Any]) -> str:
    import json

    out: list[str] = []
    files = [str(f) for f in record.get("files") or []]
    scoped = bool(files and spec.get("paths_key"))
    front: list[str] = []
    if spec.get("description_key"):
        front.append(f"{spec['description_key']}: {json.dumps(str(record.get('statement')))}")
    if scoped and spec.get("paths_join"):
        front.append(f"{spec['paths_key']}: {json.dumps(str(spec['paths_join']).join(files))}")
    elif scoped:
        front += [f"{spec['paths_key']}:"] + [f'  - "{f}"' for f in files]
    if spec.get("always_key"):
        front.append(f"{spec['always_key']}: {'false' if scoped else 'true'}")
    if front:
        out += ["---", *front, "---"]
    out += [_marker(record), f"# Learned: {record.get('kind')}", "", str(record.get("statement")), "",
            f"Evidence: {len((record.get('evidence') or {}).get('sessions') or [])} session(s), confidence "
            f"{float(record.get('confidence') or 0):.2f}. Written by 'reconcile apply' after you approved it; "
            "edit or delete it freely, it is not proposed again.", ""]
    return "\n".join(out)


def changes(root: Path, threshold: float) -> list[Change]:
    """Every rule that would be new, per platform, in the order of confidence."""
    from .budget import platforms

    out: list[Change] = []
    pending_sections: dict[str, str] = {}
    for record in eligible(root, threshold):
        for name, data in sorted(platforms(root).items()):
            spec = data.get("rules")
            if not isinstance(spec, dict):
                continue
            if spec.get("style", "file") == "file":
                directory = root / str(spec.get("dir", ""))
                target = directory / f"{slug(record)}{spec.get('ext', '.md')}"
                if target.exists() or _marked(directory, record):
                    continue
                rel = target.relative_to(root).as_posix()
                out.append(Change(record, name, rel, "", _rule_file(record, spec)))
            else:
                rel = str(spec.get("file", "AGENTS.md"))
                path = root / rel
                current = pending_sections.get(rel)
                if current is None:
                    current = path.read_text(encoding="utf-8") if path.is_file() else ""
                if _marker(record) in current:
                    continue
                heading = str(spec.get("heading", "## Learned rules"))
                after = _with_bullet(current, heading, record)
                out.append(Change(record, name, rel, current, after, heading))
                pending_sections[rel] = after
    return out


def _marked(directory: Path, record: dict[str, Any]) -> bool:
    if not directory.is_dir():
        return False
    marker = _marker(record)
    return any(marker in f.read_text(encoding="utf-8", errors="replace") for f in sorted(directory.rglob("*"))
               if f.is_file())


def _with_bullet(text: str, heading: str, record: dict[str, Any]) -> str:
    bullet = f"- {record.get('statement')} {_marker(record)}"
    lines = text.splitlines()
    if heading in lines:
        at = lines.index(heading) + 1
        while at < len(lines) and not lines[at].startswith("#"):
            at += 1
        while at > 0 and not lines[at - 1].strip():
            at -= 1
        lines.insert(at, bullet)
        return "\n".join(lines) + "\n"
    prefix = text if not text or text.endswith("\n") else text + "\n"
    return f"{prefix}{chr(10) if prefix else ''}{heading}\n\n{bullet}\n"


class NotPendingError(Exception):
    """An id given to apply names no pending proposal; nothing was written."""


def apply(root: Path, pending: list[Change], idents: list[str], threshold: float) -> list[tuple[str, str]]:
    """Write the rules of the learnings named by ids or unique id prefixes (among `pending`, from
    `changes(root, threshold)`); returns (path, learning id) for each file written, in order.

    Every id is resolved before anything is written, so a bad one writes nothing (NotPendingError).
    """
    from ..core import telemetry
    from ..core.fsutil import write_atomic

    by_id: dict[str, list[Change]] = {}
    for change in pending:
        by_id.setdefault(change.record["id"], []).append(change)
    chosen: list[str] = []
    for given in idents:
        matches = [i for i in by_id if i == given] or [i for i in by_id if i.startswith(given)]
        if len(matches) != 1:
            raise NotPendingError(f"{given!r} is not a pending proposal ('reconcile propose' lists them; a rule "
                                  f"already present, a learning not accepted or below {threshold:g} is not one)")
        chosen.append(matches[0])
    written: list[tuple[str, str]] = []
    for ident in dict.fromkeys(chosen):
        for change in by_id[ident]:
            if change.heading is not None:  # a section: add the bullet to the file as it is now
                path = root / change.path
                current = path.read_text(encoding="utf-8") if path.is_file() else ""
                change.after = _with_bullet(current, change.heading, change.record)
            write_atomic(root / change.path, change.after)
            written.append((str(change.path), ident))
    telemetry.emit(root, "reconcile.applied", {"learnings": list(dict.fromkeys(chosen))})
    return written
