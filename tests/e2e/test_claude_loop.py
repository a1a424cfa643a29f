"""The whole session loop, end to end, with the real Claude Code CLI.

Three separate `claude -p` runs on one repository, as a user would type them:
`/session feature`, `/go`, `/close`. The model is scripted: at each turn it issues
the runtime call the command text asks for (or a Read/Write of the planned
files). Everything else is real: Claude Code, the skills it expands, the hooks
judging every call under `enforcement: strict`, the vendored runtime keeping
STATE.md and running the gates (pytest on the example's own tests), and git.

The assertions read what the runtime wrote (STATE.md and the session record,
sessions.jsonl, git history), so a step the runtime refused shows up both as an
error tool_result and as a missing record.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_model import all_text, first_user_texts, tool_results, tool_use_id
from tests.helpers import git

RT = "python3 .orchestrator/runtime"

PLAN = {
    "items": [{"id": "I1", "title": "power operation", "acceptance": "ops.power(2, 3) == 8 and its test passes"}],
    "waves": [
        {"wave": 1, "role": "Discovery", "tasks": [
            {"id": "T1", "agent": "explorer", "items": ["I1"], "task": "Read calc.ops and its tests.", "files": []}]},
        {"wave": 2, "role": "Impl-Core", "tasks": [
            {"id": "T2", "agent": "implementer", "items": ["I1"], "task": "Add ops.power with a test.",
             "files": ["src/calc/ops.py", "tests/test_ops.py"]}]},
        {"wave": 3, "role": "Impl-Polish", "tasks": []},
        {"wave": 4, "role": "Quality", "tasks": []},
        {"wave": 5, "role": "Finalization", "tasks": []},
    ],
}
REVIEW = {"verdict": "proceed", "findings": [
    {"confidence": 30, "severity": "low", "file": "src/calc/ops.py", "summary": "power of floats is untested"}]}


def _bash(command: str) -> dict[str, Any]:
    return {"tool": "Bash", "input": {"command": command}}


def _stdin(command: str, payload: dict[str, Any], tag: str) -> dict[str, Any]:
    return _bash(f"{command} <<'{tag}'\n{json.dumps(payload, indent=1)}\n{tag}")


def _state_data(repo: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """(STATE.md frontmatter, the session record), read the way a person would: by their documented layout."""
    text = (repo / ".orchestrator" / "STATE.md").read_text(encoding="utf-8")
    head = text.split("\n---", 1)[0]
    front = {k: json.loads(v) for k, v in re.findall(r"^([a-z_]+): (.*)$", head, re.MULTILINE)}
    record = repo / ".orchestrator" / "state" / "session.json"
    assert record.is_file(), "the session record is missing"
    return front, json.loads(record.read_text(encoding="utf-8"))


def _assert_steps_ok(run, steps: list[dict[str, Any]]) -> None:
    """Every scripted tool call came back as planned.

    A step with `expect` must be denied by our scope check with that text in the
    reason; every other step must succeed (not refused, denied or failed). The
    fake model ignores the extra key.
    """
    for turn, step in enumerate(steps):
        if "tool" not in step:
            continue
        results = tool_results(run.requests, tool_use_id(turn))
        assert len(results) == 1, f"step {turn} {step} got no result\n{run.describe()}"
        result = results[0]
        if "expect" in step:
            assert result["is_error"], f"step {turn} {step['tool']} should have been denied: {result['text']}"
            assert "session-orchestrator scope (strict): Blocked" in result["text"], result["text"]
            assert step["expect"] in result["text"], result["text"]
        else:
            assert not result["is_error"], f"step {turn} {step['input']} failed:\n{result['text']}"


def _assert_expanded(run, repo: Path, skill: str) -> None:
    """The command reached the model as our skill text, not as a bare slash command."""
    body = (repo / ".claude" / "skills" / skill / "SKILL.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    heading = next(line for line in body.splitlines() if line.strip())
    assert heading in "\n".join(first_user_texts(run.requests)), run.describe()


@pytest.fixture
def loop_repo(rendered_repo: Path) -> Path:
    """The rendered example, committed, with strict enforcement so every edit is scope-checked."""
    claude_md = rendered_repo / "CLAUDE.md"
    text = claude_md.read_text(encoding="utf-8")
    assert "- enforcement: warn\n" in text
    claude_md.write_text(text.replace("- enforcement: warn\n", "- enforcement: strict\n"), encoding="utf-8")
    git(rendered_repo, "add", "-A")
    git(rendered_repo, "commit", "-q", "-m", "Add session-orchestrator")
    return rendered_repo


def test_session_go_close_walk(loop_repo: Path, run_claude) -> None:
    repo = loop_repo
    start_head = git(repo, "rev-parse", "HEAD").strip()
    tools = (str(Path(sys.executable).parent),)  # the gate runs `python3 -m pytest`; put one that has it first

    # /session feature: start, research, baseline, record the plan.
    session_steps = [
        _bash(f"{RT} session status"),
        _bash(f"{RT} session start feature"),
        _bash(f"{RT} research"),
        _bash(f"{RT} gate baseline"),
        _bash(f"{RT} plan template"),
        _stdin(f"{RT} plan set -", PLAN, "PLAN"),
        _bash(f"{RT} plan show"),
        {"text": "Plan recorded. Run /go to start the waves."},
    ]
    run = run_claude(repo, "/session feature", {"steps": session_steps}, path_prepend=tools)
    _assert_expanded(run, repo, "session")
    _assert_steps_ok(run, session_steps)
    front, data = _state_data(repo)
    assert front["status"] == "active" and front["type"] == "feature"
    assert data["plan_set"] is True
    baseline_passed = data["baseline"]["checks"]["test"]["counts"]["passed"]
    assert baseline_passed > 0

    # /go: five waves; the Impl-Core wave writes the planned files.
    ops, test_ops = repo / "src" / "calc" / "ops.py", repo / "tests" / "test_ops.py"
    readme = repo / "README.md"
    readme_before = readme.read_bytes()
    new_ops = ops.read_text(encoding="utf-8") + "\n\ndef power(a, b):\n    return a ** b\n"
    new_tests = test_ops.read_text(encoding="utf-8") + "\n\ndef test_power():\n    assert ops.power(2, 3) == 8\n"
    go_steps = [
        _bash(f"{RT} session status"),
        _bash(f"{RT} wave start 1"),
        {"tool": "Read", "input": {"file_path": str(ops)}},
        {"tool": "Write", "input": {"file_path": str(ops), "content": "early\n"}, "expect": "is read-only"},
        _bash(f"{RT} wave done 1 --task T1=done"),
        _bash(f"{RT} wave start 2"),
        {"tool": "Read", "input": {"file_path": str(test_ops)}},
        {"tool": "Read", "input": {"file_path": str(readme)}},
        {"tool": "Write", "input": {"file_path": str(readme), "content": "moved\n"}, "expect": "may change only"},
        {"tool": "Write", "input": {"file_path": str(ops), "content": new_ops}},
        {"tool": "Write", "input": {"file_path": str(test_ops), "content": new_tests}},
        _bash(f"{RT} wave done 2 --task 'T2=done:power added with a test'"),
        _bash(f"{RT} gate incremental"),
        _stdin(f"{RT} review record --wave 2 -", REVIEW, "REVIEW"),
        _bash(f"{RT} wave start 3"),
        _bash(f"{RT} wave done 3"),
        _bash(f"{RT} gate incremental"),
        _bash(f"{RT} wave start 4"),
        _bash(f"{RT} wave done 4"),
        _bash(f"{RT} gate full"),
        _stdin(f"{RT} review record --wave 4 -", {"verdict": "proceed", "findings": []}, "REVIEW"),
        _bash(f"{RT} wave start 5"),
        _bash(f"{RT} wave done 5"),
        {"text": "All waves done. Run /close."},
    ]
    run = run_claude(repo, "/go", {"steps": go_steps}, path_prepend=tools)
    _assert_expanded(run, repo, "go")
    _assert_steps_ok(run, go_steps)
    assert ops.read_text(encoding="utf-8") == new_ops
    assert test_ops.read_text(encoding="utf-8") == new_tests
    assert readme.read_bytes() == readme_before  # the out-of-scope write was stopped
    system_text = all_text([{"messages": [m for m in run.requests[0]["messages"] if m.get("role") == "system"]}])
    assert f"unfinished session: {front['session_id']}" in system_text  # the banner saw the open session

    # /close: check the item, full gate, the evidence ledger, carryover, close the record, one commit.
    close_steps = [
        _bash(f"{RT} session status"),
        _bash("python3 -c 'import sys; sys.path.insert(0, \"src\"); from calc import ops; "
              "assert ops.power(2, 3) == 8'"),
        _bash(f"{RT} plan item I1 --status done --note 'ops.power(2, 3) == 8; test_power passes'"),
        _bash(f"{RT} gate full"),
        _bash(f"{RT} close verify"),
        _bash(f"{RT} close carryover"),
        _bash(f"{RT} session close --outcome completed"),
        _bash(f"{RT} close commit"),
        {"text": "Closed."},
    ]
    run = run_claude(repo, "/close", {"steps": close_steps}, path_prepend=tools)
    _assert_expanded(run, repo, "close")
    _assert_steps_ok(run, close_steps)

    front, data = _state_data(repo)
    assert front["status"] == "completed"
    assert front["current_wave"] == front["total_waves"] == 5
    assert [w["status"] for w in data["waves"]] == ["done"] * 5
    assert data["waves"][1]["results"]["T2"] == {"status": "done", "note": "power added with a test"}
    assert [i["status"] for i in data["items"]] == ["done"]
    gates = [(g["variant"], g["wave"], g["blocked"]) for g in data["gates"]]
    assert ("incremental", 2, False) in gates and ("incremental", 3, False) in gates
    assert [g for g in gates if g[0] == "full"] and not any(g[2] for g in gates)
    final = data["gates"][-1]
    assert final["variant"] == "full"
    assert final["checks"]["test"]["counts"]["passed"] == baseline_passed + 1  # test_power is counted
    assert [r["wave"] for r in data["reviews"]] == [2, 4]

    records = [json.loads(line) for line in
               (repo / ".orchestrator" / "metrics" / "sessions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["id"] == front["session_id"] and record["type"] == "feature"
    assert record["outcome"] == "completed"
    assert record["items_planned"] == record["items_done"] == 1
    assert record["carryover"] == 0
    assert len(record["waves"]) == 5 and all(w["status"] == "done" for w in record["waves"])
    assert record["gates"]["baseline"] is True
    assert record["gates"]["run"] >= 4 and record["gates"]["passed"] == record["gates"]["run"]
    assert record["files_changed"] == 2

    log = git(repo, "log", "--format=%s", f"{start_head}..HEAD").splitlines()
    assert log == ["Power operation"]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        ".orchestrator/STATE.md", ".orchestrator/metrics/sessions.jsonl", "src/calc/ops.py", "tests/test_ops.py"]
    assert git(repo, "status", "--porcelain").strip() == ""
