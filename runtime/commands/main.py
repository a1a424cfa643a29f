# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`python3 .orchestrator/runtime <command>`: every subcommand in one table.

Each command lives in its own module exposing `add_arguments(parser)` and
`run(args) -> int`; modules are imported only when their command runs. Hooks do
not come through here (see __main__.py).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from .. import __version__

_RUNTIME = __package__.rpartition(".")[0]  # command modules are named from the runtime package down

# name -> (module, one-line help). The command texts call exactly these.
COMMANDS: dict[str, tuple[str, str]] = {
    "config": ("commands.config", "Validate the Session Config and show every value and where it came from."),
    "doctor": ("commands.doctor", "Check that the runtime, the Session Config and the agent hooks are wired up."),
    "banner": ("commands.banner", "Print what the agent sees at session start."),
    "install": ("commands.install", "Merge our hooks into the agents' settings and seed the Session Config."),
    "research": ("commands.research",
                 "Collect git state, recent history, open issues and prior sessions for /session."),
    "guard": ("commands.guard", "Show what the destructive-command guard decides for a command, and why."),
    "backstop": ("commands.backstop", "The git pre-commit backstop: check a commit, install, uninstall, status."),
    "session": ("commands.session", "Start, inspect, resume or close a session (STATE.md)."),
    "plan": ("commands.plan", "Record the agreed plan: items, waves and the files each wave may touch."),
    "wave": ("commands.wave", "Start or finish a wave; starting one sets the edit scope the hooks enforce."),
    "gate": ("commands.gate", "Run the test, typecheck and lint gate and compare it with the baseline."),
    "breaker": ("commands.breaker", "Show a tripped circuit breaker, or acknowledge it (the user's decision)."),
    "review": ("commands.review", "Record reviewers' findings; list the reviewers a wave's diff needs."),
    "close": ("commands.close", "Verify each plan item from evidence, commit the session's files, file carryover."),
    "report": ("commands.report", "Summarise recent sessions as a terminal table or an HTML page."),
    "evolve": ("commands.evolve", "Find patterns across sessions and keep them as learnings you review."),
    "reconcile": ("commands.reconcile",
                  "Propose accepted learnings as agent rule files (a diff); write them on approval."),
    "discovery": ("commands.discovery", "Probe the repository for gaps and debt; file the findings the user chose."),
    "dispatcher": ("commands.dispatcher",
                   "Rank the repositories under a root by pending work, idleness and gate health; lease one."),
    "test": ("commands.testsuite",
             "Run the end-to-end or integration suite; turn its failures into findings and file the chosen ones."),
    "audit": ("commands.audit", "Score the repository's own harness against a fixed rubric and record the score."),
    "lane": ("commands.lane",
             "Parallel sessions in git worktrees: start, merge (after a verified close), clean, list."),
    "debug": ("commands.debug", "Keep a root-cause record; mark it fixed only when its test fails at the start ref "
                                "and passes now."),
    "grill": ("commands.grill", "Record a question, its answer and the change it made in a plan's Grill log."),
    "brainstorm": ("commands.brainstorm", "Write the spec a design dialogue ended in, for /plan and /session."),
    "plan-doc": ("commands.plandoc",
                 "Validate and write a PRD or retrospective; gather the history a retrospective reads."),
    "autopilot": ("commands.autopilot",
                  "Run whole sessions unattended through an agent's headless mode, until a kill-switch stops it."),
}


class _Formatter(argparse.HelpFormatter):
    """Reads the terminal width with `os` itself: argparse's default imports shutil
    (and with it bz2 and lzma) for that, on every run, even when no help is printed."""

    def __init__(self, prog: str) -> None:
        try:
            width = os.get_terminal_size().columns
        except OSError:
            width = 80
        super().__init__(prog, width=max(width, 40) - 2)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose subparsers (created as this class) share `_Formatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (with `only`) one that knows just that command: importing every
    command module costs tens of milliseconds that a gate or plan call should not pay."""
    parser = _Parser(
        prog="python3 .orchestrator/runtime",
        description="session-orchestrator runtime: state, gates, guards and telemetry for agent sessions.",
        epilog="The agents' hooks call 'hook <platform> <event>' ('install' wires them, 'doctor' checks them); "
               "'guard <command>' shows what the destructive-command guard decides and why.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"session-orchestrator runtime {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for name, (module_name, help_text) in COMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"{_RUNTIME}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_RUNTIME}.{module_name}":
                raise  # a module it needs is gone: __main__ names the file instead of "invalid choice"
            continue  # not part of this runtime version
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    first = (argv if argv is not None else sys.argv[1:])[:1]
    parser = build_parser(first[0] if first and first[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one clear line instead of a traceback
        from ..core.paths import project_root, state_dir

        log = state_dir(project_root()) / "runtime-errors.log"
        try:
            import traceback

            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as handle:
                handle.write("".join(traceback.format_exception(exc)))
            where = f" (details in {log})"
        except OSError:
            where = ""
        print(f"error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return 1
