# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Path facts the guard, the scope check and the git argument reader share: scope globs, temp roots,
a path as the kernel resolves it or relative to the project root, and a rule's patterns.

Its own module so that none of them imports another for these.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    import re
    from pathlib import Path
    from typing import Any

_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_match(pattern: str, path: str) -> bool:
    """Scope pattern semantics: trailing '/' is a directory prefix, '**' any depth,
    '*' one path segment, '?' one character, '\\' makes the next character literal;
    anything else is an exact path."""
    quick = _quick_match(pattern, path)
    if quick is not None:
        return quick
    regex = _GLOB_CACHE.get(pattern)
    if regex is None:
        import re  # here, not at the top: most calls are answered by the quick match and never load `re`

        body, prefix = (pattern[:-1], True) if pattern.endswith("/") and len(pattern) > 1 else (pattern, False)
        out, i = [], 0
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):  # a literal character, e.g. '\\*'
                out.append(re.escape(body[i + 1]))
                i += 2
            elif body.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif body.startswith("**", i):
                out.append(".*")
                i += 2
            elif body[i] == "*":
                out.append("[^/]*")
                i += 1
            elif body[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(body[i]))
                i += 1
        regex = re.compile("".join(out) + ("(?:/.*)?" if prefix else "") + r"\Z", re.DOTALL)
        _GLOB_CACHE[pattern] = regex
    return regex.match(path) is not None


def _quick_match(pattern: str, path: str) -> bool | None:
    """The common pattern shapes answered without compiling a regex (the hook runs once per
    process, so compiling is most of the cost); None for anything else."""
    if "\\" in pattern or "?" in pattern:
        return None
    stars = pattern.count("*")
    if stars == 0:
        if pattern.endswith("/") and len(pattern) > 1:
            return path == pattern[:-1] or path.startswith(pattern)
        return path == pattern
    if pattern == "**":
        return True
    if stars == 2 and pattern.endswith("**") and not pattern.endswith("/**"):
        return path.startswith(pattern[:-2])  # `+**`, `of=/dev/**`-like prefixes: any rest
    if stars == 2 and pattern.startswith("**/") and not pattern.endswith("/"):
        name = pattern[3:]
        return path == name or path.endswith("/" + name)
    if stars == 1 and pattern.endswith("*") and not pattern.endswith("/*"):
        head = pattern[:-1]
        return path.startswith(head) and "/" not in path[len(head):]
    return None


def temp_roots() -> list[str]:
    roots = ["/tmp", "/var/tmp", "/private/tmp"]
    for name in ("TMPDIR", "TEMP", "TMP"):
        value = os.environ.get(name)
        if value and os.path.isabs(value):
            roots.append(os.path.normpath(value))
    return roots


def resolve(path: str, root: str | os.PathLike[str], cwd: str) -> str | None:
    """`path` relative to the project root after resolving symlinks and `..`; None if outside.

    Works for files and directories that do not exist yet: the existing part of
    the path is resolved and the rest is kept as written.
    """
    if path.startswith("~"):
        path = os.path.expanduser(path)
    real = os.path.realpath(os.path.join(cwd, path))
    base = os.path.realpath(root)
    if real == base:
        return ""
    if real.startswith(base.rstrip("/") + "/"):
        return real[len(base.rstrip("/")) + 1:]
    return None


def as_list(value: Any) -> list[str]:
    """A rule's pattern field as a list: rules write one pattern as a string, several as a list."""
    return [value] if isinstance(value, str) else list(value or [])


def is_glob(pattern: str) -> bool:
    return any(x in pattern for x in "*?[\\")


def repo_relative(target: str, root: Path, cwd: str) -> str | None:
    """`target` relative to the project root (lexically normalised), or None when outside it."""
    if target.startswith("~"):
        target = os.path.expanduser(target)
    path = os.path.normpath(os.path.join(cwd, target))
    base = os.path.normpath(str(root))
    if path == base:
        return ""
    if path.startswith(base.rstrip("/") + "/"):
        return path[len(base.rstrip("/")) + 1:]
    real, real_base = os.path.realpath(path), os.path.realpath(base)
    if real.startswith(real_base.rstrip("/") + "/"):
        return real[len(real_base.rstrip("/")) + 1:]
    return None
