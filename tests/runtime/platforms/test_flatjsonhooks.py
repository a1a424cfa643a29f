"""The flat JSON hooks splice: our entries in and out, every byte of the user's kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime.platforms import WireError
from runtime.platforms.cursor import PLATFORM
from runtime.platforms.flatjsonhooks import splice_hooks, wanted_entries
from tests.helpers import ROOT

DATA: dict[str, Any] = yaml.safe_load((ROOT / "platforms" / "cursor.yml").read_text(encoding="utf-8"))[
    "platform_cursor"]["default"]
HOOKS = ".cursor/hooks.json"
# A user's own hooks file in several layouts; each must come back byte for byte after wire + unwire.
USER_FILES = {
    "indented": '{\n    "version": 1,\n    "hooks": {\n        "afterFileEdit": [\n'
                '            {"command": "./fmt.sh"}\n        ],\n        "beforeShellExecution": [\n'
                '            {"command": "./audit.sh", "matcher": "git push"}\n        ]\n    }\n}\n',
    "compact": '{"version":1,"hooks":{"stop":[{"command":"say done","loop_limit":3}]}}',
    "crlf": '{\r\n  "version": 1,\r\n  "hooks": {\r\n    "preToolUse": [\r\n'
            '      { "command": "./check.sh", "matcher": "Read" }\r\n    ]\r\n  }\r\n}\r\n',
    "no hooks key": '{\n\t"version": 1\n}\n',
    "empty event": '{"version": 1, "hooks": {"sessionEnd": []}}\n',
}


def write(root: Path, text: str) -> Path:
    path = root / HOOKS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("layout", USER_FILES)
def test_wire_then_unwire_gives_back_the_users_bytes(layout: str, tmp_path: Path) -> None:
    original = USER_FILES[layout]
    path = write(tmp_path, original)
    PLATFORM.wire(tmp_path, DATA, dry_run=False)
    wired = path.read_bytes().decode("utf-8")
    data = json.loads(wired)
    assert data["version"] == 1
    assert PLATFORM.missing_hooks(tmp_path, DATA) == []
    for event, entries in json.loads(original).get("hooks", {}).items():
        assert [e for e in data["hooks"][event] if ".orchestrator/runtime" not in e["command"]] == entries
    assert PLATFORM.wire(tmp_path, DATA, dry_run=False).endswith("hooks already up to date")
    assert path.read_bytes().decode("utf-8") == wired, "wiring twice changes nothing"
    PLATFORM.unwire(tmp_path, DATA, dry_run=False)
    after = path.read_bytes().decode("utf-8")
    if layout == "no hooks key":
        assert json.loads(after) == {"version": 1, "hooks": {}}, "only an emptied hooks container may remain"
    else:
        assert after == original


def test_a_new_file_is_ours_alone_and_goes_with_our_entries(tmp_path: Path) -> None:
    note = PLATFORM.wire(tmp_path, {**DATA, "enforcement": "strict"}, dry_run=False)
    assert note == f"{HOOKS}: wired hooks (sessionStart, beforeShellExecution, preToolUse)"
    data = json.loads((tmp_path / HOOKS).read_text(encoding="utf-8"))
    assert data["version"] == 1 and set(data["hooks"]) == {"sessionStart", "beforeShellExecution", "preToolUse"}
    assert PLATFORM.unwire(tmp_path, DATA, dry_run=True) == f"{HOOKS}: would remove (it held only our hooks)"
    assert (tmp_path / HOOKS).exists()
    PLATFORM.unwire(tmp_path, DATA, dry_run=False)
    assert not (tmp_path / HOOKS).exists()


def test_changed_entries_replace_exactly_ours(tmp_path: Path) -> None:
    path = write(tmp_path, USER_FILES["indented"])
    PLATFORM.wire(tmp_path, {**DATA, "enforcement": "strict"}, dry_run=False)
    assert all(e.get("failClosed") for e in json.loads(path.read_text())["hooks"]["preToolUse"])
    PLATFORM.wire(tmp_path, {**DATA, "enforcement": "warn"}, dry_run=False)
    data = json.loads(path.read_text())
    assert not any(e.get("failClosed") for entries in data["hooks"].values() for e in entries)
    assert [e["command"] for e in data["hooks"]["beforeShellExecution"]] == [
        "./audit.sh", DATA["hook_command"].format(event="pre-tool-use")]


def test_fail_closed_only_on_blocking_events_and_only_at_the_listed_levels() -> None:
    strict = wanted_entries({**DATA, "enforcement": "strict"})
    assert [e.get("failClosed") for e in strict["sessionStart"]] == [None]
    assert [e.get("failClosed") for e in strict["beforeShellExecution"] + strict["preToolUse"]] == [True, True]
    for level in ("warn", "off", None):
        assert not any("failClosed" in e for entries in wanted_entries({**DATA, "enforcement": level}).values()
                       for e in entries)


def test_a_file_without_version_is_kept_so_and_the_note_says_to_add_it(tmp_path: Path) -> None:
    path = write(tmp_path, '{"hooks": {}}\n')
    note = PLATFORM.wire(tmp_path, DATA, dry_run=False)
    assert 'has no "version": add "version": 1' in note
    assert "version" not in json.loads(path.read_text())


@pytest.mark.parametrize(("text", "problem"), [
    ('{"version": 2, "hooks": {}}', "version: expected 1, found 2"),
    ('{"version": 1, "hooks": []}', "hooks: expected an object"),
    ('{"version": 1, "hooks": {"stop": {}}}', "hooks.stop: expected a list of hook entries"),
    ('{"version": 1, "hooks": {"stop": ["say"]}}', "hooks.stop[0]: expected a hook entry"),
    ('{"version": 1, "hooks": {"stop": [{"command": 3}]}}', "hooks.stop[0].command: expected a string"),
    ('{"version": 1, "hooks": {"stop": [{"command": "x", "matcher": 1}]}}', "hooks.stop[0].matcher: expected"),
    ('[1]', "<top level>: expected an object"),
])
def test_a_file_of_another_shape_is_refused_by_key_and_left_alone(text: str, problem: str, tmp_path: Path) -> None:
    path = write(tmp_path, text)
    with pytest.raises(WireError, match=f"^{HOOKS}: ") as raised:
        PLATFORM.wire(tmp_path, DATA, dry_run=False)
    assert problem in str(raised.value) and "left untouched" in str(raised.value)
    assert path.read_text() == text


def test_invalid_json_names_the_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "version": 1,\n  "hooks": {,}\n}\n')
    with pytest.raises(WireError, match=rf"^{HOOKS}:3:13: not valid JSON"):
        PLATFORM.wire(tmp_path, DATA, dry_run=False)
    assert path.read_text() == '{\n  "version": 1,\n  "hooks": {,}\n}\n'


def test_missing_hooks_and_the_cheap_wired_check(tmp_path: Path) -> None:
    assert PLATFORM.missing_hooks(tmp_path, DATA) is None, "no file: cannot tell"
    assert not PLATFORM.wired_for(tmp_path, "pre-tool-use")
    write(tmp_path, USER_FILES["compact"])
    assert PLATFORM.missing_hooks(tmp_path, DATA) == list(DATA["hooks"])
    PLATFORM.wire(tmp_path, DATA, dry_run=False)
    assert PLATFORM.wired_for(tmp_path, "pre-tool-use") and PLATFORM.wired_for(tmp_path, "session-start")
    assert not PLATFORM.wired_for(tmp_path, "post-tool-use")


def test_the_cheap_wired_check_knows_entries_that_run_the_runtime_directory(tmp_path: Path) -> None:
    """Releases before the hook named its entry file ran the directory; such a file is still wired
    (the guard of an agent that hosts this one must not judge the call twice before `install` runs)."""
    old = DATA["hook_command"].replace("/__main__.py", "")
    assert old != DATA["hook_command"]
    write(tmp_path, json.dumps({"version": 1, "hooks": {
        "preToolUse": [{"command": old.format(event="pre-tool-use")}]}}))
    assert PLATFORM.wired_for(tmp_path, "pre-tool-use")
    assert not PLATFORM.wired_for(tmp_path, "session-start")


def test_an_empty_text_with_nothing_wanted_stays_empty() -> None:
    assert splice_hooks("", {}, 1) == ""
