# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`evolve analyze|review|list|accept|reject|retire|edit`: the command line of the learnings (`learning/evolve.py`).

Finding patterns and changing learnings are functions of the evolve module; the messages that walk
the user through them, and `--json`, are here.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from ..learning import learnings
from ..learning.evolve import ChangeError, analyze, change, format_learning, listed, session_counts


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="evolve_command", metavar="<analyze|review|list|accept|reject|retire|edit>",
                                required=True)
    analyze_p = sub.add_parser("analyze", help="Find patterns in the recorded sessions and store them as learnings.")
    analyze_p.add_argument("--force", action="store_true", help="analyse even with fewer sessions than the minimum")
    analyze_p.add_argument("--json", action="store_true", help="print the learnings as JSON")
    sub.add_parser("review", help="List the proposed learnings, numbered, with how to accept, reject or edit each.")
    list_p = sub.add_parser("list", help="Print the learnings.")
    list_p.add_argument("--status", choices=learnings.STATUSES, help="only learnings with this status")
    list_p.add_argument("--json", action="store_true", help="print them as JSON")
    for verb, done in (("accept", "accepted"), ("reject", "rejected"), ("retire", "retired")):
        p = sub.add_parser(verb, help=f"Mark learnings as {done} (ids or unique id prefixes).")
        p.add_argument("ids", nargs="+", metavar="ID")
    edit = sub.add_parser("edit", help="Reword a learning; re-analysis keeps your wording.")
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--statement", required=True, help="the new statement")


def run(args: Namespace) -> int:
    from ..core.config import load_or_defaults
    from ..core.paths import project_root

    root = project_root()
    config, _ = load_or_defaults(root)
    command = args.evolve_command
    if command == "analyze":
        return _analyze(root, config, args.force, args.json)
    if command == "list":
        return _list(root, args.status, args.json)
    if command == "review":
        return _review(root)
    if command == "edit":
        return _change(root, [args.id], statement=args.statement)
    status = {"accept": "accepted", "reject": "rejected", "retire": "retired"}[command]
    return _change(root, args.ids, status=status)


def _analyze(root: Path, config: Any, force: bool, as_json: bool) -> int:
    minimum = int(config.get("evolve-min-sessions", 5))
    half_life = int(config.get("learning-half-life", 10))
    count, abandoned = session_counts(root)
    left_out = f" ({abandoned} abandoned session(s) left out)" if abandoned else ""
    if count < minimum and not force:
        print(f"evolve analyze: {count} closed session(s){left_out} recorded in .orchestrator/metrics/sessions.jsonl; "
              f"patterns need at least {minimum} (evolve-min-sessions) to mean something. Run more sessions, "
              "or add --force to analyse anyway.", file=sys.stderr)
        return 2
    found, count = analyze(root, half_life)
    if as_json:
        print(json.dumps(found, indent=2, sort_keys=True))
        return 0
    print(f"evolve analyze: {count} closed session(s){left_out}, evidence half-life {half_life} session(s)")
    if not found:
        print("no patterns found.")
        return 0
    print(f"{len(found)} learning(s), most confident first:")
    for record in found:
        print("\n".join(format_learning(record)))
    proposed = sum(1 for r in found if r["status"] == "proposed")
    if proposed:
        print(f"next: 'evolve review' walks the {proposed} proposed learning(s) with the user.")
    return 0


def _list(root: Path, status: str | None, as_json: bool) -> int:
    records = listed(root, status)
    if as_json:
        print(json.dumps(records, indent=2, sort_keys=True))
        return 0
    if not records:
        print("no learnings" + (f" with status {status}" if status else "") + "; 'evolve analyze' finds them.")
        return 0
    for record in records:
        print("\n".join(format_learning(record)))
    return 0


def _review(root: Path) -> int:
    proposed = listed(root, "proposed")
    if not proposed:
        print("no proposed learnings to review.")
        return 0
    print(f"{len(proposed)} proposed learning(s); ask the user about each one:")
    for number, record in enumerate(proposed, 1):
        print("\n".join(format_learning(record, number)))
    print("record each answer with one of:\n"
          "  evolve accept ID ...\n  evolve reject ID ...\n  evolve edit ID --statement \"better wording\"")
    return 0


def _change(root: Path, idents: list[str], *, status: str | None = None, statement: str | None = None) -> int:
    try:
        saved = change(root, idents, status=status, statement=statement)
    except ChangeError as exc:
        print(f"error: {exc}. Nothing was changed.", file=sys.stderr)
        return 1
    for ident, record in saved:
        print(f"{ident}: {record['status']}" + (f" - {record['statement']}" if statement is not None else ""))
    return 0
