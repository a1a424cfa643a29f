"""A gate owns its checks' processes: signals end them, long runs show progress, and a gate can
outlive the tool call that started it (`--detach`, then `gate wait`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from runtime.loop import state as st
from tests.helpers import GIT_ENV, commit_all
from tests.runtime.loop_support import RUNTIME, calc_repo, rt


def _processes_with(marker: str) -> list[str]:
    """Command lines of live processes that mention `marker` (read from /proc, as `ps` would)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            stat = (entry / "stat").read_text(errors="replace")
        except OSError:
            continue
        if marker in cmdline and stat.rsplit(")", 1)[-1].split()[0] != "Z":
            found.append(f"{entry.name}: {cmdline}")
    return found


def _repo_with_test_command(tmp_path: Path, command: str) -> Path:
    repo = calc_repo(tmp_path)
    text = (repo / "CLAUDE.md").read_text()
    (repo / "CLAUDE.md").write_text(text.replace("test-command: python3 -m pytest -q -p no:cacheprovider",
                                                 f"test-command: {command}"))
    commit_all(repo, "slow test command")
    assert rt(repo, "session", "start", "feature").returncode == 0
    return repo


def _start_gate(repo: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, **GIT_ENV, "SO_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    return subprocess.Popen(["python3", str(RUNTIME), "gate", "baseline", *args], cwd=repo, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stopped_gate_leaves_no_process_of_its_checks(tmp_path: Path, sig: signal.Signals) -> None:
    """The check runs `sleep 30` twice (one in the background of its shell); two seconds after the
    signal reaches the gate, neither may be left (the gate's checks run in sessions of their own,
    so without the gate passing the signal on, both would run on with parent PID 1)."""
    seconds = f"30.{uuid.uuid4().int % 10**6:06d}"
    repo = _repo_with_test_command(tmp_path, f"sleep {seconds} & sleep {seconds}")
    gate = _start_gate(repo)
    deadline = time.monotonic() + 30
    while len(_processes_with(seconds)) < 2:
        assert time.monotonic() < deadline, "the check never started"
        time.sleep(0.1)
    gate.send_signal(sig)
    _out, err = gate.communicate(timeout=10)
    time.sleep(2)
    assert _processes_with(seconds) == []
    assert gate.returncode == 128 + sig
    assert f"stopped by {sig.name}" in err and "nothing was recorded" in err
    assert st.load(repo).get("baseline") is None


def test_a_long_gate_prints_progress_at_a_steady_interval(tmp_path: Path) -> None:
    repo = _repo_with_test_command(tmp_path, "sleep 3.5")
    done = rt(repo, "gate", "baseline", "--progress", "1")
    lines = [line for line in done.stderr.splitlines() if "still running after" in line]
    assert done.returncode == 0, done.stdout + done.stderr
    assert 2 <= len(lines) <= 4, done.stderr
    assert lines[0].startswith("gate baseline: still running after 1s: test (1s)"), lines
    assert "gate baseline" in done.stdout and "still running" not in done.stdout


def test_a_detached_gate_is_recorded_and_wait_prints_its_verdict(tmp_path: Path) -> None:
    repo = _repo_with_test_command(tmp_path, "sleep 4 && python3 -m pytest -q -p no:cacheprovider")
    started = time.monotonic()
    detach = rt(repo, "gate", "baseline", "--detach", "--progress", "1")
    assert detach.returncode == 0, detach.stderr
    assert time.monotonic() - started < 3.5, "--detach must return before the gate ends"
    assert "gate wait" in detach.stdout
    early = rt(repo, "gate", "wait", "--max", "1")
    assert early.returncode == 3, early.stdout + early.stderr
    assert "still running" in early.stdout and st.load(repo).get("baseline") is None
    final = rt(repo, "gate", "wait", "--json")
    assert final.returncode == 0, final.stdout + final.stderr
    assert "still running after" in final.stderr  # the detached gate's progress, relayed
    doc = json.loads(final.stdout)
    assert doc["verdict"] == "recorded" and doc["checks"]["test"]["counts"]["passed"] == 7
    assert st.load(repo)["baseline"]["checks"]["test"]["ok"] is True
    again = rt(repo, "gate", "wait")
    assert again.returncode == 0 and again.stdout.startswith("gate baseline (before wave 1): recorded")


def test_wait_says_so_when_the_detached_gate_died_without_a_record(tmp_path: Path) -> None:
    seconds = f"20.{uuid.uuid4().int % 10**6:06d}"
    repo = _repo_with_test_command(tmp_path, f"sleep {seconds}")
    assert rt(repo, "gate", "baseline", "--detach").returncode == 0
    info = json.loads((repo / ".orchestrator" / "state" / "gates" / "detached.json").read_text())
    time.sleep(0.5)
    os.kill(info["pid"], signal.SIGKILL)
    told = rt(repo, "gate", "wait", "--max", "10")
    assert told.returncode == 1
    assert "ended without recording a result" in told.stderr and "nothing was gated" in told.stderr
    for line in _processes_with(seconds):  # SIGKILL cannot be passed on: end what the gate had started
        os.kill(int(line.split(":")[0]), signal.SIGKILL)


def test_a_second_gate_while_one_runs_is_refused(tmp_path: Path) -> None:
    """Two gates at once would share the check logs and each judge a tree the other is changing."""
    repo = _repo_with_test_command(tmp_path, "sleep 3")
    first = _start_gate(repo)
    deadline = time.monotonic() + 20
    while not (repo / ".orchestrator" / "state" / "gates" / "running.lock").exists():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(0.3)
    second = rt(repo, "gate", "incremental")
    assert second.returncode == 1
    assert f"another gate is running here (pid {first.pid})" in second.stderr
    first.communicate(timeout=30)
    assert first.returncode == 0
    assert rt(repo, "gate", "incremental").returncode == 0
