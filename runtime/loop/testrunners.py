# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Every test a runner reports, by name and outcome, read from what it prints.

Failing names alone cannot tell a gate that a test which passed at baseline has
quietly stopped running (skipped, deleted, deselected). So besides counts and
failing names (`testparse`), each parser here returns `tests`: the identity of
every test it saw with its outcome (passed, failed or skipped), whenever the
runner's output lists them all. When it lists only some (vitest shows the tests
of failing files only), it returns `groups`: per file, how many passed, failed
and were skipped, which still lets a lost test be counted and its file named.

Read: pytest (names from its JUnit report, see `testreport`), unittest (and
runners built on it, verbose or not), jest and vitest, mocha (spec reporter),
`node --test` (spec and TAP reporters), TAP in general (tape and others),
`go test` (plain, `-v` and `-json`) and `cargo test`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import testparse
from .testparse import Lazy

STATUSES = ("passed", "failed", "skipped")
_DURATION = Lazy(r"\s*\((?:[\d.]+\s*m?s)\)\s*$")


def _result(runner: str, passed: int | None, failed: int | None, skipped: int | None = None,
            errors: int | None = None, failing: list[str] | None = None,
            tests: list[tuple[str, str]] | None = None, groups: dict[str, dict[str, int]] | None = None
            ) -> dict[str, Any]:
    out = testparse._result(runner, passed, failed, skipped, errors, failing)
    if tests is not None:
        out["tests"] = {status: [name for name, s in tests if s == status] for status in STATUSES}
    if groups is not None:
        out["groups"] = groups
    return out


def _with_tests(result: dict[str, Any], tests: list[tuple[str, str]]) -> dict[str, Any]:
    result["tests"] = {status: [name for name, s in tests if s == status] for status in STATUSES}
    return result


# --- unittest ----------------------------------------------------------------

_UT_RAN = Lazy(r"^Ran (\d+) tests? in [\d.]+s\s*$", re.MULTILINE)
_UT_END = Lazy(r"^(OK|FAILED)(?: \((?P<body>[^)]*)\))?\s*$", re.MULTILINE)
_UT_FAILED = Lazy(r"^(?:FAIL|ERROR): (\w+) \(([\w.]+)\)", re.MULTILINE)
_UT_VERBOSE = Lazy(r"^(\w+) \(([\w.]+)\)(?:[^\n]*?) \.\.\. ?(ok|FAIL|ERROR|skipped|expected failure|"
                   r"unexpected success)?", re.MULTILINE)
_UT_SUB = Lazy(r"^\s+(\w+) \(([\w.]+)\) \(.*\) \.\.\. (FAIL|ERROR)", re.MULTILINE)


def _ut_id(method: str, where: str) -> str:
    # Python 3.11+ prints "(module.Class.method)", older ones "(module.Class)"
    return where if where.endswith("." + method) else f"{where}.{method}"


def parse_unittest(text: str) -> dict[str, Any] | None:
    ran = list(_UT_RAN.finditer(text))
    if not ran:
        return None
    end = _UT_END.search(text, ran[-1].end())
    if not end:
        return None
    total = int(ran[-1].group(1))
    numbers = {k.strip(): int(v) for k, v in re.findall(r"([\w ]+)=(\d+)", end.group("body") or "")}
    failures, errors = numbers.get("failures", 0), numbers.get("errors", 0)
    skipped = numbers.get("skipped", 0) + numbers.get("expected failures", 0)
    passed = max(0, total - failures - errors - skipped - numbers.get("unexpected successes", 0))
    failing = [_ut_id(m, w) for m, w in _UT_FAILED.findall(text)]
    tests: list[tuple[str, str]] | None = None
    verbose = _UT_VERBOSE.findall(text)
    if verbose:
        failed_subtests = {_ut_id(m, w) for m, w, _ in _UT_SUB.findall(text)}
        tests = []
        for method, where, outcome in verbose:
            name = _ut_id(method, where)
            if outcome in ("ok", "unexpected success"):
                tests.append((name, "failed" if name in failed_subtests else "passed"))
            elif outcome in ("FAIL", "ERROR") or (not outcome and name in failed_subtests):
                tests.append((name, "failed"))
            elif outcome:
                tests.append((name, "skipped"))
            else:
                tests.append((name, "passed"))
        if len(tests) != total:  # two runs in one output, or lines mixed with the tests' own prints
            tests = None
    return _result("unittest", passed, failures, skipped, errors, failing, tests)


# --- mocha (spec reporter) -----------------------------------------------------

