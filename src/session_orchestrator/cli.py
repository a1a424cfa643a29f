"""`session-orchestrator`: set up, update and check the session loop in a repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from session_orchestrator import __version__
from session_orchestrator.template import (
    ANSWERS_FILE,
    CliError,
    conflicts,
    copy,
    default_template,
    dirty_files,
    is_git_repo,
    resolve_template,
    run_runtime,
    update,
)

app = typer.Typer(
    help="Give your coding agent a verified session loop: /session, /go, /close, with hooks that enforce.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
)

Platform = Annotated[
    list[str] | None,
    typer.Option("--platform", "-p", help="Agent to set up (repeat for several): claude, codex, cursor, pi."),
]
Data = Annotated[
    list[str] | None,
    typer.Option("--data", "-d", help="Answer a template question, e.g. -d enforcement=strict (repeatable)."),
]
TemplateOpt = Annotated[
    str | None, typer.Option("--template", help="Template source (path or git URL). Default: this checkout.")
]


def _step(text: str) -> None:
    typer.secho(f"==> {text}", fg=typer.colors.CYAN)


def _fail(text: str) -> None:
    typer.secho(f"error: {text}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _answers(platform: list[str] | None, data: list[str] | None) -> dict[str, object]:
    answers: dict[str, object] = {}
    for item in data or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(f"--data expects key=value, got {item!r}")
        answers[key.strip()] = value
    if platform:
        answers["platforms"] = platform
    return answers


def _show(result: subprocess.CompletedProcess[str]) -> None:
    typer.echo(result.stdout.rstrip())
    if result.stderr.strip():
        typer.echo(result.stderr.rstrip(), err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"session-orchestrator {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    pass


@app.command()
def demo(
    dest: Annotated[Path, typer.Argument(help="Where to create the demo repository.")] = Path("demo/python-calc"),
    example: Annotated[str, typer.Option(help="Which repository under examples/ to copy.")] = "python-calc",
    force: Annotated[bool, typer.Option("--force", help="Replace DEST if it exists.")] = False,
) -> None:
    """Render the template into a fresh copy of an example repository and show the result.

    Copies examples/<example> to DEST, makes it a git repository, renders the
    template into it, then prints what the agent will see at session start (the
    banner) and the validated Session Config.
    """
    dest = dest.absolute()
    template = default_template()
    if template is None:
        _fail("the demo needs a source checkout of session-orchestrator (it copies examples/)")
    source = template / "examples" / example
    if not source.is_dir():
        known = ", ".join(sorted(p.name for p in (template / "examples").iterdir() if p.is_dir()))
        _fail(f"no example named {example!r}; known: {known}")
    if dest.exists():
        if not force:
            _fail(f"{dest} already exists; pass --force to replace it")
        shutil.rmtree(dest)
    _step(f"copying examples/{example} to {dest}")
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=demo", "-c", "user.email=demo@example.com", "commit", "-q", "-m", "example"]):
        subprocess.run(["git", *args], cwd=dest, check=True)
    _step("rendering the template (copier copy)")
    with warnings.catch_warnings():  # the demo renders this checkout, uncommitted edits included
        warnings.simplefilter("ignore")
        copy(str(template), dest, {}, "HEAD", quiet=True)
    added = sorted(str(p.relative_to(dest)) for p in dest.rglob("*")
                   if p.is_file() and ".git" not in p.parts and "runtime" not in p.parts)
    typer.echo("Files the template added or changed (besides .orchestrator/runtime/):")
    for name in added:
        if name.startswith((".claude", ".orchestrator", ".copier")) or name == "CLAUDE.md":
            typer.echo(f"  {name}")
    _step("session-start banner (what the agent sees first)")
    _show(run_runtime(dest, "banner"))
    _step("Session Config, validated")
    result = run_runtime(dest, "config")
    _show(result)
    if result.returncode != 0:
        raise typer.Exit(result.returncode)
    typer.echo(f"\nDone. Open {dest} in Claude Code and type: /session feature")


@app.command()
def init(
    dest: Annotated[Path, typer.Argument(help="The repository to set up.")] = Path("."),
    platform: Platform = None,
    data: Data = None,
    template: TemplateOpt = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template version (git tag or HEAD).")] = None,
) -> None:
    """Add the session loop to an existing git repository.

    Your CLAUDE.md and .claude/settings.json are merged, never overwritten. Run
    it on a clean working tree so the change is easy to review.
    """
    dest = dest.absolute()
    if not dest.is_dir() or not is_git_repo(dest):
        _fail(f"{dest} is not a git repository; run 'git init' there first")
    if (dest / ANSWERS_FILE).exists():
        _fail(f"{dest} is already set up ({ANSWERS_FILE} exists); use 'session-orchestrator update'")
    dirty = dirty_files(dest)
    if dirty:
        typer.secho(f"note: {len(dirty)} uncommitted file(s); the template's changes will mix with them",
                    fg=typer.colors.YELLOW, err=True)
    try:
        source = resolve_template(template)
    except CliError as exc:
        _fail(str(exc))
    _step(f"rendering {source} into {dest}")
    copy(source, dest, _answers(platform, data), vcs_ref, quiet=False)
    _step("checking the result")
    result = run_runtime(dest, "doctor")
    _show(result)
    raise typer.Exit(result.returncode)


@app.command("update")
def update_cmd(
    dest: Annotated[Path, typer.Argument(help="The repository to update.")] = Path("."),
    data: Data = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template version to update to (default: newest tag).")] = None,
) -> None:
    """Update the rendered files to a newer template version, keeping your edits.

    Refuses on a dirty working tree (commit or stash first). Exits 1 if the merge
    left conflicts, and lists the files, because Copier itself reports success.
    """
    dest = dest.absolute()
    if not (dest / ANSWERS_FILE).exists():
        _fail(f"{dest / ANSWERS_FILE} not found; set the repository up with 'session-orchestrator init'")
    dirty = dirty_files(dest)
    if dirty:
        _fail("the working tree has uncommitted changes:\n  " + "\n  ".join(dirty[:10])
              + "\ncommit or stash them, then run the update again")
    _step("updating (copier update)")
    update(dest, _answers(None, data), vcs_ref, quiet=False)
    left = conflicts(dest)
    if left:
        typer.secho("the update left conflicts; resolve them before committing:", fg=typer.colors.RED, err=True)
        for name in left:
            typer.echo(f"  {name}", err=True)
        raise typer.Exit(1)
    _step("checking the result")
    result = run_runtime(dest, "doctor")
    _show(result)
    raise typer.Exit(result.returncode)


@app.command()
def doctor(dest: Annotated[Path, typer.Argument(help="The repository to check.")] = Path(".")) -> None:
    """Check that the runtime, the Session Config and the agent hooks are wired up."""
    if not (dest / ".orchestrator" / "runtime").is_dir():
        _fail(f"{dest} has no .orchestrator/runtime; set it up with 'session-orchestrator init'")
    result = run_runtime(dest, "doctor")
    _show(result)
    raise typer.Exit(result.returncode)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
