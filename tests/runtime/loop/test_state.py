"""STATE.md: round trip, locking, corruption and crash safety."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runtime.core.paths import state_file
from runtime.loop import state as st
from runtime.loop.records import SCHEMA_VERSION
from tests.helpers import ROOT
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan, version_1_state_md


def _sample() -> dict:
    s = st.new_state("20250101-000000-feature-abcd", "feature", 5, "a" * 40, "main")
    s["items"] = [{"id": "I1", "title": "pipes | and\nnewlines", "issue": "#3", "acceptance": "x",
                   "status": "partial", "note": "half"}]
    s["deviations"] = [{"ts": "t", "wave": 2, "text": "## Data\n```json"}]
    return s


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    original = _sample()
    st.save(tmp_path, original)
    loaded = st.load(tmp_path)
    assert loaded == original
    text = state_file(tmp_path).read_text()
    assert text.startswith(f"---\nschema_version: {SCHEMA_VERSION}\n")
    assert "## Plan items" in text and "## Deviations" in text and "## What not to retry" in text
    assert "## Data" not in text.split("\n- [t] wave 2:")[0]  # the record lives in state/, not here
    # rendering is deterministic: saving what we loaded gives the same bytes
    assert st.render(loaded) == text
    assert st.record_file(tmp_path).read_text() == st.render_record(loaded)


def test_record_is_pretty_printed_for_diffs(tmp_path: Path) -> None:
    st.save(tmp_path, _sample())
    lines = st.record_file(tmp_path).read_text().splitlines()
    assert len(lines) > 30 and max(len(line) for line in lines) < 200


def test_banner_fields_are_in_the_frontmatter(tmp_path: Path) -> None:
    from runtime.hookpath.banner import unfinished_session

    st.save(tmp_path, _sample())
    fields = unfinished_session(tmp_path)
    assert fields is not None
    assert fields["session_id"] == "20250101-000000-feature-abcd"
    assert fields["status"] == "active" and fields["total_waves"] == "5"


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (lambda t: t.replace('"status": "active"', '"status": "running"'), "status must be one of"),
        (lambda t: t.replace('"plan_set": false', '"plan_set": fals'), "JSON record is invalid"),
        (lambda t: t.replace('"items": [', '"items": {"x": [').replace("\n ],\n \"not_retry\"",
                                                                     "\n ]},\n \"not_retry\""), "must be a list"),
        (lambda t: "[" + t + "]", "not a JSON object"),
    ],
)
def test_corrupt_record_is_kept_and_named(tmp_path: Path, mangle, expected: str) -> None:
    st.save(tmp_path, _sample())
    path = st.record_file(tmp_path)
    broken = mangle(path.read_text())
    assert broken != path.read_text()
    path.write_text(broken)
    with pytest.raises(st.StateCorruptError) as info:
        st.load(tmp_path)
    message = str(info.value)
    assert str(path) in message and expected in message and "--fresh" in message
    backups = list(path.parent.glob("session.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == broken
    assert path.read_text() == broken  # never silently dropped
    with pytest.raises(st.StateCorruptError):
        st.load(tmp_path)
    assert len(list(path.parent.glob("session.json.corrupt-*"))) == 1  # no pile of identical copies


def test_json_error_names_the_line(tmp_path: Path) -> None:
    st.save(tmp_path, _sample())
    path = st.record_file(tmp_path)
    lines = path.read_text().split("\n")
    target = next(i for i, line in enumerate(lines) if '"plan_set"' in line)
    lines[target] = lines[target].replace("false", "nope")
    path.write_text("\n".join(lines))
    with pytest.raises(st.StateCorruptError, match=rf"session.json:{target + 1}: the JSON record is invalid"):
        st.load(tmp_path)


@pytest.mark.parametrize("damage", ["delete", "edit", "stale"])
def test_state_md_is_regenerated_from_the_record(tmp_path: Path, damage: str) -> None:
    """STATE.md is a view: deleted, hand-edited, or left behind by a crash between the two writes."""
    state = _sample()
    st.save(tmp_path, state)
    expected = state_file(tmp_path).read_text()
    if damage == "delete":
        state_file(tmp_path).unlink()
    elif damage == "edit":
        state_file(tmp_path).write_text(expected.replace("## Deviations", "## Deviations (mine)"))
    else:
        state["current_wave"] = 2
        st.save(tmp_path, state)
        expected = state_file(tmp_path).read_text()
        state_file(tmp_path).write_text(st.render({**state, "current_wave": 1}))
    assert st.load(tmp_path) == state
    assert state_file(tmp_path).read_text() == expected


def test_version_1_file_is_migrated_on_first_read(tmp_path: Path) -> None:
    old = _sample()
    old["schema_version"] = 1
    state_file(tmp_path).parent.mkdir(parents=True)
    state_file(tmp_path).write_text(version_1_state_md(old))
    loaded = st.load(tmp_path)
    assert loaded == {**old, "schema_version": SCHEMA_VERSION}
    assert st.record_file(tmp_path).exists()
    text = state_file(tmp_path).read_text()
    assert "## Data" not in text.split("\n- [t] wave 2:")[0] and text == st.render(loaded)
    assert st.load(tmp_path) == loaded


def test_version_1_session_resumes_across_the_upgrade(tmp_path: Path) -> None:
    """A session paused under the old layout resumes with the new runtime, plan and results intact."""
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    assert rt(repo, "session", "pause").returncode == 0
    before = st.load(repo)
    st.record_file(repo).unlink()
    state_file(repo).write_text(version_1_state_md({**before, "schema_version": 1}))

    resumed = rt(repo, "session", "start", "feature", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    after = st.load(repo)
    assert after["waves"] == before["waves"] and after["items"] == before["items"]
    assert after["baseline"] == before["baseline"] and after["status"] == "active"
    assert "continues at wave 2" in resumed.stdout


def test_unfinished_session_without_its_record_is_reported(tmp_path: Path) -> None:
    st.save(tmp_path, _sample())
    st.record_file(tmp_path).unlink()
    with pytest.raises(st.StateCorruptError, match=r"session\.json is missing.*--fresh"):
        st.load(tmp_path)


def test_finished_session_without_its_record_still_loads(tmp_path: Path) -> None:
    """A completed STATE.md committed on another machine: a new session can start after it."""
    done = {**_sample(), "status": "completed"}
    st.save(tmp_path, done)
    st.record_file(tmp_path).unlink()
    loaded = st.load(tmp_path)
    assert loaded is not None and loaded["status"] == "completed" and loaded["waves"] == []


def test_corrupt_state_via_cli_is_clear_and_fresh_recovers(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    path = st.record_file(repo)
    path.write_text(path.read_text()[:200])
    result = rt(repo, "session", "start", "feature")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "is corrupt" in result.stderr and "--fresh" in result.stderr
    fresh = rt(repo, "session", "start", "feature", "--fresh")
    assert fresh.returncode == 0, fresh.stderr
    assert st.load(repo)["status"] == "active"
    assert list(path.parent.glob("session.json.corrupt-*"))


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    st.save(tmp_path, _sample())
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from pathlib import Path
            from runtime.loop import state
            with state.locked(Path({str(tmp_path)!r})):
                print("locked", flush=True)
                time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(st.LockBusyError) as info, st.locked(tmp_path, timeout=0.3):
            pass
        message = str(info.value)
        assert f"pid {holder.pid}" in message and "another session" in message and "STATE.md" in message
    finally:
        holder.kill()
        holder.wait()
    with st.locked(tmp_path, timeout=2):  # released when its process died
        pass


_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from runtime.loop import state
    root = Path({repo!r})
    s = state.load(root)
    start = s["current_wave"] + 1
    print("ready", flush=True)
    for n in range(start, 201):
        s["current_wave"] = n
        s["deviations"].append({{"ts": "t", "wave": n, "text": "write " + str(n) + " " + "x" * 400}})
        state.save(root, s)
        print(n, flush=True)
""")


