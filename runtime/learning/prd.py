# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`plan-doc`: the documents /plan writes, validated and laid out by the runtime.

The agent gathers requirements with the user and hands the runtime one JSON
object; the runtime checks it and writes Markdown in a fixed structure under
`prd-dir` (default `docs/prd/`). Because the structure is fixed, the next
`/session` can read the open items back (`- [ ] ID: text` lines under
"Requirements" and "Actions") and offer them as candidates through `research`.

Kinds: `feature` (a PRD for one feature), `new` (a PRD for a new project or
component), `retro` (a retrospective over the sessions since a date or tag;
`plan-doc retro --since` prints the history it is written from).
(Named `plan-doc` so it cannot be mistaken for `plan`, which records a session's plan.)
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

KINDS = ("feature", "new", "retro")
ITEM_RE = re.compile(r"^- \[ \] ([A-Za-z][A-Za-z0-9_.-]*): (.+)$")
ITEM_SECTIONS = ("Requirements", "Actions")
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")

TEMPLATES: dict[str, dict[str, Any]] = {
    "feature": {
        "title": "One line naming the feature",
        "summary": "Two or three sentences: what changes for whom.",
        "problem": "What is wrong or missing today, with evidence from the exploration.",
        "goals": ["what success looks like"],
        "non_goals": ["what this deliberately does not do"],
        "requirements": [{"id": "R1", "text": "one verifiable requirement"}],
        "acceptance": [{"id": "A1", "text": "an observable check that proves R1", "requirement": "R1"}],
        "open_questions": ["anything the user could not answer yet"],
    },
    "retro": {
        "title": "Retrospective: what the period was about",
        "since": "2026-01-01 or a git tag",
        "summary": "Two or three sentences on the period.",
        "went_well": ["what worked, with the sessions that show it"],
        "went_badly": ["what did not, with the sessions that show it"],
        "learnings": ["learning ids or statements that matter next"],
        "actions": [{"id": "X1", "text": "one change to make", "acceptance": "how we will know it is done"}],
    },
}
TEMPLATES["new"] = TEMPLATES["feature"]


class DocError(ValueError):
    """The document cannot be written; the message names the field and the fix."""


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DocError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split()) if key != "problem" and key != "summary" else value.strip()


def _strings(data: dict[str, Any], key: str, where: str, required: bool = False) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DocError(f"{where}: '{key}' must be a list of non-empty strings")
    if required and not value:
        raise DocError(f"{where}: '{key}' needs at least one entry")
    return [" ".join(v.split()) for v in value]


def _items(data: dict[str, Any], key: str, where: str, extra: tuple[str, ...] = ()) -> list[dict[str, str]]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise DocError(f"{where}: '{key}' must be a non-empty list of {{\"id\", \"text\"}} objects")
    seen: set[str] = set()
    out = []
    for index, item in enumerate(value):
        at = f"{where}: {key}[{index}]"
        if not isinstance(item, dict):
            raise DocError(f"{at} must be an object with 'id' and 'text'")
        ident = item.get("id")
        if not isinstance(ident, str) or not _ID_RE.match(ident):
            raise DocError(f"{at}: 'id' must start with a letter and hold letters, digits, '.', '_' or '-' "
                           f"(e.g. {key[0].upper()}1), got {ident!r}")
        if ident in seen:
            raise DocError(f"{at}: id {ident!r} is used twice")
        seen.add(ident)
        clean = {"id": ident, "text": _text(item, "text", at)}
        for name in extra:
            if name in item:
                clean[name] = _text(item, name, at)
        out.append(clean)
    return out


# the same checks for the spec /brainstorm writes (learning/specs.py)
text_field, string_list, item_list = _text, _strings, _items

def validate(kind: str, data: Any, where: str = "the document") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DocError(f"{where}: expected a JSON object like 'plan-doc template --kind {kind}' prints")
    unknown = sorted(set(data) - set(TEMPLATES[kind]))
    if unknown:
        raise DocError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are "
                       f"{', '.join(TEMPLATES[kind])}")
    clean: dict[str, Any] = {"title": _text(data, "title", where), "summary": _text(data, "summary", where)}
    if kind == "retro":
        clean["since"] = _text(data, "since", where)
        for key in ("went_well", "went_badly", "learnings"):
            clean[key] = _strings(data, key, where)
        clean["actions"] = _items(data, "actions", where, ("acceptance",))
        missing = [a["id"] for a in clean["actions"] if "acceptance" not in a]
        if missing:
            raise DocError(f"{where}: every action needs 'acceptance' (how we know it is done); missing for "
                           f"{', '.join(missing)}")
        return clean
    clean["problem"] = _text(data, "problem", where)
    clean["goals"] = _strings(data, "goals", where, required=True)
    clean["non_goals"] = _strings(data, "non_goals", where)
    clean["requirements"] = _items(data, "requirements", where)
    clean["acceptance"] = _items(data, "acceptance", where, ("requirement",))
    known = {r["id"] for r in clean["requirements"]}
    for item in clean["acceptance"]:
        if item.get("requirement") and item["requirement"] not in known:
            raise DocError(f"{where}: acceptance {item['id']} names requirement {item['requirement']!r}, which "
                           f"does not exist (requirements: {', '.join(sorted(known))})")
    uncovered = sorted(known - {a.get("requirement") for a in clean["acceptance"]})
    if uncovered and any(a.get("requirement") for a in clean["acceptance"]):
        raise DocError(f"{where}: requirement(s) {', '.join(uncovered)} have no acceptance criterion")
    clean["open_questions"] = _strings(data, "open_questions", where)
    return clean


