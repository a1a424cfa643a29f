"""The platform interface, checked the same way for every platform module.

Nothing here names an agent: the platforms come from the registry, their payloads
from `tests/fixtures/payloads/<platform>/` (one JSON file per payload, and
`expected.json` with the neutral tool call each must become), and the keys an
answer must carry from the platform's hook format in its data file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime import platforms
from runtime.core.decision import ALLOW, DENY, WARN, Decision
from tests.helpers import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "payloads"
# What a pre-tool-use answer must hold, by hook format (dotted paths into the JSON the agent reads).
REQUIRED_BY_FORMAT = {
    "json-hooks": {
        DENY: ["hookSpecificOutput.hookEventName", "hookSpecificOutput.permissionDecision",
               "hookSpecificOutput.permissionDecisionReason"],
        WARN: ["hookSpecificOutput.hookEventName", "hookSpecificOutput.additionalContext"],
    },
    "pi-extension": {DENY: ["block", "reason"], WARN: ["warning"]},
    "flat-json-hooks": {
        DENY: ["permission", "user_message", "agent_message"],
        WARN: ["permission", "user_message", "agent_message"],
    },
}
# Formats whose wiring is a whole file of ours rather than entries spliced into a file the user
# shares with us; each has its own wiring tests below.
WHOLE_FILE_FORMATS = {"pi-extension"}


def data_file(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "platforms" / f"{name}.yml").read_text(encoding="utf-8"))[f"platform_{name}"][
        "default"]


def recorded() -> list[tuple[str, str]]:
    return [(name, path.name) for name in platforms.known() for path in sorted((FIXTURES / name).glob("*.json"))
            if path.name != "expected.json"]


def _get(obj: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        obj = obj[key]
    return obj


def test_every_platform_module_has_data_and_recorded_payloads() -> None:
    assert platforms.known(), "the registry finds the platform modules"
    for name in platforms.known():
        assert (ROOT / "platforms" / f"{name}.yml").is_file(), f"runtime/platforms/{name}.py has no data file"
        assert sorted((FIXTURES / name).glob("*.json")), f"no recorded payloads under {FIXTURES / name}"
        assert platforms.get(name).name == name


@pytest.mark.parametrize(("name", "payload"), recorded())
def test_recorded_payloads_become_the_expected_tool_call(name: str, payload: str) -> None:
    platform = platforms.get(name)
    data = json.loads((FIXTURES / name / payload).read_text(encoding="utf-8"))
    expected = json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))[payload]
    call = platform.tool_call(data)
    assert {"kind": call.kind, "command": call.command, "paths": call.paths, "session": platform.session_id(data),
            "agent": platform.agent_id(data)} == expected


@pytest.mark.parametrize("name", platforms.known())
@pytest.mark.parametrize("action", [DENY, WARN])
def test_answers_carry_the_keys_of_the_hook_format(name: str, action: str, capsys: pytest.CaptureFixture[str]) -> None:
    platform = platforms.get(name)
    required = REQUIRED_BY_FORMAT[data_file(name)["hooks_format"]][action]
    code = platform.answer("pre-tool-use", Decision(action, "the reason\nmore", "rule"))
    out = capsys.readouterr().out
    answer = json.loads(out)
    assert all(_get(answer, key) for key in required), (required, answer)
    assert "the reason" in out
    assert platform.denies(out, code) is (action == DENY)
    assert not platform.allows(out, code)


@pytest.mark.parametrize("name", platforms.known())
def test_an_allow_is_silent_and_the_banner_reaches_the_agent(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    platform = platforms.get(name)
    code = platform.answer("pre-tool-use", Decision(ALLOW))
    out = capsys.readouterr().out
    assert platform.allows(out, code) and not platform.denies(out, code)
    platform.answer("session-start", Decision(), "[session-orchestrator] banner line")
    assert "banner line" in capsys.readouterr().out


@pytest.mark.parametrize("name", platforms.known())
def test_the_doctor_probe_is_a_shell_call_the_platform_reads_back(name: str) -> None:
    platform = platforms.get(name)
    call = platform.tool_call(platform.probe("rm -rf ./build"))
    assert (call.kind, call.command) == ("shell", "rm -rf ./build")


@pytest.mark.parametrize("name", platforms.known())
def test_data_file_and_module_agree(name: str) -> None:
    platform, data = platforms.get(name), data_file(name)
    assert list(platform.instruction_files) == data["instruction_files"]
    assert platform.command_prefix == data.get("command_prefix", "/")
    assert data["settings_file"] in platform.settings_files
    assert all(file in platforms.INSTRUCTION_FILES for file in platform.instruction_files), (
        "the config lookup reads only INSTRUCTION_FILES")
    assert set(platform.settings_files) <= set(platforms.protected_paths())


@pytest.mark.parametrize("name", [name for name in platforms.known()
                                  if data_file(name)["hooks_format"] not in WHOLE_FILE_FORMATS])
def test_wire_then_unwire_leaves_the_settings_as_they_were(name: str, tmp_path: Path) -> None:
    platform, data = platforms.get(name), data_file(name)
    settings = tmp_path / data["settings_file"]
    settings.parent.mkdir(parents=True)
    settings.write_text('{"theirs": {"keep": [1, 2]}}\n', encoding="utf-8")
    assert platform.missing_hooks(tmp_path, data) == list(data["hooks"])
    platform.wire(tmp_path, data, dry_run=False)
    assert platform.missing_hooks(tmp_path, data) == []
    platform.unwire(tmp_path, data, dry_run=False)
    after = json.loads(settings.read_text(encoding="utf-8"))
    assert after.pop("hooks", {}) == {}, "only an emptied hooks container may remain"
    assert after == {"theirs": {"keep": [1, 2]}}
    assert platform.missing_hooks(tmp_path, data) == list(data["hooks"])


def test_an_unknown_platform_is_refused_by_name() -> None:
    for bad in ("nope", "../etc", "jsonhooks", ""):
        with pytest.raises(platforms.UnknownPlatformError):
            platforms.get(bad)


@pytest.mark.parametrize("name", ["a", "x" * 32, "x" * 33, "a_1", "1a", "_a", "aB", "a-b", "a.b", "a\n", "é", "a ",
                                  "z9_"])
def test_a_platform_name_is_checked_as_the_pattern_says(name: str) -> None:
    """The check is spelled without `re` (it runs on every hook call); it must accept exactly what the
    documented pattern accepts."""
    assert platforms._valid_name(name) == bool(re.fullmatch(r"[a-z][a-z0-9_]{0,31}", name))


class TestPiExtension:
    """Pi's wiring is the extension file itself: written whole, checked byte for byte, removed only
    while it is still ours. The extension's own code is driven through the real Pi in tests/e2e."""

    NAME = "pi"

    @pytest.fixture
    def setup(self, tmp_path: Path) -> tuple[Any, dict[str, Any], Path, bytes]:
        platform, data = platforms.get(self.NAME), data_file(self.NAME)
        source = (ROOT / "runtime" / "platforms" / "pi_extension.ts").read_bytes()
        return platform, data, tmp_path / data["settings_file"], source

    def test_wire_writes_the_vendored_extension_and_unwire_takes_it_out(self, setup, tmp_path: Path) -> None:
        platform, data, path, source = setup
        theirs = path.parent / "my-tools.ts"
        theirs.parent.mkdir(parents=True)
        theirs.write_text("export default function () {}\n", encoding="utf-8")
        assert platform.missing_hooks(tmp_path, data) == list(data["hooks"])
        assert "written" in platform.wire(tmp_path, data, dry_run=False)
        assert path.read_bytes() == source
        assert platform.missing_hooks(tmp_path, data) == []
        assert "in place" in platform.wire(tmp_path, data, dry_run=False), "a second install changes nothing"
        assert "removed" in platform.unwire(tmp_path, data, dry_run=False)
        assert not path.exists()
        assert theirs.read_text(encoding="utf-8") == "export default function () {}\n", "the user's extension stays"

    def test_dry_run_writes_nothing(self, setup, tmp_path: Path) -> None:
        platform, data, path, _ = setup
        assert "written" in platform.wire(tmp_path, data, dry_run=True)
        assert not path.exists()

    def test_an_edited_copy_is_reported_and_restored_by_install(self, setup, tmp_path: Path) -> None:
        platform, data, path, source = setup
        path.parent.mkdir(parents=True)
        path.write_bytes(source.replace(b'new Set(["bash"])', b"new Set<string>()"))
        assert platform.missing_hooks(tmp_path, data) == list(data["hooks"]), "an edited guard is not vouched for"
        assert "changed by hand" in platform.unwire(tmp_path, data, dry_run=False)
        assert path.exists(), "unwire never deletes an edited file"
        assert "restored" in platform.wire(tmp_path, data, dry_run=False)
        assert path.read_bytes() == source

    def test_a_crlf_checkout_still_counts_as_ours(self, setup, tmp_path: Path) -> None:
        platform, data, path, source = setup
        path.parent.mkdir(parents=True)
        path.write_bytes(source.replace(b"\n", b"\r\n"))
        assert platform.missing_hooks(tmp_path, data) == []

    def test_a_foreign_file_under_our_name_is_refused_by_name(self, setup, tmp_path: Path) -> None:
        platform, data, path, _ = setup
        path.parent.mkdir(parents=True)
        path.write_text("// my own guard\n", encoding="utf-8")
        with pytest.raises(platforms.WireError, match=r"session-orchestrator\.ts:1: not the session-orchestrator"):
            platform.wire(tmp_path, data, dry_run=False)
        assert path.read_text(encoding="utf-8") == "// my own guard\n"

    def test_an_unreadable_extension_is_none_for_doctor(self, setup, tmp_path: Path) -> None:
        platform, data, path, _ = setup
        path.mkdir(parents=True)  # a directory where the file should be: reading it fails
        assert platform.missing_hooks(tmp_path, data) is None

    def test_the_extension_and_the_module_agree(self, setup) -> None:
        """The extension's own failure path blocks the module's shell tools; its timeout is the data's."""
        platform, data, _, source = setup
        text = source.decode("utf-8")
        shells = re.search(r"const SHELL_TOOLS = new Set\(\[(.*?)\]\)", text)
        assert shells is not None
        assert {name.strip().strip('"') for name in shells.group(1).split(",")} == {
            name for name, kind in platform.tool_kinds.items() if kind == "shell"}
        timeout = re.search(r"const TIMEOUT_MS = ([\d_]+);", text)
        assert timeout is not None and int(timeout.group(1).replace("_", "")) == data["hook_timeout"] * 1000
        assert text.splitlines()[0] == pi_module().HEADER
        for event in data["hooks"]:
            assert f'pi.on("{event}"' in text, f"the extension handles {event}"
        for runtime_event in {entry["event"] for entries in data["hooks"].values() for entry in entries}:
            assert f'"{runtime_event}"' in text, f"the extension asks the runtime about {runtime_event}"

    def test_the_probe_has_the_shape_the_extension_sends(self, setup) -> None:
        platform, _, _, _ = setup
        recorded_keys = set(json.loads((FIXTURES / self.NAME / "bash.json").read_text(encoding="utf-8")))
        assert set(platform.probe("ls")) <= recorded_keys

    def test_the_banner_is_one_json_object(self, setup, capsys: pytest.CaptureFixture[str]) -> None:
        platform, _, _, _ = setup
        platform.answer("session-start", Decision(), "[session-orchestrator] line one\nline two\n")
        assert json.loads(capsys.readouterr().out) == {"banner": "[session-orchestrator] line one\nline two"}
        platform.answer("session-start", Decision(), "")
        assert capsys.readouterr().out == "", "no banner, no output"


