"""/evolve, /reconcile and /plan end to end, with the real Claude Code CLI.

The repository is the rendered example with a recorded history of synthetic
sessions (tests/runtime/learning_support.py writes it in the runtime's own
formats: a gate that keeps failing, a denied command retried, a file written
out of scope again and again). Everything after that is real: Claude Code
expands our skills, the SessionStart hook prints the banner, and the scripted
model runs the runtime calls the command texts ask for. Assertions read the
model's request log (what it was shown) and the files on disk.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runtime.learning.evolve import learning_id
from tests.e2e.fake_model import all_text, first_user_texts, tool_result_text, tool_use_id
from tests.helpers import git
from tests.runtime.learning_support import history

RT = "python3 -S .orchestrator/runtime"
SCOPE_FILE = "src/calc/cli.py"
SCOPE_ID = learning_id("out-of-scope", SCOPE_FILE)
GATE_ID = learning_id("gate-failure", "tests/test_ops.py::test_add")
RULE = Path(".claude/rules/out-of-scope-src-calc-cli-py.md")

FEATURE = {
    "title": "Power operation",
    "summary": "calc can raise a number to a power.",
    "problem": "Only add and subtract exist.",
    "goals": ["ops.power works for integers"],
    "non_goals": [],
    "requirements": [{"id": "R1", "text": "ops.power(a, b) returns a to the power b"}],
    "acceptance": [{"id": "A1", "text": "a test asserts ops.power(2, 3) == 8", "requirement": "R1"}],
    "open_questions": [],
}


def _bash(command: str) -> dict[str, Any]:
    return {"tool": "Bash", "input": {"command": command}}


def _expanded(run, repo: Path, skill: str) -> None:
    body = (repo / ".claude" / "skills" / skill / "SKILL.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    heading = next(line for line in body.splitlines() if line.strip())
    assert heading in "\n".join(first_user_texts(run.requests)), run.describe()


def _system_text(run) -> str:
    return all_text([{"messages": [m for m in run.requests[0]["messages"] if m.get("role") == "system"]}])


@pytest.fixture
def history_repo(rendered_repo: Path) -> Path:
    git(rendered_repo, "add", "-A")
    git(rendered_repo, "commit", "-q", "-m", "Add session-orchestrator")
    history(rendered_repo, 6, gate_in=(1, 3, 4), denied_in=(2,), scope_in=(0, 1, 2, 3, 4, 5, 5))
    return rendered_repo


def test_evolve_then_reconcile_shows_a_diff_and_writes_only_after_approval(history_repo: Path, run_claude) -> None:
    repo = history_repo
    steps = [_bash(f"{RT} evolve analyze"), _bash(f"{RT} evolve review"),
             _bash(f"{RT} evolve accept {SCOPE_ID} {GATE_ID}"), {"text": "Two learnings accepted."}]
    run = run_claude(repo, "/evolve analyze", {"steps": steps})
    _expanded(run, repo, "evolve")
    analysis = tool_result_text(run.requests, tool_use_id(0))
    assert SCOPE_ID in analysis and GATE_ID in analysis and "denied-retry" in analysis, analysis
    assert f"{SCOPE_FILE} was written outside the wave's scope 7 time(s)" in analysis
    assert "1. [" in tool_result_text(run.requests, tool_use_id(1))
    assert f"{SCOPE_ID}: accepted" in tool_result_text(run.requests, tool_use_id(2))

    propose = [_bash(f"{RT} reconcile propose"), {"text": "Shall I write this rule?"}]
    run = run_claude(repo, "/reconcile", {"steps": propose})
    _expanded(run, repo, "reconcile")
    shown = tool_result_text(run.requests, tool_use_id(0))
    assert "--- /dev/null" in shown and f"+++ b/{RULE.as_posix()}" in shown, shown
    assert f'+  - "{SCOPE_FILE}"' in shown and "nothing has been written" in shown
    assert not (repo / RULE).exists() and not (repo / ".claude" / "rules").exists()
    # the accepted learnings reached the model at session start, through the banner
    banner = _system_text(run)
    assert "learnings (accepted" in banner and "the gate failed on tests/test_ops.py::test_add" in banner, banner

    approve = [_bash(f"{RT} reconcile apply {SCOPE_ID}"), {"text": "Rule written."}]
    run = run_claude(repo, "Yes, write that rule.", {"steps": approve})
    assert f"wrote {RULE.as_posix()}" in tool_result_text(run.requests, tool_use_id(0))
    rule = (repo / RULE).read_text(encoding="utf-8")
    assert rule.startswith(f'---\npaths:\n  - "{SCOPE_FILE}"\n---\n') and SCOPE_ID in rule

    again = run_claude(repo, "/reconcile", {"steps": propose})
    assert SCOPE_ID not in tool_result_text(again.requests, tool_use_id(0))


def test_plan_feature_writes_a_prd_that_the_next_session_offers(rendered_repo: Path, run_claude) -> None:
    repo = rendered_repo
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add session-orchestrator")
    doc = json.dumps(FEATURE, indent=1)
    steps = [_bash(f"{RT} plan-doc template --kind feature"),
             _bash(f"{RT} plan-doc write --kind feature - <<'DOC'\n{doc}\nDOC"), {"text": "PRD written."}]
    run = run_claude(repo, "/plan feature", {"steps": steps})
    _expanded(run, repo, "plan")
    written = tool_result_text(run.requests, tool_use_id(1))
    assert "wrote docs/prd/" in written and "1 open item(s)" in written, written
    assert len(list((repo / "docs" / "prd").glob("*-prd-power-operation.md"))) == 1

    session = [_bash(f"{RT} session start feature"), _bash(f"{RT} research"), {"text": "Candidates listed."}]
    run = run_claude(repo, "/session feature", {"steps": session})
    research = tool_result_text(run.requests, tool_use_id(1))
    assert "Open PRD items" in research and "R1: ops.power(a, b) returns a to the power b" in research, research
