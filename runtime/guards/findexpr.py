# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a `find ... -delete` (or `find ... -exec rm {}`) expression selects, when it can be said simply.

`find . -name '*.pyc' -delete` deletes every file named *.pyc below `.`; whether that is harmless
depends on whether any of them is tracked or not ignored, which git can answer for a pathspec. This
module turns the common shape of a find expression (start paths, then tests joined by AND) into
those pathspecs. Anything else (`-o`, `!`, parentheses, `-path`, `-regex`, following symlinks) is
not judged here: the caller keeps the deletion blocked.
"""

from __future__ import annotations

# tests that only narrow what is selected (with how many values they take)
_NARROWING = {"-type": 1, "-xtype": 1, "-maxdepth": 1, "-mindepth": 1, "-mtime": 1, "-mmin": 1, "-atime": 1,
              "-amin": 1, "-ctime": 1, "-cmin": 1, "-newer": 1, "-size": 1, "-user": 1, "-group": 1, "-perm": 1,
              "-empty": 0, "-prune": 0, "-print": 0, "-print0": 0, "-a": 0, "-and": 0, "-depth": 0, "-d": 0,
              "-xdev": 0, "-mount": 0, "-nouser": 0, "-nogroup": 0, "-readable": 0, "-writable": 0,
              "-executable": 0, "-links": 1, "-inum": 1, "-uid": 1, "-gid": 1, "-daystart": 0, "-noleaf": 0,
              "-ignore_readdir_race": 0, "-delete": 0, "-quit": 0, "-true": 0}
_NAMES = {"-name": False, "-iname": True}
_START_OPTIONS = frozenset({"-P", "-D", "-O"})


def selection(args: list[str]) -> tuple[list[str], list[tuple[str, bool]]] | None:
    """(start paths, name patterns with their case-insensitivity) of a simple find expression, else None."""
    k = 0
    while k < len(args) and args[k][:2] in _START_OPTIONS:
        if args[k] in ("-D", "-O") and k + 1 < len(args):
            k += 1
        k += 1
    starts: list[str] = []
    while k < len(args) and not (args[k].startswith("-") or args[k] in ("(", "!", ")")):
        starts.append(args[k])
        k += 1
    names: list[tuple[str, bool]] = []
    while k < len(args):
        a = args[k]
        if a in _NAMES and k + 1 < len(args):
            names.append((args[k + 1], _NAMES[a]))
            k += 2
        elif a in _NARROWING:
            k += 1 + _NARROWING[a]
        elif a in ("-exec", "-execdir", "-ok", "-okdir"):
            k += 1
            while k < len(args) and args[k] not in (";", "+"):
                k += 1
            k += 1
        else:
            return None  # -o, !, -not, (, -path, -regex, -L, -follow, -fprint...: not judged here
    return (starts or ["."]), names[:1]


def pathspecs(start_rel: str, names: list[tuple[str, bool]]) -> list[str]:
    """git pathspecs covering every file the expression selects below `start_rel` (repo-relative)."""
    base = "" if start_rel in ("", ".") else start_rel.rstrip("/") + "/"
    if not names:
        return [start_rel or "."]
    out: list[str] = []
    for pattern, icase in names:
        magic = ":(glob,icase)" if icase else ":(glob)"
        out.extend([f"{magic}{base}**/{pattern}", f"{magic}{base}**/{pattern}/**"])
    return out
