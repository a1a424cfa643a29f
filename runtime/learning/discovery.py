# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`discovery`: what the repository needs next, found by probes instead of by reading.

The probes (learning/discoveryprobes.py) each return raw findings; this module gives
every finding a stable id (a hash of its category and key, so it survives edits
above it and a rerun), sorts them, marks the ones an open issue or the carryover
list already holds, and files the ones the user chose through close's filing path
(loop/filing.py): one issue each with the body marker `session=discovery item=<id>`,
or the carryover list when no tracker answers. The JSON document is versioned.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import discoveryprobes as pr

FORMAT = 1
SESSION = "discovery"  # the marker's session field for every discovery entry
SCOPES = ("code", "tests", "deps", "docs", "all")
# scope -> the probes it runs, in the order their findings are printed
PROBES: dict[str, tuple[str, ...]] = {
    "tests": ("untested", "recent-untested"),
    "code": ("lint", "todo", "oversized", "churn"),
    "deps": ("audit",),
    "docs": ("config-path",),
}
CATEGORY_ORDER = ("untested", "recent-untested", "lint", "typecheck", "todo", "oversized", "churn",
                  "vulnerable-dependency", "audit-skipped", "config-path")


def probes_for(scope: str) -> list[str]:
    if scope == "all":
        return [p for s in ("tests", "code", "deps", "docs") for p in PROBES[s]]
    return list(PROBES[scope])


def finding_id(category: str, key: str) -> str:
    return "d" + hashlib.sha256(f"{category}\0{key}".encode()).hexdigest()[:8]


