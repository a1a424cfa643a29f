"""Every test's identity, read from what the real runners print.

Each test writes a small suite with a passing, a failing and a skipped test (and
nesting where the runner has it), runs the real runner on it (Python's, the
Node 20 that is installed, and the npm runners pinned in tests/js_runners.py),
and checks what the parser makes of the output. go and cargo are read from output
those runners printed (tests/fixtures/runner_output/README.md says how).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.loop.testreport import attach, capturing
from runtime.loop.testrunners import parse
from tests.helpers import ROOT
from tests.js_runners import link_into

RECORDED = ROOT / "tests" / "fixtures" / "runner_output"


def run(cwd: Path, *command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})
    return done.stdout + done.stderr


def ids(result: dict) -> dict[str, list[str]]:
    assert result is not None and "tests" in result, result
    return {status: sorted(names) for status, names in result["tests"].items()}


PYTEST_SUITE = """\
import random, time, pytest

def test_ok(): pass
def test_bad(): assert 1 == 2
@pytest.mark.skip(reason="later")
def test_skip(): pass
@pytest.mark.xfail
def test_xf(): assert 0
@pytest.mark.parametrize("x", [1, 2])
def test_param(x): pass
@pytest.mark.parametrize("stamp", [time.time(), random.random()])
def test_volatile(stamp): pass
class TestK:
    def test_m(self): pass
