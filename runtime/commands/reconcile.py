# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`reconcile propose|apply`: the command line of turning learnings into rules (`learning/reconcile.py`).

`propose` only shows the diffs, so all of it is here; which rules are pending and writing them are
functions of the reconcile module.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

from ..learning import learnings
from ..learning.reconcile import Change, NotPendingError, apply, changes


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="reconcile_command", metavar="<propose|apply>", required=True)
    sub.add_parser("propose", help="Print the new rules as a unified diff; writes nothing.")
    apply_p = sub.add_parser("apply", help="Write the rules of these learnings (after the user approved the diff).")
    apply_p.add_argument("ids", nargs="+", metavar="ID")


def run(args: Namespace) -> int:
    from ..core.config import load_or_defaults
    from ..core.paths import project_root

    root = project_root()
    config, _ = load_or_defaults(root)
    threshold = float(config.get("reconcile-confidence", 0.7))
    pending = changes(root, threshold)
    if args.reconcile_command == "propose":
        return _propose(root, pending, threshold)
    try:
        written = apply(root, pending, args.ids, threshold)
    except NotPendingError as exc:
        print(f"error: {exc}. Nothing was written.", file=sys.stderr)
        return 1
    for path, ident in written:
        print(f"wrote {path} ({ident})")
    return 0


def _propose(root: Path, pending: list[Change], threshold: float) -> int:
    if not pending:
        accepted = sum(1 for r in learnings.current(root).values() if r.get("status") == "accepted")
        print(f"nothing to propose: {accepted} accepted learning(s); none at or above reconcile-confidence "
              f"{threshold:g} is without its rule.")
        return 0
    print(f"{len(pending)} proposed rule(s); nothing has been written. Show the user each diff and ask which "
          "to apply.")
    for change in pending:
        record = change.record
        print(f"\n# {record['id']} ({record.get('kind')}, confidence {float(record.get('confidence') or 0):.2f}) "
              f"-> {change.path} [{change.platform}]")
        print(change.diff(), end="")
    ids = " ".join(dict.fromkeys(c.record["id"] for c in pending))
    print(f"\napply the approved ones with: reconcile apply {ids}")
    return 0
