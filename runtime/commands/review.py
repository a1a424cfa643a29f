# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`review record|plan --wave N`: the command line of the session review (`loop/review.py`) and of the
choice of reviewers (`loop/reviewers.py`).

Reading the reviewer's JSON and printing the findings above the floor are here; validating and
keeping them are functions of the review module.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

from ..loop.review import ReviewError, format_review, record, validate


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="review_command", metavar="<record|plan>", required=True)
    plan_p = sub.add_parser("plan", help="Which reviewers a wave needs, from its git diff and the reviewer rules.")
    plan_p.add_argument("--wave", type=int, required=True, metavar="N")
    plan_p.add_argument("--json", action="store_true", help="print the reviewers and their reasons as JSON")
    record_p = sub.add_parser("record", help="Record the session reviewer's findings for a wave.")
    record_p.add_argument("--wave", type=int, required=True, metavar="N")
    record_p.add_argument("source", nargs="?", default=None, help="'-' to read standard input")
    record_p.add_argument("--file", default=None, help="read the findings from this file ('-' for standard input)")


def run(args: Namespace) -> int:
    from ..core.paths import project_root
    from ..loop.state import StateError

    root = project_root()
    try:
        if args.review_command == "plan":
            return _plan(root, args.wave, args.json)
        return _record(root, args.wave, args.file or args.source or "-")
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _record(root: Path, wave: int, source: str) -> int:
    name = "standard input" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        review = validate(json.loads(text))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the review from {name}: {exc}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(f"error: the review in {name} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
              file=sys.stderr)
        return 1
    except ReviewError as exc:
        print(f"error: the review in {name} was not recorded: {exc}", file=sys.stderr)
        return 1
    print(format_review(record(root, wave, review)))
    return 0


def _plan(root: Path, wave: int, as_json: bool) -> int:
    from ..loop.reviewers import ReviewersError, for_wave, format_plan

    try:
        plan = for_wave(root, wave)
    except ReviewersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(plan, indent=2) if as_json else format_plan(plan))
    return 0