def pi_module() -> Any:
    import importlib

    return importlib.import_module("runtime.platforms.pi")


class TestCursor:
    """Cursor's answers and payloads beyond the shared contract (fixtures written from Cursor's docs)."""

    def test_every_answer_is_json_and_a_deny_names_both_documented_keys(
            self, capsys: pytest.CaptureFixture[str]) -> None:
        cursor = platforms.get("cursor")
        assert cursor.answer("pre-tool-use", Decision(DENY, "why\ndetail", "r")) == 0
        deny = json.loads(capsys.readouterr().out)
        assert deny == {"permission": "deny", "decision": "deny", "reason": "why\ndetail",
                        "user_message": "Blocked: why", "agent_message": "why\ndetail"}
        cursor.answer("pre-tool-use", Decision(ALLOW))
        assert json.loads(capsys.readouterr().out) == {"permission": "allow", "decision": "allow"}
        cursor.answer("session-start", Decision(), "")
        assert json.loads(capsys.readouterr().out) == {"continue": True}
        assert cursor.answer("post-tool-use", Decision()) == 0
        assert capsys.readouterr().out == ""

    def test_a_shell_payload_has_no_tool_name_and_mcp_input_is_a_json_string(self) -> None:
        cursor = platforms.get("cursor")
        shell = cursor.tool_call({"hook_event_name": "beforeShellExecution", "command": "ls", "cwd": "/p"})
        assert (shell.kind, shell.name, shell.command) == ("shell", "Shell", "ls")
        mcp = cursor.tool_call({"hook_event_name": "preToolUse", "tool_name": "MCP:x", "tool_input": '{"q": 1}'})
        assert (mcp.kind, mcp.input) == ("other", {"q": 1})
        odd = cursor.tool_call({"hook_event_name": "preToolUse", "tool_name": "MCP:x", "tool_input": "not json"})
        assert odd.input == {"raw": "not json"}
        assert cursor.session_id({"session_id": "s"}) == "s", "sessionStart names the session itself"
