"""`init`: render the template into an existing git repository, with defaults read from it."""

from __future__ import annotations

from pathlib import Path

from session_orchestrator import answers as answers_mod
from session_orchestrator import console, doctor, terminal
from session_orchestrator import template as tpl
from session_orchestrator.detect import detect_answers
from session_orchestrator.errors import CliError
from session_orchestrator.template import ANSWERS_FILE


def run(dest: Path, platform: list[str] | None, data: list[str] | None, template: str | None,
        vcs_ref: str | None, defaults: bool, quiet: bool) -> int:
    """The `init` command: refuse what cannot be set up, ask (or take the defaults), render, check."""
    repo = tpl.open_repo(dest) if dest.is_dir() else None
    if repo is None:
        raise CliError(f"{dest} is not a git repository; run 'git init {dest}' first")
    if (dest / ANSWERS_FILE).exists():
        raise CliError(f"{dest} is already set up ({ANSWERS_FILE} exists); run 'session-orchestrator update {dest}'")
    source = tpl.init_source(template, vcs_ref)
    template_dir = tpl.template_dir(source)
    answers = answers_mod.parse(data, platform, template_dir)
    proposed, notes = detect_answers(dest, template_dir)
    for note in notes:
        console.warn(note)
    dirty = tpl.dirty_files(repo)
    if dirty:
        console.warn(f"{len(dirty)} uncommitted file(s); the template's changes will mix with them")
    ask = not defaults and terminal.can_ask()
    console.step(f"rendering {source.url}{' ' + source.ref if source.ref else ''} into {dest}", quiet)
    tpl.render(source, dest, answers, proposed, ask=ask, quiet=quiet)
    console.step("checking the result", quiet)
    return doctor.after_install(dest, quiet)
