# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`plan template|set|show|item`: the command line of the agreed plan (`loop/plan.py`).

Reading the plan from a file or standard input, and every message, are here; validating and
recording it are functions of the plan module.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

from ..core.words import count
from ..loop.plan import ITEM_STATUSES, PlanError, record, set_item, show, template


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="plan_command", metavar="<template|set|show|item>", required=True)
    sub.add_parser("template", help="Print a JSON skeleton of this session's waves to fill in.")
    setter = sub.add_parser("set", help="Validate and record the plan (JSON from --file or stdin with '-').")
    setter.add_argument("source", nargs="?", default=None, help="'-' to read standard input")
    setter.add_argument("--file", default=None, help="read the plan from this file ('-' for standard input)")
    shower = sub.add_parser("show", help="Show the plan; with --wave N, the dispatch briefs of wave N.")
    shower.add_argument("--wave", type=int, default=None)
    item = sub.add_parser("item", help="Record the outcome of a plan item.")
    item.add_argument("ident", metavar="ID")
    item.add_argument("--status", required=True, choices=ITEM_STATUSES)
    item.add_argument("--note", default="")


def run(args: Namespace) -> int:
    from ..core.paths import project_root
    from ..loop.state import StateError, load, require_active

    root = project_root()
    try:
        if args.plan_command == "template":
            state = require_active(load(root))
            print(json.dumps(template(state), indent=2))
            return 0
        if args.plan_command == "set":
            return _set(root, args.file or args.source or "-")
        if args.plan_command == "show":
            current = load(root)
            if current is None:
                raise StateError("there is no session; start one with 'session start <type>'")
            if args.wave is not None and not 1 <= args.wave <= len(current["waves"]):
                raise StateError(f"wave {args.wave} does not exist; this session has waves 1 to "
                                 f"{len(current['waves'])}")
            print(show(current, args.wave))
            return 0
        set_item(root, args.ident, args.status, args.note)
        print(f"item {args.ident}: {args.status}" + (f" ({args.note})" if args.note else ""))
        return 0
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _set(root: Path, source: str) -> int:
    name = "standard input" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the plan from {name}: {exc}", file=sys.stderr)
        return 1
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        print(f"error: the plan in {name} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
              file=sys.stderr)
        return 1
    try:
        plan = record(root, data)
    except PlanError as exc:
        print(f"error: the plan was not recorded; {count(len(exc.problems), 'problem')}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    tasks = sum(len(t) for t in plan["waves"])
    print(f"plan recorded: {count(len(plan['items']), 'item')}, {count(tasks, 'task')} over "
          f"{count(len(plan['waves']), 'wave')}. "
          "Next: 'python3 .orchestrator/runtime wave start 1' (from /go).")
    return 0
