"""`session-orchestrator`: set up, update and check the session loop in a repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import git
import typer

from session_orchestrator import answers as answers_mod
from session_orchestrator import template as tpl
from session_orchestrator import terminal, vendored
from session_orchestrator.template import ANSWERS_FILE, RUNTIME_DIR, CliError, Source

EXIT_OK, EXIT_FAILED, EXIT_CONFLICTS = 0, 1, 3

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


def _step(text: str, quiet: bool) -> None:
    if not quiet:
        typer.secho(f"==> {text}", fg=typer.colors.CYAN, err=True)


@contextmanager
def _progress(text: str, quiet: bool) -> Iterator[None]:
    """A step that takes seconds: its line, with a spinner while it runs when stderr is a terminal."""
    if quiet:
        yield
        return
    if not sys.stderr.isatty():
        _step(text, quiet)
        yield
        return
    import itertools
    import threading

    done = threading.Event()

    def spin() -> None:
        for frame in itertools.cycle("|/-\\"):
            sys.stderr.write(f"\r==> {text} {frame}")
            sys.stderr.flush()
            if done.wait(0.1):
                break
        sys.stderr.write(f"\r==> {text}  \n")
        sys.stderr.flush()

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _warn(text: str) -> None:
    typer.secho(f"warning: {text}", fg=typer.colors.YELLOW, err=True)


def _fail(text: str, code: int = EXIT_FAILED) -> None:
    typer.secho(f"error: {text}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _copier_message(exc: Exception) -> str:
    """Copier's own error text, reduced to the line that says what is wrong."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    found = re.match(r"Validation error for question '([^']+)': (.*)", text)
    if found:
        return f"{found.group(1)}: {found.group(2)} Change the answer (-d {found.group(1)}=...) and run it again."
    found = re.match(r"Invalid choice for '([^']+)': (.*)", text)
    if found:
        return f"{found.group(1)}: {found.group(2)}. Change the answer and run it again."
    return text


@contextmanager
def _errors(next_step: str = "") -> Iterator[None]:
    """Turns every failure into one or two lines; `--debug` shows the traceback instead."""
    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except CliError as exc:
        if _state["debug"]:
            raise
        _fail(str(exc))
    except Exception as exc:
        if _state["debug"]:
            raise
        from copier.errors import CopierError, TaskError

        if isinstance(exc, TaskError):
            _fail("the install step failed (its message is above); fix what it names, then run "
                  "'python3 .orchestrator/runtime install'")
        if isinstance(exc, git.GitCommandError):
            detail = (exc.stderr or str(exc)).strip().splitlines()[-1:] or [""]
            _fail(f"git failed: {detail[0].strip()}\n{next_step or 'run again with --debug for details'}")
        if isinstance(exc, (CopierError, ValueError)):
            _fail(_copier_message(exc))
        stderr = getattr(exc, "stderr", None)
        if type(exc).__module__.startswith("plumbum") and isinstance(stderr, str) and stderr.strip():
            lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
            first = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1])
            _fail(f"git failed: {first}\ncheck the template URL and the network, or pass --template <local clone>")
        if type(exc).__module__.startswith(("plumbum", "copier")):
            _fail(f"copier failed: {_copier_message(exc)}\n{next_step or 'run again with --debug for details'}")
        _fail(f"{type(exc).__name__}: {exc}\nrun the same command with --debug for the details")


def _version(value: bool) -> None:
    if value:
        with _errors():
            typer.echo(f"session-orchestrator {tpl.template_version()} (package, template and runtime)")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
) -> None:
    _state["debug"] = debug


# --- answers ----------------------------------------------------------------------------------------


def _template_dir(source: Source) -> Path | None:
    """A local copy of the template's files, to read its questions from; None for a remote URL."""
    if source.fetch and not tpl.is_url(source.fetch):
        return Path(source.fetch)
    return None


AGENT_FILES = {"claude": (".claude", "CLAUDE.md"), "codex": ("AGENTS.md", ".codex"), "cursor": (".cursor",),
               "pi": (".pi",)}