def collect(root: Path, scope: str = "all") -> dict[str, Any]:
    """Every probe of the scope over the repository: {'format', 'scope', 'stacks', 'probes', 'findings', 'notes'}."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; choose one of {', '.join(SCOPES)}")
    paths = pr.files(root)
    ran = probes_for(scope)
    raw: list[dict[str, Any]] = []
    notes: list[str] = []
    for probe in ran:
        if probe == "untested":
            raw.extend(pr.untested(root, paths))
        elif probe == "recent-untested":
            raw.extend(pr.recent_untested(root, paths))
        elif probe == "lint":
            found, where = pr.gate_debt(root)
            raw.extend(found)
            notes.append(f"lint and typecheck: from {where}" if found or "gate of" in where
                         else f"lint and typecheck: {where}")
        elif probe == "todo":
            raw.extend(pr.markers(root, paths))
        elif probe == "oversized":
            raw.extend(pr.oversized(root, paths))
        elif probe == "churn":
            raw.extend(pr.churn(root, paths))
        elif probe == "audit":
            raw.extend(pr.audit(root))
        elif probe == "config-path":
            raw.extend(pr.config_paths(root))
    findings = []
    for item in raw:
        entry = {"id": finding_id(item["category"], item["key"]), **{k: v for k, v in item.items() if k != "key"}}
        findings.append(entry)
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    findings.sort(key=lambda f: (order.get(f["category"], 99), f.get("file") or "", f.get("line") or 0, f["id"]))
    unique: dict[str, dict[str, Any]] = {}
    for entry in findings:
        unique.setdefault(entry["id"], entry)
    return {"format": FORMAT, "scope": scope, "stacks": pr.stacks(root, paths), "probes": ran,
            "findings": list(unique.values()), "notes": notes}


# --- what is already known ----------------------------------------------------


def known(root: Path, findings: list[dict[str, Any]], ask_tracker: bool = True,
          session: str = SESSION) -> dict[str, Any]:
    """Mark each finding an open issue or the carryover list already holds (`known`: '#12' or the list's path).

    An issue holds a finding when its body has the finding's marker or its title or body
    names the finding's id. Returns {'tracker', 'why'}: where open issues were read, or why not.
    `session`: the marker's session field (`test` files its failures the same way)."""
    from ..core.config import load_or_defaults
    from ..loop import carryover as cfile
    from ..loop.tracker import Tracker, TrackerError, detect

    listed = {str(e["item"]): e for e in cfile.read(root) if str(e["session"]) == session}
    for entry in findings:
        held = listed.get(entry["id"])
        if held is not None:
            entry["known"] = str(held["ref"]) if held["state"] != "open" and held["ref"] else cfile.REL_PATH
    config, _ = load_or_defaults(root)
    info = detect(root, str(config.get("vcs", "auto")), list(config.get("gitlab-hosts") or []))
    result = {"tracker": info["kind"], "why": info["why"]}
    if not ask_tracker or info["kind"] == "none":
        return result
    tracker = Tracker(info, root)
    ok, why = tracker.signed_in()
    if not ok:
        result["why"] = why
        return result
    try:
        issues = tracker.open_issues()
    except TrackerError as exc:
        result["why"] = str(exc)
        return result
    for entry in findings:
        if entry.get("known"):
            continue
        mark = cfile.marker(session, entry["id"])
        for issue in issues:
            text = f"{issue.get('title', '')}\n{issue.get('body', '')}"
            if mark in text or entry["id"] in text.split() or f"[{entry['id']}]" in text:
                entry["known"] = f"#{issue['number']}"
                break
    result["why"] = ""
    return result


# --- filing ---------------------------------------------------------------------


def entry_for(finding: dict[str, Any], session: str = SESSION, prefix: str = "[Discovery]") -> dict[str, Any]:
    """The carryover-list entry (and issue) for a finding the user chose to file."""
    from ..loop import carryover as cfile

    where = finding.get("file") or "-"
    if finding.get("line"):
        where += f":{finding['line']}"
    body = [f"Found by `{session}` ({finding['category']}), finding {finding['id']}.", "",
            f"**Where:** {where}", f"**Evidence:** {finding['evidence']}", f"**Left:** {finding['title']}", "",
            cfile.marker(session, finding["id"])]
    return {"state": "open", "ref": "", "title": f"{prefix} {finding['title']}", "body": "\n".join(body),
            "session": session, "item": finding["id"]}


def select(findings: list[dict[str, Any]], ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The findings named by id (a unique prefix of at least 4 characters is enough) and the ids that match none."""
    chosen: list[dict[str, Any]] = []
    unknown: list[str] = []
    for wanted in ids:
        text = wanted.strip().lower()
        matches = [f for f in findings if f["id"] == text] or \
                  ([f for f in findings if f["id"].startswith(text)] if len(text) >= 4 else [])
        if len(matches) != 1:
            unknown.append(wanted)
        elif matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen, unknown


def file_findings(root: Path, chosen: list[dict[str, Any]], dry_run: bool = False, session: str = SESSION,
                  prefix: str = "[Discovery]") -> dict[str, Any]:
    """File the chosen findings through close's filing path; those already known are reported, not refiled."""
    from ..loop.filing import run_carryover

    fresh = [f for f in chosen if not f.get("known")]
    report = run_carryover(root, None, None, dry_run, extra=[entry_for(f, session, prefix) for f in fresh])
    report["known"] = [{"id": f["id"], "title": f["title"], "known": f["known"]} for f in chosen if f.get("known")]
    return report


# --- printing ---------------------------------------------------------------------


def format_text(data: dict[str, Any], limit: int = 0) -> str:
    """The findings grouped by category, at most `limit` per category (0: all).

    A first run on a grown project finds hundreds of lint and type findings from the baseline; listing every
    one buries the few untested modules and old TODOs the user came for, and costs the agent its context.
    The counts stay whole, and `--json` always carries everything.
    """
    from ..core.words import count

    findings = data["findings"]
    new = [f for f in findings if not f.get("known")]
    stacks = ", ".join(data["stacks"]) or "none recognised"
    out = [f"discovery ({data['scope']}): {count(len(findings), 'finding')}, {len(new)} not yet in an issue or "
           f"the carryover list; stacks: {stacks}"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        groups.setdefault(finding["category"], []).append(finding)
    hidden = 0
    for category, members in groups.items():
        out.append(f"{category} ({len(members)}):")
        shown = members[:limit] if limit else members
        for finding in shown:
            where = finding.get("file") or ""
            if where and finding.get("line"):
                where += f":{finding['line']}"
            held = f" (known: {finding['known']})" if finding.get("known") else ""
            evidence = finding["evidence"]
            out.append(f"  {finding['id']}  {finding['title']}{held}")
            out.append(f"            {where + ': ' if where and where not in evidence else ''}{evidence}")
        if len(members) > len(shown):
            hidden += len(members) - len(shown)
            out.append(f"  ... and {len(members) - len(shown)} more {category} findings")
    if hidden:
        out.append(f"note: {count(hidden, 'finding')} not listed; '--all' lists every one, '--json' gives them as data")
    for note in data.get("notes") or []:
        out.append(f"note: {note}")
    tracker = data.get("dedup") or {}
    if tracker.get("why"):
        out.append(f"note: open issues not read ({tracker['why']}); deduplicated against the carryover list only")
    if new:
        out.append("file the ones to keep with: discovery file <id>...")
    return "\n".join(out)
