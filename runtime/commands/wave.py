# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`wave start|done`: the command line of the waves (`loop/waves.py`).

Starting a wave prints the briefs the agent dispatches from; finishing one says what comes next.
The waves module records; this module parses and prints.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

from ..loop.waves import WaveRefusedError, finish_wave, parse_task_result, start_wave


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="wave_command", metavar="<start|done>", required=True)
    start = sub.add_parser("start", help="Start wave N: check the previous gate, set the edit scope, print briefs.")
    start.add_argument("number", type=int, metavar="N")
    done = sub.add_parser("done", help="Finish wave N: record task results and deviations. On a wave that is "
                                       "already done, --task adds or corrects results without reopening it.")
    done.add_argument("number", type=int, metavar="N")
    done.add_argument("--task", action="append", default=[], metavar="ID=done|partial|failed[:note]")
    done.add_argument("--deviation", action="append", default=[], metavar="TEXT")


def run(args: Namespace) -> int:
    from ..core.paths import project_root
    from ..loop.state import StateError

    root = project_root()
    try:
        if args.wave_command == "start":
            return _start(root, args.number)
        return _done(root, args.number, args.task, args.deviation)
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _start(root: Path, number: int) -> int:
    from ..loop.plan import briefs

    try:
        state, wave, restarted, enforcement, backstop = start_wave(root, number)
    except WaveRefusedError as exc:
        print(f"wave {number} cannot start: {exc}", file=sys.stderr)
        return 2
    if backstop:
        print(backstop)
    again = " (already active: scope rewritten, briefs repeated)" if restarted else ""
    print(f"wave {number} of {state['total_waves']} started: {wave['role']}{again}. "
          f"Edit scope: {'read-only' if wave.get('read_only') else 'the files listed in each brief'} "
          f"(enforcement: {enforcement}).")
    print()
    print(briefs(state, number))
    return 0


def _done(root: Path, number: int, task_args: list[str], deviations: list[str]) -> int:
    try:
        results = [parse_task_result(t) for t in task_args]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    state, wave, amending, counts, missing = finish_wave(root, number, results, deviations)
    later = (f"; no result for {', '.join(missing)} (add {'it' if len(missing) == 1 else 'them'} with "
             f"'wave done {number} --task <ID>=<status>')" if missing else "")
    if amending:
        print(f"wave {number} ({wave['role']}) results amended: {counts['done']} done, {counts['partial']} partial, "
              f"{counts['failed']} failed{later}")
        return 0
    print(f"wave {number} ({wave['role']}) done: {counts['done']} done, {counts['partial']} partial, "
          f"{counts['failed']} failed{later}")
    if wave.get("gate"):
        print(f"next: run 'python3 .orchestrator/runtime gate {wave['gate']}'; wave {number + 1} "
              "cannot start until it passes." if number < len(state["waves"]) else
              f"next: run 'python3 .orchestrator/runtime gate {wave['gate']}'.")
    elif number < len(state["waves"]):
        print(f"next: 'python3 .orchestrator/runtime wave start {number + 1}'")
    else:
        print("all waves are done: run /close (it runs 'gate full', then 'session close').")
    return 0
