# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The record `/debug` keeps in `.orchestrator/debug/<id>.md`: one Markdown file per investigation.

The file is the memory of a root-cause hunt that may outlive the agent's context,
so it is plain Markdown a person can read and edit, in a fixed layout the runtime
reads back: `- key: value` fields under the title, the symptom, a log of notes
tagged with their phase, and the verification attempts. A line the runtime cannot
read stops every command with the file and line named, and nothing is written
over it: a hand edit gone wrong must never cost the notes it sits between.
Sections a person added under other headings are kept as they are.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

PHASES = ("reproduce", "isolate", "explain", "fix")
STATUSES = ("open", "fixed")
FIELDS = ("status", "started", "start-ref", "issue", "test", "command", "files")
REQUIRED = ("status", "started", "start-ref")
REL_DIR = ".orchestrator/debug"
_FIELD = re.compile(r"^- ([a-z-]+): ?(.*)$")
_LOG = re.compile(r"^- (\S+) \[([a-z]+)\] (.*)$")
_ENTRY = re.compile(r"^- (\S+) (.*)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class DebugRecordError(Exception):
    """A record is missing or cannot be read; the message names the file and line."""


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def directory(root: Path) -> Path:
    return root / REL_DIR


def path_of(root: Path, record_id: str) -> Path:
    if not _ID.match(record_id):
        raise DebugRecordError(f"{record_id!r} is not a debug record id (lower-case letters, digits and dashes)")
    return directory(root) / f"{record_id}.md"


def new_id(root: Path, symptom: str) -> str:
    """A readable id from the symptom's first words, numbered when one with that name exists."""
    words = re.sub(r"[^a-z0-9]+", "-", symptom.lower()).strip("-")[:40].rstrip("-") or "bug"
    candidate, n = words, 1
    while path_of(root, candidate).exists():
        n += 1
        candidate = f"{words}-{n}"
    return candidate


def _one_line(text: str) -> str:
    return " ".join(text.split())


def new(record_id: str, symptom: str, start_ref: str, issue: str = "") -> dict[str, Any]:
    fields = {"status": "open", "started": now_iso(), "start-ref": start_ref}
    if issue:
        fields["issue"] = _one_line(issue)
    return {"id": record_id, "title": _one_line(symptom), "fields": fields, "symptom": symptom.strip(),
            "log": [], "verification": [], "extra": ""}


def parse(text: str, where: str) -> dict[str, Any]:
    """The record in `text` (read from `where`, named in errors)."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# Debug: "):
        raise DebugRecordError(f"{where}:1: a debug record starts with '# Debug: <symptom>'")
    record: dict[str, Any] = {"id": Path(where).stem, "title": lines[0][len("# Debug: "):].strip(), "fields": {},
                              "symptom": "", "log": [], "verification": [], "extra": ""}
    section, symptom, extra = "", [], []
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("## "):
            section = line[3:].strip()
            if section not in ("Symptom", "Log", "Verification"):
                extra.append(line)
            continue
        if not section:
            if not line.strip():
                continue
            match = _FIELD.match(line)
            if not match or match.group(1) not in FIELDS:
                raise DebugRecordError(f"{where}:{number}: expected a '- key: value' field "
                                       f"({', '.join(FIELDS)}), found {line!r}")
            record["fields"][match.group(1)] = match.group(2).strip()
        elif section == "Symptom":
            symptom.append(line)
        elif section == "Log":
            if not line.strip():
                continue
            match = _LOG.match(line)
            if not match or match.group(2) not in PHASES:
                raise DebugRecordError(f"{where}:{number}: a log line reads '- <time> [<phase>] <text>' with a phase "
                                       f"of {', '.join(PHASES)}; found {line!r}")
            record["log"].append({"ts": match.group(1), "phase": match.group(2), "text": match.group(3)})
        elif section == "Verification":
            if not line.strip():
                continue
            match = _ENTRY.match(line)
            if not match:
                raise DebugRecordError(f"{where}:{number}: a verification line reads '- <time> <text>'; "
                                       f"found {line!r}")
            record["verification"].append({"ts": match.group(1), "text": match.group(2)})
        else:
            extra.append(line)
    for key in REQUIRED:
        if not record["fields"].get(key):
            raise DebugRecordError(f"{where}: the field '{key}' is missing or empty")
    if record["fields"]["status"] not in STATUSES:
        raise DebugRecordError(f"{where}: status {record['fields']['status']!r} is not one of {', '.join(STATUSES)}")
    record["symptom"] = "\n".join(symptom).strip()
    record["extra"] = "\n".join(extra).strip()
    return record


def render(record: dict[str, Any]) -> str:
    out = [f"# Debug: {record['title']}", ""]
    out += [f"- {key}: {record['fields'][key]}" for key in FIELDS if record["fields"].get(key)]
    out += ["", "## Symptom", "", record["symptom"] or "(not described)", "", "## Log", ""]
    out += [f"- {e['ts']} [{e['phase']}] {e['text']}" for e in record["log"]]
    out += ["", "## Verification", ""]
    out += [f"- {e['ts']} {e['text']}" for e in record["verification"]]
    if record.get("extra"):
        out += ["", record["extra"]]
    return "\n".join(out).rstrip("\n") + "\n"


def load(root: Path, record_id: str) -> dict[str, Any]:
    path = path_of(root, record_id)
    rel = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DebugRecordError(f"no debug record {record_id!r} ({rel}); 'debug list' shows them") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DebugRecordError(f"{rel}: cannot be read: {exc}") from None
    return parse(text, rel)


def save(root: Path, record: dict[str, Any]) -> Path:
    from ..core.fsutil import write_atomic

    path = path_of(root, record["id"])
    write_atomic(path, render(record))
    return path


def note(record: dict[str, Any], phase: str, text: str) -> None:
    if phase not in PHASES:
        raise DebugRecordError(f"unknown phase {phase!r}; choose one of {', '.join(PHASES)}")
    if not text.strip():
        raise DebugRecordError("a note needs text")
    record["log"].append({"ts": now_iso(), "phase": phase, "text": _one_line(text)})


def all_records(root: Path) -> list[dict[str, Any]]:
    """Every record, oldest first; one that cannot be read raises (named), the others are untouched."""
    folder = directory(root)
    if not folder.is_dir():
        return []
    records = [load(root, p.stem) for p in sorted(folder.glob("*.md")) if _ID.match(p.stem)]
    return sorted(records, key=lambda r: (r["fields"]["started"], r["id"]))
