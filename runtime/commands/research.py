# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`research`: the command line of the facts /session starts from (`learning/research.py`).

Gathering is a function of the research module and never fails; how the findings read to the
agent (or as `--json` to a script) is here.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser, Namespace
from typing import Any

from ..learning.research import gather


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--commits", type=int, default=10, help="how many recent commits to show (default 10)")
    parser.add_argument("--issues", type=int, default=20, help="how many open issues to list (default 20)")


def run(args: Namespace) -> int:
    from ..core.paths import project_root
    from ..unattended.record import runs

    root = project_root()
    data = gather(root, args.commits, args.issues)
    data["autopilot"] = runs(root)[-3:]  # the unattended runs: learning/ sits below unattended/, so added here
    print(json.dumps(data, indent=2) if args.json else format_text(data))
    return 0


def format_text(data: dict[str, Any]) -> str:
    out = [f"Branch: {data['branch'] or '(not a git repository)'}"]
    changes = data["uncommitted"]
    out.append(f"Uncommitted files: {len(changes)}")
    out.extend(f"  {line}" for line in changes[:15])
    if len(changes) > 15:
        out.append(f"  ... and {len(changes) - 15} more")
    out.append("Recent commits:")
    out.extend(f"  {line}" for line in data["recent_commits"] or ["(none)"])
    vcs = data["vcs"]
    if not vcs["cli"]:
        cli = "no CLI"
    elif not vcs["cli_available"]:
        cli = f"{vcs['cli']} not installed"
    else:
        cli = f"{vcs['cli']} available, " + ("signed in" if vcs.get("signed_in") else "not signed in")
    out.append(f"VCS: {vcs['host']} ({cli}){' - ' + vcs['note'] if vcs.get('note') else ''}")
    issues = data["open_issues"]
    if issues["ok"]:
        out.append(f"Open issues: {len(issues['issues'])}")
        for issue in issues["issues"]:
            labels = f" [{', '.join(issue['labels'])}]" if issue["labels"] else ""
            out.append(f"  #{issue['number']} {issue['title']}{labels}")
    else:
        out.append(f"Open issues: not listed ({issues['why']})")
    out.append("Recent sessions:")
    if data["recent_sessions"]:
        for s in data["recent_sessions"]:
            out.append(f"  {s['id']} {s['type']} ended {s['ended']}: {s['outcome']}, carryover {s['carryover']}")
    else:
        out.append("  (none recorded)")
    if data.get("carryover"):
        out.append("Carryover not in a tracker yet (.orchestrator/carryover.md; offer these as candidates):")
        for entry in data["carryover"]:
            what = "close the issue " + entry["ref"] if entry["state"] == "to-close" else "open"
            out.append(f"  [{what}] {entry['title']}")
            out.extend(f"      {line}" for line in entry["body"].splitlines()
                       if line.startswith(("**Left:**", "**Done:**", "**Origin:**")))
    if data.get("carryover_error"):
        out.append(f"Carryover list unreadable: {data['carryover_error']}")
    if data["do_not_retry"]:
        out.append("What not to retry:")
        out.extend(f"  {line}" for line in data["do_not_retry"])
    if data.get("learnings"):
        out.append("Learnings (accepted, for the likely files; 'evolve list' shows all):")
        out.extend(data["learnings"])
    if data.get("prd_items"):
        out.append("Open PRD items (offer these as candidates):")
        out.extend(f"  {item['id']}: {item['text']} ({item['doc']})" for item in data["prd_items"])
    if data.get("autopilot"):
        from ..unattended.record import summary_lines

        out.append("Unattended runs (autopilot; .orchestrator/metrics/autopilot.jsonl):")
        out.extend(f"  {line}" for line in summary_lines(data["autopilot"]))
    for trip in data["breakers"]:
        out.append(f"Circuit breaker tripped ({trip.get('kind')}): {trip.get('reason')}")
    for problem in data["config_problems"]:
        out.append(f"Config: {problem.splitlines()[0]}")
    return "\n".join(out)
