# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`brainstorm`: the spec a design dialogue ends in, where `/plan` and `/session` find it.

A design talk that ends only in the chat is lost at the next session. So the agent
hands the runtime one JSON object (the problem, the options weighed, the decision,
the pieces of work) and the runtime writes it in a fixed layout to
`.orchestrator/specs/<slug>.md`. `research` (which both `/plan` and `/session` run
first) lists every spec whose status is still `open` with its `- [ ] ID: text`
items, so the next step starts from the decision instead of from nothing. When a
PRD or a session has taken a spec over, `brainstorm done <slug>` sets its status
to `done` and it is no longer offered.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from .prd import ITEM_RE, DocError, item_list, slugify, string_list, text_field

REL_DIR = ".orchestrator/specs"
TEMPLATE: dict[str, Any] = {
    "title": "One line naming what is being designed",
    "problem": "What is wrong or missing, and for whom.",
    "options": ["each approach considered, with its main trade-off"],
    "decision": "The approach chosen and why it beat the others.",
    "items": [{"id": "S1", "text": "one piece of work, small enough for one session item"}],
    "out_of_scope": ["what this deliberately leaves out"],
    "open_questions": ["what is still undecided"],
}
_STATUS = re.compile(r"^status:\s*(\S+)\s*$", re.MULTILINE)


def directory(root: Path) -> Path:
    return root / REL_DIR


def validate(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DocError(f"{where}: expected a JSON object like 'brainstorm template' prints")
    unknown = sorted(set(data) - set(TEMPLATE))
    if unknown:
        raise DocError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are {', '.join(TEMPLATE)}")
    options = string_list(data, "options", where, required=True)
    if len(options) < 2:
        raise DocError(f"{where}: 'options' needs at least two approaches: a decision needs something it beat")
    return {"title": text_field(data, "title", where), "problem": text_field(data, "problem", where),
            "options": options, "decision": text_field(data, "decision", where),
            "items": item_list(data, "items", where),
            "out_of_scope": string_list(data, "out_of_scope", where),
            "open_questions": string_list(data, "open_questions", where)}


def render(spec: dict[str, Any], created: str) -> str:
    out = ["---", f"title: {json.dumps(spec['title'], ensure_ascii=False)}", "status: open",
           f"created: {created}", "---", "", f"# Spec: {spec['title']}", "", "## Problem", "", spec["problem"], "",
           "## Options considered", ""]
    out += [f"- {o}" for o in spec["options"]]
    out += ["", "## Decision", "", spec["decision"], "", "## Items", ""]
    out += [f"- [ ] {i['id']}: {i['text']}" for i in spec["items"]]
    for title, key in (("Out of scope", "out_of_scope"), ("Open questions", "open_questions")):
        if spec[key]:
            out += ["", f"## {title}", ""] + [f"- {v}" for v in spec[key]]
    return "\n".join(out) + "\n"


def write(root: Path, data: Any, where: str, force: bool = False) -> Path:
    """Validate and write the spec; raises DocError (nothing written) on bad input or an existing file."""
    from ..core.fsutil import write_atomic

    spec = validate(data, where)
    target = directory(root) / f"{slugify(spec['title'])}.md"
    if target.exists() and not force:
        raise DocError(f"{target.relative_to(root).as_posix()} already exists; pick another title or add --force")
    write_atomic(target, render(spec, time.strftime("%Y-%m-%d", time.gmtime())))
    return target


def _head(text: str) -> str:
    return text.split("\n---", 1)[0] if text.startswith("---") else ""


def listing(root: Path, include_done: bool = False) -> list[dict[str, Any]]:
    """Every spec (open ones only unless `include_done`): path, slug, title, status and its unchecked items."""
    folder = directory(root)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = _STATUS.search(_head(text))
        status = found.group(1) if found else "open"
        if status != "open" and not include_done:
            continue
        title = next((line[len("# Spec: "):] for line in text.splitlines() if line.startswith("# Spec: ")), path.stem)
        section, items = "", []
        for line in text.splitlines():
            if line.startswith("## "):
                section = line[3:].strip()
            match = ITEM_RE.match(line)
            if match and section == "Items":
                items.append({"id": match.group(1), "text": match.group(2)})
        out.append({"path": path.relative_to(root).as_posix(), "slug": path.stem, "title": title, "status": status,
                    "items": items})
    return out


def mark_done(root: Path, slug: str) -> Path:
    """Set a spec's status to done, so research stops offering it."""
    from ..core.fsutil import write_atomic

    path = directory(root) / f"{slug}.md"
    if not re.match(r"^[a-z0-9-]+$", slug) or not path.is_file():
        raise DocError(f"no spec {slug!r} under {REL_DIR}/ ('brainstorm list' shows them)")
    text = path.read_text(encoding="utf-8")
    head = _head(text)
    if not _STATUS.search(head):
        raise DocError(f"{path.relative_to(root).as_posix()}:2: the front matter has no 'status:' line")
    write_atomic(path, _STATUS.sub("status: done", head, count=1) + text[len(head):])
    return path
