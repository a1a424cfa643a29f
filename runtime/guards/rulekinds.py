# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The kinds of guard rule, in one explicit registry: `KINDS` maps each kind a policy may name to
the handler that knows it.

A handler says which keys a match of its kind may hold and what it must name (the policy
refuses a rule otherwise), and finds the first command on the line that one alternative
matches (the guard's `evaluate` asks it). The list of kinds is `KINDS` and nothing else; a new
kind is one handler class here plus its entry, with its matching logic in a module of its own
(commandrule.py, sql.py).
"""

from __future__ import annotations

import os

from . import commandrule
from .limits import clock
from .pathglob import as_list, glob_match, repo_relative
from .shellmodel import resolve_cwd
from .writeeffects import WRITING_VERBS, write_targets

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

    from .lineview import LineView
    from .shellmodel import Command


class RuleKind:
    """What every kind of match provides; a subclass overrides what its kind needs."""

    keys: frozenset[str] = frozenset({"kind"})  # every key a match of this kind may hold

    def problem(self, alt: dict[str, Any]) -> str:
        """What a match of this kind lacks, '' when it is complete."""
        return ""

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        """The first command on the line that `alt` matches, in line order, or None."""
        return None


class CommandKind(RuleKind):
    """A command by its structure: verb, subcommand, flags, operands (commandrule.py)."""

    keys = frozenset({"kind", "verb", "sub", "flags", "not_flags", "args", "not_args", "operands", "not_operands",
                      "after_dashdash", "via", "allow_temp", "allow_paths", "allow_ignored", "seq", "min_operands",
                      "root_operand", "path_operand", "loose", "unknown_operand"})

    def problem(self, alt: dict[str, Any]) -> str:
        return "" if alt.get("verb") else "a command match needs a \"verb\""

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        ticker, matches, root, cwd = clock(), commandrule.matches, view.root, view.cwd
        for cmd in view.with_verb(as_list(alt["verb"])):
            ticker.tick()
            if matches(alt, cmd, root, cwd, view):
                return cmd
        return None


class SqlKind(RuleKind):
    """SQL statements a database client on the line would run (sql.py)."""

    keys = frozenset({"kind", "clients", "statements", "lacks", "contains"})

    def problem(self, alt: dict[str, Any]) -> str:
        if alt.get("clients") and alt.get("statements"):
            return ""
        return "an sql match needs \"clients\" and \"statements\""

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        candidates = view.with_client(as_list(alt["clients"]))
        if not candidates:
            return None
        from . import sql  # imported only when a database client is on the line

        ticker = clock()
        for cmd in candidates:
            ticker.tick()
            if sql.matches(alt, cmd, view):
                return cmd
        return None


def _writers(view: LineView) -> list[Command]:
    return [c for c in view.commands if c.writes or c.redirects or c.verb in WRITING_VERBS]


class TruncateKind(RuleKind):
    """A file in the project, named by `targets`, truncated or replaced by a write."""

    keys = frozenset({"kind", "targets"})

    def problem(self, alt: dict[str, Any]) -> str:
        return "" if alt.get("targets") else "a truncate match needs \"targets\""

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        ticker = clock()
        patterns = [p.lower() for p in as_list(alt["targets"])]
        for cmd in _writers(view):
            ticker.tick()
            targets = write_targets(cmd)
            if not targets:
                continue
            cwd = resolve_cwd(cmd, view.cwd) or str(view.root)  # an unknown directory is judged as the root
            for target, mode in targets:
                if mode not in ("truncate", "replace") or any(c in target for c in "$`"):
                    continue
                rel = repo_relative(target, view.root, cwd)
                if rel is not None and any(glob_match(p, rel.lower()) for p in patterns):
                    return cmd
        return None


class DeviceWriteKind(RuleKind):
    """Any write (redirect, tee, cp, an interpreter's open) whose target resolves into /dev/, other
    than the harmless pseudo-devices in `not_targets`: `> /dev/sda` is `dd of=/dev/sda` by another name."""

    keys = frozenset({"kind", "not_targets"})

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        ticker = clock()
        harmless = as_list(alt.get("not_targets"))
        for cmd in _writers(view):
            ticker.tick()
            where = resolve_cwd(cmd, view.cwd) or str(view.root)
            for target, _mode in write_targets(cmd):
                if any(c in target for c in "$`"):
                    continue
                path = os.path.normpath(os.path.join(where, os.path.expanduser(target)))
                if path.startswith("/dev/") and not any(glob_match(p, path) for p in harmless):
                    return cmd
        return None


class ForkBombKind(RuleKind):
    """A function that calls itself in a pipeline or in the background (found by the parser)."""

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        return view.parsed.fork_bombs[0] if view.parsed.fork_bombs else None


class GitConfigKind(RuleKind):
    """A git command with an alias or setting that runs a program whose text cannot be read here (lineview.py)."""

    def first_match(self, alt: dict[str, Any], view: LineView) -> Command | None:
        if not view.unknown:
            return None
        return next((c for c in view.commands if id(c) in view.unknown), None)


KINDS: dict[str, RuleKind] = {
    "command": CommandKind(),
    "sql": SqlKind(),
    "truncate": TruncateKind(),
    "device-write": DeviceWriteKind(),
    "fork-bomb": ForkBombKind(),
    "git-config": GitConfigKind(),
}