def detect_answers(dest: Path, template_dir: Path | None) -> tuple[dict[str, Any], list[str]]:
    """Defaults read from the repository: the agents in use, and the gate commands `auto` finds now."""
    notes: list[str] = []
    found = [name for name, marks in AGENT_FILES.items() if any((dest / mark).exists() for mark in marks)]
    wired = tpl.wired_platforms(template_dir) if template_dir else ["claude"]
    platforms = [name for name in found if name in wired] or wired[:1]
    for name in found:
        if name not in wired:
            notes.append(f"found {name} files; {name} is not wired in this version yet, so it is left out")
    defaults: dict[str, Any] = {"platforms": platforms}
    try:
        detect = vendored.runtime_module("loop.detect")
        for kind in ("test", "typecheck", "lint"):
            command, _why = detect.detect(kind, dest)
            if command and command != "skip":
                defaults[f"{kind}_command"] = command
    except Exception as exc:  # detection only proposes defaults; "auto" stays the fallback
        notes.append(f"gate command detection unavailable ({type(exc).__name__}); defaults stay 'auto'")
    return defaults, notes


# --- doctor ------------------------------------------------------------------------------------------

_GATE_MISSING = re.compile(r"^\s*FAIL\s+\w+ gate cannot run: ")
# A trust step the agent needs from the user (Codex CLI skips untrusted hooks): it can only be taken
# after the install, so right after one it is a next step, not a failure.
_TRUST_STEP = re.compile(r"^\s*FAIL\s+.*skips (?:its hooks|them) silently")


def _doctor(dest: Path, quiet: bool) -> int:
    """Runs the repository's doctor; a gate tool that is not installed, or an agent's trust step still to
    take, is a warning, not a failed install."""
    result = run_runtime(dest, "doctor")
    fails = [line for line in result.stdout.splitlines() if line.lstrip().startswith("FAIL")]
    if result.returncode == 0 or (fails and all(_GATE_MISSING.match(line) or _TRUST_STEP.match(line)
                                                for line in fails)):
        if not quiet or fails:
            typer.echo(result.stdout.rstrip())
        for line in fails:
            _warn(line.strip().removeprefix("FAIL").strip() + " (the install itself worked)")
        return EXIT_OK
    typer.echo(result.stdout.rstrip())
    if result.stderr.strip():
        typer.echo(result.stderr.rstrip(), err=True)
    typer.secho("error: the result has problems (listed above); fix them, then run "
                "'python3 .orchestrator/runtime doctor'", fg=typer.colors.RED, err=True)
    return EXIT_FAILED


