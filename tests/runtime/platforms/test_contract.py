"""The platform interface, checked the same way for every platform module.

Nothing here names an agent: the platforms come from the registry, their payloads
from `tests/fixtures/payloads/<platform>/` (one JSON file per payload, and
`expected.json` with the neutral tool call each must become), and the keys an
answer must carry from the platform's hook format in its data file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime import platforms
from runtime.hookpath.decision import ALLOW, DENY, WARN, Decision
from tests.helpers import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "payloads"
# What a pre-tool-use answer must hold, by hook format (dotted paths into the JSON the agent reads).
REQUIRED_BY_FORMAT = {
    "json-hooks": {
        DENY: ["hookSpecificOutput.hookEventName", "hookSpecificOutput.permissionDecision",
               "hookSpecificOutput.permissionDecisionReason"],
        WARN: ["hookSpecificOutput.hookEventName", "hookSpecificOutput.additionalContext"],
    },
}


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


@pytest.mark.parametrize("name", platforms.known())
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
