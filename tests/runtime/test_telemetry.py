"""Events log under concurrent writers, rotation, and the session record."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from runtime.core import telemetry
from runtime.loop.sessionrecord import session_record
from tests.helpers import ROOT

_APPENDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from runtime.core import telemetry
    root = Path({repo!r})
    name = sys.argv[1]
    sys.stdin.readline()  # start together
    for n in range(1000):
        telemetry.emit(root, "test.event", {{"writer": name, "n": n, "pad": "y" * (n % 700)}}{extra})
""")


def _spawn(tmp_path: Path, name: str, extra: str = "") -> subprocess.Popen[str]:
    script = _APPENDER.format(root=str(ROOT), repo=str(tmp_path), extra=extra)
    return subprocess.Popen([sys.executable, "-c", script, name], stdin=subprocess.PIPE, text=True)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_two_writers_give_2000_whole_lines(tmp_path: Path) -> None:
    writers = [_spawn(tmp_path, "a"), _spawn(tmp_path, "b")]
    for proc in writers:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in writers:
        proc.stdin.close()
        assert proc.wait(timeout=120) == 0
    raw = telemetry.events_path(tmp_path).read_text()
    assert raw.endswith("\n")
    records = _lines(telemetry.events_path(tmp_path))  # every line parses
    assert len(records) == 2000
    for name in ("a", "b"):
        ours = [r["n"] for r in records if r["writer"] == name]
        assert ours == list(range(1000))  # none lost, none duplicated, in order per writer


def test_rotation_keeps_the_newest_and_a_bounded_number_of_backups(tmp_path: Path) -> None:
    for n in range(300):
        telemetry.emit(tmp_path, "e", {"n": n, "pad": "z" * 50}, max_bytes=2000, backups=2)
    path = telemetry.events_path(tmp_path)
    files = sorted(p.name for p in path.parent.iterdir() if p.name.startswith("events.jsonl") and
                   not p.name.endswith(".lock"))
    assert files == ["events.jsonl", "events.jsonl.1", "events.jsonl.2"]
    assert path.stat().st_size <= 2000 + 200
    newest = _lines(path)
    assert newest[-1]["n"] == 299
    older = _lines(path.with_name("events.jsonl.1"))
    assert older[-1]["n"] == newest[0]["n"] - 1  # continuous across the rotation


def test_rotation_under_concurrent_writers_loses_nothing(tmp_path: Path) -> None:
    extra = ", max_bytes=40000, backups=50"
    writers = [_spawn(tmp_path, "a", extra), _spawn(tmp_path, "b", extra)]
    for proc in writers:
        proc.stdin.write("go\n")
        proc.stdin.flush()
        proc.stdin.close()
    for proc in writers:
        assert proc.wait(timeout=120) == 0
    records = []
    for path in telemetry.events_path(tmp_path).parent.glob("events.jsonl*"):
        if not path.name.endswith(".lock"):
            records.extend(_lines(path))
    assert len(records) == 2000
    assert sorted((r["writer"], r["n"]) for r in records) == sorted((w, n) for w in "ab" for n in range(1000))


def test_session_record_names_what_blocked_gates_failed_on(tmp_path: Path) -> None:
    gates = [
        {"variant": "incremental", "blocked": True, "regressions": ["tests/test_a.py::test_x"], "new_problems": []},
        {"variant": "incremental", "blocked": True, "regressions": [],
         "new_problems": ["lint: exit 1, passed at baseline"]},
        {"variant": "full", "blocked": False, "regressions": [], "new_problems": []},
    ]
    reviews = [{"wave": 2, "floor": 80, "findings": [{"file": "src/a.py", "confidence": 90},
                                                     {"file": "src/b.py", "confidence": 40}]}]
    not_retry = [{"wave": 1, "text": "carried over", "ts": "2026-02-01T10:30:00Z"},
                 {"wave": 2, "text": "T2: vendoring the parser", "ts": "2026-03-01T10:30:00Z"}]
    state = {"session_id": "S1", "type": "feature", "started": "2026-03-01T10:00:00Z", "waves": [],
             "baseline": {"variant": "baseline", "blocked": False}, "gates": gates, "items": [],
             "reviews": reviews, "not_retry": not_retry}
    record = session_record(tmp_path, state, "completed", 0, "2026-03-01T11:00:00Z")
    assert record["gate_failures"] == ["lint", "tests/test_a.py::test_x"]
    assert record["review_files"] == ["src/a.py"]  # the finding below the floor is not evidence
    assert record["not_retry"] == ["T2: vendoring the parser"]  # this session's own entries only
    assert record["gates"]["blocked"] == 2


def test_session_record_counts_the_guard_denials_of_its_own_time_span(tmp_path: Path) -> None:
    """Counted at close from the events log, rotated copies included; before the start, after the
    close and mere warnings do not count."""
    def event(ts: str, name: str = "guard.denied") -> str:
        return json.dumps({"ts": ts, "event": name, "rule": "rm-recursive-force"}) + "\n"

    log = telemetry.events_path(tmp_path)
    log.parent.mkdir(parents=True)
    log.with_name(log.name + ".1").write_text(event("2026-03-01T09:59:59Z") + event("2026-03-01T10:00:00Z"))
    log.write_text(event("2026-03-01T10:30:00Z") + event("2026-03-01T10:31:00Z", "guard.warned")
                   + event("2026-03-01T11:00:00Z") + event("2026-03-01T11:00:01Z"))
    state = {"session_id": "S1", "type": "feature", "started": "2026-03-01T10:00:00Z", "waves": [], "items": []}
    record = session_record(tmp_path, state, "completed", 0, "2026-03-01T11:00:00Z")
    assert record["guard_denials"] == 3
