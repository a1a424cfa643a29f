# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`autopilot --agent NAME [caps...]`: whole sessions run unattended until a kill-switch fires.

The loop is `unattended/autopilot.py`; this module reads the flags, prints what happened
(or the `--json` summary) and turns the stop into an exit code: 0 for a planned end (the
session cap, no more work, the STOP file, a budget cap), 2 for a safety stop, 1 when the run
could not start.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _positive_float(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0")
    return value


def _positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _share(text: str) -> float:
    import argparse

    value = _positive_float(text) if text.strip() not in ("0", "0.0") else 0.0
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text!r} is a share: between 0 and 1")
    return value


def add_arguments(parser: Any) -> None:
    from ..platforms import known

    parser.add_argument("--agent", required=True, choices=known(), help="the agent CLI to run headless")
    parser.add_argument("--work", type=Path, help="a file with one item per line (default: the carryover list, "
                                                  "then open issues by priority)")
    parser.add_argument("--max-sessions", type=_positive_int, help="stop after this many sessions")
    parser.add_argument("--max-hours", type=_positive_float, help="stop after this many wall-clock hours")
    parser.add_argument("--max-tokens", type=_positive_int, help="stop once the CLI reports this many tokens")
    parser.add_argument("--max-cost", type=_positive_float, metavar="USD",
                        help="stop once the CLI reports this much spent")
    parser.add_argument("--stall-minutes", type=_positive_float, default=20.0,
                        help="stop the agent after this long with no commit, state change or event (default 20)")
    parser.add_argument("--max-gate-failures", type=_positive_int, default=3,
                        help="stop after this many blocked gates in a row (default 3)")
    parser.add_argument("--max-carryover-share", type=_share, metavar="F",
                        help="stop once more than this share (0 to 1) of the items was carried over")
    parser.add_argument("--lanes", type=_positive_int, default=1, help="run N items at once in git worktrees")
    parser.add_argument("--session-type", default="feature", choices=("housekeeping", "feature", "deep"))
    parser.add_argument("--agent-command", metavar="CMD",
                        help="the agent program with any flags of its own (default: its usual name on PATH)")
    parser.add_argument("--dry-run", action="store_true", help="show the first item and command line; run nothing")
    parser.add_argument("--json", action="store_true", help="print the run's summary as JSON")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..unattended.autopilot import AutopilotError, Options
    from ..unattended.autopilot import run as run_loop
    from ..unattended.killswitches import Limits
    from ..unattended.worklist import WorkFileError

    limits = Limits(max_sessions=args.max_sessions, max_hours=args.max_hours, max_tokens=args.max_tokens,
                    max_cost=args.max_cost, stall_minutes=args.stall_minutes,
                    max_gate_failures=args.max_gate_failures, max_carryover_share=args.max_carryover_share)
    options = Options(agent=args.agent, limits=limits, work=args.work, lanes=args.lanes, dry_run=args.dry_run,
                      agent_command=args.agent_command, session_type=args.session_type)
    root = project_root()
    import signal

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # the runner stops the agent's process group and the session is paused

    signal.signal(signal.SIGTERM, interrupted)
    try:
        summary = run_loop(root, options)
    except (AutopilotError, WorkFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
        return int(summary.get("exit", 0))
    if summary.get("dry_run"):
        _print_dry_run(summary)
        return 0
    for line in summary.get("iterations") or []:
        usage = line.get("usage") or {}
        spent = (f"{(usage.get('input_tokens') or 0) + (usage.get('output_tokens') or 0)} tokens"
                 if usage.get("input_tokens") is not None else "tokens not reported")
        if usage.get("cost_usd") is not None:
            spent += f", {usage['cost_usd']:.4f} USD"
        print(f"session {line['n']}: {line['item']}: {line['outcome']} ({line['why']}); {spent}; "
              f"{line['seconds']:.0f} s")
    print(f"stopped ({summary['switch']}): {summary['reason']}")
    if summary.get("paused"):
        print(f"session {summary['paused']} is paused; the next autopilot run resumes it")
    if summary.get("left_in_tree"):
        print(f"left uncommitted in the tree: {', '.join(summary['left_in_tree'][:10])}")
    for note in summary.get("notes") or []:
        print(note)
    print("record: .orchestrator/metrics/autopilot.jsonl")
    return int(summary.get("exit", 0))


def _print_dry_run(summary: dict[str, Any]) -> None:
    import shlex

    if summary.get("lanes") is not None:
        print(f"lanes it would start: {', '.join(summary['lanes']) or 'none (no work)'}")
        return
    print(f"agent: {summary['agent']}")
    if summary.get("item"):
        print(f"first item: {summary['item']['title']} (from {summary['item']['source']})")
        print("command: " + " ".join(shlex.quote(word) for word in summary["argv"]))
    else:
        print(f"no work: {summary.get('why')}")
    for note in summary.get("notes") or []:
        print(note)