_MOCHA_SUMMARY = Lazy(r"^\s+(\d+) passing \([^)]*\)\s*$", re.MULTILINE)
_MOCHA_COUNT = Lazy(r"^\s+(\d+) (pending|failing)\s*$", re.MULTILINE)
_MOCHA_LINE = Lazy(r"^( *)(?:(✔|✓) (.+?)|(\d+)\) (.+?)|- (.+?))\s*$")


def parse_mocha(text: str) -> dict[str, Any] | None:
    summary = list(_MOCHA_SUMMARY.finditer(text))
    if not summary:
        return None
    last = summary[-1]
    counts = {word: int(n) for n, word in _MOCHA_COUNT.findall(text[last.end():last.end() + 200])}
    start = summary[-2].end() if len(summary) > 1 else 0
    stack: list[tuple[int, str]] = []
    tests: list[tuple[str, str]] = []
    for line in text[start:last.start()].splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        match = _MOCHA_LINE.match(line)
        prefix = [title for _, title in stack]
        if match and match.group(2):
            tests.append((" > ".join([*prefix, _DURATION.sub("", match.group(3))]), "passed"))
        elif match and match.group(4):
            tests.append((" > ".join([*prefix, match.group(5)]), "failed"))
        elif match and match.group(6):
            tests.append((" > ".join([*prefix, match.group(6)]), "skipped"))
        elif indent >= 2:
            stack.append((indent, line.strip()))
    passed, failed = int(last.group(1)), counts.get("failing", 0)
    pending = counts.get("pending", 0)
    complete = len(tests) == passed + failed + pending
    return _result("mocha", passed, failed, pending, None, [n for n, s in tests if s == "failed"],
                   tests if complete else None)


# --- node --test, spec reporter --------------------------------------------------

_NODE_SUMMARY = Lazy(r"^ℹ (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)\s*$", re.MULTILINE)
_NODE_LINE = Lazy(r"^( *)(✔|✖|﹣|▶) (.+?)(?: \(([\d.]+)m?s\))?(?: # (SKIP|TODO)\b.*)?\s*$")


def parse_node_spec(text: str) -> dict[str, Any] | None:
    summary = {word: int(n) for word, n in _NODE_SUMMARY.findall(text)}
    if "tests" not in summary or "pass" not in summary:
        return None
    body = text.split("✖ failing tests:", 1)[0]
    body = body[:body.find("ℹ tests ")] if "ℹ tests " in body else body
    tests: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []  # open suites ("▶ name" headers)
    for line in body.splitlines():
        match = _NODE_LINE.match(line)
        if not match:
            continue
        indent, mark, name, took, directive = len(match.group(1)), match.group(2), match.group(3), \
            match.group(4), match.group(5)
        while stack and stack[-1][0] > indent:
            stack.pop()
        if stack and stack[-1][0] == indent:
            if stack[-1][1] == name:  # the suite's own result line closes it
                stack.pop()
                continue
            stack.pop()
        if mark == "▶" and took is None:
            stack.append((indent, name))
            continue
        if mark == "▶":
            continue
        path = " > ".join([*(n for _, n in stack), name])
        status = "skipped" if directive or mark == "﹣" else "passed" if mark == "✔" else "failed"
        tests.append((path, status))
    failed = summary.get("fail", 0) + summary.get("cancelled", 0)
    skipped = summary.get("skipped", 0) + summary.get("todo", 0)
    complete = len(tests) == summary["tests"]
    return _result("node", summary["pass"], failed, skipped, None, [n for n, s in tests if s == "failed"],
                   tests if complete else None)


# --- TAP (node --test's TAP reporter, tape, and other producers) -------------------

_TAP_START = Lazy(r"^TAP version \d+\s*$", re.MULTILINE)
_TAP_PLAN = Lazy(r"^\s*1\.\.\d+", re.MULTILINE)
_TAP_POINT = Lazy(r"^( *)(not ok|ok)\b(?: (\d+))?(?: -)? ?(.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?\s*$", re.IGNORECASE)
_TAP_SUMMARY = Lazy(r"^# (tests|pass|fail|skip|skipped|todo|cancelled) +(\d+)\s*$", re.MULTILINE)
_TAP_COMMENT = Lazy(r"^# (.+?)\s*$")


def _tap_points(text: str) -> list[list[Any]]:
    """[indent, description, 'ok'|'not ok', directive, is a suite] of every test point.

    A point's YAML block is read only for node's `type: 'suite'`: a skipped suite is one
    point with no children, and it is not a test.
    """
    points: list[list[Any]] = []
    in_yaml = -1
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if in_yaml >= 0:
            if stripped == "..." and indent <= in_yaml + 2:
                in_yaml = -1
            elif stripped == "type: 'suite'" and points:
                points[-1][4] = True
            continue
        if stripped == "---":
            in_yaml = indent
            continue
        match = _TAP_POINT.match(line)
        if match:
            directive = (match.group(5) or "").upper()
            points.append([indent, match.group(4).strip(), match.group(2).lower(), directive, False])
    return points


