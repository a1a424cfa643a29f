"""`install` merges into files the user owns: nothing of theirs changes, ours lands once."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime.commands.install import InstallError, seed_instructions
from runtime.core.config import parse_text
from runtime.platforms.jsonsplice import merge_json_hooks
from runtime.platforms.jsonsplice import write_settings as install_settings
from tests.helpers import ROOT, runtime

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
    from runtime.commands.install import install

    (tmp_path / "AGENTS.md").write_text("## Session Config\n\n- waves: 4\n", encoding="utf-8")
    (tmp_path / "CLAUDE.md").write_text("# Notes\n", encoding="utf-8")
    manifest = {"platforms": {}, "instruction_files": ["CLAUDE.md"], "intro": INTRO, "session_config": VALUES}
    notes = install(tmp_path, manifest)
    assert notes == ["AGENTS.md: Session Config present; CLAUDE.md left as is"]
    assert (tmp_path / "CLAUDE.md").read_text(encoding="utf-8") == "# Notes\n"


# --- settings that are JSON but not the documented shape: refused, byte for byte ------------------

OURS = 'python3 -S "$CLAUDE_PROJECT_DIR/.orchestrator/runtime/__main__.py" hook claude pre-tool-use'
MALFORMED = [
    ('"top level a list"', '[{"hooks": {}}]', "<top level>: expected an object"),
    ('"a string"', '"hooks"', "<top level>: expected an object"),
    ("hooks a string", '{"hooks": "echo mine"}',
     "hooks: expected an object mapping event names to lists of hook groups"),
    ("hooks a list", '{"hooks": [{"matcher": "*", "hooks": []}]}',
     "hooks: expected an object mapping event names to lists of hook groups"),
    ("hooks null", '{"hooks": null}', "hooks: expected an object mapping event names to lists of hook groups"),
    ("event an object", '{"hooks": {"Stop": {"hooks": [{"type": "command", "command": "x"}]}}}',
     "hooks.Stop: expected a list of hook groups"),
    ("event a string", '{"hooks": {"PreToolUse": "echo mine"}}', "hooks.PreToolUse: expected a list of hook groups"),
    ("event null", '{"hooks": {"PreToolUse": null}}', "hooks.PreToolUse: expected a list of hook groups"),
    ("group a string", '{"hooks": {"Stop": ["say done"]}}',
     'hooks.Stop[0]: expected a hook group (an object with a "hooks" list)'),
    ("group null", '{"hooks": {"Stop": [{"hooks": []}, null]}}',
     'hooks.Stop[1]: expected a hook group (an object with a "hooks" list)'),
    ("group without hooks", '{"hooks": {"Stop": [{"matcher": "*"}]}}',
     "hooks.Stop[0].hooks: missing; expected a list of hook handlers"),
    ("group hooks an object", '{"hooks": {"Stop": [{"hooks": {"type": "command", "command": "x"}}]}}',
     "hooks.Stop[0].hooks: expected a list of hook handlers"),
    ("handler a string", '{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": ["echo mine"]}]}}',
     'hooks.PreToolUse[0].hooks[0]: expected a hook handler (an object with "type" and "command")'),
    ("handler null", '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "a"}, null]}]}}',
     'hooks.Stop[0].hooks[1]: expected a hook handler (an object with "type" and "command")'),
    ("command a list", '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": ["say", "x"]}]}]}}',
     "hooks.Stop[0].hooks[0].command: expected a string"),
    ("matcher a number", '{"hooks": {"PreToolUse": [{"matcher": 3, "hooks": []}]}}',
     "hooks.PreToolUse[0].matcher: expected a string"),
    ("ours beside a bad sibling", '{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", '
     f'"command": {json.dumps(OURS)}}}]}}], "Stop": 5}}}}', "hooks.Stop: expected a list of hook groups"),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in MALFORMED], ids=[i for i, _, _ in MALFORMED])
def test_malformed_shape_is_left_byte_for_byte_and_named(tmp_path: Path, claude: dict[str, Any], text: str,
                                                         message: str) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    original = (text + "\n").encode()
    path.write_bytes(original)
    with pytest.raises(InstallError) as caught:
        install_settings(tmp_path, claude, dry_run=False)
    assert str(caught.value).startswith(f".claude/settings.json: {message}; left untouched.")
    assert path.read_bytes() == original


def test_malformed_shape_through_the_command_exits_1(tmp_path: Path) -> None:
    """The install command, run as copier runs it: one line on stderr, exit 1, the file as it was."""
    repo = render_repo(tmp_path)
    settings = repo / ".claude" / "settings.json"
    settings.write_bytes(b'{"hooks": "echo mine"}\n')
    result = runtime(repo, "install")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: .claude/settings.json: hooks: expected an object mapping event names to lists of hook groups; "
        "left untouched. Fix the file, then run 'python3 .orchestrator/runtime install'."]
    assert settings.read_bytes() == b'{"hooks": "echo mine"}\n'


def render_repo(tmp_path: Path) -> Path:
    from tests.helpers import init_repo, render

    return render(init_repo(tmp_path / "repo"))


# --- the splice: minimal diffs, user bytes kept ----------------------------------------------------


def test_compact_user_file_gains_only_our_lines(tmp_path: Path, claude: dict[str, Any]) -> None:
    """A compact settings file is not reformatted: its lines come back unchanged, ours are added."""
    original = ('{\n  "permissions": {"allow": ["Bash(npm test:*)", "Read(*)"], "deny": []},\n'
                '  "hooks": {\n    "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]\n  },\n'
                '  "model": "opus"\n}\n')
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(original)
    install_settings(tmp_path, claude, dry_run=False)
    after = path.read_text()
    assert json.loads(after) == merge_json_hooks(json.loads(original), claude)
    kept = {line.rstrip(",") for line in after.splitlines()}
    assert [line for line in original.splitlines() if line.rstrip(",") not in kept] == []  # at most a comma added
    assert len(after.splitlines()) - len(original.splitlines()) <= 24  # ours, not a reformat (was 55)
    assert '"permissions": {"allow": ["Bash(npm test:*)", "Read(*)"], "deny": []},' in after
    assert install_settings(tmp_path, claude, dry_run=False).endswith("hooks already up to date")
    assert path.read_text() == after


def _strip_ours(text: str) -> str:
    """The user's part of a merged file: our groups removed by the same splice with no hooks declared."""
    from runtime.platforms.jsonsplice import splice_hooks

    return splice_hooks(text, {"hooks": {}, "hook_command": "unused {event}"})


