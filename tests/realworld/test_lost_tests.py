"""The ways an agent under pressure turns a red suite green, tried on real projects: each one blocks.

Through the real runtime CLI (`session start`, `gate baseline`, the plan, waves 1 and
2, then an edit and `gate incremental` during wave 2), on three projects with their
own environments:

- six 1.17.0, the pinned sdist from PyPI (projects.py), in its own `.venv` with pytest,
  with this template rendered into it;
- a small TypeScript project tested with vitest (pinned in tests/js_runners.py,
  installed from npm into a shared cache, linked as the project's `node_modules`);
- a small Node project tested with Node's own runner, `node --test` (Node 20 here).

In each: a gate right after the baseline on the unchanged tree passes; (a) a real
regression hidden by skipping (or deselecting) the tests that catch it, (b) a
deleted passing test and (c) the test command replaced by `echo` block and say what
was lost; (d) a failing `node --test` test is a regression by name, not "cannot run".
After each case the edit is undone and the gate passes again, so every block is
caused by that case alone.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import git, render, runtime
from tests.js_runners import link_into
from tests.realworld.projects import SIX, clean_env, make_venv, unpack
from tests.runtime.loop_support import RUNTIME, plan_for

JS_CONFIG = ("# project\n\n## Session Config\n\n- test-command: auto\n- typecheck-command: skip\n"
             "- lint-command: skip\n")


def _to_wave_2(rt: object, repo: Path) -> None:
    assert rt(repo, "wave", "start", "1").returncode == 0  # type: ignore[operator]
    assert rt(repo, "wave", "done", "1", "--task", "T1=done").returncode == 0  # type: ignore[operator]
    assert rt(repo, "wave", "start", "2").returncode == 0  # type: ignore[operator]


def _start(rt: object, repo: Path) -> None:
    """Session, baseline, an immediate gate on the unchanged tree (it must pass), the plan, waves 1 and 2."""
    assert rt(repo, "session", "start", "feature").returncode == 0  # type: ignore[operator]
    base = rt(repo, "gate", "baseline")  # type: ignore[operator]
    assert base.returncode == 0, base.stdout
    same = rt(repo, "gate", "incremental")  # type: ignore[operator]
    assert same.returncode == 0 and "PASS" in same.stdout and "LOST" not in same.stdout, same.stdout
    status = json.loads(rt(repo, "session", "status", "--json").stdout)  # type: ignore[operator]
    plan = json.dumps(plan_for(status["waves"]))
    assert rt(repo, "plan", "set", "-", stdin=plan).returncode == 0  # type: ignore[operator]
    _to_wave_2(rt, repo)


def _blocked(rt: object, repo: Path, *expected: str) -> str:
    gate = rt(repo, "gate", "incremental")  # type: ignore[operator]
    assert gate.returncode == 2, gate.stdout
    assert "during wave 2" in gate.stdout
    for text in expected:
        assert text in gate.stdout, gate.stdout
    return gate.stdout


def _undone(rt: object, repo: Path) -> None:
    git(repo, "checkout", "--", ".")
    git(repo, "clean", "-fdq", "-e", ".orchestrator", "-e", "node_modules", "-e", ".venv")
    gate = rt(repo, "gate", "incremental")  # type: ignore[operator]
    assert gate.returncode == 0, gate.stdout


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _set_config(repo: Path, key: str, value: str) -> None:
    claude = repo / "CLAUDE.md"
    lines = claude.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(f"- {key}:") for line in lines), f"no {key} in the rendered Session Config"
    claude.write_text("\n".join(f"- {key}: {value}" if line.startswith(f"- {key}:") else line for line in lines)
                      + "\n", encoding="utf-8")


def test_a_pypi_project_six(tmp_path: Path) -> None:
    repo = unpack(SIX, tmp_path / "six")
    make_venv(repo, SIX)
    render(repo)
    _set_config(repo, "lint-command", "skip")  # six configures flake8 but does not install it; lint is not at issue
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "session-orchestrator")

    def rt(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return runtime(repo, *args, stdin=stdin, env=clean_env(), timeout=600)

    _start(rt, repo)
    tests = repo / "test_six.py"
    # (a) the regression is real, and the test that catches it is skipped
    _replace(repo / SIX.module, SIX.before, SIX.after)
    _replace(tests, "def test_dictionary_iterators(", "@pytest.mark.skip(reason='flaky')\n"
                                                     "def test_dictionary_iterators(")
    _blocked(rt, repo, f"LOST: 1 test that passed at baseline did not run: {SIX.broken_test}")
    _undone(rt, repo)
    # (a) the same, deselected from a conftest.py instead of skipped
    _replace(repo / SIX.module, SIX.before, SIX.after)
    (repo / "conftest.py").write_text(
        "def pytest_collection_modifyitems(config, items):\n"
        "    gone = [i for i in items if i.name == 'test_dictionary_iterators']\n"
        "    items[:] = [i for i in items if i not in gone]\n"
        "    config.hook.pytest_deselected(items=gone)\n", encoding="utf-8")
    _blocked(rt, repo, f"LOST: 1 test that passed at baseline did not run: {SIX.broken_test}")
    _undone(rt, repo)
    # (b) a passing test deleted
    _replace(tests, "def test_lazy():", "def _was_test_lazy():")
    _blocked(rt, repo, "LOST: 1 test that passed at baseline did not run: test_six.py::test_lazy")
    _undone(rt, repo)
    # (c) the test command replaced by echo
    _set_config(repo, "test-command", "echo tests skipped")
    _blocked(rt, repo, "printed no test results the gate can read (exit 0); the baseline had 198 passed")
    _undone(rt, repo)
    # the real regression alone is still a regression by name
    _replace(repo / SIX.module, SIX.before, SIX.after)
    _blocked(rt, repo, f"REGRESSION: {SIX.broken_test}")


def _js_project(repo: Path, package: dict[str, object], files: dict[str, str], runner: str | None) -> Path:
    repo.mkdir()
    (repo / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    (repo / "CLAUDE.md").write_text(JS_CONFIG, encoding="utf-8")
    (repo / ".gitignore").write_text("node_modules\n", encoding="utf-8")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    if runner:
        link_into(repo, runner)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "project")
    return repo


def _rt(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return runtime(repo, *args, stdin=stdin, program=RUNTIME, timeout=600)


MATH_TS = """\
export function add(a: number, b: number): number {
  return a + b;
}