def render(kind: str, doc: dict[str, Any], created: str) -> str:
    label = "Retrospective" if kind == "retro" else "PRD"
    out = ["---", f"kind: {kind}", f"title: {json.dumps(doc['title'], ensure_ascii=False)}", "status: open",
           f"created: {created}"]
    if kind == "retro":
        out.append(f"since: {json.dumps(doc['since'], ensure_ascii=False)}")
    out += ["---", "", f"# {label}: {doc['title']}", "", "## Summary", "", doc["summary"], ""]

    def bullets(title: str, values: list[str]) -> None:
        out.extend([f"## {title}", ""] + ([f"- {v}" for v in values] or ["- none"]) + [""])

    if kind == "retro":
        bullets("What went well", doc["went_well"])
        bullets("What did not", doc["went_badly"])
        bullets("Learnings", doc["learnings"])
        out += ["## Actions", ""] + [f"- [ ] {a['id']}: {a['text']} (done when: {a['acceptance']})"
                                     for a in doc["actions"]] + [""]
        return "\n".join(out)
    out += ["## Problem", "", doc["problem"], ""]
    bullets("Goals", doc["goals"])
    bullets("Non-goals", doc["non_goals"])
    out += ["## Requirements", ""] + [f"- [ ] {r['id']}: {r['text']}" for r in doc["requirements"]] + [""]
    out += ["## Acceptance criteria", ""] + [
        f"- [ ] {a['id']}: {a['text']}" + (f" ({a['requirement']})" if a.get("requirement") else "")
        for a in doc["acceptance"]] + [""]
    bullets("Open questions", doc["open_questions"])
    return "\n".join(out)


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50].rstrip("-") or "document"


def prd_dir(root: Path) -> Path:
    from ..core.config import load_or_defaults

    config, _ = load_or_defaults(root)
    return root / str(config.get("prd-dir", "docs/prd"))


def open_items(root: Path, limit: int = 20) -> list[dict[str, str]]:
    """Unchecked requirement and action lines of every PRD that is not marked done, newest document first."""
    directory = prd_dir(root)
    if not directory.is_dir():
        return []
    out: list[dict[str, str]] = []
    for doc in sorted(directory.glob("*.md"), reverse=True):
        try:
            text = doc.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        head = text.split("\n---", 1)[0] if text.startswith("---") else ""
        if re.search(r"^status:\s*(done|closed)\s*$", head, re.MULTILINE):
            continue
        section = ""
        for line in text.splitlines():
            if line.startswith("## "):
                section = line[3:].strip()
                continue
            match = ITEM_RE.match(line)
            if match and section in ITEM_SECTIONS:
                out.append({"doc": doc.relative_to(root).as_posix(), "id": match.group(1), "text": match.group(2)})
                if len(out) >= limit:
                    return out
    return out


# --- retro history -------------------------------------------------------------------------------


def since_stamp(root: Path, since: str) -> str:
    """A date (YYYY-MM-DD) or a git tag/ref, as a UTC timestamp comparable with the records."""
    if re.match(r"^\d{4}-\d{2}-\d{2}$", since):
        return f"{since}T00:00:00Z"
    from ..core.proc import run

    code, out, err = run(["git", "log", "-1", "--date=format-local:%Y-%m-%dT%H:%M:%SZ", "--format=%cd", since, "--"],
                         root, 10, _utc_env())
    if code in (124, 126, 127):
        raise DocError(f"cannot read git to resolve {since!r}: {err}")
    if code != 0 or not out.strip():
        raise DocError(f"--since {since!r} is neither a date (YYYY-MM-DD) nor a git tag or commit here")
    return out.strip()


def _utc_env() -> dict[str, str]:
    import os

    return {**os.environ, "TZ": "UTC"}


def history(root: Path, since: str) -> dict[str, Any]:
    from ..core import telemetry
    from . import learnings

    stamp = since_stamp(root, since)
    sessions = [s for s in telemetry.read_sessions(root) if str(s.get("ended") or "") >= stamp]
    known = learnings.current(root).values()
    return {
        "since": since, "since_utc": stamp,
        "sessions": [{k: s.get(k) for k in ("id", "type", "started", "ended", "outcome", "items_planned",
                                             "items_done", "carryover", "regressions_caught", "gate_failures")}
                     for s in sessions],
        "totals": {
            "sessions": len(sessions),
            "completed": sum(1 for s in sessions if s.get("outcome") == "completed"),
            "items_done": sum(int(s.get("items_done") or 0) for s in sessions),
            "items_planned": sum(int(s.get("items_planned") or 0) for s in sessions),
            "carryover": sum(int(s.get("carryover") or 0) for s in sessions),
            "regressions_caught": sum(int(s.get("regressions_caught") or 0) for s in sessions),
        },
        "learnings": [{k: r.get(k) for k in ("id", "kind", "status", "confidence", "statement")}
                      for r in learnings.ranked([r for r in known if str(r.get("last_seen") or "") >= stamp])],
    }


# --- writing ---------------------------------------------------------------------------------------


def write(root: Path, kind: str, data: Any, name: str, force: bool = False) -> tuple[Path, int]:
    """Validate `data` (read from `name`, which errors cite) as a document of `kind` and write it under
    prd-dir; returns the file written and how many open items it holds. Raises DocError; nothing is
    written then."""
    doc = validate(kind, data, name)
    created = time.strftime("%Y-%m-%d", time.gmtime())
    directory = prd_dir(root)
    prefix = "retro" if kind == "retro" else "prd"
    target = directory / f"{created}-{prefix}-{slugify(doc['title'])}.md"
    if target.exists() and not force:
        raise DocError(f"{target.relative_to(root).as_posix()} already exists; pick another title or add --force")
    from ..core.fsutil import write_atomic

    write_atomic(target, render(kind, doc, created))
    return target, len(doc.get("requirements") or doc.get("actions") or [])