def _tap_status(result: str, directive: str) -> str:
    if directive == "SKIP" or (directive == "TODO"):
        return "skipped"  # a TODO point is not expected to pass, and does not fail the run
    return "passed" if result == "ok" else "failed"


def parse_tap(text: str) -> dict[str, Any] | None:
    if not _TAP_START.search(text) and not (_TAP_PLAN.search(text) and re.search(r"(?m)^(not )?ok \d+", text)):
        return None
    summary = {word: int(n) for word, n in _TAP_SUMMARY.findall(text)}
    if "# Subtest:" in text:
        return _node_tap(text, summary)
    # tape and similar: "# name" starts a test, the points under it are its assertions
    tests: dict[str, str] = {}
    order: list[str] = []
    current = ""
    loose: list[tuple[str, str]] = []
    in_yaml = False
    for line in text.splitlines():
        stripped = line.strip()
        if in_yaml:
            in_yaml = stripped != "..."
            continue
        if stripped == "---":
            in_yaml = True
            continue
        comment = _TAP_COMMENT.match(line)
        if comment and not _TAP_SUMMARY.match(line) and comment.group(1) not in ("ok",):
            current = comment.group(1)
            if current.startswith("TODO "):
                current = current[5:]
            continue
        match = _TAP_POINT.match(line)
        if not match or match.group(1):
            continue
        status = _tap_status(match.group(2).lower(), (match.group(5) or "").upper())
        if not current:
            loose.append((match.group(4).strip(), status))
            continue
        if current not in tests:
            order.append(current)
            tests[current] = status
        elif status == "failed" or tests[current] == "skipped":
            tests[current] = status if tests[current] != "failed" else "failed"
    found = [(name, tests[name]) for name in order] + loose
    if re.search(r"(?m)^Bail out!", text):
        found.append(("Bail out!", "failed"))
    counts = {status: sum(1 for _, s in found if s == status) for status in STATUSES}
    return _result("tap", counts["passed"], counts["failed"], counts["skipped"], None,
                   [n for n, s in found if s == "failed"], found)


def _node_tap(text: str, summary: dict[str, int]) -> dict[str, Any]:
    """Nested TAP from `node --test`: children come before their parent's point, indented further."""
    resolved: list[tuple[int, str, str]] = []  # (indent, path, status), leaves only
    for indent, name, result, directive, suite in _tap_points(text):
        children = [item for item in resolved if item[0] > indent]
        if children:
            resolved = [item for item in resolved if item[0] <= indent]
            resolved.extend((indent, f"{name} > {path}", status) for _, path, status in children)
        elif not suite:
            resolved.append((indent, name, _tap_status(result, directive)))
    tests = [(path, status) for _, path, status in resolved]
    if "pass" in summary:
        passed, failed = summary["pass"], summary.get("fail", 0) + summary.get("cancelled", 0)
        skipped = summary.get("skipped", summary.get("skip", 0)) + summary.get("todo", 0)
    else:
        passed, failed, skipped = (sum(1 for _, s in tests if s == status) for status in STATUSES)
    complete = "tests" not in summary or len(tests) == summary["tests"]
    return _result("node", passed, failed, skipped, None, [n for n, s in tests if s == "failed"],
                   tests if complete else None)


# --- go test -json ---------------------------------------------------------------


def parse_go_json(text: str) -> dict[str, Any] | None:
    if '"Action":' not in text[:4000]:
        return None
    outcome: dict[tuple[str, str], str] = {}
    packages: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        action = event.get("Action")
        if action not in ("pass", "fail", "skip"):
            continue
        if event.get("Test"):
            outcome[(event.get("Package", ""), event["Test"])] = action
        else:
            packages[event.get("Package", "")] = action
    if not outcome and not packages:
        return None
    names = [test for _, test in outcome]
    status = {"pass": "passed", "fail": "failed", "skip": "skipped"}
    tests = [(test, status[action]) for (_, test), action in outcome.items()
             if not any(other.startswith(test + "/") for other in names)]  # leaves only
    counts = {s: sum(1 for _, got in tests if got == s) for s in STATUSES}
    failing = [n for n, s in tests if s == "failed"] or [f"package {p}" for p, a in packages.items() if a == "fail"]
    return _result("go", counts["passed"], counts["failed"] or (len(failing) if failing else 0), counts["skipped"],
                   None, failing, tests)