export function sub(a: number, b: number): number {
  return a - b;
}
"""

MATH_TEST_TS = """\
import { describe, expect, it } from "vitest";
import { add, sub } from "./math";

describe("add", () => {
  it("adds small numbers", () => {
    expect(add(1, 2)).toBe(3);
  });
  it("adds negatives", () => {
    expect(add(-1, -2)).toBe(-3);
  });
  it("adds zero", () => {
    expect(add(5, 0)).toBe(5);
  });
});

describe("sub", () => {
  it("subtracts", () => {
    expect(sub(5, 3)).toBe(2);
  });
});
"""

TEXT_TEST_TS = """\
import { expect, it } from "vitest";

it("upper-cases", () => {
  expect("a".toUpperCase()).toBe("A");
});
"""


def test_a_typescript_project_with_vitest(tmp_path: Path) -> None:
    repo = _js_project(tmp_path / "tsproj", {
        "name": "tsproj", "version": "1.0.0", "private": True, "type": "module",
        "scripts": {"test": "vitest run"},
    }, {"src/math.ts": MATH_TS, "src/math.test.ts": MATH_TEST_TS, "src/text.test.ts": TEXT_TEST_TS,
        "tsconfig.json": '{"compilerOptions": {"strict": true, "module": "esnext", "target": "es2022", '
                         '"moduleResolution": "bundler"}}\n'}, "vitest")
    _start(_rt, repo)
    math_test = repo / "src" / "math.test.ts"
    # (a) the regression is real, and the three tests that catch it are skipped
    _replace(repo / "src" / "math.ts", "return a + b;", "return a + b + 1;")
    _replace(math_test, 'describe("add", () => {', 'describe.skip("add", () => {')
    _blocked(_rt, repo, "LOST: 3 tests that passed at baseline did not run: src/math.test.ts (3 tests; the runner "
                        "does not print their names)")
    _undone(_rt, repo)
    # (b) a passing test deleted
    _replace(math_test, '  it("adds zero", () => {\n    expect(add(5, 0)).toBe(5);\n  });\n', "")
    _blocked(_rt, repo, "LOST: 1 test that passed at baseline did not run: src/math.test.ts (1 test;")
    _undone(_rt, repo)
    # (c) the test script replaced by echo
    _replace(repo / "package.json", '"test": "vitest run"', '"test": "echo tests skipped"')
    _blocked(_rt, repo, "printed no test results the gate can read (exit 0); the baseline had 5 passed")
    _undone(_rt, repo)
    # the regression alone is a regression by name
    _replace(repo / "src" / "math.ts", "return a + b;", "return a + b + 1;")
    _blocked(_rt, repo, "REGRESSION: src/math.test.ts > add > adds small numbers")


MATH_JS = """\
function add(a, b) {
  return a + b;
}

module.exports = { add };
"""

MATH_TEST_JS = """\
const test = require("node:test");
const assert = require("node:assert");
const { add } = require("../src/math.js");

test.describe("add", () => {
  test.it("adds small numbers", () => {
    assert.strictEqual(add(1, 2), 3);
  });
  test.it("adds negatives", () => {
    assert.strictEqual(add(-1, -2), -3);
  });
});

test("adds zero", () => {
  assert.strictEqual(add(5, 0), 5);
});
"""


def test_a_node_project_with_node_test(tmp_path: Path) -> None:
    repo = _js_project(tmp_path / "nodeproj", {
        "name": "nodeproj", "version": "1.0.0", "private": True, "scripts": {"test": "node --test"},
    }, {"src/math.js": MATH_JS, "test/math.test.js": MATH_TEST_JS}, None)
    _start(_rt, repo)
    math_test = repo / "test" / "math.test.js"
    # (d) a failing test is a regression by name, not "could not run"
    _replace(repo / "src" / "math.js", "return a + b;", "return a + b + 1;")
    out = _blocked(_rt, repo, "REGRESSION: add > adds small numbers", "REGRESSION: add > adds negatives",
                   "REGRESSION: adds zero")
    assert "BROKEN" not in out
    # (a) ... and the tests that catch it skipped
    _replace(math_test, 'test.describe("add"', 'test.describe.skip("add"')
    _replace(math_test, 'test("adds zero"', 'test.skip("adds zero"')
    _blocked(_rt, repo, "LOST: 3 tests that passed at baseline did not run: add > adds small numbers, "
                        "add > adds negatives, adds zero")
    _undone(_rt, repo)
    # (b) a passing test deleted
    _replace(math_test, 'test("adds zero", () => {\n  assert.strictEqual(add(5, 0), 5);\n});\n', "")
    _blocked(_rt, repo, "LOST: 1 test that passed at baseline did not run: adds zero")
    _undone(_rt, repo)
    # (c) the test script replaced by echo
    _replace(repo / "package.json", '"test": "node --test"', '"test": "echo tests skipped"')
    _blocked(_rt, repo, "printed no test results the gate can read (exit 0); the baseline had 3 passed")
