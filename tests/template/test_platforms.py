"""Contract tests for platforms/<name>.yml: one subclass per platform, same checks for all.

A new platform adds its data file, its thin templates and a subclass here with the
class constants filled in; the shared tests then tell what is missing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from runtime.hookpath.hooks import HANDLERS
from tests.helpers import ROOT

REQUIRED_KEYS = {
    "name", "label", "instruction_files", "commands_dir", "agents_dir", "args", "tools", "phrases",
    "settings_file", "hooks_format", "hook_command", "hook_timeout", "hooks", "command_prefix", "long_gate",
}
REQUIRED_PHRASES = {"dispatch", "ask"}


def load_platform(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "platforms" / f"{name}.yml").read_text(encoding="utf-8"))
    assert list(data) == [f"platform_{name}"], "one computed question named platform_<name>"
    question = data[f"platform_{name}"]
    assert question["when"] is False, "platform data is computed, never asked"
    assert question["type"] == "yaml"
    return question["default"]


def catalog() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text(encoding="utf-8"))[
        "catalog"]["default"]


def copier_questions() -> dict[str, Any]:
    """copier.yml's questions with its `!include`s followed, as Copier does (documents merged)."""

    class Loader(yaml.SafeLoader):
        pass

    def include(loader: yaml.SafeLoader, node: yaml.Node) -> list[Any]:
        pattern = str(loader.construct_scalar(node))  # type: ignore[arg-type]
        return [doc for path in ROOT.glob(pattern) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))]

    Loader.add_constructor("!include", include)
    merged: dict[str, Any] = {}
    for doc in yaml.load_all((ROOT / "copier.yml").read_text(encoding="utf-8"), Loader=Loader):  # noqa: S506
        if isinstance(doc, dict):  # (a SafeLoader subclass: S506 does not see it)
            merged.update(doc)
    return merged


def rendered_choices() -> dict[str, Any]:
    """The `platforms` choices as Copier renders them from the platform data."""
    import jinja2

    questions = copier_questions()
    context = {name: questions[name]["default"] for name in ("wired_platforms", "planned_platforms")}
    text = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        questions["platforms"]["choices"]).render(context)
    return yaml.safe_load(text)


def wired_in_install_manifest() -> set[str]:
    """The platforms the install manifest wires: rendered from the same data."""
    import jinja2

    text = (ROOT / "template" / ".orchestrator" / "install.json.jinja").read_text(encoding="utf-8")
    head = text[:text.index("{%- set intro")]
    probe = head + "{{ ns.platforms | list | tojson }}"
    questions = copier_questions()
    names = [question["default"]["name"] for doc in questions["wired_platforms"]["default"]
             for question in doc.values()]
    rendered = jinja2.Environment().from_string(probe).render(
        wired_platforms=questions["wired_platforms"]["default"], platforms=[*names, "not-a-platform"])
    return set(json.loads(rendered.strip()))


