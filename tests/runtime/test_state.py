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

from runtime import state as st
from runtime.paths import state_file
from tests.helpers import ROOT
from tests.runtime.loop_support import calc_repo, rt


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
    assert text.startswith("---\nschema-version: 1\n")
    assert "## Plan items" in text and "## Deviations" in text and "## What not to retry" in text
    # rendering is deterministic: saving what we loaded gives the same bytes
    assert st.render(loaded) == text


def test_banner_fields_are_in_the_frontmatter(tmp_path: Path) -> None:
    from runtime.banner import unfinished_session

    st.save(tmp_path, _sample())
    fields = unfinished_session(tmp_path)
    assert fields is not None
    assert fields["session-id"] == "20250101-000000-feature-abcd"
    assert fields["status"] == "active" and fields["total-waves"] == "5"


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (lambda t: t.replace('status: "active"', 'status: "running"'), "status must be one of"),
        (lambda t: t.replace("\n## Data\n", "\n## Something\n"), "'## Data' section"),
        (lambda t: t.replace('"plan-set": false', '"plan-set": fals'), "JSON record is invalid"),
        (lambda t: t[len("---\n"):], "expected '---'"),
    ],
)
def test_corrupt_file_is_kept_and_named(tmp_path: Path, mangle, expected: str) -> None:
    st.save(tmp_path, _sample())
    path = state_file(tmp_path)
    broken = mangle(path.read_text())
    path.write_text(broken)
    with pytest.raises(st.StateCorruptError) as info:
        st.load(tmp_path)
    message = str(info.value)
    assert str(path) in message and expected in message and "--fresh" in message
    backups = list(path.parent.glob("STATE.md.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == broken
    assert path.read_text() == broken  # never silently dropped
    with pytest.raises(st.StateCorruptError):
        st.load(tmp_path)
    assert len(list(path.parent.glob("STATE.md.corrupt-*"))) == 1  # no pile of identical copies


def test_json_error_names_the_line(tmp_path: Path) -> None:
    st.save(tmp_path, _sample())
    path = state_file(tmp_path)
    lines = path.read_text().split("\n")
    target = next(i for i, line in enumerate(lines) if '"plan-set"' in line)
    lines[target] = lines[target].replace("false", "nope")
    path.write_text("\n".join(lines))
    with pytest.raises(st.StateCorruptError, match=rf"STATE.md:{target + 1}: the JSON record is invalid"):
        st.load(tmp_path)


def test_corrupt_state_via_cli_is_clear_and_fresh_recovers(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    path = state_file(repo)
    path.write_text(path.read_text()[:200])
    result = rt(repo, "session", "start", "feature")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "is corrupt" in result.stderr and "--fresh" in result.stderr
    fresh = rt(repo, "session", "start", "feature", "--fresh")
    assert fresh.returncode == 0, fresh.stderr
    assert st.load(repo)["status"] == "active"
    assert list(path.parent.glob("STATE.md.corrupt-*"))


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    st.save(tmp_path, _sample())
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from pathlib import Path
            from runtime import state
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
    from runtime import state
    root = Path({repo!r})
    s = state.load(root)
    start = s["current-wave"] + 1
    print("ready", flush=True)
    for n in range(start, 201):
        s["current-wave"] = n
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
        now = loaded["current-wave"]
        last_acknowledged = printed[-1] if printed else version
        assert now in (last_acknowledged, last_acknowledged + 1), (now, last_acknowledged)
        # the whole record is that version's, not a mix
        assert len(loaded["deviations"]) == now
        assert all(d["wave"] == i + 1 for i, d in enumerate(loaded["deviations"]))
        version = now
    assert kills >= 30, f"only {kills} kills landed; the test did not exercise crashes enough"
    leftovers = list(state_file(tmp_path).parent.glob(".STATE.md.*.tmp"))
    st.save(tmp_path, st.load(tmp_path))
    assert not list(state_file(tmp_path).parent.glob(".STATE.md.*.tmp")), leftovers


def test_update_without_session_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(st.StateError, match="session start"):
        st.update(tmp_path, lambda s: None)