def test_sigkill_during_writes_never_tears_the_file(tmp_path: Path) -> None:
    initial = st.new_state("crash", "deep", 5, "", "main")
    st.save(tmp_path, initial)
    script = _WRITER.format(root=str(ROOT), repo=str(tmp_path))
    rng = random.Random(4)
    kills = 0
    version = 0
    while version < 200:
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, 0.012))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        printed = [int(line) for line in out.split()]
        if proc.returncode == -signal.SIGKILL:
            kills += 1
        loaded = st.load(tmp_path)  # parses: never torn
        assert loaded is not None
        now = loaded["current_wave"]
        last_acknowledged = printed[-1] if printed else version
        assert now in (last_acknowledged, last_acknowledged + 1), (now, last_acknowledged)
        # the whole record is that version's, not a mix
        assert len(loaded["deviations"]) == now
        assert all(d["wave"] == i + 1 for i, d in enumerate(loaded["deviations"]))
        version = now
    assert kills >= 30, f"only {kills} kills landed; the test did not exercise crashes enough"
    def leftovers() -> list[Path]:
        return [*state_file(tmp_path).parent.glob(".STATE.md.*.tmp"),
                *st.record_file(tmp_path).parent.glob(".session.json.*.tmp")]

    left = leftovers()
    st.save(tmp_path, st.load(tmp_path))
    assert not leftovers(), left
    assert state_file(tmp_path).read_text() == st.render(st.load(tmp_path))  # the view caught up


