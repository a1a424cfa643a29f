"""`autopilot` with the real Claude Code, Codex CLI and Pi: one unattended iteration, end to end.

What is real: the pinned CLI in its headless mode with the flags autopilot adds (`claude -p
--output-format json --dangerously-skip-permissions`, `codex exec --json
--dangerously-bypass-approvals-and-sandbox`, `pi -p --mode json`), its hooks or extension
judging every call, a real small project (six 1.17.0 from its pinned PyPI sdist, about 200
tests) rendered with `copier copy`, the vendored runtime, pytest as the gate, git. What is
scripted: only the model (tests/e2e/fake_model.py on 127.0.0.1), which does what autopilot's
prompt and the command texts ask, one tool call a turn (tests/e2e/autopilot_task.py): reads
the command's instructions where the CLI did not expand them, starts the session, records the
baseline and the plan, runs the waves with their gates, and closes with the ledger and a
commit.

The assertions read what the runtime and git hold afterwards, never what the agent said: a
new commit with the change, the session record closed completed with the item's verdict
`done` from the evidence ledger (rebuilt again here with `close verify`), the gates that
ran, and autopilot.jsonl's iteration line with its outcome and the usage the CLI printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.platforms import get
from tests.e2e.autopilot_task import AGENTS, TASK, TEST_ID, autopilot_lines, head_files, run_autopilot
from tests.e2e.fake_model import FakeModel, all_text
from tests.helpers import git


@pytest.mark.parametrize("agent", AGENTS)
def test_one_unattended_iteration_completes_a_verified_session(agent: str, fake_model: FakeModel,
                                                              tmp_path: Path) -> None:
    repo, run = run_autopilot(agent, fake_model, tmp_path)
    assert run.returncode == 0, run.describe()
    summary = json.loads(run.stdout)
    assert (summary["switch"], summary["sessions"]) == ("sessions", 1), run.describe()

    # The CLI ran autopilot's prompt, and our hooks judged its calls (the runtime saw them fire).
    sent = all_text(run.requests[:1])
    assert "This run is unattended" in sent and TASK in sent, run.describe()
    label = json.loads((repo / ".orchestrator" / "install.json").read_text())["platforms"][agent]["label"]
    assert f"{label} enforced - session " in all_text(run.requests), run.describe()

    # A commit holding the change and the closed session's record; nothing else left behind.
    log = git(repo, "log", "--format=%s").splitlines()
    assert log[1:] == ["Add session-orchestrator", "six 1.17.0 from its sdist"], log
    assert head_files(repo) == [".orchestrator/STATE.md", ".orchestrator/metrics/autopilot.jsonl",
                                ".orchestrator/metrics/sessions.jsonl", "six.py", "test_six.py"]
    assert "def ensure_tuple(value):" in git(repo, "show", "HEAD:six.py")
    leftovers = [line for line in git(repo, "status", "--porcelain").splitlines()
                 if not line[3:].startswith((".orchestrator/metrics/", ".orchestrator/state/"))]
    assert leftovers == [], leftovers

    # The session: planned, every wave done, gates passed (the test the change adds counted), closed verified.
    state = json.loads((repo / ".orchestrator" / "state" / "session.json").read_text(encoding="utf-8"))
    assert (state["status"], state["outcome"], state["plan_set"]) == ("completed", "completed", True)
    assert [w["status"] for w in state["waves"]] == ["done"] * 3
    assert state["verdicts"] == {"I1": "done"}  # the evidence ledger's verdict at `session close`
    baseline = state["baseline"]["checks"]["test"]["counts"]["passed"]
    gates = [(g["variant"], g["wave"], g["blocked"], g["checks"]["test"]["counts"]["passed"]) for g in state["gates"]]
    assert gates == [("incremental", 1, False, baseline + 1), ("full", 2, False, baseline + 1),
                     ("full", 3, False, baseline + 1)], gates
    record = json.loads(git(repo, "show", "HEAD:.orchestrator/metrics/sessions.jsonl").splitlines()[-1])
    assert (record["id"], record["outcome"], record["items_done"]) == (state["session_id"], "completed", 1)
    ledger = subprocess.run([sys.executable, ".orchestrator/runtime", "close", "verify", "--json"], cwd=repo,
                            capture_output=True, text=True, timeout=120)
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr
    assert json.loads(ledger.stdout)["passed"] is True
    assert f"test {TEST_ID}: passed" in all_text(run.requests)  # the ledger the agent was shown at close

    # The record: one iteration, verified and committed, with the usage the CLI itself printed.
    lines = autopilot_lines(repo)
    assert [line["kind"] for line in lines] == ["start", "iteration", "stop"]
    iteration = lines[1]
    committed = [json.loads(line) for line in git(repo, "show", "HEAD:.orchestrator/metrics/autopilot.jsonl")
                 .splitlines()]
    assert committed == lines[:1], "the close commits the run's record as it stood (its start line)"
    assert (iteration["outcome"], iteration["committed"], iteration["session_id"]) == (
        "verified", True, state["session_id"]), iteration
    assert (iteration["item"], iteration["exit"], iteration["stopped"]) == (TASK, 0, None)
    printed = get(agent).read_headless((repo / iteration["output"]).read_text(encoding="utf-8"))
    usage = iteration["usage"]
    assert usage == {key: printed[key] for key in ("input_tokens", "output_tokens", "cost_usd")}
    assert usage["input_tokens"] > 1000 and usage["output_tokens"] > 100, usage
    reports_cost = "cost" in get(agent).headless_reports
    assert (usage["cost_usd"] is not None) == reports_cost
    assert iteration["not_reported"] == ([] if reports_cost else ["cost_usd"])
    assert lines[2]["switch"] == "sessions" and lines[2]["tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert 0 < iteration["seconds"] <= run.seconds
    report = subprocess.run([sys.executable, ".orchestrator/runtime", "report"], cwd=repo, capture_output=True,
                            text=True, timeout=120)
    tokens = usage["input_tokens"] + usage["output_tokens"]
    assert f" {agent}: 1 sessions, 1 verified, 0 carried over; {tokens} tokens" in report.stdout, report.stdout
