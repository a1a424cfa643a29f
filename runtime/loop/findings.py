# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Read individual findings out of linter and type-checker output, and compare them.

A lint or typecheck gate that compares only totals cannot say what got worse, and
a fixed finding hides a new one. So the gate reads each finding as (file, line,
code, message) and compares the baseline with now finding by finding. Lines move
whenever code is edited above a finding, so the match keys on file, code and
message and counts how often each occurs; the line only decides which of several
identical findings are the new ones.

Read formats: ruff (full and concise), flake8 and pycodestyle, mypy, pyright,
eslint (stylish, compact and unix), tsc (plain and pretty).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from pathlib import Path

from .testparse import ANSI_ESCAPE, Lazy

Finding = tuple[str, int, str, str]  # (file relative to the repository, line, code, message)

# path:line:col: CODE message  (ruff concise, flake8, pycodestyle, pylint --output-format=parseable-ish)
_COLON = Lazy(r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):(?:(?P<col>\d+):)?\s+(?P<code>[A-Z]+\d+)\s+(?:\[\*\]\s+)?"
               r"(?P<msg>.+?)\s*$", re.MULTILINE)
# ruff's full format: "CODE [*] message" then " --> path:line:col"
_RUFF_FULL = Lazy(r"^(?P<code>[A-Z]+\d+)\s+(?:\[\*\]\s+)?(?P<msg>.+?)\s*\n\s*-->\s+(?P<file>[^\n:]+):"
                   r"(?P<line>\d+):\d+\s*$", re.MULTILINE)
# mypy's format: path:line[:col]: error: message  [code]
_MYPY = Lazy(r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):(?:\d+:)?\s+error:\s+(?P<msg>.+?)(?:\s+\[(?P<code>[\w-]+)\])?"
              r"\s*$", re.MULTILINE)
# pyright: "  /abs/path.py:10:5 - error: message (reportSomething)"
_PYRIGHT = Lazy(r"^[ \t]*(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):\d+\s+-\s+error:\s+(?P<msg>.+?)"
                 r"(?:\s+\((?P<code>report\w+)\))?\s*$", re.MULTILINE)
# tsc: "src/a.ts(10,5): error TS2322: message" or pretty "src/a.ts:10:5 - error TS2322: message"
_TSC = Lazy(r"^(?P<file>[^\s(:][^(:\n]*?)(?:\((?P<line>\d+),\d+\)|:(?P<line2>\d+):\d+\s+-)\s*:?\s*error\s+"
             r"(?P<code>TS\d+):\s+(?P<msg>.+?)\s*$", re.MULTILINE)
# eslint stylish: a file header line, then "  10:5  error  message  rule-name"
_ESLINT_ROW = Lazy(r"^\s+(?P<line>\d+):\d+\s+(?:error|warning)\s+(?P<msg>.+?)\s{2,}(?P<code>[\w@/-]+)\s*$")
# eslint compact / unix: "path: line 1, col 2, Error - message (rule)" / "path:1:2: message [Error/rule]"
_ESLINT_COMPACT = Lazy(r"^(?P<file>[^\s:][^:\n]*?): line (?P<line>\d+), col \d+, (?:Error|Warning) - (?P<msg>.+?)"
                        r"(?: \((?P<code>[\w@/-]+)\))?\s*$", re.MULTILINE)
_ESLINT_UNIX = Lazy(r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):\d+: (?P<msg>.+?) "
                     r"\[(?:Error|Warning)/(?P<code>[\w@/-]+)\]\s*$", re.MULTILINE)

RUNTIME_DIR = ".orchestrator/"


def _relative(path: str, root: Path | None) -> str:
    text = path.strip().replace("\\", "/")
    if root is not None and text.startswith("/"):
        with contextlib.suppress(ValueError):
            text = Path(text).resolve().relative_to(root.resolve()).as_posix()
    return text.removeprefix("./")


def _from(pattern: Lazy, text: str, root: Path | None) -> list[Finding]:
    found = []
    for match in pattern.finditer(text):
        groups = match.groupdict()
        line = groups.get("line") or groups.get("line2") or "0"
        found.append((_relative(groups["file"], root), int(line), groups.get("code") or "", groups["msg"].strip()))
    return found


def _eslint_stylish(text: str, root: Path | None) -> list[Finding]:
    found: list[Finding] = []
    current = ""
    for raw in text.splitlines():
        if raw and not raw[0].isspace() and not raw.startswith(("✖", "✔")):
            current = raw.strip()
            continue
        match = _ESLINT_ROW.match(raw)
        if match and current:
            found.append((_relative(current, root), int(match["line"]), match["code"], match["msg"].strip()))
    return found


def parse(output: str, root: Path | None = None) -> list[Finding] | None:
    """Every finding in `output`, or None when no known format matches (an empty list never means "clean":
    callers decide cleanliness by the exit code)."""
    text = ANSI_ESCAPE.sub("", output).replace("\r\n", "\n")
    for pattern in (_RUFF_FULL, _MYPY, _PYRIGHT, _TSC, _ESLINT_COMPACT, _ESLINT_UNIX, _COLON):
        found = _from(pattern, text, root)
        if found:
            return found
    stylish = _eslint_stylish(text, root)
    return stylish or None


def outside_runtime(findings: Iterable[Finding]) -> list[Finding]:
    """Drop findings in the vendored runtime: it is not the user's code, so it never counts against a gate."""
    return [f for f in findings if not f[0].startswith(RUNTIME_DIR) and f"/{RUNTIME_DIR}" not in f[0]]


def new_findings(before: Iterable[Finding], now: Iterable[Finding]) -> list[Finding]:
    """Findings in `now` beyond those in `before`, keyed on (file, code, message) with counts.

    For a key that occurs more often now, the occurrences whose line matches a baseline line are the
    old ones; the rest (in line order) are reported as new.
    """
    old: dict[tuple[str, str, str], list[int]] = {}
    for file, line, code, message in before:
        old.setdefault((file, code, message), []).append(line)
    fresh: dict[tuple[str, str, str], list[int]] = {}
    for file, line, code, message in now:
        fresh.setdefault((file, code, message), []).append(line)
    out: list[Finding] = []
    for key, lines in fresh.items():
        known = old.get(key, [])
        extra = len(lines) - len(known)
        if extra <= 0:
            continue
        remaining = list(known)
        unmatched = []
        for line in sorted(lines):
            if line in remaining:
                remaining.remove(line)
            else:
                unmatched.append(line)
        for line in unmatched[:extra] if len(unmatched) >= extra else sorted(lines)[-extra:]:
            out.append((key[0], line, key[1], key[2]))
    return sorted(out)


def digest(findings: Iterable[Finding]) -> dict[str, int]:
    """How often each (file, code, message) occurs, keyed by a short hash: a record keeps only the
    first findings in full (a linter run over a vendored tree can report tens of thousands), and
    this is what lets every one of them still be compared with the baseline."""
    import hashlib

    counts: dict[str, int] = {}
    for file, _, code, message in findings:
        key = hashlib.blake2b(f"{file}\0{code}\0{message}".encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        counts[key] = counts.get(key, 0) + 1
    return counts


def added_count(before: dict[str, int], now: dict[str, int]) -> int:
    """How many findings `now` has beyond `before`, key by key (a fixed finding never hides a new one)."""
    return sum(max(0, count - before.get(key, 0)) for key, count in now.items())


def describe(finding: Finding) -> str:
    file, line, code, message = finding
    return f"{file}:{line}: {code + ' ' if code else ''}{message}"[:200]
