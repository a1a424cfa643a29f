# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`close verify|commit|carryover`: the checks and steps /close runs instead of typing git and tracker commands.

Thin: the evidence is in loop/ledger.py, the commit in loop/commit.py, the filing
in loop/filing.py. These work on the current session whether it is still active
or already closed (its record stays until the next session starts), so /close
can close the record first and commit it with the work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

EXIT_UNPROVEN = 2


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="close_command", metavar="<verify|commit|carryover>", required=True)
    verify = sub.add_parser("verify", help="The evidence ledger: each plan item's files, tests and gate, and a "
                                           "verdict. Exit 0 when every item is done with evidence, 2 otherwise.")
    verify.add_argument("--json", action="store_true", help="print the ledger as JSON")
    commit = sub.add_parser("commit", help="Commit the session's own files, one by one; leave every other change "
                                           "unstaged and list it.")
    commit.add_argument("--dry-run", action="store_true", help="show what would be staged and the message only")
    commit.add_argument("--json", action="store_true")
    carry = sub.add_parser("carryover", help="File unfinished items as issues (GitHub or GitLab), or keep them in "
                                             ".orchestrator/carryover.md when no tracker answers.")
    carry.add_argument("--dry-run", action="store_true", help="show what would be filed; file and write nothing")
    carry.add_argument("--json", action="store_true")


def current_session(root: Path) -> Any:
    """The session record (active, paused or just closed); the newest archived one when the record was removed."""
    from ..loop.state import StateError, load, parse_record, state_dir

    state = load(root)
    if state is not None:
        return state
    archives = sorted((state_dir(root) / "archive").glob("*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(archives):
        if path.name.startswith("session-"):
            continue  # the record of a session archived unfinished by a later start
        try:
            return parse_record(path.read_text(encoding="utf-8"), str(path))
        except (OSError, StateError):
            continue
    return None


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..loop.state import StateError

    root = project_root()
    try:
        if args.close_command == "verify":
            return verify(root, args.json)
        if args.close_command == "commit":
            return commit(root, args.dry_run, args.json)
        return carryover(root, args.dry_run, args.json)
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _need_session(root: Path) -> Any:
    from ..loop.state import StateError

    state = current_session(root)
    if state is None:
        raise StateError("there is no session to close; start one with 'session start <housekeeping|feature|deep>'")
    return state


def verify(root: Path, as_json: bool) -> int:
    from ..loop import ledger

    data = ledger.build(root, _need_session(root))
    print(json.dumps(data, indent=2) if as_json else ledger.format_text(data))
    return 0 if data["passed"] else EXIT_UNPROVEN


def commit(root: Path, dry_run: bool, as_json: bool) -> int:
    from ..core import telemetry
    from ..loop import commit as commits
    from ..loop import ledger

    state = _need_session(root)
    data = ledger.build(root, state)
    try:
        planned = commits.plan(root, state, data)
        sha = None if dry_run else commits.commit(root, planned)
    except commits.CommitRefusedError as exc:
        if as_json:
            print(json.dumps({"committed": False, "refused": str(exc)}))
        print(f"not committed: {exc}", file=sys.stderr)
        return EXIT_UNPROVEN
    if as_json:
        print(json.dumps({"committed": sha is not None, "commit": sha, **planned}, indent=2))
    else:
        from ..core.words import count

        verb = "would stage" if dry_run else "staged"
        print(f"{verb} {count(len(planned['stage']), 'session file')}, one by one:")
        print("\n".join(f"  {p}" for p in planned["stage"]) or "  (none)")
        if planned["left_out"]:
            print(f"left unstaged ({count(len(planned['left_out']), 'file')} outside every task's scope, "
                  "not this session's):")
            print("\n".join(f"  {p}" for p in planned["left_out"]))
        if planned["staged_elsewhere"]:
            print("staged before, not part of the session: left staged and out of this commit:")
            print("\n".join(f"  {p}" for p in planned["staged_elsewhere"]))
        if planned["gate"].get("blocked"):
            print("note: the last full gate on this code is BLOCKED; the message says what is carried over")
        print("message:" if dry_run else f"committed {sha[:12]}:")
        print("\n".join(f"  {line}" for line in planned["message"].rstrip("\n").splitlines()))
    if sha:
        telemetry.emit(root, "close.committed", {"session_id": state.get("session_id"), "commit": sha,
                                                 "files": len(planned["stage"]), "left_out": len(planned["left_out"])})
    return 0


def carryover(root: Path, dry_run: bool, as_json: bool) -> int:
    from ..loop import filing, ledger
    from ..loop.carryover import CarryoverFileError

    state = current_session(root)
    data = ledger.build(root, state) if state is not None and state.get("items") else None
    try:
        report = filing.run_carryover(root, state if data else None, data, dry_run)
    except CarryoverFileError as exc:
        print(f"error: {exc}; nothing was filed or written", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if as_json else filing.format_text(report))
    return 0
