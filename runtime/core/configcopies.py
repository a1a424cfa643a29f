# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The Session Config has one copy in force: the first instruction file that holds one.

Two agents may read two different instruction files, and each file may hold a Session Config; the
runtime reads the first in `config.CONFIG_FILES` order that has the section, whatever agent is running.
A second copy is what its agent sees, not what the runtime enforces: when the two disagree, `config`
and `doctor` say so, naming each value, instead of the first file winning without a word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import CONFIG_FILES, SCHEMA, ConfigError, Problem, SessionConfig, find_heading, format_value, parse_text


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def values_to_copy(config: SessionConfig, answered: dict[str, Any]) -> dict[str, Any]:
    """The values a newly seeded instruction file gets when a copy is already in force: that copy's,
    for every key the answers name or the copy sets, so the two agree from the start."""
    return {name: config.values[name] for name in SCHEMA if name in answered or name in config.lines}


def disagreements(root: Path, config: SessionConfig) -> list[Problem]:
    """A warning per other instruction file whose Session Config differs from the one in force."""
    if config.source is None:
        return []
    live = config.source.name
    found = []
    for name in CONFIG_FILES:
        path = root / name
        if name == live or path == config.source:
            continue
        text = _read(path)
        if text is None:
            continue
        heading = find_heading(text.splitlines())
        if heading is None:
            continue
        try:
            other = parse_text(text, name)
        except ConfigError:
            found.append(Problem(name, heading + 1, f"a second Session Config, with errors; the runtime reads {live}'s",
                                 f"delete the section in {name}, or copy {live}'s into it", "warning"))
            continue
        differing = [key for key in SCHEMA if other.values[key] != config.values[key]]
        if differing:
            shown = "; ".join(f"{key}: {format_value(other.values[key])} here, {format_value(config.values[key])} "
                              f"in {live}" for key in differing)
            found.append(Problem(name, heading + 1,
                                 f"this second Session Config differs from {live}'s, the one in force ({shown})",
                                 f"make them agree (edit {name} or {live}); the runtime reads only {live}",
                                 "warning"))
    return found
