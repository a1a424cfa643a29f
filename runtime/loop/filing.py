# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`close carryover`: file what the session left unfinished, once, and never lose it.

One issue per item the ledger does not find done and per open review finding at
or above the confidence floor; the origin issue of an item verified done is
commented on and closed. Each issue body ends with a marker naming the session
and the item, and the tracker is searched for it first, so a rerun files nothing
twice. Whatever cannot reach a tracker (none configured, CLI missing or signed
out, a call that fails) is written to `.orchestrator/carryover.md`, and entries
already there are filed and marked as soon as a tracker answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import carryover as cfile
from .records import State


def open_findings(state: State) -> list[dict[str, Any]]:
    """The findings at or above the floor in the last recorded review: the reviewer's latest word on what is open."""
    reviews = state.get("reviews") or []
    if not reviews:
        return []
    last = reviews[-1]
    floor = float(last.get("floor") or 0)
    return [dict(f, wave=last.get("wave"), index=n) for n, f in enumerate(last.get("findings") or [], start=1)
            if float(f.get("confidence") or 0) >= floor]


def session_entries(state: State, ledger: dict[str, Any]) -> list[dict[str, Any]]:
    """This session's carryover and close entries, in the shape of the carryover list."""
    from .tracker import issue_number

    sid = str(state.get("session_id"))
    out: list[dict[str, Any]] = []
    for item in ledger["items"]:
        origin = issue_number(item["issue"])
        if item["verdict"] == "done":
            if origin is not None:
                out.append({"state": "to-close", "ref": f"#{origin}", "title": f"{item['id']}: {item['title']}",
                            "body": _close_body(sid, item), "session": sid, "item": f"close-{item['id']}"})
            continue
        out.append({"state": "open", "ref": "", "title": f"[Carryover] {item['id']}: {item['title']}",
                    "body": _item_body(sid, state, item), "session": sid, "item": str(item["id"])})
    for finding in open_findings(state):
        key = f"review-w{finding.get('wave')}-{finding['index']}"
        where = finding.get("file") or "-"
        if finding.get("line"):
            where += f":{finding['line']}"
        body = [f"Carried over from session {sid}: a review finding of wave {finding.get('wave')} that is still open.",
                "", f"**Finding:** [{finding.get('confidence')}] {finding.get('severity')} {where}: "
                f"{finding.get('summary')}"]
        if finding.get("fix"):
            body.append(f"**Suggested fix:** {finding['fix']}")
        body.append(f"**Left:** {finding.get('summary')}")
        body.extend(["", cfile.marker(sid, key)])
        out.append({"state": "open", "ref": "", "title": f"[Carryover] review: {_clip(finding.get('summary'), 70)}",
                    "body": "\n".join(body), "session": sid, "item": key})
    return out


def _clip(text: Any, limit: int) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "\u2026"


def _item_body(sid: str, state: State, item: dict[str, Any]) -> str:
    files = ", ".join(f"`{p}`" for p in item["files"][:15]) or "none"
    tests = "; ".join(f"{t['name']}: {t['result']}" for t in item["tests"]) or "none named"
    body = [f"Carried over from session {sid} ({state.get('type')}), item {item['id']}.", "",
            f"**Acceptance:** {item['acceptance']}",
            f"**Done:** recorded as {item['claimed']}" + (f": {item['note']}" if item["note"] else ""),
            f"**Left:** {'; '.join(item['missing']) or 'see the acceptance'}",
            f"**Evidence:** files changed in its scope: {files}; acceptance tests: {tests}"]
    if item["issue"]:
        body.append(f"**Origin:** {item['issue']}")
    body.extend(["", cfile.marker(sid, str(item["id"]))])
    return "\n".join(body)


def _close_body(sid: str, item: dict[str, Any]) -> str:
    files = ", ".join(f"`{p}`" for p in item["files"][:15]) or "none"
    tests = "; ".join(f"{t['name']}: {t['result']}" for t in item["tests"]) or "none named"
    return "\n".join([f"Delivered by session {sid}, item {item['id']}, verified by the runtime's evidence ledger.",
                      f"**Evidence:** files changed: {files}; acceptance tests: {tests}; the last full gate "
                      "passed on this code.", "", cfile.marker(sid, f"close-{item['id']}")])


