# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Read pass/fail counts and failing test names out of a test runner's output.

A gate blocks on *which* tests fail, not just on an exit code, so it can tell a
regression from a failure that was already there. The parsers read what each
runner prints by default and never need the user's command changed. When a
runner reports no names (or an unknown runner), the gate falls back to counts
and exit codes.

Supported: pytest, jest, vitest, go test, cargo test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


class Lazy:
    """A pattern compiled on first use.

    A gate runs one runner, and the parsers stop at the first that matches, so
    compiling every runner's patterns at import (about 10 ms) is wasted on each gate.
    """

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)

ANSI_ESCAPE = Lazy(r"\x1b\[[0-9;?]*[A-Za-z]")

# pytest
# pytest 9 adds "N subtests passed" to the summary; those are counted under their test, not as tests
_PYTEST_SUMMARY = Lazy(r"^=*\s*(?P<body>(?:\d+ (?:subtests? )?(?:passed|failed|skipped|errors?|xfailed|xpassed|"
                        r"deselected|warnings?)(?:, )?)+)\s+in [\d.]+s", re.MULTILINE)
_PYTEST_NO_TESTS = Lazy(r"^=*\s*no tests ran in [\d.]+s", re.MULTILINE)
_PYTEST_COUNT = Lazy(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)")
_PYTEST_FAILED = Lazy(r"^(?:FAILED|ERROR) (\S+?)(?: - .*)?$", re.MULTILINE)
_PYTEST_VERBOSE = Lazy(r"^(\S+::\S+) (?:FAILED|ERROR)\b", re.MULTILINE)

# jest / vitest
_JEST_TESTS = Lazy(r"^Tests:\s+(?P<body>.*?\d+ total)", re.MULTILINE)
_JEST_BULLET = Lazy(r"^\s*● (.+?)\s*$", re.MULTILINE)
_VITEST_TESTS = Lazy(r"^\s*Tests\s+(?P<body>\d+ \w+(?: \| \d+ \w+)*)\s*\(\d+\)", re.MULTILINE)
_VITEST_FAIL = Lazy(r"^\s*(?:FAIL|×|✗)\s+(\S+\.\w+ > .+?)(?:\s+\d+ms)?\s*$", re.MULTILINE)
_COUNT_WORD = Lazy(r"(\d+) (passed|failed|skipped|todo|pending|total)")

# go test
_GO_FAIL = Lazy(r"^\s*--- FAIL: (\S+)", re.MULTILINE)
_GO_PASS = Lazy(r"^\s*--- PASS: (\S+)", re.MULTILINE)
_GO_PKG_OK = Lazy(r"^ok\s+\S+", re.MULTILINE)
_GO_PKG_FAIL = Lazy(r"^FAIL\s+(\S+)\s+[\d.]+s", re.MULTILINE)

# cargo test
_CARGO_RESULT = Lazy(r"^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored", re.MULTILINE)
_CARGO_FAILED = Lazy(r"^test (\S+) \.\.\. FAILED", re.MULTILINE)


def _result(runner: str, passed: int | None, failed: int | None, skipped: int | None = None,
            errors: int | None = None, names: list[str] | None = None) -> dict[str, Any]:
    return {"runner": runner, "passed": passed, "failed": failed, "skipped": skipped, "errors": errors,
            "failed_tests": _unique(names or [])}


def _unique(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


def parse_pytest(text: str) -> dict[str, Any] | None:
    summaries = list(_PYTEST_SUMMARY.finditer(text))
    if not summaries:
        if _PYTEST_NO_TESTS.search(text):
            return _result("pytest", 0, 0)
        return None
    counts: dict[str, int] = {}
    for number, word in _PYTEST_COUNT.findall(summaries[-1].group("body")):
        key = "errors" if word.startswith("error") else word
        counts[key] = int(number)
    names = _PYTEST_FAILED.findall(text) or _PYTEST_VERBOSE.findall(text)
    return _result("pytest", counts.get("passed", 0), counts.get("failed", 0), counts.get("skipped", 0),
                   counts.get("errors", 0), names)


def parse_jest(text: str) -> dict[str, Any] | None:
    matches = list(_JEST_TESTS.finditer(text))
    if not matches:
        return None
    counts = {word: int(number) for number, word in _COUNT_WORD.findall(matches[-1].group("body"))}
    names = [n for n in _JEST_BULLET.findall(text) if not n.startswith(("Test suite failed", "Console"))]
    return _result("jest", counts.get("passed", 0), counts.get("failed", 0),
                   counts.get("skipped", 0) + counts.get("todo", 0), None, names)


def parse_vitest(text: str) -> dict[str, Any] | None:
    matches = list(_VITEST_TESTS.finditer(text))
    if not matches:
        return None
    counts = {word: int(number) for number, word in _COUNT_WORD.findall(matches[-1].group("body"))}
    names = [" > ".join(part.strip() for part in n.split(">")) for n in _VITEST_FAIL.findall(text)]
    return _result("vitest", counts.get("passed", 0), counts.get("failed", 0),
                   counts.get("skipped", 0) + counts.get("todo", 0), None, names)


def parse_go(text: str) -> dict[str, Any] | None:
    fails = _GO_FAIL.findall(text)
    passes = _GO_PASS.findall(text)
    pkg_ok = _GO_PKG_OK.findall(text)
    pkg_fail = _GO_PKG_FAIL.findall(text)
    if not (fails or passes or pkg_ok or pkg_fail):
        return None
    # a parent test fails when a subtest does; name the most specific ones only
    leaves = [n for n in fails if not any(other.startswith(n + "/") for other in fails)]
    passed = len(passes) if passes else None
    return _result("go", passed, len(leaves), None, None, leaves or [f"package {p}" for p in pkg_fail])


def parse_cargo(text: str) -> dict[str, Any] | None:
    results = _CARGO_RESULT.findall(text)
    if not results:
        return None
    passed = sum(int(r[0]) for r in results)
    failed = sum(int(r[1]) for r in results)
    ignored = sum(int(r[2]) for r in results)
    return _result("cargo", passed, failed, ignored, None, _CARGO_FAILED.findall(text))


PARSERS = (parse_pytest, parse_cargo, parse_go, parse_vitest, parse_jest)


Parser = Callable[[str], "dict[str, Any] | None"]


def parse(output: str, parsers: tuple[Parser, ...] | None = None) -> dict[str, Any] | None:
    """Counts and failing names from whichever runner produced `output`, or None if none matches.

    `parsers` (default: this module's) lets `testrunners` try its richer parsers the same way."""
    text = ANSI_ESCAPE.sub("", output).replace("\r\n", "\n")
    for parser in parsers or PARSERS:
        result = parser(text)
        if result is not None:
            return result
    return None


_PROBLEMS = Lazy(r"\bFound (\d+) (?:errors?|problems?|issues?)\b|^(\d+) (?:errors?|problems?)\b",
                       re.MULTILINE | re.IGNORECASE)
_ESLINT = Lazy(r"✖ (\d+) problems?")


def problem_count(output: str) -> int | None:
    """How many problems a linter or type checker reports (ruff, mypy, tsc, eslint), if it says."""
    text = ANSI_ESCAPE.sub("", output)
    match = _ESLINT.search(text)
    if match:
        return int(match.group(1))
    found = _PROBLEMS.findall(text)
    if not found:
        return None
    last = found[-1]
    return int(last[0] or last[1])
