# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`plan-doc template|write|retro|items`: the command line of PRDs and retrospectives (`learning/prd.py`).

Reading the document and every message are here; validating, rendering and gathering the history a
retrospective reads are functions of the prd module.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from ..learning.prd import KINDS, TEMPLATES, DocError, history, open_items, prd_dir, write


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="doc_command", metavar="<template|write|retro|items>", required=True)
    template = sub.add_parser("template", help="Print the JSON to fill for a document of this kind.")
    template.add_argument("--kind", choices=KINDS, default="feature")
    write_p = sub.add_parser("write", help="Validate the JSON document and write it under prd-dir.")
    write_p.add_argument("--kind", choices=KINDS, default="feature")
    write_p.add_argument("source", nargs="?", default="-", help="a JSON file, or '-' for standard input (default)")
    write_p.add_argument("--force", action="store_true", help="replace a document with the same name")
    retro = sub.add_parser("retro", help="Print the sessions and learnings since a date or git tag.")
    retro.add_argument("--since", required=True, help="YYYY-MM-DD or a git tag")
    retro.add_argument("--json", action="store_true")
    sub.add_parser("items", help="List the open items of the PRDs (what /session offers as candidates).")


def run(args: Namespace) -> int:
    from ..core.paths import project_root

    root = project_root()
    command = args.doc_command
    try:
        if command == "template":
            print(json.dumps(TEMPLATES[args.kind], indent=2))
            return 0
        if command == "write":
            return _write(root, args.kind, args.source, args.force)
        if command == "retro":
            data = history(root, args.since)
            print(json.dumps(data, indent=2) if args.json else _format_history(data))
            return 0
        items = open_items(root, 100)
        for item in items:
            print(f"{item['doc']}: {item['id']}: {item['text']}")
        if not items:
            print(f"no open PRD items under {prd_dir(root).relative_to(root).as_posix()}/")
        return 0
    except DocError as exc:
        print(f"error: {exc}. Nothing was written.", file=sys.stderr)
        return 1


def _write(root: Path, kind: str, source: str, force: bool) -> int:
    name = "standard input" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocError(f"cannot read {name}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    target, items = write(root, kind, data, name, force)
    print(f"wrote {target.relative_to(root).as_posix()} ({items} open item(s)); /session offers them as "
          "candidates at its next start.")
    return 0


def _format_history(data: dict[str, Any]) -> str:
    totals = data["totals"]
    out = [f"since {data['since']} ({data['since_utc']}): {totals['sessions']} session(s), {totals['completed']} "
           f"completed; items done {totals['items_done']}/{totals['items_planned']}, carryover {totals['carryover']},"
           f" regressions caught {totals['regressions_caught']}"]
    for s in data["sessions"]:
        failing = ", ".join(s.get("gate_failures") or []) or "-"
        out.append(f"  {s['id']} {s['type']} ended {s['ended']}: {s['outcome']}, items {s['items_done']}/"
                   f"{s['items_planned']}, carryover {s['carryover']}, gate failures: {failing}")
    out.append(f"learnings seen since then: {len(data['learnings'])}")
    for record in data["learnings"]:
        out.append(f"  [{float(record.get('confidence') or 0):.2f}] {record['status']} {record['id']}: "
                   f"{record['statement']}")
    return "\n".join(out)
