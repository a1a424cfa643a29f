# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`research`: the facts /session starts from, gathered in one call.

Everything here is read-only and degrades instead of failing: no git, no
network, no `gh` each produce a line saying what could not be read and why, so
the agent never mistakes a missing tool for an empty issue list.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from ..core import jsonl
from ..core.paths import metrics_dir, state_file
from ..core.proc import run as run_tool
from ..core.treestate import git_status


def detect_vcs(root: Path, configured: str = "auto", gitlab_hosts: tuple[str, ...] = ()) -> dict[str, Any]:
    """Which issue tracker this repository uses, whether its CLI is installed, and whether that CLI
    says it is signed in (its own `auth status`; being installed says nothing about a login)."""
    from ..loop.tracker import Tracker, detect

    found = detect(root, configured, gitlab_hosts)
    host = found["kind"]
    cli = found["cli"]
    info: dict[str, Any] = {"host": host, "origin": found["remote"], "repo": found["repo"], "server": found["host"],
                            "cli": cli, "cli_available": bool(cli and shutil.which(cli)), "signed_in": False}
    if host == "none":
        info["note"] = (f"no GitHub or GitLab origin remote ({found['why']}): carryover goes to "
                        ".orchestrator/carryover.md")
    elif not info["cli_available"]:
        info["note"] = f"{cli} is not installed: issues cannot be listed or filed from here"
    else:
        info["signed_in"], why = Tracker(found, root).signed_in()
        if not info["signed_in"]:
            info["note"] = f"not signed in ({why}): carryover goes to .orchestrator/carryover.md"
    return info


def open_issues(root: Path, vcs: dict[str, Any], limit: int) -> dict[str, Any]:
    if not vcs["cli_available"]:
        return {"ok": False, "why": vcs.get("note", "no issue tracker"), "issues": []}
    if vcs["host"] == "github":
        args = ["gh", "issue", "list", "--state", "open", "--limit", str(limit), "--json", "number,title,labels"]
    else:
        args = ["glab", "issue", "list", "--per-page", str(limit), "--output", "json"]
    code, out, err = run_tool(args, root, 15)
    if code != 0:
        first = (err.strip().splitlines() or ["no output"])[0]
        return {"ok": False, "why": f"{args[0]} failed: {first}", "issues": []}
    try:
        raw = json.loads(out or "[]")
    except json.JSONDecodeError:
        return {"ok": False, "why": f"{args[0]} printed something that is not JSON", "issues": []}
    issues = []
    for item in raw if isinstance(raw, list) else []:
        number = item.get("number", item.get("iid"))
        labels = [lab.get("name", lab) if isinstance(lab, dict) else lab for lab in item.get("labels", [])]
        issues.append({"number": number, "title": item.get("title", ""), "labels": labels})
    return {"ok": True, "issues": issues}


def _section(text: str, title: str) -> list[str]:
    match = re.search(rf"^##\s+{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", text, re.MULTILINE | re.DOTALL | re.IGNORECASE)
    if not match:
        return []
    return [line.strip() for line in match.group(1).splitlines() if line.strip().startswith(("-", "*"))]


def gather(root: Path, commits: int = 10, issue_limit: int = 20) -> dict[str, Any]:
    from ..core.config import load_or_defaults

    config, problems = load_or_defaults(root)
    branch, changes = git_status(root)
    changes = _not_records(changes)
    code, log, _ = run_tool(["git", "log", f"-{commits}", "--format=%h %ad %s", "--date=short"], root, 5)
    vcs = detect_vcs(root, str(config.get("vcs", "auto")), tuple(config.get("gitlab-hosts") or ()))
    from ..loop.carryover import CarryoverFileError, pending, read

    try:
        carried = [{"title": e["title"], "state": e["state"], "ref": e["ref"], "body": e["body"]}
                   for e in pending(read(root))]
        carried_error = ""
    except CarryoverFileError as exc:
        carried, carried_error = [], str(exc)
    sessions = jsonl.read(metrics_dir(root) / "sessions.jsonl")[-3:]
    try:
        state_text = state_file(root).read_text(encoding="utf-8")
    except OSError:
        state_text = ""
    from ..guards import breaker

    return {
        "branch": branch or None,
        "uncommitted": changes,
        "recent_commits": log.splitlines() if code == 0 else [],
        "vcs": vcs,
        "open_issues": open_issues(root, vcs, issue_limit),
        "recent_sessions": [
            {k: s.get(k) for k in ("id", "type", "ended", "outcome", "carryover", "regressions_caught")}
            for s in sessions
        ],
        "carryover": carried,
        "carryover_error": carried_error,
        "do_not_retry": _section(state_text, "What not to retry"),
        "breakers": breaker.active(root),
        "learnings": _learnings(root, config, changes),
        "prd_items": _prd_items(root),
        "specs": _specs(root),
        "config_problems": [str(p) for p in problems],
    }


def _not_records(lines: list[str]) -> list[str]:
    """Porcelain lines without the runtime's own records (STATE.md, metrics, ...): the runtime writes
    those itself, and listing them as the user's uncommitted work sends /session after the wrong files."""
    from ..core.treestate import is_runtime_record

    def path(line: str) -> str:
        return line[3:].split(" -> ")[-1].strip().strip('"')

    return [line for line in lines if not is_runtime_record(path(line))]


def _learnings(root: Path, config: Any, changes: list[str]) -> list[str]:
    """The same block the banner shows: accepted learnings for the likely files, within the budget."""
    from . import learnings

    if not learnings.path(root).exists():
        return []
    return learnings.for_start(root, learnings.likely_files(root, changes), int(config.get("learnings-at-start", 5)),
                               int(config.get("learnings-budget", 800)))[1:]


def _specs(root: Path) -> list[dict[str, object]]:
    """The open specs /brainstorm wrote: the decided design /plan and /session start from."""
    from .specs import listing

    return listing(root)


def _prd_items(root: Path) -> list[dict[str, str]]:
    """Open items of the PRDs and retrospectives /plan wrote: candidates for this session."""
    from .prd import open_items

    return open_items(root)
