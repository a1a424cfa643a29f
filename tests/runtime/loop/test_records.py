"""One key style at every file boundary, and files written in the old spelling still load."""

from __future__ import annotations

import ast
import json
import re
import typing
from pathlib import Path

import pytest

from runtime.core.paths import state_file
from runtime.guards import scope as scope_guard
from runtime.hookpath.banner import unfinished_session
from runtime.loop import records
from runtime.loop import state as st
from runtime.loop.sessionrecord import session_record
from runtime.loop.waves import build_scope, wave_entries
from tests.helpers import ROOT
from tests.runtime.loop_support import begin, calc_repo, finish, old_spelling, rt, start_with_plan

SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def _keys(value: object) -> set[str]:
    """Every key of every dict nested in `value`, except maps keyed by data (task ids, check kinds)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            if key in ("results", "checks", "gate_streak", "gate_overrides", "agents", "counts"):
                inner = list(inner.values()) if isinstance(inner, dict) else inner
            found |= _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _keys(inner)
    return found


def test_every_typed_record_spells_its_keys_in_snake_case() -> None:
    shapes = [records.State, records.Wave, records.Task, records.TaskResult, records.Item, records.Gate,
              records.Check, records.Scope, records.HistoryEntry]
    for shape in shapes:
        keys = typing.get_type_hints(shape)
        assert keys, shape
        assert [k for k in keys if not SNAKE.fullmatch(k)] == [], shape.__name__


def test_the_old_spellings_map_onto_typed_keys() -> None:
    assert set(records.OLD_KEYS.values()) <= set(typing.get_type_hints(records.State))
    assert set(records.OLD_WAVE_KEYS.values()) <= set(typing.get_type_hints(records.Wave))
    assert all(old == new.replace("_", "-") for old, new in {**records.OLD_KEYS, **records.OLD_WAVE_KEYS}.items())


def test_a_whole_session_writes_one_key_style_everywhere(tmp_path: Path) -> None:
    """The record, STATE.md's frontmatter, scope.json, status JSON and telemetry of a real run."""
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    assert begin(repo, 2).returncode == 0
    state = json.loads(st.record_file(repo).read_text())
    scope = json.loads((repo / scope_guard.SCOPE_REL).read_text())
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    events = [json.loads(line) for line in (repo / ".orchestrator/metrics/events.jsonl").read_text().splitlines()]
    front = state_file(repo).read_text().split("\n---", 1)[0].splitlines()[1:]
    keys = _keys(state) | _keys(scope) | _keys(status) | _keys(events) | {line.split(":", 1)[0] for line in front}
    assert sorted(k for k in keys if not SNAKE.fullmatch(k)) == []
    assert state["schema_version"] == records.SCHEMA_VERSION
    assert set(scope) <= set(typing.get_type_hints(records.Scope))
    assert set(state) <= set(typing.get_type_hints(records.State))
    for wave in state["waves"]:
        assert set(wave) <= set(typing.get_type_hints(records.Wave))


def test_an_in_flight_kebab_case_session_carries_on_after_the_upgrade(tmp_path: Path) -> None:
    """session.json and STATE.md as the previous release wrote them, mid-session: the next
    wave starts, STATE.md is rewritten in the current spelling and nothing is lost."""
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    before = st.load(repo)
    assert before is not None
    old = {**old_spelling(before), "schema-version": 2}
    st.record_file(repo).write_text(json.dumps(old, indent=1, sort_keys=True) + "\n")
    old_view = st.render(before).replace("schema_version: 3", "schema-version: 2")
    for new, spelled in ((n, o) for o, n in records.OLD_KEYS.items()):
        old_view = old_view.replace(f"\n{new}:", f"\n{spelled}:")
    state_file(repo).write_text(old_view)
    assert "\nsession-id:" in old_view and "\ncurrent-wave:" in old_view

    banner = unfinished_session(repo)  # the SessionStart hook reads the old frontmatter as well
    assert banner is not None and banner["session_id"] == before["session_id"]
    assert banner["total_waves"] == str(before["total_waves"])

    loaded = st.load(repo)
    assert loaded == {**before, "schema_version": records.SCHEMA_VERSION}
    assert "\nsession_id:" in state_file(repo).read_text()  # the view is regenerated in the current spelling
    started = begin(repo, 2)
    assert started.returncode == 0, started.stderr
    after = json.loads(st.record_file(repo).read_text())
    assert "session-id" not in after and after["session_id"] == before["session_id"]
    assert after["waves"][0]["status"] == "done" and after["waves"][1]["status"] == "active"
    assert "max-agents" not in after["waves"][0] and after["waves"][0]["max_agents"] == before["waves"][0]["max_agents"]


