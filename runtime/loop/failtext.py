# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The few lines of a check's output that say what went wrong.

The last lines of a test log are the runner's summary ("1 failed, 7 passed"),
which says that something failed but not what. What the agent needs first is
the first failure's assertion and where it is; the summary comes after it, and
the full log stays on disk. For a tool that stops before it checks anything, the
first line that reads like an error is its own diagnosis, usually far from the end.

Recognised failure openings: pytest (`____ name ____`), unittest (`FAIL: name`),
jest (`●`), vitest (`FAIL ... >`, `×`), node --test (`✖`, TAP `not ok`), mocha
(`1) suite`), go (`--- FAIL:`), cargo (`---- name stdout ----`). Anything else
falls back to the first line that reads like an assertion.
"""

from __future__ import annotations

import re

_OPENINGS = re.compile(
    r"^(?:_{3,} .+ _{3,}"                 # pytest
    r"|(?:FAIL|ERROR): \w+"               # unittest
    r"|\s*● "                             # jest
    r"|\s*FAIL\s+\S.* > "                 # vitest
    r"|\s*[×✗✖] "                         # vitest, node --test spec
    r"|\s*not ok \d+"                     # TAP (node --test, tape)
    r"|\s+\d+\) \S"                       # mocha
    r"|--- FAIL: "                        # go
    r"|---- .+ stdout ----)",             # cargo
    re.M)
_ASSERTION = re.compile(
    r"^\s*E\s+\S|AssertionError|assert|Assert|Expected|Received|expected|actual:|panicked|left:|right:"
    r"|Error:|Error \[|error:|^\s+\S+_test\.go:\d+:")
_LOCATION = re.compile(r"([\w./@\\-]+\.(?:py|js|mjs|cjs|ts|tsx|jsx|mts|go|rs|rb|java))(?::(\d+)|\", line (\d+))")
_ELSEWHERE = ("node_modules", "site-packages", "node:internal", "/lib/python", "<frozen", "/rustc/")
_ERROR_LINE = re.compile(r"(?i)\berror\b|ERR!|\bfatal\b|\bcannot\b|can't|not found|no such file|"
                         r"\bunknown (option|argument)|\binvalid\b|\bexception\b|\btraceback\b")
_SAYS_WHAT = re.compile(r"(?i)\berror\b(\[[\w-]+\])?:|\bERR!|\bfatal:|^error\b|Error: ")
WIDTH = 200


def _own_location(line: str) -> bool:
    return bool(_LOCATION.search(line)) and not any(mark in line for mark in _ELSEWHERE)


def first_failure(output: str, limit: int = 5) -> list[str]:
    """The first failure's name, its assertion lines and its location: at most `limit` lines, [] if none is found.

    The location comes last and is never the one cut when lines are short."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if _OPENINGS.match(line)), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if _ASSERTION.search(line)), None)
        if start is None:
            return []
    block = lines[start + 1:start + 80]
    end = next((i for i, line in enumerate(block) if _OPENINGS.match(line) or line.startswith("====")), len(block))
    block = [line for line in block[:end] if line.strip()]
    explained = [line for line in block if re.match(r"E\s+\S", line)]  # pytest marks its explanation with E
    said = explained or [line for line in block if _ASSERTION.search(line)]
    pinned = [line for line in block if re.match(r"\S+:\d+: \w", line) and _own_location(line)]  # path:12: Error
    where = (pinned or [line for line in block if _own_location(line)] or [""])[0]
    head = lines[start].strip().strip("_").strip() or lines[start].strip()
    body = [line.rstrip() for line in said if line != where][:max(0, limit - 1 - bool(where))]
    picked = [head, *body, *([where.strip()] if where else [])]
    return [line[:WIDTH] for line in picked]


def first_error_line(output: str) -> str:
    """The tool's own first error line (where it says what stopped it), else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    # "path: error: what" (mypy, gcc style), "npm ERR!", "fatal:" say what stopped the tool; a count such
    # as "Found 1 error in 1 file" only says that something did, so it ranks second.
    found = next((line for line in lines if _SAYS_WHAT.search(line)), None) or next(
        (line for line in lines if _ERROR_LINE.search(line)), lines[-1] if lines else "")
    return found[:WIDTH]
