"""What a gate says: a stable --json document, no colour codes, the first failure's assertion and
location, where the full log is, and a diagnosis that quotes the tool instead of guessing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from runtime.loop import state as st
from runtime.loop.failtext import first_failure
from runtime.loop.gates import diagnose
from runtime.loop.probes import probe
from tests.helpers import commit_all, runtime
from tests.runtime.loop_support import calc_repo, rt

MYPY = shutil.which("mypy") or str(Path(sys.executable).parent / "mypy")
DOCUMENTED = ("schema", "variant", "verdict", "blocked", "exit_code", "wave", "during", "ts", "duration", "checks",
              "regressions", "new_problems", "new_findings", "preexisting", "broken", "overridden", "wrote", "judged",
              "no_baseline", "summary")
CHECK_KEYS = ("kind", "status", "command", "source", "exit", "duration", "timed_out", "counts", "failed_tests",
              "problems", "findings", "first_failure", "tail", "log", "cause", "fix")


def _break_add(repo: Path) -> None:
    ops = repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text().replace("return a + b", "return a + b + 1"))


def _with_test_command(repo: Path, command: str) -> None:
    text = (repo / "CLAUDE.md").read_text()
    (repo / "CLAUDE.md").write_text(text.replace("test-command: python3 -m pytest -q -p no:cacheprovider",
                                                 f"test-command: {command}"))
    commit_all(repo, "test command")


def test_gate_json_has_the_documented_shape_and_the_recorded_verdict(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    base = rt(repo, "gate", "baseline", "--json")
    doc = json.loads(base.stdout)
    assert base.returncode == 0 and doc["verdict"] == "recorded" and doc["exit_code"] == 0
    assert set(DOCUMENTED) <= set(doc) and doc["schema"] == 1
    _break_add(repo)
    gate = rt(repo, "gate", "incremental", "--json")
    doc = json.loads(gate.stdout)
    assert gate.returncode == 2 == doc["exit_code"]
    assert doc["verdict"] == "blocked" and doc["blocked"] is True
    assert set(DOCUMENTED) <= set(doc)
    test = doc["checks"]["test"]
    assert set(CHECK_KEYS) <= set(test) and test["status"] == "failed"
    assert "tests/test_ops.py::test_add" in doc["regressions"]
    assert doc["checks"]["typecheck"]["status"] == "skipped"
    assert doc["wrote"] == {"checked": True, "files": [], "by": []}
    recorded = st.load(repo)["gates"][-1]
    assert doc["regressions"] == recorded["regressions"] and doc["judged"] == recorded["judged"]
    assert doc["summary"].startswith("gate incremental (before wave 1): BLOCKED")


def test_gate_json_reports_a_gate_that_could_not_run_as_one_document(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    told = rt(repo, "gate", "incremental", "--json")
    doc = json.loads(told.stdout)
    assert told.returncode == 1 and doc["verdict"] == "error" and "session" in doc["error"]


def test_checks_run_without_colour_and_escapes_never_reach_the_summary(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _with_test_command(repo, "python3 -m pytest -q -p no:cacheprovider --color=yes")  # forces escapes anyway
    assert rt(repo, "session", "start", "feature").returncode == 0
    assert rt(repo, "gate", "baseline").returncode == 0
    _break_add(repo)
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2
    assert "\x1b" not in gate.stdout and "REGRESSION: tests/test_ops.py::test_add" in gate.stdout
    assert "\x1b" not in json.dumps(st.load(repo)["gates"][-1])


def test_the_environment_of_a_check_switches_colour_off(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _with_test_command(repo, "python3 -c \"import os; print('colour', os.environ.get('NO_COLOR'), "
                             "os.environ.get('FORCE_COLOR'), os.environ.get('PY_COLORS')); raise SystemExit(3)\"")
    assert rt(repo, "session", "start", "feature").returncode == 0
    rt(repo, "gate", "baseline", env={"FORCE_COLOR": "1", "PY_COLORS": "1"})
    assert "colour 1 0 0" in st.load(repo)["baseline"]["checks"]["test"]["tail"]


def test_a_failure_shows_its_assertion_and_location_then_the_summary_and_the_log(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    assert rt(repo, "gate", "baseline").returncode == 0
    _break_add(repo)
    out = rt(repo, "gate", "incremental").stdout
    lines = out.splitlines()
    first = lines.index("  first failure (test):")
    summary = lines.index("  summary (test):")
    assert first < summary
    excerpt = "\n".join(lines[first:summary])
    assert "E       AssertionError" in excerpt or "E       assert" in excerpt
    assert "tests/test_" in excerpt and ".py:" in excerpt  # where it failed
    assert "2 failed, 5 passed" in lines[summary + 1]
    assert "  full output: .orchestrator/state/gates/test.log" in lines
    assert "test_add" in (repo / ".orchestrator" / "state" / "gates" / "test.log").read_text()
    assert len(lines) <= 16


def test_node_test_failures_are_found_in_both_reporters(tmp_path: Path) -> None:
    """Real `node --test` output (spec and TAP reporters), not a copy of it."""
    (tmp_path / "sum.test.mjs").write_text(
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\n"
        "test('adds', () => { assert.equal(1 + 1, 3); });\ntest('keeps', () => { assert.ok(true); });\n")
    for reporter in ("spec", "tap"):
        done = subprocess.run(["node", "--test", f"--test-reporter={reporter}", "sum.test.mjs"], cwd=tmp_path,
                              capture_output=True, text=True, env={"PATH": "/usr/bin:/bin:/usr/local/bin",
                                                                   "NO_COLOR": "1"})
        found = first_failure(done.stdout + done.stderr)
        assert found and "adds" in found[0], (reporter, found, done.stdout)
        assert any("sum.test.mjs:3" in line for line in found), (reporter, found)
        assert any("Expected" in line or "expected" in line or "AssertionError" in line for line in found)


def test_no_such_file_inside_a_tools_output_is_not_a_missing_command(tmp_path: Path) -> None:
    """mypy's "Cannot read file ...: No such file or directory" is mypy's own error, shown as it said it."""
    (tmp_path / "mypy.ini").write_text("[mypy]\nfiles = nope/\n")
    status, detail, fix = probe("typecheck", MYPY, tmp_path)
    assert status == "broken"
    assert "not found" not in detail
    assert "cannot read file" in detail.lower() and "No such file or directory" in detail
    assert fix.count("set typecheck-command") <= 1


def test_a_runner_missing_behind_npm_is_named_not_npm(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "x", "scripts": {"test": "no-such-runner-xyz"}}))
    done = subprocess.run("npm test", shell=True, cwd=tmp_path, capture_output=True, text=True)
    cause = diagnose("test", "npm test", done.returncode, done.stdout + done.stderr, None, False, 900)
    assert cause is not None and cause[0].endswith("no-such-runner-xyz"), (done.returncode, done.stdout, cause)


def test_doctor_says_each_fix_once_and_quotes_the_tool(rendered_repo: Path) -> None:
    (rendered_repo / "mypy.ini").write_text("[mypy]\nfiles = nope/\n")
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("typecheck-command: auto", f"typecheck-command: {MYPY}"))
    result = runtime(rendered_repo, "doctor")
    line = next(text for text in result.stdout.splitlines() if "typecheck gate cannot run" in text)
    assert "cannot read file" in line.lower() and "a command was not found" not in line
    fix = result.stdout.splitlines()[result.stdout.splitlines().index(line) + 1]
    assert fix.count("typecheck-command") <= 1, fix
