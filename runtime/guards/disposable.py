# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a delete may remove without asking: scratch space and regenerable, git-ignored build output.

A path is disposable when it lies strictly inside the system temp directory (and not inside the
project), or when it is inside the repository, git-ignored, holds no tracked file and is not
reached through a symlink (neither one on disk nor one the same command line creates). Globs are
expanded as the shell would; `find` selections are judged by the pathspecs they cover. Every
answer fails closed: anything the guard cannot place or git cannot answer is not disposable.
git is asked at most twice per judged deletion, and only when the delete would otherwise be
refused.
"""

from __future__ import annotations

import os

from .pathglob import temp_roots

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from .shellmodel import Command

_TEMP_VARS = ("TMPDIR", "TMP", "TEMP")
CREATORS = frozenset({"ln", "mkdir", "cp", "mv", "tar", "unzip", "touch", "install", "rsync", "git", "cd", "pushd"})


def _temp_default(operand: str) -> str:
    """`${TMPDIR:-/tmp}/x` and `$TMPDIR/x` with the variable filled in as the shell would; unchanged otherwise."""
    for name in _TEMP_VARS:
        for plain in ("${" + name + "}", "$" + name):
            if operand.startswith(plain) and not (plain[1] != "{" and operand[len(plain):len(plain) + 1].isalnum()):
                value = os.environ.get(name)
                return (value + operand[len(plain):]) if value else operand
        for op in (":-", "-"):
            head = "${" + name + op
            if operand.startswith(head) and "}" in operand:
                default, rest = operand[len(head):].split("}", 1)
                value = os.environ.get(name)
                use = value if (value or (op == "-" and value is not None)) else default
                return use + rest
    return operand


def is_temp_path(operand: str, root: Path, cwd: str) -> bool:
    """True when `operand` lies strictly inside the system temp dir, lexically and after resolving
    symlinks, and not inside the project (a repo may itself live in /tmp). A glob counts when every
    match is inside: `/tmp/pip-unpack-*` is, `/tmp/*` is not (it is the whole temp dir)."""
    operand = _temp_default(operand)
    if any(c in operand for c in "$`~") or not operand.strip("/. "):
        return False
    for i, c in enumerate(operand):
        if c in "*?[":
            head = operand[:i]
            if "/" not in operand[i:] and head.rsplit("/", 1)[-1]:
                operand = head  # `pip-unpack-*`: every match is a sibling named pip-unpack-...
            else:
                operand = os.path.dirname(head) or "."  # `dir/*`: dir itself must be strictly inside temp
                if operand in ("/", "."):
                    return False
            break
    path = os.path.normpath(os.path.join(cwd, operand))
    real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    roots = temp_roots()
    lexical_ok = any(path.startswith(r.rstrip("/") + "/") for r in roots)
    real_ok = any(real.startswith(os.path.realpath(r).rstrip("/") + "/") for r in roots)
    if not (lexical_ok and real_ok):
        return False
    project = os.path.realpath(root)
    return not (real == project or real.startswith(project + "/") or project.startswith(real + "/"))


def line_links(commands: list[Command], where_of: Callable[[Command], str | None]) -> list[str]:
    """Absolute paths of the symlinks (and hard links) the command line itself creates with `ln`
    or `cp -s`: a delete through one of them is not judged by the name it was given."""
    out: list[str] = []
    for cmd in commands:
        if cmd.verb not in ("ln", "cp", "gln", "gcp"):
            continue
        args = cmd.args
        if cmd.verb in ("cp", "gcp") and not any(a in ("-s", "--symbolic-link") or
                                                 (a[:1] == "-" and a[1:2] != "-" and "s" in a) for a in args):
            continue
        where = where_of(cmd)
        if where is None:
            out.append("/")  # a link somewhere unknown: no path is trusted
            continue
        target_dir, operands, k = None, [], 0
        while k < len(args):
            a = args[k]
            if a in ("-t", "--target-directory") and k + 1 < len(args):
                target_dir = args[k + 1]
                k += 2
                continue
            if a.startswith("--target-directory="):
                target_dir = a.split("=", 1)[1]
            elif a in ("-S", "--suffix") and k + 1 < len(args):
                k += 1
            elif not a.startswith("-") or a == "-":
                operands.append(a)
            k += 1
        names: list[str] = []
        if target_dir is not None:
            names = [os.path.join(target_dir, os.path.basename(o.rstrip("/"))) for o in operands]
        elif len(operands) == 1:
            names = [os.path.basename(operands[0].rstrip("/"))]
        elif operands:
            last = operands[-1]
            names = [last, *(os.path.join(last, os.path.basename(o.rstrip("/"))) for o in operands[:-1])]
        for name in names:
            if any(c in name for c in "$`*?["):
                out.append("/")
            else:
                out.append(os.path.normpath(os.path.join(where, os.path.expanduser(name))))
    return out


def through_link(operand: str, where: str, links: list[str]) -> bool:
    if not links:
        return False
    path = os.path.normpath(os.path.join(where, os.path.expanduser(operand)))
    return any(link == "/" or path == link or path.startswith(link.rstrip("/") + "/") for link in links)


def _rels(paths: list[str], root: Path) -> list[str] | None:
    """Repo-relative forms of absolute paths that are inside the repository, not the root, not in .git
    and not reached through a symlink (the path as written and after resolving must agree)."""
    base = os.path.normpath(str(root))
    real_base = os.path.realpath(base)
    out: list[str] = []
    for path in paths:
        if not path.startswith(base.rstrip("/") + "/"):
            return None
        rel = path[len(base.rstrip("/")) + 1:]
        real = os.path.realpath(path)
        if real != os.path.join(real_base, rel):
            return None  # some component is a symlink
        if not rel or rel.split("/")[0] in (".git", ".."):
            return None
        out.append(rel)
    return out


def _inside(path: str, root: Path) -> bool:
    """`path` is the repository root or below it, as written and after resolving symlinks."""
    base = os.path.normpath(str(root))
    path = os.path.normpath(path)
    if not (path == base or path.startswith(base.rstrip("/") + "/")):
        return False
    return os.path.realpath(path) == os.path.join(os.path.realpath(base), path[len(base):].lstrip("/")).rstrip("/")


def _git(root: Path, *args: str) -> tuple[int, str]:
    from ..core.proc import run
    from .limits import clock

    clock().check()  # past the deadline: the command is refused as unjudgeable rather than waited on

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    code, out, _ = run(["git", "-C", str(root), *args], root, 5, env)
    return code, out


def ignored_output(operands: list[str], root: Path, where: str, links: list[str], creates: bool) -> bool:
    """True when every operand is regenerable build output: inside the repository, git-ignored, holding
    no tracked file and not reached through a symlink. Globs are expanded; a glob that matches nothing
    deletes nothing, and so does a path that does not exist, unless the line itself may create what it
    would match (`creates`) or it points outside the repository."""
    paths: list[str] = []
    absent: list[str] = []  # deleting these removes nothing now; they must still be ignored names
    for op in operands:
        if not op or op.startswith("-") or any(c in op for c in "$`~{"):
            return False
        full = os.path.normpath(os.path.join(where, op))
        if any(c in op for c in "*?["):
            import glob

            matches = glob.glob(full)
            if not matches and (creates or not _inside(os.path.dirname(full.split("*")[0].split("?")[0].split("[")[0]),
                                                        root)):
                return False  # nothing matches now, but the line may create it, or it is outside the repository
            paths.extend(os.path.normpath(m) for m in matches)
        elif not os.path.lexists(full):
            if creates:
                return False  # absent now, but the line may create it
            absent.append(full)
        else:
            paths.append(full)
    if any(through_link(p, where, links) for p in paths + absent):
        return False
    rels, gone = _rels(paths, root), _rels(absent, root)
    if rels is None or gone is None:
        return False
    if not rels and not gone:
        return True
    unique = sorted(set(rels))
    # an absent directory is ignored by a `dir/` pattern only when asked about as `dir/`
    asked = unique + sorted({g for g in gone} | {g + "/" for g in gone})
    code, ignored = _git(root, "check-ignore", "--no-index", "--", *asked)
    said = set(ignored.splitlines())
    if code != 0 or not set(unique) <= said or any(g not in said and g + "/" not in said for g in gone):
        return False
    code, tracked = _git(root, "ls-files", "-z", "--", *unique, *gone)
    return code == 0 and not tracked


def find_selects_only_ignored(args: list[str], root: Path, where: str, links: list[str]) -> bool:
    """True when a simple `find` expression selects only ignored, untracked files inside the repository
    (or only paths in the temp directory): every file git knows of, tracked or untracked-not-ignored,
    is outside what it selects."""
    from . import findexpr

    got = findexpr.selection(args)
    if got is None:
        return False
    starts, names = got
    specs: list[str] = []
    for start in starts:
        if any(c in start for c in "$`~*?[{"):
            return False
        if is_temp_path(start.rstrip("/") + "/x", root, where) and not names:
            continue
        full = os.path.normpath(os.path.join(where, start))
        if through_link(full, where, links):
            return False
        base = os.path.normpath(str(root))
        if full == base:
            rel = ""
        else:
            rels = _rels([full], root)
            if rels is None:
                return False
            rel = rels[0]
        if os.path.islink(full) or (start.endswith("/") and os.path.islink(full.rstrip("/"))):
            return False
        specs.extend(findexpr.pathspecs(rel, names))
    if not specs:
        return True
    code, listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *specs)
    return code == 0 and not listed
