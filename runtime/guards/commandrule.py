# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Matching one `command` alternative of a guard rule against one parsed command.

A command alternative describes structure: the verb, the subcommand, flags (with GNU
prefixes and clustered short flags), operands in sequence, and exceptions for paths a
delete may remove without asking (scratch space, allow-listed caches, ignored build
output). Git commands are matched on what git would really run (see lineview.py).
"""

from __future__ import annotations

import os

from .pathglob import as_list, glob_match, repo_relative
from .shellmodel import printed

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from pathlib import Path
    from typing import Any

    from .lineview import LineView
    from .shellmodel import Command


def matches(alt: dict[str, Any], cmd: Command, root: Path, cwd: str, ev: LineView | None = None) -> bool:
    """Does `cmd` match one alternative of a command rule? `ev` carries the line's git
    expansions; without it (a command judged on its own) git words are expanded here."""
    if ev is None:
        from .lineview import LineView
        from .shellmodel import Parse

        ev = LineView(Parse(), root, cwd)
    verb = cmd.verb
    if not verb or not any(glob_match(v, verb) for v in as_list(alt["verb"])):
        return False
    via = alt.get("via")
    if via is not None and not glob_match(via, cmd.via.split(" ", 1)[0] if cmd.via else ""):
        return False
    args = ev.git_args(cmd) if verb == "git" else cmd.args
    sub = alt.get("sub") or []
    if args[:len(sub)] != sub:
        return False
    rest = args[len(sub):]
    if alt.get("loose"):  # words compared in lower case with blanks removed: FlushAll, deleteMany( {} )
        rest = ["".join(a.lower().split()) for a in rest + _stdin_lines(cmd)]
    flags, operands, after_dd = _split(rest)
    for group in alt.get("flags") or []:
        if not any(_has_flag(flags, f) for f in group):
            return False
    if any(_has_flag(flags, f) for f in alt.get("not_flags") or []):
        return False
    for group in alt.get("args") or []:
        if not any(glob_match(p, a) for a in rest for p in group):
            return False
    if any(glob_match(p, a) for a in rest for p in alt.get("not_args") or []):
        return False
    for group in alt.get("operands") or []:
        if not any(glob_match(p, a) for a in operands for p in group):
            return False
    if any(glob_match(p, a) for a in operands for p in alt.get("not_operands") or []):
        return False
    if not _in_sequence(alt.get("seq") or [], operands):
        return False
    if len(operands) < alt.get("min_operands", 0):
        return False
    if alt.get("after_dashdash") and not after_dd:
        return False
    if alt.get("root_operand") and not any(_is_root_or_above(op, cmd, ev) for op in operands):
        return False
    if alt.get("path_operand") and not any(_is_worktree_path(op, cmd, ev) for op in operands):
        return False
    if alt.get("unknown_operand") and not any(op in cmd.dynamic or any(c in op for c in "$`*?[") for op in operands):
        return False
    if not operands or not (alt.get("allow_temp") or alt.get("allow_paths") or alt.get("allow_ignored")):
        return True
    return not _disposable(alt, cmd, operands, ev)


def _disposable(alt: dict[str, Any], cmd: Command, operands: list[str], ev: LineView) -> bool:
    """Every operand is scratch space, a regenerable cache, or ignored build output the rule lets go
    (see disposable.py); a find's deletion is judged by what its expression selects."""
    from . import disposable

    where = ev.where(cmd)
    finder = cmd if cmd.verb == "find" else cmd.feeder
    if finder is not None and finder.verb == "find" and (finder is cmd or all(op == "{}" for op in operands)):
        where = ev.where(finder)
        return bool(alt.get("allow_ignored")) and where is not None and \
            disposable.find_selects_only_ignored(finder.args, ev.root, where, ev.links())
    if where is None:  # a dynamic `cd` came first: no relative path is placed, so none is allow-listed
        if not all(op.startswith("/") for op in operands):
            return False
        where = "/"
    links = ev.links()
    left = [op for op in operands
            if disposable.through_link(op, where, links) or
            not ((alt.get("allow_temp") and disposable.is_temp_path(op, ev.root, where)) or
                 _in_allowlist(op, alt.get("allow_paths") or [], ev.root, where))]
    if not left:
        return True
    return bool(alt.get("allow_ignored")) and disposable.ignored_output(left, ev.root, where, links, ev.creates(cmd))


