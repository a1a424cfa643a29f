"""`demo`: the template rendered into a fresh copy of a bundled example, and what the agent will see.

Needs no network: the example and the template both come with this installation. What each agent
needs to start (a command, a one-time trust step) is read from the install manifest the render wrote,
that is from the platform data, so a new agent brings its own lines.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import git

from session_orchestrator import answers as answers_mod
from session_orchestrator import console, repo_runtime
from session_orchestrator import template as tpl
from session_orchestrator.errors import EXIT_OK, CliError

_AUTHOR = {"GIT_AUTHOR_NAME": "demo", "GIT_AUTHOR_EMAIL": "demo@example.com",
           "GIT_COMMITTER_NAME": "demo", "GIT_COMMITTER_EMAIL": "demo@example.com"}
# Keys of a platform's data that name folders the render writes into.
_FOLDER_KEYS = ("commands_dir", "agents_dir", "settings_file")


def run(dest: Path, example: str, force: bool, platform: list[str] | None, quiet: bool) -> int:
    """The `demo` command: copy, render, then show the banner, the Session Config and how to start."""
    examples = tpl.bundle_root() / "examples"
    source_dir = examples / example
    if not source_dir.is_dir():
        known = ", ".join(sorted(p.name for p in examples.iterdir() if p.is_dir()))
        raise CliError(f"no example named {example!r}; known: {known}")
    source = tpl.init_source(None, None)
    # an unknown platform is refused before any copy
    answers = answers_mod.parse(None, platform, tpl.template_dir(source)) if platform else {}
    if dest.exists():
        if not force:
            raise CliError(f"{dest} already exists; pass --force to replace it")
        shutil.rmtree(dest)
    console.step(f"copying the {example} example to {dest}", quiet)
    _copy_example(source_dir, dest)
    console.step("rendering the template", quiet)
    tpl.render(source, dest, answers, {}, ask=False, quiet=True)
    wired = rendered_platforms(dest)
    console.out("Files the template added or changed (besides .orchestrator/runtime/):")
    for name in added_files(dest, wired):
        console.out(f"  {name}")
    console.step("session-start banner (what the agent sees first)", quiet)
    console.show(repo_runtime.run(dest, "banner"))
    console.step("Session Config, validated", quiet)
    result = repo_runtime.run(dest, "config")
    console.show(result)
    if result.returncode != 0:
        return result.returncode
    console.out("")
    for line in how_to_start(dest, wired):
        console.out(line)
    return EXIT_OK


def _copy_example(source_dir: Path, dest: Path) -> None:
    """The example as a one-commit git repository, as a user's repository would be."""
    shutil.copytree(source_dir, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    repo = git.Repo.init(dest, initial_branch="main")
    repo.git.add("-A")
    with repo.git.custom_environment(**_AUTHOR):
        repo.git.commit("-q", "--no-verify", "-m", "example")


def rendered_platforms(dest: Path) -> dict[str, dict[str, Any]]:
    """The platforms the render wired, from its install manifest (empty if it cannot be read)."""
    try:
        data = json.loads((dest / ".orchestrator" / "install.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get("platforms") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def added_files(dest: Path, wired: dict[str, dict[str, Any]]) -> list[str]:
    """The files the render wrote for the agents: their folders and instruction files (not the runtime)."""
    ours = tuple({".orchestrator", ".copier", *(str(data.get(key, "")).split("/")[0] for data in wired.values()
                                               for key in _FOLDER_KEYS if data.get(key))})
    instructions = {name for data in wired.values() for name in data.get("instruction_files", [])}
    every = sorted(str(p.relative_to(dest)) for p in dest.rglob("*")
                   if p.is_file() and ".git" not in p.parts and "runtime" not in p.parts)
    return [name for name in every if name.startswith(ours) or name in instructions]


def how_to_start(dest: Path, wired: dict[str, dict[str, Any]]) -> list[str]:
    """How to start each agent, and any one-time step it needs first: all of it platform data."""
    if not wired:
        return [f"Done. Open {dest} in your agent and type: /session feature"]
    lines: list[str] = []
    for name, data in wired.items():
        label = data.get("label", name)
        if data.get("start"):
            lines.append(f"{label} ({dest}): {' '.join(str(data['start']).split())}.")
        else:
            lines.append(f"Done. Open {dest} in {label} and type: {data.get('command_prefix', '/')}session feature")
        if data.get("trust"):
            lines.append(f"  {' '.join(str(data['trust']).split())}.")
        lines.extend(f"  first, once: {step}" for step in data.get("first_run") or [])
        hosted = [str(wired[other].get("label", other)) for other in (data.get("also_reads") or {}).get("hooks", [])
                  if other in wired]
        if hosted:
            lines.append(f"  {label} also runs {' and '.join(hosted)}'s hooks when its third-party hooks setting "
                         "is on; they stand aside for the calls its own hooks judge, so the setting may stay either "
                         "way.")
    return lines
