# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`guard check -- <command>` and `guard policy`: the guard, explained.

`check` shows exactly what the hook would decide for a shell command and why (the
same judging, under the Session Config the latest session runs with), so a
surprising block can be understood (or reported) without reading the code.
`policy` lists the effective rules and every overlay entry that was refused.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="guard_command", metavar="<check|policy>")
    check = sub.add_parser("check", help="Explain the decision for one command: guard check -- git reset --hard")
    check.add_argument("--cwd", help="directory the command would run in (default: the current one)")
    check.add_argument("words", nargs=argparse.REMAINDER,
                       help="the command; quote it as one argument or put it after --; '-' reads it from stdin")
    sub.add_parser("policy", help="List the effective rules and any overlay entries that were refused.")


def run(args: argparse.Namespace) -> int:
    from ..core.paths import project_root

    root = project_root()
    if args.guard_command == "check":
        return _check(root, args)
    if args.guard_command == "policy":
        return _policy(root)
    print("usage: python3 .orchestrator/runtime guard check -- <command> | guard policy", file=sys.stderr)
    return 1


class _NoAgent:
    """`guard check` runs outside any agent: no session, no subagent."""

    delete_tools = ()

    def session_id(self, payload: dict) -> str:
        return ""

    def agent_id(self, payload: dict) -> None:
        return None


def _check(root: Path, args: argparse.Namespace) -> int:
    """The hook's own judgement of a shell call (guard, self-protection, scope, the Session Config with
    the values fixed at the latest session start); only the loop guard's memory of earlier calls is left out."""
    from ..core.toolcall import SHELL, ToolCall
    from ..guards.context import HookContext
    from ..guards.policy import PolicyError, load
    from ..guards.shell import parse, quote
    from ..hookpath.hooks import judge, with_held_back

    words = [w for w in args.words if w != "--"] if args.words[:1] == ["--"] else list(args.words)
    # One argument is a command line as typed; several are argv words, re-quoted so they keep their bounds.
    command = sys.stdin.read() if words == ["-"] else words[0] if len(words) == 1 else " ".join(map(quote, words))
    if not command.strip():
        print("error: give the command to check, e.g.: guard check -- 'git reset --hard'", file=sys.stderr)
        return 1
    try:
        pol = load(root)
    except PolicyError as exc:
        print(f"note: {exc}", file=sys.stderr)
        pol = None
    cwd = os.path.abspath(args.cwd) if args.cwd else os.getcwd()
    call = ToolCall(SHELL, "shell", {"command": command}, command=command)
    ctx = HookContext(root, "", "pre-tool-use", {"cwd": cwd}, call, adapter=_NoAgent())
    decision = with_held_back(ctx, judge(ctx))
    print(f"decision: {decision.action}" + (f" (rule {decision.rule})" if decision.rule else ""))
    if decision.reason:
        print(decision.reason)
    parsed = parse(command)
    print("commands seen:")
    for cmd in parsed.commands:
        print(f"  {cmd.text()}" + (f"   [via {cmd.via}]" if cmd.via else ""))
    for note in parsed.notes:
        print(f"note: {note}")
    if pol is not None and pol.overlay_error:
        print(f"note: {pol.overlay_error}")
    print(f"note: judged under enforcement {ctx.enforcement}"
          + (", with the destructive-command guard lifted (allow-destructive-ops)"
             if ctx.config.get("allow-destructive-ops") else ""))
    return 2 if decision.denied else 0


def _policy(root: Path) -> int:
    from ..guards.policy import OVERLAY_REL, PolicyError, load

    try:
        pol = load(root)
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    width = max(len(r["id"]) for r in pol.rules)
    print(f"effective guard rules ({len(pol.rules)}; shipped rules plus {OVERLAY_REL}):")
    for rule in pol.rules:
        origin = "repo" if rule["origin"] == "overlay" else ("raised" if rule.get("raised") else "shipped")
        print(f"  {rule['id']:<{width}}  {rule['severity']:<5}  {origin:<7}  {rule['why']}")
    if pol.overlay_error:
        print(f"\noverlay not used: {pol.overlay_error}")
    if pol.rejected:
        print(f"\nrefused overlay entries ({len(pol.rejected)}):")
        for problem in pol.rejected:
            print(f"  {problem}")
    return 1 if pol.overlay_error or pol.rejected else 0
