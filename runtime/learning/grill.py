# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`grill`: the questions a plan was put through, kept in the plan itself.

Stress-testing a plan is only worth something if its outcome stays where the next
reader looks: each question, the user's answer and what changed in the document
because of it are appended, numbered, to a `## Grill log` section at the end of
the document. The runtime writes the entry (so its shape never depends on the
agent) and reads the log back; an entry it cannot read stops it with the file
and line named, and the document is left as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

HEADING = "## Grill log"
_ENTRY = re.compile(r"^(\d+)\. \*\*Q:\*\* (.+)$")
_ANSWER = re.compile(r"^ {3}\*\*A:\*\* (.+)$")
_CHANGE = re.compile(r"^ {3}\*\*Change:\*\* (.+)$")
NO_CHANGE = "none"


class GrillError(ValueError):
    """The document cannot be read or written; the message names the file (and line) and the fix."""


def document(root: Path, name: str) -> Path:
    """The document `name` names, inside the repository and existing."""
    path = (root / name).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise GrillError(f"{name}: name a document inside the repository") from None
    if not path.is_file():
        raise GrillError(f"{name}: no such document; grill records into an existing plan, PRD or spec")
    return path


def _lines(path: Path, rel: str) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GrillError(f"{rel}: cannot be read: {exc}") from None


def _section(lines: list[str]) -> tuple[int, int]:
    """(first line after the heading, end) of the Grill log; (-1, -1) when there is none."""
    for index, line in enumerate(lines):
        if line.strip() == HEADING:
            end = next((j for j in range(index + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
            return index + 1, end
    return -1, -1


def entries(root: Path, name: str) -> list[dict[str, Any]]:
    """Every entry of the document's Grill log, in order."""
    path = document(root, name)
    rel = path.relative_to(root.resolve()).as_posix()
    lines = _lines(path, rel)
    start, end = _section(lines)
    out: list[dict[str, Any]] = []
    if start < 0:
        return out
    for index in range(start, end):
        line = lines[index]
        if not line.strip():
            continue
        entry, answer, change = _ENTRY.match(line), _ANSWER.match(line), _CHANGE.match(line)
        if entry:
            if int(entry.group(1)) != len(out) + 1:
                raise GrillError(f"{rel}:{index + 1}: entry {entry.group(1)} should be number {len(out) + 1}")
            out.append({"n": len(out) + 1, "question": entry.group(2), "answer": "", "change": "", "line": index + 1})
        elif answer and out and not out[-1]["answer"]:
            out[-1]["answer"] = answer.group(1)
        elif change and out and out[-1]["answer"] and not out[-1]["change"]:
            out[-1]["change"] = change.group(1)
        else:
            raise GrillError(f"{rel}:{index + 1}: the Grill log holds only numbered entries of a '**Q:**' line, "
                             f"an indented '**A:**' line and an indented '**Change:**' line; found {line!r}")
    for item in out:
        if not item["answer"] or not item["change"]:
            raise GrillError(f"{rel}:{item['line']}: entry {item['n']} lacks its "
                             + ("answer" if not item["answer"] else "change") + " line")
    return out


def _one_line(text: str, what: str) -> str:
    clean = " ".join(str(text).split())
    if not clean:
        raise GrillError(f"the {what} is empty")
    return clean


def add(root: Path, name: str, question: str, answer: str, change: str) -> dict[str, Any]:
    """Append one entry to the document's Grill log (made at the end when missing); returns it."""
    from ..core.fsutil import write_atomic

    q, a = _one_line(question, "question"), _one_line(answer, "answer")
    c = " ".join(str(change).split()) or NO_CHANGE
    known = entries(root, name)  # raises on a log it cannot read: nothing is written then
    path = document(root, name)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    n = len(known) + 1
    block = [f"{n}. **Q:** {q}", f"   **A:** {a}", f"   **Change:** {c}"]
    start, end = _section(lines)
    if start < 0:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", HEADING, "", *block]
    else:
        last = end
        while last > start and not lines[last - 1].strip():
            last -= 1
        gap = [""] if last > start and known else ([""] if last == start else [])
        tail = [""] if end < len(lines) else []
        lines = lines[:last] + gap + block + tail + lines[end:]
    write_atomic(path, "\n".join(lines) + "\n")
    return {"n": n, "question": q, "answer": a, "change": c, "doc": path.relative_to(root.resolve()).as_posix()}
