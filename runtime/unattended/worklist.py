# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What an unattended run works on next.

In order: an unfinished session (a run that stopped left it paused, and the next run resumes it
before anything else); then the `--work` file, one item per line; without one, the carryover
list (`.orchestrator/carryover.md`, what earlier sessions left), then the tracker's open issues
by priority. An item already verified done in an earlier run, or already tried in this one, is
not offered again, so a stopped run resumes where it stopped and a failing item cannot loop.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


class WorkFileError(ValueError):
    """The --work file cannot be read; the message names the file (and line)."""


def read_work_file(path: Path) -> list[dict[str, Any]]:
    """One item per non-blank line; `#` starts a comment line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkFileError(f"{path}: cannot be read: {exc}") from None
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        title = line.strip()
        if not title or title.startswith("#"):
            continue
        if len(title) > 500:
            raise WorkFileError(f"{path}:{number}: an item is one line of at most 500 characters")
        items.append({"key": f"work:{title}", "title": title, "source": f"{path.name}:{number}"})
    return items


def carryover_items(root: Path) -> list[dict[str, Any]]:
    from ..loop import carryover

    return [{"key": f"carryover:{entry['session']}/{entry['item']}", "title": str(entry["title"]),
             "source": f"{carryover.REL_PATH}:{entry['line']}"}
            for entry in carryover.read(root) if entry["state"] == "open"]


_RANKS = ((re.compile(r"\b(p0|critical|urgent|blocker)\b"), 0), (re.compile(r"\b(p1|high)\b"), 1),
          (re.compile(r"\b(p2|medium|normal)\b"), 2), (re.compile(r"\b(p3|p4|low|minor)\b"), 4))


def priority(labels: list[Any]) -> int:
    """0 (most urgent) to 4 from the labels' words (`priority: high`, `P1`, `critical`, ...); 3 unlabelled."""
    ranks = [rank for label in labels for pattern, rank in _RANKS if pattern.search(str(label).lower())]
    return min(ranks) if ranks else 3


def issue_items(root: Path, limit: int = 50) -> tuple[list[dict[str, Any]], str]:
    """Open issues, most urgent first then oldest; and why there are none when the tracker cannot say."""
    from ..core.config import load_or_defaults
    from ..learning.research import detect_vcs, open_issues

    config, _ = load_or_defaults(root)
    vcs = detect_vcs(root, str(config.get("vcs", "auto")), tuple(config.get("gitlab-hosts") or ()))
    found = open_issues(root, vcs, limit)
    if not found["ok"]:
        return [], str(found["why"])
    issues = sorted(found["issues"], key=lambda i: (priority(i.get("labels") or []), int(i.get("number") or 0)))
    return [{"key": f"issue:#{i['number']}", "title": f"#{i['number']} {i['title']}", "source": "issue tracker",
             "issue": i["number"]} for i in issues], ""


def unfinished_session(root: Path) -> dict[str, Any] | None:
    """The paused or active session a stopped run left, as an item to resume."""
    from ..loop.session import describe
    from ..loop.state import load

    state = load(root)
    if state is None or state.get("status") not in ("active", "paused"):
        return None
    return {"key": f"session:{state['session_id']}", "title": describe(state), "source": "STATE.md",
            "resume": True, "session_id": state["session_id"]}


def next_item(root: Path, work_file: Path | None, skip: set[str]) -> tuple[dict[str, Any] | None, str]:
    """The next item not in `skip` (keys), or None with why there is no more work."""
    resume = unfinished_session(root)
    if resume is not None and resume["key"] not in skip:
        return resume, ""
    if work_file is not None:
        items, why = read_work_file(work_file), f"every item of {work_file} is done or was tried in this run"
    else:
        items = carryover_items(root)
        issues, tracker_why = issue_items(root)
        items += issues
        why = "no open carryover and no open issue" + (f" ({tracker_why})" if tracker_why else "")
    for item in items:
        if item["key"] not in skip:
            return item, ""
    return None, why