def _random_settings(rng: random.Random) -> Any:
    def handler() -> dict[str, Any]:
        return {"type": "command", "command": rng.choice(["./audit.sh", "say done", "make lint", "echo é"]),
                **({"timeout": rng.randint(1, 60)} if rng.random() < 0.5 else {})}

    hooks: dict[str, Any] = {}
    for event in rng.sample(["PreToolUse", "Stop", "SessionStart", "PostToolUse", "Notification"], rng.randint(0, 4)):
        groups = []
        for _ in range(rng.randint(0, 3)):
            group: dict[str, Any] = {"hooks": [handler() for _ in range(rng.randint(0, 3))]}
            if rng.random() < 0.6:
                group = {"matcher": rng.choice(["Bash", "*", "Edit|Write"]), **group}
            groups.append(group)
        hooks[event] = groups
    data: dict[str, Any] = {}
    for key in rng.sample(["model", "permissions", "env", "hooks", "statusLine"], rng.randint(0, 5)):
        data[key] = hooks if key == "hooks" else {"model": "opus", "permissions": {"allow": ["Read(*)"]},
                                                   "env": {"A": "1"}, "statusLine": None}[key]
    return data


def _format(data: Any, rng: random.Random) -> str:
    style = rng.choice(["compact", "indent2", "indent4", "tab", "oneline-spaces", "crlf"])
    if style == "compact":
        return json.dumps(data, separators=(",", ":"))
    if style == "oneline-spaces":
        return json.dumps(data)
    if style == "crlf":
        return json.dumps(data, indent=2).replace("\n", "\r\n") + "\r\n"
    return json.dumps(data, indent={"indent2": 2, "indent4": 4, "tab": "\t"}[style]) + "\n"


