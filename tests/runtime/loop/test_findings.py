"""Lint and type-checker findings: each tool's own output format, and matching robust to line shifts."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.loop.findings import describe, new_findings, outside_runtime, parse

RUFF_FULL = """\
F401 [*] `os` imported but unused
 --> src/a.py:1:8
  |
1 | import os
  |        ^^
help: Remove unused import: `os`

F821 Undefined name `y`
 --> src/b.py:6:14
  |
6 |     return x+y
  |              ^

Found 2 errors.
"""

CASES = {
    "ruff full": (RUFF_FULL, [("src/a.py", 1, "F401", "`os` imported but unused"),
                              ("src/b.py", 6, "F821", "Undefined name `y`")]),
    "ruff concise": ("src/a.py:1:8: F401 [*] `os` imported but unused\nFound 1 error.\n",
                     [("src/a.py", 1, "F401", "`os` imported but unused")]),
    "flake8": ("./pkg/mod.py:12:80: E501 line too long (88 > 79 characters)\n",
               [("pkg/mod.py", 12, "E501", "line too long (88 > 79 characters)")]),
    "mypy": ("src/a.py:3: error: Incompatible return value type (got \"int\", expected \"str\")  [return-value]\n"
             "src/a.py:3: note: see the docs\nFound 1 error in 1 file (checked 2 source files)\n",
             [("src/a.py", 3, "return-value", "Incompatible return value type (got \"int\", expected \"str\")")]),
    "mypy with columns": ("src/a.py:3:5: error: Name \"x\" is not defined  [name-defined]\n",
                          [("src/a.py", 3, "name-defined", "Name \"x\" is not defined")]),
    "pyright": ("/repo/src/a.py\n  /repo/src/a.py:4:12 - error: \"y\" is not defined (reportUndefinedVariable)\n"
                "1 error, 0 warnings, 0 informations\n",
                [("src/a.py", 4, "reportUndefinedVariable", "\"y\" is not defined")]),
    "tsc": ("src/a.ts(10,5): error TS2322: Type 'string' is not assignable to type 'number'.\n",
            [("src/a.ts", 10, "TS2322", "Type 'string' is not assignable to type 'number'.")]),
    "tsc pretty": ("src/a.ts:10:5 - error TS2322: Type 'string' is not assignable to type 'number'.\n",
                   [("src/a.ts", 10, "TS2322", "Type 'string' is not assignable to type 'number'.")]),
    "eslint stylish": ("\n/repo/src/a.js\n  1:7  error  'x' is assigned a value but never used  no-unused-vars\n"
                       "  3:1  warning  Unexpected console statement  no-console\n\n"
                       "✖ 2 problems (1 error, 1 warning)\n",
                       [("src/a.js", 1, "no-unused-vars", "'x' is assigned a value but never used"),
                        ("src/a.js", 3, "no-console", "Unexpected console statement")]),
    "eslint unix": ("src/a.js:1:7: 'x' is assigned a value but never used. [Error/no-unused-vars]\n",
                    [("src/a.js", 1, "no-unused-vars", "'x' is assigned a value but never used.")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_format_is_read_finding_by_finding(name: str) -> None:
    text, expected = CASES[name]
    assert parse(text, Path("/repo")) == expected


def test_unknown_output_is_not_mistaken_for_clean() -> None:
    assert parse("Traceback (most recent call last):\n  boom\n") is None


def test_line_shifts_do_not_make_old_findings_new() -> None:
    before = [("a.py", 10, "F401", "`os` imported but unused"), ("a.py", 20, "E501", "line too long")]
    shifted = [("a.py", 13, "F401", "`os` imported but unused"), ("a.py", 23, "E501", "line too long")]
    assert new_findings(before, shifted) == []


def test_a_second_identical_finding_is_new_and_the_unmatched_line_is_named() -> None:
    before = [("a.py", 5, "E501", "line too long")]
    now = [("a.py", 5, "E501", "line too long"), ("a.py", 40, "E501", "line too long")]
    assert new_findings(before, now) == [("a.py", 40, "E501", "line too long")]
    assert new_findings([], now) == sorted(now)
    assert describe(now[1]) == "a.py:40: E501 line too long"


def test_runtime_findings_are_dropped() -> None:
    found = [(".orchestrator/runtime/x.py", 1, "F401", "m"), ("src/.orchestrator/y.py", 1, "F401", "m"),
             ("src/a.py", 1, "F401", "m")]
    assert outside_runtime(found) == [("src/a.py", 1, "F401", "m")]
