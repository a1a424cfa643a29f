# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`grill add|show`: the Grill log of a plan, PRD or spec (learning/grill.py does the work)."""

from __future__ import annotations

import json
import sys
from typing import Any


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="grill_command", metavar="<add|show>", required=True)
    add = sub.add_parser("add", help="Append a question, its answer and the change it made to the Grill log.")
    add.add_argument("--doc", required=True, help="the document, relative to the repository root")
    add.add_argument("--question", required=True)
    add.add_argument("--answer", required=True)
    add.add_argument("--change", default="", help="what changed in the document because of the answer "
                                                  "(empty: none)")
    show = sub.add_parser("show", help="Print the document's Grill log.")
    show.add_argument("--doc", required=True)
    for command in (add, show):
        command.add_argument("--json", action="store_true", help="print the entry (or the log) as JSON")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..learning import grill

    root = project_root()
    try:
        if args.grill_command == "add":
            entry = grill.add(root, args.doc, args.question, args.answer, args.change)
            print(json.dumps(entry, indent=2) if args.json else f"{entry['doc']}: Grill log entry {entry['n']}")
            return 0
        log = grill.entries(root, args.doc)
    except grill.GrillError as exc:
        print(f"error: {exc}. Nothing was written.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([{k: e[k] for k in ("n", "question", "answer", "change")} for e in log], indent=2))
    elif not log:
        print(f"{args.doc}: no Grill log yet")
    for e in log if not args.json else []:
        print(f"{e['n']}. Q: {e['question']}\n   A: {e['answer']}\n   Change: {e['change']}")
    return 0
