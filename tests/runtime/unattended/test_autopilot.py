"""`autopilot`: each kill-switch stops a real run for its own reason, and the next run resumes.

Everything is real (copier copy of the calc example, git, the vendored runtime, the gate running
pytest, the runtime's own close and commit) except the agent: `standin_agent.py` takes the agent
CLI's place, because the scripted model of tests/e2e/ cannot be told to stall, overspend or trip a
breaker on cue within a test's time (the real CLIs are run by the end-to-end acceptance tests).
It runs the session with the runtime commands the texts prescribe and prints the real CLI's
output format. After every stop the repository is checked for half-written state.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from runtime.loop.state import load
from tests.helpers import commit_all, copy_example, git, render, runtime

STANDIN = Path(__file__).with_name("standin_agent.py")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = render(copy_example(tmp_path_factory.mktemp("autopilot") / "calc"), platforms=["claude", "pi", "cursor"],
                  test_command="python3 -m pytest -q -p no:cacheprovider", typecheck_command="skip",
                  lint_command="skip", waves=3, vcs="none")
    commit_all(repo, "orchestrated")
    return repo


@pytest.fixture
def repo(rendered: Path, tmp_path: Path) -> Path:
    target = tmp_path / "calc"
    shutil.copytree(rendered, target, symlinks=True)
    return target


def autopilot(repo: Path, modes: list[str], *args: str, fmt: str = "claude", agent: str = "claude",
              env: dict[str, str] | None = None, timeout: float = 240) -> dict[str, Any]:
    """Run `autopilot --json` with the stand-in; returns the summary plus `exit` and `elapsed`."""
    script = repo.parent / "script.json"
    script.write_text(json.dumps(modes))
    command = f"{sys.executable} {STANDIN} --format {fmt}"
    start = time.monotonic()
    result = runtime(repo, "autopilot", "--agent", agent, "--agent-command", command, "--json", *args,
                     env={"STANDIN_SCRIPT": str(script), **(env or {})}, timeout=timeout)
    assert result.returncode in (0, 2, 130), result.stdout + result.stderr
    summary = json.loads(result.stdout)
    summary.update(exit=result.returncode, elapsed=time.monotonic() - start)
    return summary


def work(repo: Path, *items: str) -> str:
    path = repo.parent / "work.txt"
    path.write_text("\n".join(items) + "\n")
    return str(path)


def records(repo: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (repo / ".orchestrator/metrics/autopilot.jsonl").read_text().splitlines()]


def assert_nothing_half_written(repo: Path) -> dict[str, Any] | None:
    """STATE.md reads, the session is closed or paused, no lock is held, the work is committed or kept."""
    state = load(repo)
    assert state is None or state["status"] in ("completed", "paused"), state and state["status"]
    assert not list((repo / ".orchestrator" / "state").glob("*.lock.*")), "a lock was left behind"
    status = runtime(repo, "session", "status")
    assert status.returncode in (0, 1) and "error" not in status.stderr.lower(), status.stderr
    git(repo, "fsck", "--no-progress")
    return state


def pi_trusted(repo: Path, trusted: bool = True) -> dict[str, str]:
    """Pi's agent directory with the project trust a user saves (Pi loads the guard only then)."""
    agent_dir = repo.parent / "pi-agent"
    agent_dir.mkdir(exist_ok=True)
    (agent_dir / "trust.json").write_text(json.dumps({os.path.realpath(repo): trusted}))
    return {"PI_CODING_AGENT_DIR": str(agent_dir)}


def prompts(repo: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (repo.parent / "script.prompts").read_text().splitlines()]


# --- the loop and its planned ends --------------------------------------------------------------