def test_an_old_record_names_the_line_of_a_bad_value() -> None:
    old = old_spelling(st.new_state("S1", "feature", 5, "abc", "main"))
    old["current-wave"] = "two"
    text = json.dumps(old, indent=1, sort_keys=True)
    line = next(i + 1 for i, li in enumerate(text.splitlines()) if li.lstrip().startswith('"current-wave"'))
    with pytest.raises(st.StateError, match=rf"session\.json:{line}: current_wave must be a whole number"):
        st.parse_record(text)


def test_a_record_with_both_spellings_keeps_the_current_one() -> None:
    state = {"session-id": "old", "session_id": "new", "waves": [{"gate-status": "blocked", "gate_status": "passed"}]}
    records.upgrade_state(state)
    assert state == {"session_id": "new", "waves": [{"gate_status": "passed"}]}


def test_scope_json_of_the_previous_release_still_loads(tmp_path: Path) -> None:
    """scope.json has been snake_case since it was introduced; a file in that exact shape,
    written by the previous release, is read as it was."""
    path = tmp_path / scope_guard.SCOPE_REL
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"session_id": "S1", "wave": 2, "role": "Impl-Core", "enforcement": "warn",
                                "allowed": ["src/"], "read_only": False}, indent=2) + "\n")
    scope, problem = scope_guard.load(tmp_path)
    assert problem == "" and scope is not None and scope["allowed"] == ["src/"]


def test_the_scope_the_wave_engine_writes_is_what_the_guard_reads(tmp_path: Path) -> None:
    state = st.new_state("S1", "feature", 5, "", "main")
    state["waves"] = wave_entries(5, "feature", 4)
    wave = state["waves"][1]
    wave["tasks"] = [{"id": "T2", "agent": "implementer", "files": ["src/a.py"]},
                     {"id": "T3", "agent": "explorer", "files": ["src/b.py"]}]
    scope = build_scope(state, wave, "strict", tmp_path)
    assert set(scope) == set(typing.get_type_hints(records.Scope))
    read_by_guard = set(re.findall(r"""scope(?:\.get\(|\[)["']([a-z_]+)["']""",
                                   (ROOT / "runtime/guards/scope.py").read_text()))
    assert read_by_guard and read_by_guard <= set(scope)


def test_a_sessions_line_from_the_previous_release_still_reports(tmp_path: Path) -> None:
    """sessions.jsonl lines have always been snake_case; the previous release's exact line is read
    by `report` and by the record builder's own key set."""
    line = {"schema_version": 1, "id": "S1", "type": "feature", "branch": "main", "started": "2026-03-01T10:00:00Z",
            "ended": "2026-03-01T11:00:00Z", "duration_s": 3600, "total_waves": 5, "waves": [],
            "gates": {"run": 2, "passed": 1, "blocked": 1, "baseline": True, "last": None},
            "regressions_caught": 1, "regressions": ["t::a"], "gate_failures": [], "review_files": [],
            "not_retry": [], "files_changed": 3, "agents_dispatched": 4, "items_planned": 2, "items_done": 1,
            "carryover": 1, "deviations": 0, "outcome": "completed"}
    metrics = tmp_path / ".orchestrator/metrics"
    metrics.mkdir(parents=True)
    (metrics / "sessions.jsonl").write_text(json.dumps(line) + "\n")
    done = rt(tmp_path, "report")
    assert done.returncode == 0, done.stderr
    assert "S1" in done.stdout
    fresh = session_record(tmp_path, st.new_state("S2", "feature", 5, "", "main"), "completed", 0,
                           "2026-03-01T11:00:00Z")
    # the record has only gained keys since (guard_denials, counted at close); none was renamed
    assert set(line) <= set(fresh) and set(fresh) - set(line) == {"guard_denials"}


def test_records_module_stays_off_the_hook_path() -> None:
    """typing would cost every tool call a millisecond; only the loop engine imports the records
    (tests/runtime/test_stdlib_only.py checks what a real hook call imports)."""
    hook_path = ["hookpath", "guards", "platforms", "config.py", "paths.py", "telemetry.py", "jsonl.py"]
    for rel in hook_path:
        base = ROOT / "runtime" / rel
        for path in [base] if base.is_file() else sorted(base.glob("*.py")):
            tree = ast.parse(path.read_text())
            for node in tree.body:  # module level only: a function-local import runs only when called
                if isinstance(node, ast.ImportFrom):
                    assert not (node.module or "").endswith("records"), path