class PlatformContract:
    NAME: ClassVar[str]
    INSTRUCTION_FILES: ClassVar[list[str]]
    SETTINGS_FILE: ClassVar[str]
    HOOKS_FORMAT: ClassVar[str]
    ARGS: ClassVar[str]

    @pytest.fixture
    def data(self) -> dict[str, Any]:
        return load_platform(self.NAME)

    def test_required_keys_present(self, data: dict[str, Any]) -> None:
        assert REQUIRED_KEYS - set(data) == set()
        assert REQUIRED_PHRASES - set(data["phrases"]) == set()
        assert data["name"] == self.NAME

    def test_files_and_format(self, data: dict[str, Any]) -> None:
        assert data["instruction_files"] == self.INSTRUCTION_FILES
        assert data["settings_file"] == self.SETTINGS_FILE
        assert data["hooks_format"] == self.HOOKS_FORMAT
        assert data["args"] == self.ARGS

    def test_command_prefix_is_one_character_the_canonical_texts_can_put_before_a_name(
            self, data: dict[str, Any]) -> None:
        assert data["command_prefix"] in ("/", "$")

    def test_hook_command_runs_the_vendored_runtime(self, data: dict[str, Any]) -> None:
        command = data["hook_command"]
        assert f'.orchestrator/runtime/__main__.py" hook {self.NAME} ' in command
        assert "{event}" in command
        assert isinstance(data["hook_timeout"], int) and data["hook_timeout"] > 0

    def test_every_tool_name_is_non_empty(self, data: dict[str, Any]) -> None:
        assert data["tools"]
        assert all(isinstance(v, str) and v.strip() for v in data["tools"].values())

    def test_every_tool_the_catalog_agents_use_is_mapped(self, data: dict[str, Any]) -> None:
        used = {tool for agent in catalog()["agents"] for tool in agent["tools"]}
        assert used - set(data["tools"]) == set()

    def test_hook_events_are_ones_the_runtime_handles(self, data: dict[str, Any]) -> None:
        assert data["hooks"]
        for native, entries in data["hooks"].items():
            assert entries, native
            for entry in entries:
                assert entry["event"] in HANDLERS, f"{native} maps to {entry['event']!r}, unknown to runtime/hookpath/hooks.py"

    def test_thin_templates_exist(self) -> None:
        dirs = [p for p in (ROOT / "template").iterdir() if f"'{self.NAME}' in platforms" in p.name]
        assert dirs, f"no template/ directory gated on '{self.NAME}' in platforms"

    def test_hook_command_answers_an_allowed_call(self, data: dict[str, Any], rendered_repo: Path) -> None:
        env = {**os.environ, "CLAUDE_PROJECT_DIR": str(rendered_repo), "SO_PROJECT_DIR": str(rendered_repo)}
        command = data["hook_command"].format(event="pre-tool-use")
        payload = {"tool_name": data["tools"]["read"], "tool_input": {"file_path": "README.md"}, "session_id": "t"}
        result = subprocess.run(command, shell=True, input=json.dumps(payload), capture_output=True, text=True,
                                env=env, cwd=rendered_repo)
        assert result.returncode == 0, result.stderr
        assert "deny" not in result.stdout


class TestClaude(PlatformContract):
    NAME = "claude"
    INSTRUCTION_FILES = ["CLAUDE.md"]
    SETTINGS_FILE = ".claude/settings.json"
    HOOKS_FORMAT = "json-hooks"
    ARGS = "$ARGUMENTS"


class TestPi(PlatformContract):
    NAME = "pi"
    INSTRUCTION_FILES = ["AGENTS.md"]
    SETTINGS_FILE = ".pi/extensions/session-orchestrator.ts"
    HOOKS_FORMAT = "pi-extension"
    ARGS = "$ARGUMENTS"


class TestCursor(PlatformContract):
    NAME = "cursor"
    INSTRUCTION_FILES = ["AGENTS.md"]
    SETTINGS_FILE = ".cursor/hooks.json"
    HOOKS_FORMAT = "flat-json-hooks"
    ARGS = "(the words typed after the command, appended below)"


class TestCodex(PlatformContract):
    NAME = "codex"
    INSTRUCTION_FILES = ["AGENTS.md"]
    SETTINGS_FILE = ".codex/hooks.json"
    HOOKS_FORMAT = "json-hooks"
    ARGS = "whatever the user wrote after $<skill name> in the message that started this skill"


CONTRACTS = {cls.NAME for cls in PlatformContract.__subclasses__()}


def test_platform_lists_agree() -> None:
    """copier.yml choices, platforms/, the install manifest, these contracts and the user guide agree."""
    choices = rendered_choices()
    data_files = {p.stem for p in (ROOT / "platforms").glob("*.yml")}
    assert data_files == wired_in_install_manifest() == CONTRACTS
    values = {(v["value"] if isinstance(v, dict) else v): v for v in choices.values()}
    wired = {name for name, v in values.items() if not isinstance(v, dict)}  # a validator disables a choice
    assert wired == data_files, "copier.yml offers exactly the platforms that have data files"
    for label, name in choices.items():
        if isinstance(name, str) and name in data_files:
            assert load_platform(name)["label"] == label

    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| [^|`]+ \| `(\w+)` \| (supported|planned) \|$", guide, re.MULTILINE))
    assert set(rows) == set(values), "the user guide's platform table lists every choice"
    assert {name for name, status in rows.items() if status == "supported"} == data_files
