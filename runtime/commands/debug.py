# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`debug start|note|repro|fix|show|list`: the record of a root-cause investigation
(learning/debugrecord.py) and the check that the fix is proven (learning/debugcheck.py)."""

from __future__ import annotations

import json
import sys
from typing import Any


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="debug_command", metavar="<start|note|repro|fix|show|list>", required=True)
    start = sub.add_parser("start", help="Open a record; the start ref is HEAD's commit now.")
    start.add_argument("symptom", nargs="+", help="what goes wrong, in the user's words")
    start.add_argument("--issue", default="", help="the issue it comes from (#12, a link)")
    note = sub.add_parser("note", help="Add a finding to the record's log under its phase.")
    note.add_argument("id")
    note.add_argument("--phase", required=True, help="reproduce, isolate, explain or fix")
    note.add_argument("text", nargs="+")
    repro = sub.add_parser("repro", help="Name the test that reproduces the bug, and run it now (it should fail).")
    repro.add_argument("id")
    repro.add_argument("--test", required=True, help="the test id (tests/test_x.py::test_y, a test name)")
    repro.add_argument("--command", default="", help="the full command that runs only that test "
                                                     "(default: the gate's test command with the test id added)")
    repro.add_argument("--file", action="append", default=[], help="a file the test needs, copied into the "
                                                                   "start-ref tree (repeatable; the test id's file "
                                                                   "is always included)")
    repro.add_argument("--no-run", action="store_true", help="record it without running it now")
    fix = sub.add_parser("fix", help="Mark it fixed: only when the reproduction fails at the start ref and passes "
                                     "now (the runtime runs both).")
    fix.add_argument("id")
    show = sub.add_parser("show", help="Print one record.")
    show.add_argument("id")
    sub.add_parser("list", help="Every record with its status.")
    for command in (start, note, repro, fix, show, sub.choices["list"]):
        command.add_argument("--json", action="store_true", help="print the record (or the list) as JSON")
    for command in (repro, fix):
        command.add_argument("--timeout", type=float, default=0.0, help="seconds each run may take "
                                                                        "(default: gate-timeout, else 600)")


def _timeout(root: Any, given: float) -> float:
    from ..learning.debugcheck import DEFAULT_TIMEOUT
    from ..loop.state import session_config

    if given > 0:
        return given
    return float(session_config(root).get("gate-timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)


def _print(record: dict[str, Any], as_json: bool, extra: dict[str, Any] | None = None) -> None:
    from ..learning.debugrecord import render

    if as_json:
        print(json.dumps({**record, **(extra or {})}, indent=2))
    else:
        print(render(record), end="")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..learning.debugrecord import DebugRecordError
    from ..loop.state import StateError

    root = project_root()
    try:
        return _run(root, args)
    except (DebugRecordError, StateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _run(root: Any, args: Any) -> int:
    from ..learning import debugcheck as check
    from ..learning import debugrecord as rec

    action = args.debug_command
    if action == "list":
        records = rec.all_records(root)
        if args.json:
            print(json.dumps([{"id": r["id"], "title": r["title"], **r["fields"]} for r in records], indent=2))
        elif not records:
            print("no debug records (.orchestrator/debug/ is empty)")
        for r in records if not args.json else []:
            print(f"{r['id']}  {r['fields']['status']:<5}  {r['fields']['started']}  {r['title']}")
        return 0
    if action == "start":
        symptom = " ".join(args.symptom)
        record = rec.new(rec.new_id(root, symptom), symptom, check.head_commit(root), args.issue)
        path = rec.save(root, record)
        if args.json:
            _print(record, True, {"path": path.relative_to(root).as_posix()})
        else:
            print(f"debug record {record['id']}: {path.relative_to(root).as_posix()} "
                  f"(start ref {record['fields']['start-ref'][:12]})")
        return 0
    record = rec.load(root, args.id)
    if action == "show":
        _print(record, args.json)
        return 0
    if action == "note":
        rec.note(record, args.phase, " ".join(args.text))
        rec.save(root, record)
        _print(record, args.json) if args.json else print(f"noted under {args.phase} in {args.id}")
        return 0
    if action == "repro":
        return _repro(root, args, record)
    return _fix(root, args, record)


def _repro(root: Any, args: Any, record: dict[str, Any]) -> int:
    from ..learning import debugcheck as check
    from ..learning import debugrecord as rec

    if record["fields"]["status"] == "fixed":
        print(f"error: {args.id} is already fixed; start a new record for a new symptom", file=sys.stderr)
        return 1
    files = check.test_files(args.test, args.file)
    command, source = check.command_for(root, args.test, args.command)
    record["fields"].update({"test": args.test, "command": command, "files": ", ".join(files)})
    result = None
    if not args.no_run:
        result = check.now(root, command, _timeout(root, args.timeout))
        said = check.describe(result)
        rec.note(record, "reproduce", f"reproduction {args.test} ({source}); now: {said}")
    else:
        rec.note(record, "reproduce", f"reproduction {args.test} ({source}); not run yet")
    rec.save(root, record)
    if args.json:
        _print(record, True, {"run": result})
        return 0
    print(f"reproduction recorded: {command}")
    if result is not None:
        print(f"now: {check.describe(result)}")
        if result.get("status") != "failed":
            print("note: a reproduction should fail before the fix; 'debug fix' will refuse one that passes at "
                  "the start ref")
    return 0


def _fix(root: Any, args: Any, record: dict[str, Any]) -> int:
    from ..learning import debugcheck as check
    from ..learning import debugrecord as rec

    fields = record["fields"]
    if fields["status"] == "fixed":
        print(f"{args.id} is already fixed")
        return 0
    if not fields.get("command"):
        print(f"error: {args.id} has no reproduction yet; record the failing test with 'debug repro {args.id} "
              "--test ...' first", file=sys.stderr)
        return 1
    ref = fields["start-ref"]
    if not check.commit_exists(root, ref):
        print(f"error: the start ref {ref} of {args.id} is not a commit in this repository", file=sys.stderr)
        return 1
    timeout = _timeout(root, args.timeout)
    files = [f.strip() for f in (fields.get("files") or "").split(",") if f.strip()]
    start = check.at_start(root, ref, fields["command"], files, timeout)
    current = check.now(root, fields["command"], timeout)
    reasons = check.judge(start, current, fields.get("test") or "")
    line = f"at start ref {ref[:12]}: {check.describe(start)}; now: {check.describe(current)}"
    record["verification"].append({"ts": rec.now_iso(), "text": ("refused: " if reasons else "accepted: ") + line})
    if not reasons:
        fields["status"] = "fixed"
    rec.save(root, record)
    if args.json:
        _print(record, True, {"accepted": not reasons, "reasons": reasons, "start": start, "now": current})
        return 2 if reasons else 0
    print(line)
    if reasons:
        print(f"refused, {args.id} stays open:")
        print("\n".join(f"  - {r}" for r in reasons))
        return 2
    print(f"accepted: {args.id} is fixed")
    return 0
