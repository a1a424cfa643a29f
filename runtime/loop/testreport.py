# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The runner's own machine-readable report of every test, asked for without changing the command.

pytest's default output names only the tests that failed, and a gate has to know
every test that passed to notice one that stopped running. pytest writes a JUnit
XML report of every test when given `--junitxml`, and reads extra options from the
`PYTEST_ADDOPTS` environment variable, so the gate adds `--junitxml=<file under
.orchestrator/state/gates/>` there while its checks run. That changes where one
extra file goes, never which tests run or how (the user's own `--junitxml`, given
on the command line, wins, and the gate then reads names from the output as
before). Environments that drop the variable (tox and nox pass only what they are
told to) simply yield no report.

A report is used only when it is fresh (written by this run: the gate removes the
old one first) and agrees with the summary line of the same run; a command that
runs pytest twice leaves the report of its last run only, which must not make the
first run's tests look lost.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPORT = Path(".orchestrator") / "state" / "gates" / "test-report.xml"
ENV = "PYTEST_ADDOPTS"


def report_path(root: Path) -> Path:
    return root / REPORT


@contextlib.contextmanager
def capturing(root: Path) -> Iterator[None]:
    """While the checks run, ask pytest (if that is what runs) for a JUnit report.

    The variable is set in this process's environment, which every check inherits,
    and restored afterwards; the other checks ignore it.
    """
    path = report_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.unlink()
    before = os.environ.get(ENV)
    option = f"--junitxml={shlex.quote(str(path.resolve()))}"
    os.environ[ENV] = f"{before} {option}" if before else option
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def _node_id(classname: str, name: str, root: Path | None, known: dict[str, str]) -> str:
    """pytest's node id (`tests/test_a.py::Class::test_b[1]`) from JUnit's dotted class name.

    JUnit joins the module path and the class with dots; the split point is where a
    file exists. Without one (pytest ran from another directory) the dotted name stays.
    """
    if classname not in known:
        parts = classname.split(".")
        found = classname
        for cut in range(len(parts), 0, -1):
            candidate = "/".join(parts[:cut]) + ".py"
            if root is not None and (root / candidate).is_file():
                found = "::".join([candidate, *parts[cut:]])
                break
        known[classname] = found
    return f"{known[classname]}::{name}" if known[classname] else name


def read_junit(path: Path, root: Path | None = None) -> list[tuple[str, str]] | None:
    """(node id, passed|failed|skipped) for every test case in a JUnit XML report, or None if unreadable."""
    import xml.etree.ElementTree as ET

    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return None
    known: dict[str, str] = {}
    tests = []
    for case in tree.iter("testcase"):
        tags = {child.tag for child in case}
        status = "failed" if tags & {"failure", "error"} else "skipped" if "skipped" in tags else "passed"
        tests.append((_node_id(case.get("classname") or "", case.get("name") or "", root, known), status))
    return tests


_LOCATION = re.compile(r"(?m)^\s*(?:at .*?\()?([\w./@-]+\.\w+):(\d+)(?::\d+)?\)?(?::|$| )")


def read_failures(path: Path, root: Path | None = None) -> list[dict[str, Any]] | None:
    """Every failing test case of a JUnit XML report with what the runner said about it, or None if unreadable.

    {'test', 'message', 'file', 'line'}: `message` is the failure's own message (or the first
    line of its text); `file` and `line` are the last location in the text that is a file of
    the project (the assertion rather than the helpers the runner called on the way)."""
    import xml.etree.ElementTree as ET

    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return None
    known: dict[str, str] = {}
    found = []
    for case in tree.iter("testcase"):
        problem = next((child for child in case if child.tag in ("failure", "error")), None)
        if problem is None:
            continue
        text = problem.text or ""
        said = (problem.get("message") or "").strip() or next((line.strip() for line in text.splitlines()
                                                                if line.strip()), "")
        file, line = None, None
        for where, number in _LOCATION.findall(text):
            candidate = where[2:] if where.startswith("./") else where
            if candidate.startswith("/"):  # Node and browsers name files by absolute path
                if root is None:
                    continue
                try:
                    candidate = Path(candidate).resolve().relative_to(root.resolve()).as_posix()
                except (ValueError, OSError):
                    continue
            if root is None or (root / candidate).is_file():
                file, line = candidate, int(number)
        found.append({"test": _node_id(case.get("classname") or "", case.get("name") or "", root, known),
                      "message": said.splitlines()[0][:300] if said else "", "kind": problem.tag,
                      "file": file, "line": line})
    return found


_SUMMARY_WORD = re.compile(r"(\d+) (passed|xpassed)\b")


def attach(parsed: dict[str, Any] | None, output: str, root: Path | None) -> dict[str, Any] | None:
    """`parsed` with `tests` from this run's JUnit report when pytest wrote one that matches its summary."""
    if root is None or not parsed or parsed.get("runner") != "pytest" or parsed.get("tests"):
        return parsed
    path = report_path(root)
    if not path.is_file():
        return parsed
    tests = read_junit(path, root)
    if not tests:
        return parsed
    summary = [line for line in output.splitlines() if re.search(r"\d+ (?:passed|failed|skipped)\b.* in [\d.]+s", line)]
    words = {word: int(n) for n, word in _SUMMARY_WORD.findall(summary[-1])} if summary else {}
    text_passed = words.get("passed", 0)
    report_passed = sum(1 for _, status in tests if status == "passed")
    # an xpassed test is a passed test case to JUnit; any other difference means another run wrote the report
    if not text_passed <= report_passed <= text_passed + words.get("xpassed", 0):
        return parsed
    parsed["tests"] = {status: [name for name, s in tests if s == status] for status in ("passed", "failed", "skipped")}
    parsed["tests_source"] = "junit-xml"
    return parsed
