# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`.orchestrator/carryover.md`: unfinished work that no issue tracker holds yet.

When close cannot file an issue (no remote, no `gh`/`glab`, signed out, offline, a
call that fails), the item must still outlive the session. STATE.md is replaced by
the next session and the session record is machine-local, so the item goes here: a
committed Markdown file a person can read and edit, which the banner, `research`
and the next `/session` show, and which a later `close carryover` files and marks.

Each entry is a `## ` heading that says its state, and a body that ends with the
marker the issue body carries too (`<!-- session-orchestrator carryover: ... -->`),
so an entry is never filed twice. The session-start banner reads this file, so the
module imports nothing beyond `re`.
"""

from __future__ import annotations

import re
from pathlib import Path

REL_PATH = ".orchestrator/carryover.md"
MARKER_RE = re.compile(r"<!-- session-orchestrator carryover: session=(\S+) item=(\S+) -->")
# "## open: <title>", "## filed <ref>: <title>", "## to close #12: <title>", "## closed #12: <title>"
_HEADING = re.compile(r"^## (open|filed [^:\s]+|to close #\d+|closed #\d+): (.+?)\s*$")
INTRO = """# Carryover

Work that a closed session left for later and that is not in an issue tracker yet (or an
issue still to close). `/session` and the session-start banner show the open entries;
`python3 .orchestrator/runtime close carryover` files them once GitHub or GitLab answers,
and marks each one here. Edit the text as you like, but keep each entry's last line (the
`session-orchestrator carryover` marker): it is what keeps an entry from being filed twice.
"""


class CarryoverFileError(Exception):
    """The file is there but an entry cannot be read; the message names the line."""


def path(root: Path) -> Path:
    return root / REL_PATH


def marker(session_id: str, item: str) -> str:
    return f"<!-- session-orchestrator carryover: session={session_id} item={item} -->"


def parse(text: str, filename: str = REL_PATH) -> list[dict[str, object]]:
    """Entries in file order: {'state', 'ref', 'title', 'body', 'session', 'item', 'line'}."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    body: list[str] = []

    def finish() -> None:
        if current is None:
            return
        text_body = "\n".join(body).strip("\n")
        found = MARKER_RE.search(text_body)
        if not found:
            raise CarryoverFileError(f"{filename}:{current['line']}: the entry {current['title']!r} has lost its "
                                     "'session-orchestrator carryover' marker line; put it back (it ends the entry)")
        current.update(body=text_body, session=found.group(1), item=found.group(2))
        entries.append(current)

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            finish()
            match = _HEADING.match(line)
            if not match:
                raise CarryoverFileError(f"{filename}:{number}: {line.strip()!r} is not an entry heading; write "
                                         "'## open: <title>' or '## filed <issue>: <title>'")
            state_text = match.group(1)
            state, _, ref = state_text.rpartition(" ") if " " in state_text else (state_text, "", "")
            state = {"filed": "filed", "to close": "to-close", "closed": "closed"}.get(state, state)
            current = {"state": state, "ref": ref, "title": match.group(2), "line": number}
            body = []
        elif current is not None:
            body.append(line)
    finish()
    return entries


def read(root: Path) -> list[dict[str, object]]:
    """Entries of the file; [] when there is none. Raises CarryoverFileError on a damaged entry."""
    try:
        text = path(root).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise CarryoverFileError(f"{REL_PATH}: cannot be read: {exc}") from None
    return parse(text)


def pending(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    """Entries still waiting for a tracker: open ones and issues still to close."""
    return [e for e in entries if e["state"] in ("open", "to-close")]


def render(entries: list[dict[str, object]]) -> str:
    out = [INTRO]
    for entry in entries:
        state = str(entry["state"])
        head = {"open": "open", "filed": f"filed {entry.get('ref')}", "to-close": f"to close {entry.get('ref')}",
                "closed": f"closed {entry.get('ref')}"}[state]
        title = " ".join(str(entry["title"]).split())
        out.append(f"## {head}: {title}")
        out.append("")
        out.append(str(entry["body"]).strip("\n"))
        out.append("")
    return "\n".join(out)


def write(root: Path, entries: list[dict[str, object]]) -> None:
    from ..core.fsutil import write_atomic

    write_atomic(path(root), render(entries))


def summary_lines(root: Path, limit: int = 5) -> list[str]:
    """What the banner and research show: one line per pending entry, or one line why the file is unreadable."""
    try:
        entries = pending(read(root))
    except CarryoverFileError as exc:
        return [f"carryover list unreadable: {exc}"]
    if not entries:
        return []
    lines = [f"carryover not in a tracker yet ({len(entries)}, {REL_PATH}):"]
    for entry in entries[:limit]:
        what = "close the issue" if entry["state"] == "to-close" else "open"
        note = _first_line(str(entry["body"]))
        lines.append(f"  - [{what}] {entry['title']}" + (f" - {note}" if note else ""))
    if len(entries) > limit:
        lines.append(f"  ... and {len(entries) - limit} more")
    return lines


def _first_line(body: str) -> str:
    """The entry's 'Left:' line (what remains), else its first line of prose, clipped."""
    left = re.search(r"^\*\*Left:\*\*\s*(.+)$", body, re.MULTILINE)
    text = left.group(1) if left else next((ln.strip() for ln in body.splitlines()
                                            if ln.strip() and not ln.startswith("<!--")), "")
    return text if len(text) <= 100 else text[:99] + "\u2026"
