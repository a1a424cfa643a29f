# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`gate baseline|incremental|full|override|accept-lost|wait`: the command line of the gate (`loop/gates.py`).

Parsing, the one-line errors and the `--json` document (`loop/gatejson.py` gives its shape) are
here; running the checks and judging them against the baseline are functions of the gate module.
"""

from __future__ import annotations

import sys
from argparse import SUPPRESS, ArgumentParser, Namespace
from pathlib import Path

from ..loop.gates import KINDS, VARIANTS, override, run_gate_record
from ..loop.records import Gate


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("variant", choices=(*VARIANTS, "override", "accept-lost", "wait"), help="baseline at session "
                        "start, incremental between waves, full after Quality and before close; 'override CHECK "
                        "--reason TEXT' lets the session go on although that check cannot run; 'accept-lost "
                        "TEST_ID... --reason TEXT' records that tests which passed at baseline were removed on "
                        "purpose; 'wait' follows a gate started with --detach and prints its recorded result")
    parser.add_argument("check", nargs="*", metavar="CHECK|TEST_ID",
                        help="with override: test, typecheck or lint; with accept-lost: the test ids a gate named")
    parser.add_argument("--reason", default=None, help="with override or accept-lost: why")
    parser.add_argument("--clear", action="store_true", help="with override or accept-lost: withdraw it")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds each check may run (default: Session Config gate-timeout, 1800)")
    parser.add_argument("--json", action="store_true", help="print one JSON document (a documented, versioned shape)")
    parser.add_argument("--detach", action="store_true", help="run the gate in the background and return at once; "
                        "'gate wait' then prints its recorded result (for gates longer than a tool call may run)")
    parser.add_argument("--max", type=float, default=None, metavar="S", help="with wait: return after S seconds "
                        "(exit 3) if the gate is still running (default 100)")
    parser.add_argument("--progress", type=float, default=None, metavar="S",
                        help="print a progress line every S seconds while checks run (default 30; 0: never)")
    parser.add_argument("--detached-run", default=None, help=SUPPRESS)  # set by --detach for the gate it starts


def _emit(args: Namespace, code: int, summary: str, record: Gate | None, message: str = "") -> int:
    import json

    from ..loop.gatejson import error, shape

    if getattr(args, "json", False):
        print(json.dumps(shape(record, code, summary) if record is not None else error(message, code), indent=1))
    elif message:
        print(message, file=sys.stderr)
    else:
        print(summary)
    if getattr(args, "detached_run", None):
        from ..core.paths import project_root
        from ..loop.detached import finished

        finished(project_root(), args.detached_run, code, summary or message,
                 shape(record, code, summary) if record is not None else None)
    return code


def _override(root: Path, args: Namespace) -> int:
    kind, reason, clear = args.check[0], args.reason, args.clear
    if not clear and not (reason or "").strip():
        print("error: an override needs --reason \"why this check may be skipped\"", file=sys.stderr)
        return 1
    existed = override(root, kind, reason, clear)
    if clear:
        print(f"override for {kind} {'cleared' if existed else 'was not set'}; a {kind} check that cannot run "
              "blocks again.")
    else:
        print(f"override recorded: a {kind} check that cannot run no longer blocks this session "
              f"(reason: {str(reason).strip()}). It stays visible in every gate and in 'session status'; "
              f"clear it with 'gate override {kind} --clear'.")
    return 0


def _accept_lost(root: Path, args: Namespace) -> int:
    from ..loop.losttests import NAMED, AcceptError, accept

    names, reason, clear = list(args.check), args.reason, args.clear
    if not names:
        print("error: name the tests: 'gate accept-lost TEST_ID... --reason \"why they were removed\"'",
              file=sys.stderr)
        return 1
    if not clear and not (reason or "").strip():
        print("error: accepting a lost test needs --reason \"why it was removed\"", file=sys.stderr)
        return 1
    try:
        removed = accept(root, names, reason, clear)
    except AcceptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if clear:
        print(f"withdrawn: {removed} accepted lost test{'s' if removed != 1 else ''}; losing them blocks again.")
    else:
        print(f"accepted as removed on purpose ({str(reason).strip()}): {', '.join(names[:NAMED])}"
              + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")
              + ". Every gate, STATE.md and 'session status' list them; withdraw with "
              "'gate accept-lost TEST_ID... --clear'.")
    return 0


def run(args: Namespace) -> int:
    from ..core.config import ConfigError
    from ..core.paths import project_root
    from ..loop.checkrun import PROGRESS_EVERY, Stopped
    from ..loop.state import StateError

    root = project_root()
    progress = PROGRESS_EVERY if args.progress is None else args.progress
    try:
        if args.variant == "override":
            if len(args.check) != 1 or args.check[0] not in KINDS:
                print("error: name the check: 'gate override test|typecheck|lint --reason \"...\"'", file=sys.stderr)
                return 1
            return _override(root, args)
        if args.variant == "accept-lost":
            return _accept_lost(root, args)
        if args.check:
            print(f"error: 'gate {args.variant}' takes no check name", file=sys.stderr)
            return 1
        if args.variant == "wait":
            from ..loop.detached import WAIT_DEFAULT, wait

            return wait(root, WAIT_DEFAULT if args.max is None else args.max, args.json)
        if args.detach:
            from ..loop.detached import start

            return start(root, args.variant, args.timeout, progress)
        code, summary, record = run_gate_record(root, args.variant, args.timeout, progress)
    except StateError as exc:
        return _emit(args, 1, "", None, f"error: {exc}")
    except ConfigError as exc:
        return _emit(args, 1, "", None, "error: the Session Config is invalid, so the gate cannot know what to run:"
                     f"\n{exc}")
    except Stopped as exc:
        return _emit(args, 128 + exc.signum, "", None, f"gate {args.variant} stopped by {exc.name}: every check it "
                     "started was ended; nothing was recorded.")
    return _emit(args, code, summary, record)
