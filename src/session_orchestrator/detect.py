"""Defaults read from the repository for `init`: the agents it already uses, and its gate commands.

Which files show that an agent is in use is platform data (`detect` in `platforms/<name>.yml`), read
from the template being rendered and, for a template whose data predates the key, from the one this
installation carries.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from session_orchestrator import template as tpl
from session_orchestrator import vendored
from session_orchestrator.errors import CliError

# A remote template's platform data cannot be read before Copier fetches it: then only the agent every
# release has wired is proposed.
WIRED_IN_EVERY_RELEASE = ["claude"]


def agent_marks(template_dir: Path | None) -> dict[str, tuple[str, ...]]:
    """platform name -> the files or folders whose presence shows the repository uses that agent."""
    roots: list[Path] = []
    with contextlib.suppress(CliError):  # an installation without a bundle still reads --template's data
        roots.append(tpl.bundle_root())
    if template_dir is not None:
        roots.append(template_dir)  # the template being rendered has the last word
    marks: dict[str, tuple[str, ...]] = {}
    for root in roots:
        for name, data in tpl.platform_data(root).items():
            found = data.get("detect")
            if isinstance(found, list):
                marks[name] = tuple(str(mark) for mark in found)
    return dict(sorted(marks.items()))


def agents_in_use(dest: Path, template_dir: Path | None) -> list[str]:
    return [name for name, marks in agent_marks(template_dir).items() if any((dest / mark).exists() for mark in marks)]


def detect_answers(dest: Path, template_dir: Path | None) -> tuple[dict[str, Any], list[str]]:
    """Defaults read from the repository: the agents in use, and the gate commands `auto` finds now;
    also notes to print (an agent found but not wired, detection that could not run)."""
    notes: list[str] = []
    found = agents_in_use(dest, template_dir)
    wired = tpl.wired_platforms(template_dir) if template_dir else WIRED_IN_EVERY_RELEASE
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
