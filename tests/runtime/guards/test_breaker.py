"""A tripped circuit breaker stops the loop: no wave starts and no subagent is dispatched until a gate
passes or the user acknowledges it. Real runtime runs on the example repository in git."""

from __future__ import annotations

import json
from pathlib import Path

from runtime.core.toolcall import DISPATCH, SHELL, ToolCall
from runtime.guards import breaker
from runtime.guards.context import HookContext
from runtime.hookpath import hooks
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan


def _trip_by_gates(repo: Path) -> None:
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    assert begin(repo, 2).returncode == 0
    ops = repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text().replace("return a + b", "return a + b + 1"))
    finish(repo, 2, "T2=done")
    for _ in range(3):
        assert rt(repo, "gate", "incremental").returncode == 2
    assert [b["kind"] for b in breaker.active(repo)] == ["gate-failure"]


def _dispatch(repo: Path) -> object:
    call = ToolCall(DISPATCH, "Agent", {"subagent_type": "implementer", "prompt": "go"})
    return hooks.judge(HookContext(repo, "claude", "pre-tool-use", {"cwd": str(repo), "session_id": "s"}, call))


def test_tripped_breaker_refuses_wave_start_and_dispatch_until_the_gate_passes(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _trip_by_gates(repo)
    # fix the code but do not gate yet: still refused
    ops = repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text().replace("return a + b + 1", "return a + b"))
    refused = begin(repo, 3)
    assert refused.returncode == 2 and "circuit breaker is tripped" in refused.stderr, refused.stderr
    assert "breaker ack" in refused.stderr
    denied = _dispatch(repo)
    assert denied.denied and denied.rule == "circuit-breaker"
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 0 and "circuit breaker cleared" in gate.stdout, gate.stdout
    assert breaker.active(repo) == []
    assert not _dispatch(repo).denied
    assert begin(repo, 3).returncode == 0
    cleared = (repo / ".orchestrator/state/breakers-cleared.jsonl").read_text()
    assert json.loads(cleared.splitlines()[-1])["cause"] == "gate-passed"


def test_the_user_acknowledges_a_breaker_with_a_reason(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _trip_by_gates(repo)
    # the agent may not acknowledge it for the user
    command = "python3 .orchestrator/runtime breaker ack --reason 'looks fine to me'"
    ctx = HookContext(repo, "claude", "pre-tool-use", {"cwd": str(repo), "session_id": "s"},
                      ToolCall(SHELL, "Bash", {"command": command}, command=command))
    assert hooks.judge(ctx).rule == "self-protection"
    assert rt(repo, "breaker", "status").returncode == 1
    assert rt(repo, "breaker", "ack").returncode != 0  # a reason is required
    acked = rt(repo, "breaker", "ack", "--reason", "the failing test is flaky; tracked in #12")
    assert acked.returncode == 0, acked.stderr
    assert breaker.active(repo) == []
    last = json.loads((repo / ".orchestrator/state/breakers-cleared.jsonl").read_text().splitlines()[-1])
    assert last["cause"] == "acknowledged" and "flaky" in last["reason"]
    assert not _dispatch(repo).denied


def test_resume_does_not_clear_a_breaker(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _trip_by_gates(repo)
    assert rt(repo, "session", "start", "feature", "--resume").returncode == 0
    assert breaker.active(repo), "resuming must not wave the breaker away"
