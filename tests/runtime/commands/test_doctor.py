"""`doctor` runs the real hook and reads the real settings, so it catches real breakage."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import runtime


def test_healthy_repo_passes(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 0, result.stdout
    assert "Claude Code: hooks wired in .claude/settings.json" in result.stdout
    assert "guard answers" in result.stdout
    assert "test gate: python3 -m pytest -q" in result.stdout


def test_unwired_hooks_fail_with_the_fix(rendered_repo: Path) -> None:
    (rendered_repo / ".claude" / "settings.json").write_text(json.dumps({"permissions": {}}))
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "hooks not wired for PreToolUse, SessionStart" in result.stdout
    assert "run 'python3 .orchestrator/runtime install'" in result.stdout


def test_broken_config_names_the_line(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("waves: 5", "waves: five"))
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    line = next(i for i, text in enumerate(claude_md.read_text().splitlines(), 1) if "waves: five" in text)
    assert f"CLAUDE.md:{line}: error: waves must be a whole number" in result.stdout


def test_missing_gate_tool_fails(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("lint-command: auto", "lint-command: no-such-linter ."))
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "lint gate cannot run: no-such-linter . (Session Config): the command was not found (exit 127)" \
        in result.stdout


def test_json_marks_the_gate_probes_so_a_script_reads_no_words(rendered_repo: Path) -> None:
    """`kind` tells a failed gate probe (a tool this machine lacks) from a broken install without
    matching the text: `session-orchestrator init` reads it to warn instead of failing."""
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("lint-command: auto", "lint-command: no-such-linter ."))
    report = json.loads(runtime(rendered_repo, "doctor", "--json").stdout)
    gates = [c for c in report["checks"] if c["kind"] == "gate"]
    assert [c["level"] for c in gates if "lint gate" in c["text"]] == ["fail"]
    assert [c["kind"] for c in report["checks"] if c["level"] == "fail"] == ["gate"]
    assert all(" gate" in c["text"] for c in gates) and len(gates) == 3
    assert all(c["kind"] is None for c in report["checks"] if c not in gates)


def test_a_runner_missing_from_the_interpreter_fails_the_probe_and_writes_nothing(rendered_repo: Path) -> None:
    """The interpreter exists but cannot run the suite: the probe must say so, and leave no trace."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(rendered_repo / ".venv")], check=True)
    state = rendered_repo / ".orchestrator" / "state"
    before = sorted(p.relative_to(state).as_posix() for p in state.rglob("*")) if state.exists() else []
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "test gate cannot run: .venv/bin/python -m pytest -q (auto: .venv/ exists" in result.stdout
    assert "the interpreter has no module 'pytest'" in result.stdout
    after = sorted(p.relative_to(state).as_posix() for p in state.rglob("*")) if state.exists() else []
    assert [p for p in after if "gates" in p] == [p for p in before if "gates" in p] == []


def test_lifted_guard_is_a_warning_not_a_failure(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text() + "- allow-destructive-ops: true\n")
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 0, result.stdout
    assert "the destructive-command guard is OFF (allow-destructive-ops: true)" in result.stdout


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_ten_runs_give_ten_identical_answers_and_write_nothing(rendered_repo: Path) -> None:
    """Its probes used to land in the real loop-guard history and trip it on the third run."""
    state, metrics = rendered_repo / ".orchestrator" / "state", rendered_repo / ".orchestrator" / "metrics"
    first = runtime(rendered_repo, "doctor")  # the first run may not create anything either
    assert first.returncode == 0, first.stdout
    before = (snapshot(state), snapshot(metrics), (rendered_repo / ".orchestrator" / "STATE.md").exists())
    results = [runtime(rendered_repo, "doctor") for _ in range(10)]
    assert [(r.returncode, r.stdout, r.stderr) for r in results] == [(first.returncode, first.stdout,
                                                                       first.stderr)] * 10
    assert (snapshot(state), snapshot(metrics), (rendered_repo / ".orchestrator" / "STATE.md").exists()) == before
    assert not any("loopguard" in name or "breaker" in name for name in before[0]), before[0]


def test_warnings_are_counted_as_warnings(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "doctor")
    warned = result.stdout.count("\n  warn  ")
    assert result.returncode == 0 and warned >= 1, result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == f"all checks passed ({warned} warning{'s' * (warned != 1)})"
    (rendered_repo / ".claude" / "settings.json").write_text(json.dumps({"permissions": {}}))
    failed = runtime(rendered_repo, "doctor")
    assert failed.stdout.rstrip().splitlines()[-1] == f"1 check failed, {warned} warning{'s' * (warned != 1)}"


def test_json_is_the_same_checks_as_data(rendered_repo: Path) -> None:
    """`--json` prints one object and nothing else, and holds every check the terminal view shows."""
    (rendered_repo / ".claude" / "settings.json").write_text(json.dumps({"permissions": {}}))
    text = runtime(rendered_repo, "doctor")
    result = runtime(rendered_repo, "doctor", "--json")
    assert result.returncode == text.returncode == 1
    report = json.loads(result.stdout)  # the whole of stdout is the object
    assert set(report) == {"schema_version", "root", "runtime_version", "ok", "failures", "warnings", "summary",
                           "checks"}
    assert report["schema_version"] == 1 and report["ok"] is False and report["failures"] >= 1
    assert report["root"] == str(rendered_repo.resolve()) and report["summary"] == text.stdout.splitlines()[-1]
    assert all(set(c) == {"level", "text", "fix", "kind"} and c["level"] in {"ok", "warn", "fail", "note"}
               and c["kind"] in {None, "gate", "trust", "trust-step"} for c in report["checks"])
    failed = [c for c in report["checks"] if c["level"] == "fail"]
    assert len(failed) == report["failures"]
    assert any("hooks not wired for PreToolUse, SessionStart" in c["text"]
               and c["fix"] == "run 'python3 .orchestrator/runtime install'" for c in failed)
    for check in report["checks"]:  # the terminal view is a rendering of the same records
        assert check["text"] in text.stdout
    assert sum(c["level"] == "warn" for c in report["checks"]) == report["warnings"]


def test_json_of_a_healthy_repo_says_ok(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "doctor", "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["failures"] == 0
    assert any(c["level"] == "ok" and "guard answers" in c["text"] and c["fix"] is None for c in report["checks"])
