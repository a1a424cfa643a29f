"""JavaScript projects: eslint never fixes through a gate, and doctor proves vitest and `node --test` run.

Real tools: eslint 9 and vitest 3 from the npm registry (pinned in tests/node_tools.py,
installed once into a cache), Node's own test runner.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from runtime.loop import state as st
from runtime.loop.probes import probe
from tests.helpers import commit_all, git, runtime
from tests.node_tools import link_node_modules
from tests.runtime.loop_support import rt

ESLINT_CONFIG = "export default [{ files: ['**/*.js'], rules: { 'prefer-const': 'error' } }];\n"
CLEAN = "export function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\n"
FIXABLE = "export function twice(a) {\n  let doubled = a * 2;\n  return doubled;\n}\n"
NODE_TEST = ("import test from 'node:test';\nimport assert from 'node:assert/strict';\n"
             "import { add } from '../src/add.js';\n\ntest('adds', () => { assert.equal(add(1, 2), 3); });\n")


def _files(repo: Path) -> dict[str, str]:
    return {p.relative_to(repo).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(repo.rglob("*")) if p.is_file() and not p.is_symlink()
            and not p.relative_to(repo).as_posix().startswith((".git/", ".orchestrator/"))
            and "node_modules" not in p.parts}


def _node_repo(tmp_path: Path, lint: str, scripts: dict[str, str] | None = None) -> Path:
    repo = tmp_path / "demo"
    (repo / "src").mkdir(parents=True)
    (repo / "test").mkdir()
    (repo / "package.json").write_text(json.dumps({"name": "demo", "type": "module", "private": True,
                                                   "scripts": scripts or {}}))
    (repo / "eslint.config.js").write_text(ESLINT_CONFIG)
    (repo / "src" / "add.js").write_text(CLEAN)
    (repo / "test" / "add.test.js").write_text(NODE_TEST)
    (repo / "CLAUDE.md").write_text("# demo\n\n## Session Config\n\n- test-command: node --test\n"
                                    f"- typecheck-command: skip\n- lint-command: {lint}\n")
    git(repo, "init", "-q", "-b", "main")
    link_node_modules(repo)
    commit_all(repo, "demo")
    assert rt(repo, "session", "start", "feature").returncode == 0
    return repo


@pytest.mark.parametrize("lint", ["auto", "npx eslint --fix ."])
def test_a_fixable_eslint_finding_blocks_and_nothing_is_fixed(tmp_path: Path, lint: str) -> None:
    repo = _node_repo(tmp_path, lint)
    files = _files(repo)
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 0, base.stdout
    assert st.load(repo)["baseline"]["checks"]["lint"]["command"] == "npx eslint ."
    assert _files(repo) == files
    (repo / "src" / "twice.js").write_text(FIXABLE)
    files = _files(repo)
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "NEW: lint: 1 new finding" in gate.stdout and "prefer-const" in gate.stdout
    assert "src/twice.js" in gate.stdout
    assert _files(repo) == files and (repo / "src" / "twice.js").read_text() == FIXABLE


def test_a_lint_script_that_fixes_is_caught_and_named(tmp_path: Path) -> None:
    """`npm run lint` cannot be rewritten (the script is not visible in the command), so the tree check
    must catch the write, name the file and the check, and block."""
    repo = _node_repo(tmp_path, "auto", {"lint": "eslint --fix ."})
    assert rt(repo, "gate", "baseline").returncode == 0
    (repo / "src" / "twice.js").write_text(FIXABLE)
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "WROTE: the lint check (npm run lint) changed 1 file: src/twice.js" in gate.stdout
    wrote = st.load(repo)["gates"][-1]["wrote"]
    assert wrote["files"] == ["src/twice.js"] and wrote["by"][0]["commands"] == ["npm run lint"]


def test_probe_lists_vitest_tests_and_runs_node_test(tmp_path: Path) -> None:
    repo = _node_repo(tmp_path, "skip", {"test": "vitest run"})
    (repo / "test" / "sum.test.js").write_text("import { test, expect } from 'vitest';\n"
                                               "test('sums', () => { expect(1 + 1).toBe(2); });\n")
    (repo / "test" / "add.test.js").unlink()
    status, detail, _ = probe("test", "npm test", repo)
    assert (status, detail) == ("ok", "lists tests (vitest): 1 listed"), detail
    (repo / "package.json").write_text(json.dumps({"name": "demo", "type": "module", "scripts": {
        "test": "node --test"}}))
    (repo / "test" / "sum.test.js").unlink()
    (repo / "test" / "add.test.js").write_text(NODE_TEST)
    status, detail, _ = probe("test", "npm test", repo)
    assert status == "ok" and detail.startswith("runs (node --test)"), detail


@pytest.mark.parametrize("runner", ["vitest", "node --test"])
def test_doctor_passes_on_a_working_project(rendered_repo: Path, runner: str) -> None:
    repo = rendered_repo
    script = "vitest run" if runner == "vitest" else "node --test"
    (repo / "package.json").write_text(json.dumps({"name": "calc-js", "type": "module", "private": True,
                                                   "scripts": {"test": script}}))
    (repo / "js").mkdir()
    (repo / "js" / "add.js").write_text(CLEAN)
    body = ("import { test, expect } from 'vitest';\nimport { add } from './add.js';\n"
            "test('adds', () => { expect(add(1, 2)).toBe(3); });\n" if runner == "vitest"
            else NODE_TEST.replace("../src/add.js", "./add.js"))
    (repo / "js" / "add.test.js").write_text(body)
    link_node_modules(repo)
    claude_md = repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("test-command: auto", "test-command: npm test"))
    commit_all(repo, "a JavaScript suite")
    doctor = runtime(repo, "doctor")
    assert doctor.returncode == 0, doctor.stdout
    line = next(text for text in doctor.stdout.splitlines() if "test gate: npm test" in text)
    assert ("lists tests (vitest)" if runner == "vitest" else "runs (node --test)") in line, line
