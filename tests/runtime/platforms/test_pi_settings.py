"""Pi's `.pi/settings.json`: the force-excludes that hide other agents' command skills.

Pi lists `.agents/skills` as skills, where Codex CLI keeps its commands; install
adds two entries per command to the settings' `skills` list while Codex CLI is
selected (`-../.agents/skills/<command>` for Pi 0.7x, `-skills/<command>` for
later Pi, which resolves them from `.agents/`), and takes them out with it. The real
Pi reading these entries is tests/e2e/test_pi_client.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import platforms

COMMANDS = ["session", "go", "close"]
ENTRIES = [entry for c in COMMANDS for entry in (f"-../.agents/skills/{c}", f"-skills/{c}")]
CODEX = {"commands_dir": ".agents/skills"}


def wire(root: Path, others: dict[str, object]) -> str:
    pi = platforms.get("pi")
    data = {"settings_file": ".pi/extensions/session-orchestrator.ts", "hooks": {"tool_call": []},
            "hides_skills_of": ["codex"], "others": others, "commands": COMMANDS}
    return pi.wire(root, data, dry_run=False)


def test_codex_selected_writes_one_exclude_per_command_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    note = wire(tmp_path, {"codex": CODEX})
    settings = tmp_path / ".pi" / "settings.json"
    assert json.loads(settings.read_text()) == {"skills": ENTRIES}
    assert "hidden" in note
    before = settings.read_bytes()
    assert "settings.json" not in wire(tmp_path, {"codex": CODEX})
    assert settings.read_bytes() == before


def test_without_codex_our_entries_go_and_a_file_of_only_ours_is_removed(tmp_path: Path) -> None:
    wire(tmp_path, {"codex": CODEX})
    wire(tmp_path, {})
    assert not (tmp_path / ".pi" / "settings.json").exists()
    wire(tmp_path, {})
    assert not (tmp_path / ".pi" / "settings.json").exists(), "no codex, no file"


def test_the_user_s_settings_keep_every_other_byte(tmp_path: Path) -> None:
    settings = tmp_path / ".pi" / "settings.json"
    settings.parent.mkdir(parents=True)
    text = '{\n\t"theme" : "dark",\n\t"skills": ["../my-skills", "!../.agents/skills/old"],\n\t"x": [1,2]\n}\n'
    settings.write_text(text)
    wire(tmp_path, {"codex": CODEX})
    now = settings.read_text()
    assert now.startswith('{\n\t"theme" : "dark",\n\t"skills": ') and now.endswith(',\n\t"x": [1,2]\n}\n')
    assert json.loads(now)["skills"] == ["../my-skills", "!../.agents/skills/old", *ENTRIES]
    wire(tmp_path, {})
    assert json.loads(settings.read_text()) == json.loads(text), "the user's entries and keys stay"
    assert settings.read_text().replace(" ", "") == text.replace(" ", ""), "only the skills list was rewritten"


def test_a_settings_file_without_skills_gains_the_key_and_nothing_else(tmp_path: Path) -> None:
    settings = tmp_path / ".pi" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"theme": "dark"}\n')
    wire(tmp_path, {"codex": CODEX})
    data = json.loads(settings.read_text())
    assert data["theme"] == "dark" and len(data["skills"]) == 2 * len(COMMANDS)
    assert settings.read_text().startswith('{"theme": "dark"')


@pytest.mark.parametrize(("text", "expected"), [
    ('{"skills": [1,\n', r"\.pi/settings\.json:2:1: not valid JSON"),
    ('{"skills": "all"}', r"\.pi/settings\.json: skills: expected a list"),
    ('[1, 2]', r"\.pi/settings\.json: expected a JSON object"),
])
def test_a_settings_file_we_cannot_read_is_refused_by_name_and_left_alone(tmp_path: Path, text: str,
                                                                            expected: str) -> None:
    settings = tmp_path / ".pi" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(text)
    with pytest.raises(platforms.WireError, match=expected):
        wire(tmp_path, {"codex": CODEX})
    assert settings.read_text() == text


def test_when_pi_itself_is_deselected_install_takes_our_entries_out(tmp_path: Path) -> None:
    """Codex CLI stays, Pi goes: the entries only Pi needed leave with it (through install)."""
    from runtime.commands.install import unwire_deselected

    wire(tmp_path, {"codex": CODEX})
    settings = tmp_path / ".pi" / "settings.json"
    settings.write_text(settings.read_text().replace('"skills"', '"theme": "dark",\n  "skills"'))
    notes = unwire_deselected(tmp_path, {"codex": CODEX}, dry_run=False, commands=COMMANDS)
    assert json.loads(settings.read_text()) == {"theme": "dark", "skills": []}
    assert any("settings.json" in note for note in notes)