@pytest.mark.parametrize("seed", range(60))
def test_generated_settings_keep_every_user_byte(claude: dict[str, Any], seed: int) -> None:
    """Random valid settings in random layouts: the merge adds ours and leaves the rest as written."""
    from runtime.platforms.jsonsplice import shape_problem, splice_hooks

    rng = random.Random(seed)
    data = _random_settings(rng)
    text = _format(data, rng)
    assert shape_problem(json.loads(text)) is None
    merged = splice_hooks(text, claude)
    assert json.loads(merged) == merge_json_hooks(json.loads(text), claude)
    assert splice_hooks(merged, claude) == merged  # twice changes nothing
    if "hooks" in data and not any(data["hooks"].get(event) == [] for event in claude["hooks"]):
        assert _strip_ours(merged) == text  # remove ours again: every user byte is back in place
    stale = {**claude, "hook_command": 'python3 .orchestrator/runtime hook claude {event} --old'}
    assert splice_hooks(splice_hooks(text, stale), claude) == merged  # an update replaces exactly ours


def test_an_entry_that_runs_the_runtime_directory_is_rewritten_to_run_its_entry_file(
        claude: dict[str, Any]) -> None:
    """Hooks wired by a release that ran the directory: an update's `install` leaves one entry per event,
    the current command, and nothing of the old one."""
    from runtime.platforms.jsonsplice import splice_hooks

    old = {**claude, "hook_command": claude["hook_command"].replace("/__main__.py", "")}
    assert old["hook_command"] != claude["hook_command"]
    updated = json.loads(splice_hooks(splice_hooks('{"model": "x"}\n', old), claude))
    commands = [h["command"] for groups in updated["hooks"].values() for g in groups for h in g["hooks"]]
    assert commands == [claude["hook_command"].format(event=entry["event"])
                        for entries in claude["hooks"].values() for entry in entries]
    assert all("/.orchestrator/runtime/__main__.py\" hook claude " in command for command in commands)
    assert updated["model"] == "x"


def test_every_instruction_file_the_agents_read_gets_the_intro_and_config_once(tmp_path: Path) -> None:
    """With two agents that read different files, both files are seeded; a second run changes nothing."""
    from runtime.commands.install import install

    manifest = {"platforms": {}, "instruction_files": ["CLAUDE.md", "AGENTS.md", "CLAUDE.md"], "intro": INTRO,
                "session_config": VALUES}
    notes = install(tmp_path, manifest)
    assert notes == ["CLAUDE.md: created with a Session Config", "AGENTS.md: created with a Session Config"]
    for name in ("CLAUDE.md", "AGENTS.md"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.count("## Working sessions") == 1 and text.count("## Session Config") == 1
        assert parse_text(text, name).values["waves"] == 5
    before = {name: (tmp_path / name).read_bytes() for name in ("CLAUDE.md", "AGENTS.md")}
    install(tmp_path, manifest)
    assert {name: (tmp_path / name).read_bytes() for name in before} == before


def test_a_manifest_from_before_the_list_still_names_its_one_file(tmp_path: Path) -> None:
    from runtime.commands.install import install

    notes = install(tmp_path, {"platforms": {}, "config_file": "AGENTS.md", "intro": "", "session_config": VALUES})
    assert notes == ["AGENTS.md: created with a Session Config"]
    assert not (tmp_path / "CLAUDE.md").exists()
