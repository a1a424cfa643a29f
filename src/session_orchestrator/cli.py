"""`session-orchestrator`: set up, update and check the session loop in a repository.

This module is the command line only: the options, the help texts, and the one place every command
ends (`finish`), which turns the work's exit code, or its error, into the process's exit. The work
itself is in a module per command: `initialize`, `update`, `demo`; `doctor` reads the repository's
checks as data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from session_orchestrator import console, initialize, terminal
from session_orchestrator import demo as demo_mod
from session_orchestrator import template as tpl
from session_orchestrator import update as update_mod
from session_orchestrator.errors import EXIT_CONFLICTS, EXIT_OK, CliError, describe, exit_code
from session_orchestrator.repo_runtime import run as run_runtime
from session_orchestrator.template import RUNTIME_DIR

__all__ = ["EXIT_CONFLICTS", "app", "main", "run_runtime"]

app = typer.Typer(
    cls=terminal.Group,
    help="Give your coding agent a verified session loop: /session, /go, /close, with hooks that enforce.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}

Platform = Annotated[
    list[str] | None,
    typer.Option("--platform", "-p", metavar="<name>",
                 help="Agent to set up (repeat for several); only wired ones are accepted."),
]
Data = Annotated[
    list[str] | None,
    typer.Option("--data", "-d", metavar="<key=value>",
                 help="Answer a template question, e.g. -d enforcement=strict (repeatable)."),
]
TemplateOpt = Annotated[
    str | None,
    typer.Option("--template", metavar="<source>",
                 help="Template source: a git URL (gh:owner/repo, https://...) or a local clone. "
                      "Default: the template this installation carries."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print results and errors only, no progress.")]


def finish(work: Callable[[], int], next_step: str = "") -> NoReturn:
    """The one exit of every command: the work's exit code, or its error as one or two lines
    (`--debug` shows the traceback instead). `next_step` is what to run when git or Copier failed."""
    try:
        code = work()
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if _state["debug"]:
            raise
        console.error(describe(exc, next_step))
        code = exit_code(exc)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        finish(lambda: _print_version())


def _print_version() -> int:
    console.out(f"session-orchestrator {tpl.template_version()} (package, template and runtime)")
    return EXIT_OK


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
) -> None:
    _state["debug"] = debug


@app.command(cls=terminal.Command)
def demo(
    dest: Annotated[Path, typer.Argument(help="Where to create the demo repository.")] = Path("demo/python-calc"),
    example: Annotated[str, typer.Option(help="Which bundled example repository to copy.")] = "python-calc",
    force: Annotated[bool, typer.Option("--force", help="Replace DEST if it exists.")] = False,
    platform: Platform = None,
    quiet: Quiet = False,
) -> None:
    """Render the template into a fresh copy of an example repository and show the result.

    Copies the example to DEST, makes it a git repository, renders the template
    into it, then prints what the agent will see at session start (the banner)
    and the validated Session Config. Needs no network.
    """
    finish(lambda: demo_mod.run(dest.absolute(), example, force, platform, quiet))


@app.command(cls=terminal.Command)
def init(
    dest: Annotated[Path, typer.Argument(help="The repository to set up.")] = Path("."),
    platform: Platform = None,
    data: Data = None,
    template: TemplateOpt = None,
    vcs_ref: Annotated[str | None, typer.Option(metavar="<ref>",
                                                help="Template version: a release tag such as v0.2.0, or HEAD. "
                                                     "Default: this installation's version.")] = None,
    defaults: Annotated[bool, typer.Option("--defaults", help="Ask nothing: take the detected defaults "
                                                              "(implied when stdin is not a terminal).")] = False,
    quiet: Quiet = False,
) -> None:
    """Add the session loop to an existing git repository.

    Detects the agents you use (from their files) and your test, type-check
    and lint commands, then asks the template's questions with those as the
    defaults. Your CLAUDE.md and .claude/settings.json are merged, never
    overwritten. Exit codes: 0 set up, 1 failed.
    """
    finish(lambda: initialize.run(dest.absolute(), platform, data, template, vcs_ref, defaults, quiet))


@app.command("update", cls=terminal.Command)
def update_cmd(
    dest: Annotated[Path, typer.Argument(help="The repository to update.")] = Path("."),
    data: Data = None,
    template: TemplateOpt = None,
    vcs_ref: Annotated[str | None, typer.Option(metavar="<ref>",
                                                help="Template version to update to (a release tag, or HEAD). "
                                                     "Default: this installation's version, or the newest "
                                                     "tag of --template.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the files the update would add, remove, "
                                                            "merge or leave in conflict; change nothing.")] = False,
    quiet: Quiet = False,
) -> None:
    """Update the rendered files to a newer template version, keeping your edits.

    Needs a clean working tree (commit or stash first). Runs Copier's 3-way
    merge, restores the vendored runtime (saving any edits you made to it), and
    lists every file left with conflict markers, unmerged entries or .rej files.

    Exit codes: 0 updated; 3 updated with conflicts to resolve; 1 failed (nothing to resolve).
    """
    finish(lambda: update_mod.run(dest.absolute(), data, template, vcs_ref, dry_run, quiet), update_mod.UNDO)


@app.command(cls=terminal.Command)
def doctor(dest: Annotated[Path, typer.Argument(help="The repository to check.")] = Path(".")) -> None:
    """Check that the runtime, the Session Config and the agent hooks are wired up."""
    finish(lambda: _doctor(dest))


def _doctor(dest: Path) -> int:
    """The repository's own doctor, its output passed through as it is."""
    if not (dest / RUNTIME_DIR).is_dir():
        raise CliError(f"{dest} has no {RUNTIME_DIR}; set it up with 'session-orchestrator init {dest}'")
    result = run_runtime(dest, "doctor")
    console.show(result)
    return result.returncode


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
