"""A session interrupted during a wave continues there from a new process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from runtime.core.paths import state_dir
from runtime.loop import state as st
from tests.helpers import ROOT
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan


def _through_wave_2(repo: Path) -> None:
    start_with_plan(repo)
    for number, task in ((1, "T1=done"), (2, "T2=done")):
        assert begin(repo, number).returncode == 0
        finish(repo, number, task)
        if number == 2:
            assert rt(repo, "gate", "incremental").returncode == 0
    assert begin(repo, 3).returncode == 0


def test_killed_during_wave_3_resumes_at_wave_3(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _through_wave_2(repo)
    # a process that is in the middle of updating the record when it is killed
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from runtime.loop import state
        with state.locked(Path({str(repo)!r})):
            print("in wave 3", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "in wave 3"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()

    offer = rt(repo, "session", "start", "feature")
    assert offer.returncode == 3
    assert "last completed wave: 2 of 5" in offer.stdout and "wave 3 was in progress" in offer.stdout
    assert "--resume" in offer.stdout and "--fresh" in offer.stdout and "open items: I1" in offer.stdout

    resumed = rt(repo, "session", "start", "feature", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "continues at wave 3 (Impl-Polish)" in resumed.stdout
    assert st.load(repo)["current_wave"] == 3
    again = begin(repo, 3)
    assert again.returncode == 0, again.stderr
    assert "brief T3" in again.stdout
    scope = json.loads((state_dir(repo) / "scope.json").read_text())
    assert scope["wave"] == 3 and "src/calc/cli.py" in scope["allowed"]
    finish(repo, 3, "T3=done")


def test_paused_session_resumes_and_fresh_archives(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _through_wave_2(repo)
    assert rt(repo, "session", "pause").returncode == 0
    assert not (state_dir(repo) / "scope.json").exists()
    assert begin(repo, 3).returncode == 1  # paused: nothing runs until resumed
    old_id = st.load(repo)["session_id"]
    fresh = rt(repo, "session", "start", "deep", "--fresh")
    assert fresh.returncode == 0, fresh.stderr
    archived = state_dir(repo) / "archive" / f"STATE-{old_id}.md"
    assert archived.exists() and st.parse(archived.read_text())["status"] == "paused"
    assert st.load(repo)["type"] == "deep"


def test_fresh_refuses_to_take_over_a_live_session(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    refused = rt(repo, "session", "start", "feature", "--fresh")
    assert refused.returncode == 3 and "another agent may be working in it" in refused.stderr
    taken = rt(repo, "session", "start", "feature", "--fresh", "--force")
    assert taken.returncode == 0
    expired = rt(repo, "session", "start", "feature", "--fresh", env={"SO_LEASE_SECONDS": "0"})
    assert expired.returncode == 0


def test_resume_without_an_unfinished_session_is_an_error(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    result = rt(repo, "session", "start", "feature", "--resume")
    assert result.returncode == 1 and "no unfinished session" in result.stderr


def _offered(output: str, label: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    command = line.split(label, 1)[1].split("(", 1)[0].split()
    assert command[:2] == ["python3", ".orchestrator/runtime"], line
    return command[2:]


def test_the_command_an_unfinished_session_offers_is_one_that_works(tmp_path: Path) -> None:
    """A session touched a moment ago is live: the offer to start anew must not be refused when followed."""
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    offer = rt(repo, "session", "start", "feature")
    assert offer.returncode == 3 and "another agent may be working in it right now" in offer.stdout
    anew = _offered(offer.stdout, "start anew:")
    assert anew[-2:] == ["--fresh", "--force"]
    followed = rt(repo, *anew)
    assert followed.returncode == 0, followed.stdout + followed.stderr
    # Once the lease has run out, plain --fresh is what it offers, and that works too.
    stale = rt(repo, "session", "start", "deep", env={"SO_LEASE_SECONDS": "0"})
    anew = _offered(stale.stdout, "start anew:")
    assert anew[-1] == "--fresh"
    assert rt(repo, *anew, env={"SO_LEASE_SECONDS": "0"}).returncode == 0
    resumed = rt(repo, *_offered(rt(repo, "session", "start", "feature").stdout, "resume it:"))
    assert resumed.returncode == 0, resumed.stderr