"""


def test_pytest_names_every_test_from_its_junit_report(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_p.py").write_text(PYTEST_SUITE)
    with capturing(tmp_path):
        out = run(tmp_path, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert "--junitxml" not in out
    result = attach(parse(out), out, tmp_path)
    got = ids(result)
    assert result["tests_source"] == "junit-xml"
    assert got["failed"] == ["tests/test_p.py::test_bad"] == result["failed_tests"]
    assert got["skipped"] == ["tests/test_p.py::test_skip", "tests/test_p.py::test_xf"]
    assert "tests/test_p.py::TestK::test_m" in got["passed"] and "tests/test_p.py::test_param[2]" in got["passed"]
    assert len(got["passed"]) == result["passed"] == 6
    assert "PYTEST_ADDOPTS" not in os.environ or "--junitxml" not in os.environ["PYTEST_ADDOPTS"]


def test_the_users_own_pytest_addopts_are_kept(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_one(): pass\ndef test_two(): pass\n")
    os.environ["PYTEST_ADDOPTS"] = "-k one"
    try:
        with capturing(tmp_path):
            out = run(tmp_path, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
        assert os.environ["PYTEST_ADDOPTS"] == "-k one"
    finally:
        del os.environ["PYTEST_ADDOPTS"]
    assert "1 passed, 1 deselected" in out
    assert ids(attach(parse(out), out, tmp_path))["passed"] == ["test_x.py::test_one"]


def test_a_report_from_another_pytest_run_is_not_trusted(tmp_path: Path) -> None:
    """A command running pytest twice leaves only its last run's report; its names must not stand for both."""
    (tmp_path / "test_a.py").write_text("def test_a(): pass\n")
    (tmp_path / "test_b.py").write_text("def test_b(): pass\ndef test_c(): pass\n")
    with capturing(tmp_path):
        first = run(tmp_path, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_b.py")
        second = run(tmp_path, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_a.py")
    assert "tests" not in attach(parse(first + "\n"), first, tmp_path)  # test_a.py's report, not test_b's
    assert ids(attach(parse(second), second, tmp_path))["passed"] == ["test_a.py::test_a"]


UNITTEST_SUITE = """\
import unittest
class T(unittest.TestCase):
    def test_adds(self): self.assertEqual(1 + 1, 2)
    def test_fails(self): self.assertEqual(1 + 1, 3)
    @unittest.skip("later")
    def test_skipped(self): pass
    @unittest.expectedFailure
    def test_xf(self): self.assertEqual(1, 2)
    def test_sub(self):
        for i in range(2):
            with self.subTest(i=i): self.assertEqual(i, 0)
"""


def test_unittest_plain_and_verbose(tmp_path: Path) -> None:
    (tmp_path / "test_m.py").write_text(UNITTEST_SUITE)
    plain = parse(run(tmp_path, sys.executable, "-m", "unittest"))
    assert plain["runner"] == "unittest" and "tests" not in plain
    assert (plain["passed"], plain["skipped"]) == (1, 2)
    assert plain["failed_tests"] == ["test_m.T.test_fails", "test_m.T.test_sub"]
    verbose = ids(parse(run(tmp_path, sys.executable, "-m", "unittest", "-v")))
    assert verbose == {"passed": ["test_m.T.test_adds"], "failed": ["test_m.T.test_fails", "test_m.T.test_sub"],
                       "skipped": ["test_m.T.test_skipped", "test_m.T.test_xf"]}


NODE_SUITE = """\
const test = require('node:test');
const assert = require('node:assert');
test('adds', () => { assert.strictEqual(1 + 1, 2); });
test('fails', () => { assert.strictEqual(1 + 1, 3); });
test.skip('skipped one', () => {});
test.todo('todo one');
test.describe('group', () => {
  test.it('inner ok', () => {});
  test.it('inner bad', () => { throw new Error('boom'); });
});
"""
NODE_IDS = {"passed": ["adds", "group > inner ok"], "failed": ["fails", "group > inner bad"],
            "skipped": ["skipped one", "todo one"]}


@pytest.mark.parametrize("reporter", [None, "spec", "tap"])
def test_node_test_runner_with_each_reporter(tmp_path: Path, reporter: str | None) -> None:
    (tmp_path / "math.test.js").write_text(NODE_SUITE)
    out = run(tmp_path, "node", "--test", *([f"--test-reporter={reporter}"] if reporter else []))
    result = parse(out)
    assert result["runner"] == "node", out
    assert (result["passed"], result["failed"], result["skipped"]) == (2, 2, 2)
    assert ids(result) == NODE_IDS


def test_mocha_spec_reporter(tmp_path: Path) -> None:
    (tmp_path / "test.js").write_text("""\
const assert = require('assert');
describe('math', function () {
  it('adds', function () { assert.equal(1 + 1, 2); });
  it('fails', function () { assert.equal(1 + 1, 3); });
  it.skip('skipped one', function () {});
  describe('nested', function () { it('deep ok', function () {}); });
});
it('top level', function () {});
""")
    link_into(tmp_path, "mocha")
    result = parse(run(tmp_path, "node_modules/.bin/mocha", "test.js"))
    assert result["runner"] == "mocha" and (result["passed"], result["failed"], result["skipped"]) == (3, 1, 1)
    assert ids(result) == {"passed": ["math > adds", "math > nested > deep ok", "top level"],
                           "failed": ["math > fails"], "skipped": ["math > skipped one"]}


def test_tape_names_each_test_by_its_comment(tmp_path: Path) -> None:
    (tmp_path / "test.js").write_text("""\
const test = require('tape');
test('adds', (t) => { t.equal(1 + 1, 2, 'one plus one'); t.ok(true, 'truthy'); t.end(); });
test('fails', (t) => { t.equal(1 + 1, 3, 'wrong sum'); t.end(); });
test('todo', { todo: true }, (t) => { t.ok(false, 'not yet'); t.end(); });
""")
    link_into(tmp_path, "tape")
    result = parse(run(tmp_path, "node", "test.js"))
    assert result["runner"] == "tap"
    assert ids(result) == {"passed": ["adds"], "failed": ["fails"], "skipped": ["todo"]}


JEST_SUITE = """\
describe('math', () => {
  test('adds', () => { expect(1 + 1).toBe(2); });
  test('fails', () => { expect(1 + 1).toBe(3); });
  test.skip('skipped one', () => {});
  test.todo('todo one');
  describe('nested', () => { test('deep ok', () => {}); });
});
"""


def test_jest_names_every_test_when_it_lists_them_and_counts_otherwise(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "j", "private": true}\n')
    (tmp_path / "math.test.js").write_text(JEST_SUITE)
    link_into(tmp_path, "jest")
    one = parse(run(tmp_path, "node_modules/.bin/jest", env={"CI": "true"}))
    assert ids(one) == {"passed": ["math › adds", "math › nested › deep ok"], "failed": ["math › fails"],
                        "skipped": ["math › skipped one", "math › todo one"]}
    (tmp_path / "other.test.js").write_text("test('other ok', () => {});\n")
    two = parse(run(tmp_path, "node_modules/.bin/jest", env={"CI": "true"}))
    assert (two["passed"], two["failed"], two["skipped"]) == (3, 1, 2) and "tests" not in two
    assert two["failed_tests"] == ["math › fails"]


def test_vitest_counts_per_file_and_names_the_tests_it_lists(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "v", "private": true, "type": "module"}\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "math.test.ts").write_text("import { describe, it, expect } from 'vitest';\n"
                                                   + JEST_SUITE.replace("test(", "it(").replace("test.", "it."))
    (tmp_path / "src" / "other.test.ts").write_text("import { it } from 'vitest';\nit('other ok', () => {});\n"
                                                    "it.skip('other skipped', () => {});\n")
    link_into(tmp_path, "vitest")
    result = parse(run(tmp_path, "node_modules/.bin/vitest", "run"))
    assert result["runner"] == "vitest"
    assert result["groups"] == {"src/math.test.ts": {"passed": 2, "failed": 1, "skipped": 2},
                                "src/other.test.ts": {"passed": 1, "failed": 0, "skipped": 1}}
    assert "tests" not in result  # the passing file's tests are not listed
    assert result["failed_tests"] == ["src/math.test.ts > math > fails"]
    (tmp_path / "src" / "other.test.ts").unlink()
    alone = parse(run(tmp_path, "node_modules/.bin/vitest", "run"))
    assert ids(alone)["passed"] == ["src/math.test.ts > math > adds", "src/math.test.ts > math > nested > deep ok"]


def test_go_plain_verbose_and_json() -> None:
    plain = parse((RECORDED / "go-plain.txt").read_text())
    assert plain["failed_tests"] == ["TestFails", "TestTable/two"] and "tests" not in plain
    expected = {"passed": ["TestAdd", "TestTable/one"], "failed": ["TestFails", "TestTable/two"],
                "skipped": ["TestSkip"]}
    for name in ("go-verbose.txt", "go-json.txt"):
        result = parse((RECORDED / name).read_text())
        assert result["runner"] == "go" and ids(result) == expected, name
        assert (result["passed"], result["failed"], result["skipped"]) == (2, 2, 1)


def test_cargo() -> None:
    result = parse((RECORDED / "cargo.txt").read_text())
    assert ids(result) == {"passed": ["tests::adds"], "failed": ["tests::fails"], "skipped": ["tests::slow"]}


def test_node_tap_a_skipped_suite_is_not_a_test(tmp_path: Path) -> None:
    """A skipped describe() is one TAP point (type 'suite') with no children: its tests are simply absent."""
    (tmp_path / "a.test.js").write_text("const test = require('node:test');\n"
                                        "test.describe.skip('group', () => { test.it('inner', () => {}); });\n"
                                        "test('alone', () => {});\n")
    result = parse(run(tmp_path, "node", "--test", "--test-reporter=tap"))
    assert ids(result) == {"passed": ["alone"], "failed": [], "skipped": []}