def _stdin_lines(cmd: Command) -> list[str]:
    """Lines a command reads as its script from a here-doc, a here-string or `echo ... |`
    (`mongosh <<EOF`, `echo FLUSHALL | redis-cli`), for the rules that read such input."""
    texts = [r.target for r in cmd.redirects if r.mode in ("heredoc", "herestring")]
    prev = cmd.pipe_prev
    if prev is not None and prev.verb in ("echo", "printf"):
        texts.extend(printed(prev))  # escapes decoded: printf 'FLUSHALL\r\n' | nc host 6379
    if prev is not None and prev.verb == "cat":
        texts.extend(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
    return [line for text in texts for line in text.splitlines() if line.strip()]


def _in_sequence(groups: list[list[str]], operands: list[str]) -> bool:
    """The operands contain, in this order (other words may sit between), one match per group:
    `kubectl -n prod delete ns x` holds ["delete"], ["ns", "namespace*"]."""
    k = 0
    for group in groups:
        while k < len(operands) and not any(glob_match(p, operands[k]) for p in group):
            k += 1
        if k >= len(operands):
            return False
        k += 1
    return True


def _is_root_or_above(operand: str, cmd: Command, ev: LineView) -> bool:
    """`git rm -r` of the whole work tree: `.` at the top, `..` from below, `:/`, or an absolute
    path at or above the project root. An unknown directory counts as the root."""
    if operand.startswith((":/", ":(top")) and operand.rstrip("*") in (":/", ":(top)", ":(top)/", ":/."):
        return True
    if any(c in operand for c in "$`") or operand in cmd.dynamic:  # a path only known when it runs counts as the root
        return True
    if any(c in operand for c in "*?[") and operand.strip("*./") == "":
        operand = "."
    where = ev.where(cmd)
    if where is None and not operand.startswith("/"):
        return True
    path = os.path.normpath(os.path.join(where or "/", operand))
    base = os.path.normpath(str(ev.root))
    return path == base or base.startswith(path.rstrip("/") + "/") or path == "/"


def _is_worktree_path(operand: str, cmd: Command, ev: LineView) -> bool:
    """`git checkout NAME` restores a file when NAME is a path and not a branch."""
    where = ev.where(cmd)
    if where is None or operand.startswith("-"):
        return False
    from . import gitargs

    return os.path.lexists(os.path.join(where, operand)) and not gitargs.is_branch(ev.root, operand)


def _in_allowlist(operand: str, patterns: list[str], root: Path, cwd: str) -> bool:
    """A regenerable path inside the repo (node_modules, caches), judged both as
    written and after resolving symlinks, so a link named node_modules cannot
    point the delete somewhere else."""
    if not patterns or any(c in operand for c in "$`*?[~"):
        return False
    from .pathglob import resolve

    lexical = repo_relative(operand, root, cwd)
    real = resolve(operand, root, cwd)
    if not lexical or not real:
        return False
    return all(any(glob_match(p, rel) for p in patterns) for rel in (lexical, real))


def _split(args: list[str]) -> tuple[set[str], list[str], list[str]]:
    """(flags, operands, operands after `--`). `-rf` yields -rf, -r and -f."""
    flags: set[str] = set()
    operands: list[str] = []
    after: list[str] = []
    dashdash = False
    for a in args:
        if dashdash:
            operands.append(a)
            after.append(a)
        elif a == "--":
            dashdash = True
        elif a.startswith("--"):
            flags.add(a.split("=", 1)[0])
        elif a.startswith("-") and len(a) > 1:
            flags.add(a)
            if "=" in a:  # Go-style single-dash long options: -auto-approve=true
                flags.add(a.split("=", 1)[0])
            flags.update("-" + c for c in a[1:])
        else:
            operands.append(a)
    return flags, operands, after


def _has_flag(flags: set[str], wanted: str) -> bool:
    if wanted in flags:
        return True
    if wanted.startswith("--"):  # GNU getopt accepts any unambiguous prefix: --rec, --forc
        return any(f.startswith("--") and len(f) >= 5 and wanted.startswith(f) for f in flags)
    return False
