"""`install` merges into files the user owns: nothing of theirs changes, ours lands once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime.config import parse_text
from runtime.install import InstallError, install_settings, merge_json_hooks, seed_instructions
from tests.helpers import ROOT

VALUES = {"test-command": "auto", "waves": 5, "enforcement": "strict", "agents-per-wave": {"default": 6}}
INTRO = "## Working sessions\n\nThis repository runs sessions.\n"


@pytest.fixture
def claude() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "platforms" / "claude.yml").read_text(encoding="utf-8"))
    return data["platform_claude"]["default"]


def our_commands(settings: dict[str, Any]) -> list[str]:
    return [h["command"] for groups in settings.get("hooks", {}).values() for g in groups
            for h in g.get("hooks", []) if ".orchestrator/runtime" in h.get("command", "")]


USER_SETTINGS = {
    "permissions": {"allow": ["Bash(npm test:*)"], "deny": ["Read(./.env)"]},
    "model": "opus",
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "./scripts/audit.sh", "timeout": 5}]}
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}],
    },
}


def test_merge_into_empty_settings_adds_one_handler_per_event(claude: dict[str, Any]) -> None:
    merged = merge_json_hooks({}, claude)
    assert set(merged["hooks"]) == set(claude["hooks"])
    events = [e["event"] for entries in claude["hooks"].values() for e in entries]
    assert sorted(our_commands(merged)) == sorted(claude["hook_command"].format(event=e) for e in events)


def test_merge_keeps_every_user_key_and_handler(claude: dict[str, Any]) -> None:
    merged = merge_json_hooks(USER_SETTINGS, claude)
    assert merged["permissions"] == USER_SETTINGS["permissions"]
    assert merged["model"] == "opus"
    assert merged["hooks"]["Stop"] == USER_SETTINGS["hooks"]["Stop"]
    assert merged["hooks"]["PreToolUse"][0] == USER_SETTINGS["hooks"]["PreToolUse"][0]
    assert len(merged["hooks"]["PreToolUse"]) == 2
    assert USER_SETTINGS["hooks"]["PreToolUse"][0]["matcher"] == "Bash"  # input not mutated
    assert len(USER_SETTINGS["hooks"]["PreToolUse"]) == 1


def test_merge_is_idempotent(claude: dict[str, Any]) -> None:
    once = merge_json_hooks(USER_SETTINGS, claude)
    assert merge_json_hooks(once, claude) == once


def test_merge_replaces_a_stale_handler_of_ours(claude: dict[str, Any]) -> None:
    stale = {"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
        {"type": "command", "command": "python3 .orchestrator/runtime hook claude old-event"},
        {"type": "command", "command": "./mine.sh"},
    ]}]}}
    merged = merge_json_hooks(stale, claude)
    assert "old-event" not in json.dumps(merged)
    assert "./mine.sh" in json.dumps(merged)
    assert len(our_commands(merged)) == sum(len(v) for v in claude["hooks"].values())


def test_install_settings_leaves_broken_json_byte_identical(tmp_path: Path, claude: dict[str, Any]) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    original = b'{\n  "permissions": {\n    "allow": ["Bash(ls)",]\n  }\n}\n'
    path.write_bytes(original)
    with pytest.raises(InstallError) as info:
        install_settings(tmp_path, claude, dry_run=False)
    assert str(info.value).startswith(".claude/settings.json:3:")
    assert path.read_bytes() == original


def test_install_settings_dry_run_writes_nothing(tmp_path: Path, claude: dict[str, Any]) -> None:
    note = install_settings(tmp_path, claude, dry_run=True)
    assert "would wire" in note
    assert not (tmp_path / ".claude").exists()


def test_seed_creates_a_missing_file_with_intro_and_section(tmp_path: Path) -> None:
    seed_instructions(tmp_path, "AGENTS.md", INTRO, VALUES, dry_run=False)
    text = (tmp_path / "AGENTS.md").read_text(encoding="utf-8")
    assert text.startswith(INTRO)
    assert parse_text(text)["enforcement"] == "strict"


@pytest.mark.parametrize(
    "original",
    [b"# Notes\n\n- keep it short\n", b"# Notes\r\n\r\n- keep it short\r\n", b"# Notes\n- no newline at end",
     b"# Notes\n\n", b""],
    ids=["lf", "crlf", "no-final-newline", "blank-line-end", "empty"],
)
def test_seed_appends_after_the_users_bytes(tmp_path: Path, original: bytes) -> None:
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(original)
    seed_instructions(tmp_path, "CLAUDE.md", INTRO, VALUES, dry_run=False)
    after = path.read_bytes()
    assert after.startswith(original)
    added = after[len(original):]
    assert added.count(b"## Session Config") == 1
    if b"\r\n" in original:
        assert b"\n" not in added.replace(b"\r\n", b"")  # one line-ending style in the file
    assert parse_text(after.decode("utf-8"))["waves"] == 5
    seed_instructions(tmp_path, "CLAUDE.md", INTRO, VALUES, dry_run=False)
    assert path.read_bytes() == after


def test_seed_never_rewrites_an_existing_section(tmp_path: Path) -> None:
    path = tmp_path / "CLAUDE.md"
    original = "# App\n\n## Session Config\n\n- enforcement: off\n- waves: 4\n"
    path.write_text(original, encoding="utf-8")
    note = seed_instructions(tmp_path, "CLAUDE.md", INTRO, VALUES, dry_run=False)
    assert path.read_text(encoding="utf-8") == original
    assert "differs from your answers in" in note
    assert "enforcement" in note and "waves" in note


def test_seed_reports_a_broken_existing_section_without_touching_it(tmp_path: Path) -> None:
    path = tmp_path / "CLAUDE.md"
    original = "## Session Config\n\n- waves: 1\n"
    path.write_text(original, encoding="utf-8")
    note = seed_instructions(tmp_path, "CLAUDE.md", INTRO, VALUES, dry_run=False)
    assert "CLAUDE.md:3: error: waves" in note
    assert path.read_text(encoding="utf-8") == original


def test_seed_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "CLAUDE.md"
    original = b"# Caf\xe9 notes\n"
    path.write_bytes(original)
    with pytest.raises(InstallError) as info:
        seed_instructions(tmp_path, "CLAUDE.md", INTRO, VALUES, dry_run=False)
    assert str(info.value).startswith("CLAUDE.md: not UTF-8")
    assert path.read_bytes() == original


def test_install_does_not_shadow_a_section_in_the_other_file(tmp_path: Path) -> None:
    from runtime.install import install

    (tmp_path / "AGENTS.md").write_text("## Session Config\n\n- waves: 4\n", encoding="utf-8")
    (tmp_path / "CLAUDE.md").write_text("# Notes\n", encoding="utf-8")
    manifest = {"platforms": {}, "config_file": "CLAUDE.md", "intro": INTRO, "session_config": VALUES}
    notes = install(tmp_path, manifest)
    assert notes == ["AGENTS.md: Session Config present; CLAUDE.md left as is"]
    assert (tmp_path / "CLAUDE.md").read_text(encoding="utf-8") == "# Notes\n"