def test_update_without_session_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(st.StateError, match="session start"):
        st.update(tmp_path, lambda s: None)


def test_five_waves_thirty_tasks_stay_small_and_readable(tmp_path: Path) -> None:
    """A full session through the real CLI: STATE.md stays under 8 KB, no line over 200 characters."""
    import json

    repo = calc_repo(tmp_path, extra="- agents-per-wave: 6 (deep: 14)\n")
    assert rt(repo, "session", "start", "deep").returncode == 0
    assert rt(repo, "gate", "baseline").returncode == 0
    layout = json.loads(rt(repo, "session", "status", "--json").stdout)["waves"]
    counts = [w["max_agents"] for w in layout]  # a deep session's five waves hold 25 agents at most
    assert len(layout) == 5 and sum(counts) == 25, counts
    items = [{"id": f"I{n}", "title": f"operation number {n}: parse, compute and print it with a clear error",
              "issue": f"#{100 + n}", "acceptance": f"calc op{n} 2 3 prints the documented result " * 3}
             for n in range(1, 11)]
    waves = []
    for wave in layout:
        tasks = []
        for n in range(1, counts[wave["wave"] - 1] + 1):
            ident = f"T{wave['wave']}_{n}"
            files = [] if wave["role"] == "Discovery" else [f"src/calc/w{wave['wave']}_{n}_{k}.py" for k in range(5)]
            tasks.append({"id": ident, "agent": "explorer" if wave["role"] == "Discovery" else "implementer",
                          "items": [f"I{(wave['wave'] * 6 + n) % 10 + 1}"],
                          "task": f"{ident}: a brief of several sentences. " * 12, "files": files})
        waves.append({"wave": wave["wave"], "role": wave["role"], "tasks": tasks})
    plan = rt(repo, "plan", "set", "-", stdin=json.dumps({"items": items, "waves": waves}))
    assert plan.returncode == 0, plan.stderr
    for wave in layout:
        number = wave["wave"]
        assert rt(repo, "wave", "start", str(number)).returncode == 0
        results = [f"--task=T{number}_{n}=done:" + "finished as planned, with notes on what changed and why " * 2
                   for n in range(1, counts[number - 1] + 1)]
        done = rt(repo, "wave", "done", str(number), *results)
        assert done.returncode == 0, done.stderr
        if wave.get("gate"):
            assert rt(repo, "gate", wave["gate"]).returncode == 0

    def five_more(state: dict) -> None:
        """Tasks 26 to 30, beyond what one plan may hold, recorded as a wave re-plan would."""
        wave = state["waves"][1]
        for n in range(1, 6):
            ident = f"T2_extra{n}"
            wave["tasks"].append({"id": ident, "agent": "implementer", "items": ["I1"], "task": "more " * 40,
                                  "files": [f"src/calc/extra_{n}_{k}.py" for k in range(5)]})
            wave["results"][ident] = {"status": "partial", "note": "left a follow-up for the next session " * 3}
        state["deviations"].extend({"ts": st.now_iso(), "wave": 2, "text": "changed course because " * 20}
                                   for _ in range(12))

    st.update(repo, five_more)
    text = state_file(repo).read_text(encoding="utf-8")
    longest = max(len(line) for line in text.splitlines())
    print(f"\nSTATE.md after 5 waves and 30 tasks: {len(text.encode())} bytes, {len(text.splitlines())} lines, "
          f"longest line {longest} characters; record {st.record_file(repo).stat().st_size} bytes")
    assert st.load(repo)["current_wave"] == 5
    assert sum(len(w["tasks"]) for w in st.load(repo)["waves"]) == 30
    assert len(text.encode()) < 8 * 1024
    assert longest < 200