# --- identities for the runners testparse already counts ----------------------------

_GO_LINE = Lazy(r"^\s*--- (PASS|FAIL|SKIP): (\S+)", re.MULTILINE)
_CARGO_LINE = Lazy(r"^test (.+?) \.\.\. (ok|FAILED|ignored)\b", re.MULTILINE)
_JEST_FILE = Lazy(r"^(PASS|FAIL) +(\S+)", re.MULTILINE)
_JEST_LINE = Lazy(r"^( +)(✓|✕|○|✎|√|×) (?:(skipped|todo) )?(.+?)\s*$")
_VITEST_FILE = Lazy(r"^ *(?:✓|❯|×|↓) (\S+\.\w+) \((\d+) tests?((?: \| \d+ \w+)*)\)", re.MULTILINE)
_VITEST_TEST = Lazy(r"^ {3}(✓|×|↓) (.+?)(?: \d+ms)?\s*$")


def parse_go(text: str) -> dict[str, Any] | None:
    result = testparse.parse_go(text)
    lines = _GO_LINE.findall(text)
    if result is None or not lines or "=== RUN" not in text:  # without -v, go prints only what failed
        return result
    names = [name for _, name in lines]
    status = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}
    tests = [(name, status[word]) for word, name in lines if not any(o.startswith(name + "/") for o in names)]
    result["skipped"] = sum(1 for _, s in tests if s == "skipped")
    result["passed"] = sum(1 for _, s in tests if s == "passed")
    return _with_tests(result, tests)


def parse_cargo(text: str) -> dict[str, Any] | None:
    result = testparse.parse_cargo(text)
    if result is None:
        return None
    status = {"ok": "passed", "FAILED": "failed", "ignored": "skipped"}
    tests = [(name, status[word]) for name, word in _CARGO_LINE.findall(text)]
    if len(tests) == (result["passed"] or 0) + (result["failed"] or 0) + (result["skipped"] or 0):
        _with_tests(result, tests)
    return result


def parse_jest(text: str) -> dict[str, Any] | None:
    result = testparse.parse_jest(text)
    if result is None:
        return None
    tests: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        if _JEST_FILE.match(line):
            stack = []
            continue
        if line.lstrip().startswith("●") or not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        match = _JEST_LINE.match(line)
        if match:
            name = _DURATION.sub("", match.group(4))
            status = "skipped" if match.group(3) or match.group(2) in "○✎" else (
                "passed" if match.group(2) in "✓√" else "failed")
            tests.append((" › ".join([*(t for _, t in stack), name]), status))
        elif indent >= 2 and not line.strip().startswith(("at ", "Expected", "Received", "|", ">")):
            stack.append((indent, line.strip()))
    total = (result["passed"] or 0) + (result["failed"] or 0) + (result["skipped"] or 0)
    if tests and len(tests) == total:
        _with_tests(result, tests)
    return result


def parse_vitest(text: str) -> dict[str, Any] | None:
    result = testparse.parse_vitest(text)
    if result is None:
        return None
    groups: dict[str, dict[str, int]] = {}
    tests: list[tuple[str, str]] = []
    current = ""
    for line in text.split("⎯⎯", 1)[0].splitlines():
        header = _VITEST_FILE.match(line)
        if header:
            current = header.group(1)
            parts = {w: int(n) for n, w in re.findall(r"(\d+) (\w+)", header.group(3))}
            total = int(header.group(2))
            skipped = parts.get("skipped", 0) + parts.get("todo", 0)
            failed = parts.get("failed", 0)
            entry = groups.setdefault(current, {"passed": 0, "failed": 0, "skipped": 0})
            entry["passed"] += max(0, total - failed - skipped)
            entry["failed"] += failed
            entry["skipped"] += skipped
            continue
        match = _VITEST_TEST.match(line)
        if match and current:
            status = {"✓": "passed", "×": "failed", "↓": "skipped"}[match.group(1)]
            tests.append((f"{current} > {' > '.join(p.strip() for p in match.group(2).split(' > '))}", status))
    if groups:
        result["groups"] = groups
        if len(tests) == sum(sum(g.values()) for g in groups.values()):
            _with_tests(result, tests)
    return result


PARSERS = (parse_go_json, testparse.parse_pytest, parse_cargo, parse_unittest, parse_node_spec, parse_tap,
           parse_mocha, parse_go, parse_vitest, parse_jest)


def parse(output: str) -> dict[str, Any] | None:
    """Counts, failing names and (where the output lists them) every test's identity, or None."""
    return testparse.parse(output, PARSERS)