def test_each_session_starts_only_after_a_verified_close_and_the_session_cap_ends_the_run(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    summary = autopilot(repo, ["complete"], "--work", work(repo, "Add f1", "Add f2", "Add f3"),
                        "--max-sessions", "2", fmt="claude")
    assert (summary["switch"], summary["exit"]) == ("sessions", 0), summary
    assert [i["outcome"] for i in summary["iterations"]] == ["verified", "verified"]
    assert git(repo, "rev-list", "--count", f"{head}..HEAD").strip() == "2"
    assert summary["tokens"] == 2400 and summary["cost_usd"] == pytest.approx(0.02)
    sent = prompts(repo)
    assert all(p["unattended"] == "1" for p in sent)
    assert sent[0]["argv"][-3:] == ["--output-format", "json", "--dangerously-skip-permissions"]
    assert "unattended" in sent[0]["prompt"] and "Add f1" in sent[0]["prompt"]
    assert ".claude/skills/session/SKILL.md" in sent[0]["prompt"], "the prompt names the command's file"
    kinds = [line["kind"] for line in records(repo)]
    assert kinds == ["start", "iteration", "iteration", "stop"]
    committed = git(repo, "show", "HEAD:.orchestrator/metrics/autopilot.jsonl").splitlines()
    assert [json.loads(line)["kind"] for line in committed] == ["start", "iteration"], "the next close commits it"
    assert_nothing_half_written(repo)
    again = autopilot(repo, ["complete"], "--work", work(repo, "Add f1", "Add f2", "Add f3"), "--max-sessions", "5")
    assert [i["item"] for i in again["iterations"]] == ["Add f3"], "items verified earlier are not redone"
    assert again["switch"] == "no-work"


def test_without_a_work_file_the_carryover_list_is_worked_first(repo: Path) -> None:
    autopilot(repo, ["partial"], "--work", work(repo, "Add f1"))
    carried = (repo / ".orchestrator" / "carryover.md").read_text()
    assert "## open: [Carryover] I1: Add f1" in carried
    summary = autopilot(repo, ["complete"], "--max-sessions", "1")
    assert summary["iterations"][0]["item"] == "[Carryover] I1: Add f1"
    assert summary["iterations"][0]["source"].startswith(".orchestrator/carryover.md:")


def test_tokens_cap_stops_the_run_from_the_clis_own_usage(repo: Path) -> None:
    summary = autopilot(repo, ["complete"], "--work", work(repo, "a", "b", "c", "d"), "--max-tokens", "10000",
                        fmt="pi", agent="pi", env={"STANDIN_TOKENS": "5000", **pi_trusted(repo)})
    assert summary["switch"] == "tokens" and summary["tokens"] == 12000, summary
    assert len(summary["iterations"]) == 2 and summary["exit"] == 0
    assert_nothing_half_written(repo)


def test_cost_cap_stops_the_run(repo: Path) -> None:
    summary = autopilot(repo, ["complete"], "--work", work(repo, "a", "b", "c"), "--max-cost", "0.05",
                        env={"STANDIN_COST": "0.03"})
    assert summary["switch"] == "cost" and "spent 0.0600 USD (limit 0.05)" in summary["reason"], summary
    assert_nothing_half_written(repo)


def test_a_cli_that_reports_no_usage_is_said_so_and_the_other_caps_hold(repo: Path) -> None:
    """Cursor's result object carries no cost: --max-cost cannot fire, the record says so, the session cap ends it."""
    summary = autopilot(repo, ["complete"], "--work", work(repo, "a", "b"), "--max-cost", "0.001",
                        "--max-sessions", "1", fmt="cursor", agent="cursor", env={"STANDIN_COST": "5"})
    assert summary["switch"] == "sessions", summary
    start = records(repo)[0]
    assert start["notes"] == ["--max-cost cannot be enforced: this agent CLI does not report cost"]
    assert records(repo)[1]["not_reported"] == ["input_tokens", "output_tokens", "cost_usd"]


# --- the safety stops ---------------------------------------------------------------------------


def test_a_stalled_agent_is_stopped_its_session_paused_and_the_next_run_resumes_it(repo: Path) -> None:
    summary = autopilot(repo, ["stall", "complete"], "--work", work(repo, "Add f1"), "--stall-minutes", "0.1")
    assert (summary["switch"], summary["exit"]) == ("stall", 2), summary
    assert summary["elapsed"] < 60, "the hung agent was stopped, not waited for"
    paused = summary["paused"]
    state = assert_nothing_half_written(repo)
    assert state is not None and state["status"] == "paused" and state["session_id"] == paused
    with pytest.raises(ProcessLookupError):
        os.kill(prompts(repo)[0]["pid"], 0)  # the stopped agent is gone, not left running
    again = autopilot(repo, ["stall", "complete"], "--work", work(repo, "Add f1"), "--max-sessions", "1")
    first = again["iterations"][0]
    assert first["item_key"] == f"session:{paused}" and first["session_id"] == paused
    assert first["outcome"] == "verified", first
    assert "resume the unfinished session" in prompts(repo)[-1]["prompt"]


def test_the_wall_clock_cap_stops_an_agent_mid_session(repo: Path) -> None:
    summary = autopilot(repo, ["stall"], "--work", work(repo, "a"), "--max-hours", "0.001")
    assert summary["switch"] == "hours" and summary["elapsed"] < 60, summary
    assert assert_nothing_half_written(repo)["status"] == "paused"


def test_a_stop_signal_stops_the_agent_now_and_pauses_its_session(repo: Path) -> None:
    """What a cancelled CI job does: TERM to autopilot stops the agent's process group, the session is paused."""
    import signal
    import subprocess

    from tests.helpers import GIT_ENV

    script = repo.parent / "script.json"
    script.write_text(json.dumps(["stall"]))
    env = {**os.environ, **GIT_ENV, "STANDIN_SCRIPT": str(script), "SO_PROJECT_DIR": str(repo)}
    proc = subprocess.Popen(["python3", ".orchestrator/runtime", "autopilot", "--agent", "claude", "--json",
                             "--agent-command", f"{sys.executable} {STANDIN} --format claude",
                             "--work", work(repo, "a")], cwd=repo, env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (load(repo) or {}).get("items"):
        time.sleep(0.2)  # wait until the agent is inside its session
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert json.loads(out)["switch"] == "interrupted"
    with pytest.raises(ProcessLookupError):
        os.kill(prompts(repo)[0]["pid"], 0)
    assert assert_nothing_half_written(repo)["status"] == "paused"


def test_consecutive_blocked_gates_stop_the_run(repo: Path) -> None:
    summary = autopilot(repo, ["fail-gate-once"], "--work", work(repo, "a", "b", "c"),
                        "--max-gate-failures", "2")
    assert summary["switch"] == "gate-failures" and "2 gates blocked in a row" in summary["reason"], summary
    assert summary["iterations"][0]["outcome"] == "carried"
    assert_nothing_half_written(repo)


def test_a_tripped_breaker_stops_the_run_and_the_next_run_until_the_user_acknowledges_it(repo: Path) -> None:
    summary = autopilot(repo, ["fail-gate", "complete"], "--work", work(repo, "a"), "--max-gate-failures", "10")
    assert summary["switch"] == "breaker" and "gate-failure" in summary["reason"], summary
    assert assert_nothing_half_written(repo)["status"] == "paused"
    blocked = autopilot(repo, ["complete"], "--work", work(repo, "a"))
    assert blocked["switch"] == "breaker" and blocked["sessions"] == 0, "no session starts past a tripped breaker"
    ack = runtime(repo, "breaker", "ack", "--reason", "the test fixture is fixed by hand")
    assert ack.returncode == 0, ack.stderr


def test_a_question_is_parked_not_waited_on_and_the_carryover_share_stops_the_run(repo: Path) -> None:
    summary = autopilot(repo, ["question", "complete"], "--work", work(repo, "a", "b", "c"),
                        "--max-carryover-share", "0.5", "--stall-minutes", "0.5")
    assert summary["switch"] == "carryover-share", summary
    assert "1 of 1 items carried over" in summary["reason"]
    assert "open question" in (repo / ".orchestrator" / "carryover.md").read_text()
    assert_nothing_half_written(repo)


def test_the_stop_file_stops_before_the_next_session_and_is_removed(repo: Path) -> None:
    (repo / ".orchestrator" / "STOP").write_text("going home\n")
    summary = autopilot(repo, ["complete"], "--work", work(repo, "a"))
    assert (summary["switch"], summary["sessions"], summary["exit"]) == ("stop-file", 0, 0), summary
    assert summary["reason"] == ".orchestrator/STOP exists: going home"
    assert not (repo / ".orchestrator" / "STOP").exists()
    assert autopilot(repo, ["complete"], "--work", work(repo, "a"))["iterations"][0]["outcome"] == "verified"


def test_an_agent_that_ends_without_closing_is_paused_and_resumed_next_run(repo: Path) -> None:
    summary = autopilot(repo, ["quit", "complete"], "--work", work(repo, "a", "b"))
    assert summary["switch"] == "unverified-close" and "still active" in summary["reason"], summary
    assert assert_nothing_half_written(repo)["status"] == "paused"
    again = autopilot(repo, ["quit", "complete"], "--work", work(repo, "a", "b"), "--max-sessions", "1")
    assert again["iterations"][0]["outcome"] == "verified"


def test_an_agent_that_fails_to_start_is_a_stop_with_its_message(repo: Path) -> None:
    summary = autopilot(repo, ["crash"], "--work", work(repo, "a"))
    assert summary["switch"] == "agent-failed" and "not signed in" in summary["reason"], summary


# --- refusals and the dry run --------------------------------------------------------------------


def test_the_dry_run_shows_the_command_and_writes_nothing(repo: Path) -> None:
    result = runtime(repo, "autopilot", "--agent", "claude", "--agent-command", f"{sys.executable} {STANDIN}",
                     "--work", work(repo, "Add f1"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "first item: Add f1" in result.stdout and "--dangerously-skip-permissions" in result.stdout
    assert not (repo / ".orchestrator" / "metrics" / "autopilot.jsonl").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--agent", "codex", "--agent-command", "python3"], "does not select codex"),
    (["--agent", "claude", "--agent-command", "no-such-agent-cli -p"], "'no-such-agent-cli' is not an executable"),
])
def test_a_run_that_cannot_start_says_why(repo: Path, args: list[str], message: str) -> None:
    result = runtime(repo, "autopilot", *args)
    assert result.returncode == 1 and message in result.stderr, result.stdout + result.stderr


def test_an_agent_that_would_skip_the_guard_is_refused(repo: Path) -> None:
    """Pi told not to trust the project loads no guard extension: nobody watching and no guard is refused."""
    result = runtime(repo, "autopilot", "--agent", "pi", "--agent-command", sys.executable,
                     env=pi_trusted(repo, trusted=False))
    assert result.returncode == 1 and "cannot run unattended" in result.stderr and "trust" in result.stderr, \
        result.stderr


def test_a_trust_check_that_cannot_tell_is_said_and_the_run_may_go_on(repo: Path) -> None:
    empty = repo.parent / "pi-empty"
    empty.mkdir()
    result = runtime(repo, "autopilot", "--agent", "pi", "--agent-command", sys.executable, "--dry-run",
                     "--work", work(repo, "a"), env={"PI_CODING_AGENT_DIR": str(empty)})
    assert result.returncode == 0, result.stderr
    assert "Pi has no trust decision saved for this project" in result.stdout, result.stdout


def test_a_bad_work_file_names_the_file_and_line(repo: Path) -> None:
    path = repo.parent / "work.txt"
    path.write_text("fine\n" + "x" * 600 + "\n")
    result = runtime(repo, "autopilot", "--agent", "claude", "--agent-command", "python3", "--work", str(path))
    assert result.returncode == 1 and f"{path}:2:" in result.stderr, result.stderr


# --- the record, shown by report and research --------------------------------------------------------


def test_report_and_research_show_the_unattended_runs(repo: Path) -> None:
    autopilot(repo, ["complete"], "--work", work(repo, "Add f1"), "--max-sessions", "1")
    table = runtime(repo, "report")
    assert table.returncode == 0, table.stderr
    assert "unattended runs" in table.stdout and "1 sessions, 1 verified, 0 carried over; 1200 tokens" in table.stdout
    assert "stopped by sessions: ran 1 sessions (limit 1)" in table.stdout
    data = json.loads(runtime(repo, "report", "--json").stdout)
    assert data["autopilot"][0]["verified"] == 1 and data["autopilot"][0]["stop"] == "sessions"
    page = repo.parent / "report.html"
    assert runtime(repo, "report", "--html", str(page)).returncode == 0
    html = page.read_text()
    assert "<h2>Unattended runs</h2>" in html and "<td>sessions</td>" in html
    research = runtime(repo, "research")
    assert "Unattended runs (autopilot" in research.stdout and "1 verified" in research.stdout, research.stdout
    assert json.loads(runtime(repo, "research", "--json").stdout)["autopilot"][0]["agent"] == "claude"


# --- the question policy ---------------------------------------------------------------------------


def test_the_texts_tell_an_unattended_agent_to_park_questions_and_the_runtime_says_when(rendered: Path) -> None:
    texts = [rendered / ".claude/skills" / name / "SKILL.md" for name in ("session", "go", "close")]
    texts += [rendered / ".pi/prompts" / f"{name}.md" for name in ("session", "go", "close")]
    for path in texts:
        text = path.read_text()
        assert "says the run is unattended" in text and "open question: <the question>" in text, path
    quiet = runtime(rendered, "session", "status")
    assert "Unattended run" not in quiet.stdout
    loud = runtime(rendered, "session", "status", env={"SO_UNATTENDED": "1", "SO_AUTOPILOT_ITEM": "Add f1"})
    assert "Unattended run (autopilot): nobody is at the keyboard" in loud.stdout
    assert "Autopilot item: Add f1" in loud.stdout
    assert json.loads(runtime(rendered, "session", "status", "--json", env={"SO_UNATTENDED": "1"}).stdout)[
        "unattended"] is True
    banner = runtime(rendered, "banner", env={"SO_UNATTENDED": "1"})
    assert "Never wait for an answer." in banner.stdout, banner.stdout + banner.stderr


# --- lanes ---------------------------------------------------------------------------------------------


def test_two_lanes_run_side_by_side_and_each_merges_after_its_verified_close(repo: Path, tmp_path: Path) -> None:
    """`autopilot --lanes 2` through the real lanes module: two worktrees, two sessions at once, each merged
    (after its verified close and the full gate on the merged result) and cleaned; the third item waits."""
    lanes_dir = tmp_path / "lanes"
    summary = autopilot(repo, ["complete"], "--lanes", "2", "--work", work(repo, "Add f1", "Add f2", "Add f3"),
                        env={"SO_LANES_DIR": str(lanes_dir)}, timeout=600)
    assert summary["exit"] == 0 and summary["switch"] == "lanes-done" and len(summary["merged"]) == 2, \
        [(line.get("lane"), line.get("why")) for line in records(repo) if line["kind"] == "iteration"]
    assert (repo / "src/calc/f1.py").exists() and (repo / "src/calc/f2.py").exists()
    assert not (repo / "src/calc/f3.py").exists(), "two lanes take two items"
    assert git(repo, "worktree", "list").count("\n") == 1, "merged lanes are cleaned"
    assert not git(repo, "status", "--porcelain", "--untracked-files=no").strip(), "main is left committed"
    lines = [line for line in records(repo) if line["kind"] == "iteration"]
    assert sorted(line["item"] for line in lines) == ["Add f1", "Add f2"]
    assert all(line["outcome"] == "verified" and line["merged"] for line in lines)
    # Which item each lane's agent was given, from the prompt it received (the stand-in's own run counter is
    # not safe across two processes started at once, so it says nothing here).
    given = sorted(p["prompt"].split("The work for this session: ", 1)[1].split(" (from", 1)[0] for p in prompts(repo))
    assert given == ["Add f1", "Add f2"]
    overlays = {p.get("lane_env") for p in prompts(repo)}
    assert len(overlays) == 2 and None not in overlays, "each lane's agent saw its own port offset"