def run_runtime(dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the repository's vendored runtime, as hooks and command texts do."""
    dest = dest.resolve()
    return subprocess.run([sys.executable, "-S", str(dest / RUNTIME_DIR), *args], cwd=dest, capture_output=True,
                          text=True)


# --- copier -------------------------------------------------------------------------------------------


def _copy(source: Source, dest: Path, data: dict[str, Any], defaults: dict[str, Any], ask: bool,
          quiet: bool) -> None:
    from copier import run_copy

    if source.fetch and not tpl.is_url(source.fetch):
        # A local repository is cloned directly (as fast as bare copier); the answers file then
        # gets the shareable URL in place of the local path.
        with tpl.fetch_from(Source(source.fetch, None, source.ref)), terminal.plain_stderr():
            run_copy(source.fetch, str(dest), data=data, user_defaults=defaults, defaults=not ask, unsafe=True,
                     vcs_ref=source.ref, quiet=quiet)
        tpl.record_source(dest, source.url)
        return
    with tpl.fetch_from(source), terminal.plain_stderr():
        run_copy(source.url, str(dest), data=data, user_defaults=defaults, defaults=not ask, unsafe=True,
                 vcs_ref=source.ref, quiet=quiet)


def _update(dest: Path, repo: git.Repo, source: Source, data: dict[str, Any], quiet: bool) -> list[str]:
    """copier update, then the vendored runtime restored to the new version; returns notes to print."""
    from copier import run_update

    runtime_dir = dest / RUNTIME_DIR
    before = vendored.snapshot(repo, runtime_dir)
    old = str(tpl.read_answers(dest)["_commit"])
    with tpl.fetch_from(source) as mirrors:
        with terminal.plain_stderr():
            run_update(str(dest), data=data, defaults=True, overwrite=True, unsafe=True, vcs_ref=source.ref,
                       answers_file=ANSWERS_FILE, quiet=quiet)
        new = str(tpl.read_answers(dest)["_commit"])
        history = tpl.template_repo(source, mirrors)
        if history is None:
            return ["the template's history was not readable, so the runtime was merged, not restored"]
        return vendored.restore(dest, repo, history, old, new, before)


def _report_conflicts(found: dict[str, str]) -> int:
    typer.secho(f"the update left {len(found)} file(s) to resolve; nothing you wrote is lost, "
                "both versions are in each file:", fg=typer.colors.RED, err=True)
    for name, what in found.items():
        typer.echo(f"  {name}: {what}", err=True)
    typer.echo("next: edit each file to what you want (between <<<<<<< and >>>>>>>; for a .rej file apply its "
               "hunks by hand and delete it), then 'git add' them and commit", err=True)
    return EXIT_CONFLICTS


@contextmanager
def _silenced() -> Iterator[None]:
    """Sends file descriptor 1 (where Copier's tasks write) to /dev/null for a while."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


_STATUS_WORDS = {"A": "add", "?": "add", "D": "remove", "M": "merge", "R": "rename", "U": "conflict"}


def _dry_run(dest: Path, repo: git.Repo, source: Source, data: dict[str, Any]) -> tuple[int, list[str]]:
    """The update, run in a throwaway clone of the repository; lists what it would change there."""
    root = Path(repo.working_tree_dir or dest)
    sub = dest.resolve().relative_to(root.resolve())
    with tempfile.TemporaryDirectory(prefix="session-orchestrator-dry-run-") as tmp:
        clone = git.Repo.clone_from(str(root), str(Path(tmp) / "repo"))
        target = Path(clone.working_tree_dir or tmp) / sub
        with _silenced():  # the install step's notes describe the scratch clone, not the repository
            _update(target, clone, source, data, quiet=True)
        changes = []
        for line in clone.git.status("--porcelain", "--untracked-files=all").splitlines():
            code, name = line[:2], line[3:]
            word = "conflict" if "U" in code or code in ("AA", "DD") else _STATUS_WORDS.get(code.strip()[:1], "change")
            changes.append((word, name))
        found = tpl.conflicts(clone)
    if not changes:
        return EXIT_OK, ["the update would change nothing"]
    lines = [f"the update would change {len(changes)} file(s) (nothing was changed):"]
    lines += [f"  {'conflict' if name in found else word:9} {name}" for word, name in changes]
    return (EXIT_CONFLICTS if found else EXIT_OK), lines


# --- commands -----------------------------------------------------------------------------------------


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
    dest = dest.absolute()
    with _errors():
        examples = tpl.bundle_root() / "examples"
        source_dir = examples / example
        if not source_dir.is_dir():
            known = ", ".join(sorted(p.name for p in examples.iterdir() if p.is_dir()))
            _fail(f"no example named {example!r}; known: {known}")
        source = tpl.init_source(None, None)
        # an unknown platform is refused before any copy
        answers = answers_mod.parse(None, platform, _template_dir(source)) if platform else {}
        if dest.exists():
            if not force:
                _fail(f"{dest} already exists; pass --force to replace it")
            shutil.rmtree(dest)
        _step(f"copying the {example} example to {dest}", quiet)
        shutil.copytree(source_dir, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        repo = git.Repo.init(dest, initial_branch="main")
        repo.git.add("-A")
        with repo.git.custom_environment(GIT_AUTHOR_NAME="demo", GIT_AUTHOR_EMAIL="demo@example.com",
                                         GIT_COMMITTER_NAME="demo", GIT_COMMITTER_EMAIL="demo@example.com"):
            repo.git.commit("-q", "--no-verify", "-m", "example")
        source = tpl.init_source(None, None)
        answers = answers_mod.parse(None, platform, _template_dir(source)) if platform else {}
        _step("rendering the template", quiet)
        _copy(source, dest, answers, {}, ask=False, quiet=True)
    added = sorted(str(p.relative_to(dest)) for p in dest.rglob("*")
                   if p.is_file() and ".git" not in p.parts and "runtime" not in p.parts)
    wired = _rendered_platforms(dest)
    ours = tuple({".orchestrator", ".copier", *(str(data.get(key, "")).split("/")[0] for data in wired.values()
                                               for key in ("commands_dir", "agents_dir", "settings_file")
                                               if data.get(key))})
    instructions = {name for data in wired.values() for name in data.get("instruction_files", [])}
    typer.echo("Files the template added or changed (besides .orchestrator/runtime/):")
    for name in added:
        if name.startswith(ours) or name in instructions:
            typer.echo(f"  {name}")
    _step("session-start banner (what the agent sees first)", quiet)
    _show(run_runtime(dest, "banner"))
    _step("Session Config, validated", quiet)
    result = run_runtime(dest, "config")
    _show(result)
    if result.returncode != 0:
        raise typer.Exit(result.returncode)
    # How to start each agent, and any one-time step it needs first, are platform data.
    typer.echo("")
    if not wired:
        typer.echo(f"Done. Open {dest} in your agent and type: /session feature")
    for name, data in wired.items():
        label = data.get("label", name)
        if data.get("start"):
            typer.echo(f"{label} ({dest}): {' '.join(str(data['start']).split())}.")
        else:
            typer.echo(f"Done. Open {dest} in {label} and type: {data.get('command_prefix', '/')}session feature")
        if data.get("trust"):
            typer.echo(f"  {' '.join(str(data['trust']).split())}.")
        for step in data.get("first_run") or []:
            typer.echo(f"  first, once: {step}")
        hosted = [str(wired[other].get("label", other)) for other in (data.get("also_reads") or {}).get("hooks", [])
                  if other in wired]
        if hosted:
            typer.echo(f"  {label} also runs {' and '.join(hosted)}'s hooks when its third-party hooks setting is "
                       "on; they stand aside for the calls its own hooks judge, so the setting may stay either way.")


def _rendered_platforms(dest: Path) -> dict[str, dict[str, Any]]:
    """The platforms the render wired, from its install manifest (empty if it cannot be read)."""
    try:
        data = json.loads((dest / ".orchestrator" / "install.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get("platforms") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def _show(result: subprocess.CompletedProcess[str]) -> None:
    typer.echo(result.stdout.rstrip())
    if result.stderr.strip():
        typer.echo(result.stderr.rstrip(), err=True)


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
    dest = dest.absolute()
    with _errors():
        repo = tpl.open_repo(dest) if dest.is_dir() else None
        if repo is None:
            _fail(f"{dest} is not a git repository; run 'git init {dest}' first")
        if (dest / ANSWERS_FILE).exists():
            _fail(f"{dest} is already set up ({ANSWERS_FILE} exists); run 'session-orchestrator update {dest}'")
        source = tpl.init_source(template, vcs_ref)
        template_dir = _template_dir(source)
        answers = answers_mod.parse(data, platform, template_dir)
        proposed, notes = detect_answers(dest, template_dir)
        for note in notes:
            _warn(note)
        dirty = tpl.dirty_files(repo)
        if dirty:
            _warn(f"{len(dirty)} uncommitted file(s); the template's changes will mix with them")
        ask = not defaults and terminal.can_ask()
        _step(f"rendering {source.url}{' ' + source.ref if source.ref else ''} into {dest}", quiet)
        _copy(source, dest, answers, proposed, ask=ask, quiet=quiet)
    _step("checking the result", quiet)
    raise typer.Exit(_doctor(dest, quiet))


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
    dest = dest.absolute()
    with _errors("run 'git status' to see what changed, then 'git checkout -- . && git clean -fd' to undo"):
        repo = tpl.open_repo(dest) if dest.is_dir() else None
        if repo is None:
            _fail(f"{dest} is not a git repository; updates need git to merge (run 'git init' and commit first)")
        tpl.read_answers(dest)
        dirty = tpl.dirty_files(repo)
        if dirty:
            listed = "\n  ".join(dirty[:10]) + ("\n  ..." if len(dirty) > 10 else "")
            _fail(f"the working tree has uncommitted changes:\n  {listed}\n"
                  "commit or stash them (git stash -u), then run 'session-orchestrator update' again")
        source = tpl.update_source(dest, template, vcs_ref)
        answers = answers_mod.parse(data, None, _template_dir(source))
        if dry_run:
            with _progress("trying the update in a scratch clone", quiet):
                code, lines = _dry_run(dest, repo, source, answers)
            typer.echo("\n".join(lines))
            raise typer.Exit(code)
        with _progress(f"updating from {source.describe()}", quiet):
            notes = _update(dest, repo, source, answers, quiet)
        for note in notes:
            _warn(note)
        found = tpl.conflicts(repo)
    if found:
        raise typer.Exit(_report_conflicts(found))
    _step("checking the result", quiet)
    raise typer.Exit(_doctor(dest, quiet))


@app.command(cls=terminal.Command)
def doctor(dest: Annotated[Path, typer.Argument(help="The repository to check.")] = Path(".")) -> None:
    """Check that the runtime, the Session Config and the agent hooks are wired up."""
    if not (dest / RUNTIME_DIR).is_dir():
        _fail(f"{dest} has no {RUNTIME_DIR}; set it up with 'session-orchestrator init {dest}'")
    result = run_runtime(dest, "doctor")
    _show(result)
    raise typer.Exit(result.returncode)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