def merge(listed: list[dict[str, Any]], fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list file's entries plus this session's entries it does not hold yet (by marker)."""
    known = {(str(e["session"]), str(e["item"])) for e in listed}
    return [*listed, *(e for e in fresh if (str(e["session"]), str(e["item"])) not in known)]


def run_carryover(root: Path, state: State | None, ledger: dict[str, Any] | None, dry_run: bool = False,
                  extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """File or list every pending entry. Returns {'tracker', 'filed', 'already', 'closed', 'listed', 'why', ...}.

    `extra`: more entries in the list's shape to file the same way (discovery's chosen findings)."""
    from ..core.config import load_or_defaults
    from .tracker import Tracker, TrackerError, detect

    config, _ = load_or_defaults(root)
    listed = cfile.read(root)  # raises CarryoverFileError: a damaged list is never overwritten
    fresh = session_entries(state, ledger) if state is not None and ledger is not None else []
    fresh.extend(extra or [])
    info = detect(root, str(config.get("vcs", "auto")), list(config.get("gitlab-hosts") or []))
    if info["kind"] == "none":  # no tracker to close an issue on: the commit's "Closes #N" says it
        fresh = [e for e in fresh if e["state"] != "to-close"]
    entries = merge(listed, fresh)
    report: dict[str, Any] = {"tracker": {k: info[k] for k in ("kind", "host", "repo", "cli")}, "filed": [],
                              "already": [], "closed": [], "listed": [], "label_created": False, "why": info["why"],
                              "dry_run": dry_run, "entries": len(entries)}
    todo = cfile.pending(entries)
    tracker = None
    if info["kind"] != "none" and todo:
        tracker = Tracker(info, root)
        ok, why = tracker.signed_in()
        if not ok:
            tracker, report["why"] = None, why
    if tracker is not None and todo:
        try:
            existing = tracker.carryover_issues()
            by_marker = {}
            for issue in existing:
                found = cfile.MARKER_RE.search(issue["body"])
                if found:
                    by_marker[(found.group(1), found.group(2))] = issue
            if not dry_run and any(e["state"] == "open" and (str(e["session"]), str(e["item"])) not in by_marker
                                   for e in todo):
                report["label_created"] = tracker.ensure_label()
            for entry in todo:
                try:
                    _file_one(tracker, entry, by_marker, report, dry_run)
                except TrackerError as exc:  # this entry stays pending; the next may still go through
                    report["why"] = str(exc)
        except TrackerError as exc:
            report["why"] = str(exc)
    elif tracker is None and not report["why"]:
        report["why"] = "no issue tracker"
    still = cfile.pending(entries)
    report["listed"] = [{"title": e["title"], "state": e["state"]} for e in still]
    exists = cfile.path(root).exists()
    if not dry_run and (still or exists):
        text = cfile.render(entries)
        if not exists or cfile.path(root).read_text(encoding="utf-8") != text:
            cfile.write(root, entries)
    report["file"] = cfile.REL_PATH if (still or exists) else None
    return report


def _file_one(tracker: Any, entry: dict[str, Any], by_marker: dict[tuple[str, str], Any], report: dict[str, Any],
              dry_run: bool) -> None:
    from .tracker import issue_number

    key = (str(entry["session"]), str(entry["item"]))
    if entry["state"] == "open":
        if key in by_marker:
            issue = by_marker[key]
            entry.update(state="filed", ref=f"#{issue['number']}")
            report["already"].append({"title": entry["title"], "number": issue["number"], "url": issue["url"]})
            return
        if dry_run:
            report["filed"].append({"title": entry["title"], "number": None, "url": None})
            return
        created = tracker.create_issue(str(entry["title"]), str(entry["body"]))
        entry.update(state="filed", ref=f"#{created['number']}")
        entry["body"] = _with_filed_line(str(entry["body"]), created["url"])
        report["filed"].append({"title": entry["title"], **created})
        return
    number = issue_number(str(entry["ref"]))  # to-close
    if number is None:
        return
    if tracker.issue_state(number) == "closed":
        entry["state"] = "closed"
        report["already"].append({"title": entry["title"], "number": number, "url": None})
        return
    if dry_run:
        report["closed"].append({"title": entry["title"], "number": number})
        return
    tracker.close_issue(number, _comment(str(entry["body"])))
    entry["state"] = "closed"
    report["closed"].append({"title": entry["title"], "number": number})


def _with_filed_line(body: str, url: str) -> str:
    lines = body.rstrip("\n").splitlines()
    return "\n".join([*lines[:-1], f"**Filed:** {url}", lines[-1]]) if lines else body


def _comment(body: str) -> str:
    """The close comment: the entry's text without the marker line (a closed issue needs no dedupe key)."""
    return "\n".join(line for line in body.splitlines() if not line.startswith("<!-- session-orchestrator"))


def format_text(report: dict[str, Any]) -> str:
    tracker = report["tracker"]
    where = (f"{tracker['kind']} {tracker['host']}/{tracker['repo']} via {tracker['cli']}"
             if tracker["kind"] != "none" else "no issue tracker")
    verb = "would file" if report["dry_run"] else "filed"
    out = [f"carryover: {where}" + (" (dry run: nothing is filed or written)" if report["dry_run"] else "")]
    if report.get("label_created"):
        out.append("  created the 'carryover' label")
    for issue in report["filed"]:
        out.append(f"  {verb}: {issue['title']}" + (f" -> {issue['url']}" if issue.get("url") else ""))
    for issue in report["already"]:
        out.append(f"  already there: {issue['title']} (#{issue['number']})")
    for issue in report["closed"]:
        out.append(f"  {'would close' if report['dry_run'] else 'closed'} #{issue['number']}: {issue['title']}")
    if report["listed"]:
        out.append(f"  not filed ({report['why'] or 'no tracker'}); kept in {cfile.REL_PATH} "
                   "(commit it; the next session shows it and a later 'close carryover' files it):")
        out.extend(f"    - {e['title']}" + (" (issue to close)" if e["state"] == "to-close" else "")
                   for e in report["listed"])
    if not (report["filed"] or report["already"] or report["closed"] or report["listed"]):
        out.append("  nothing to carry over")
    return "\n".join(out)
