"""Acceptance: a new agent is a data file, its thin templates and a runtime module, nothing else.

A made-up agent ("Fifth") with its own settings file, payload shape and wire
format (flat JSON hooks, an answer object on stdout) is added to a temporary
copy of this template. The copy renders with real Copier into a real git
repository, `install` wires the hooks, the hook answers in the new format and
`doctor` passes. The only other file that changes is the runtime's
MANIFEST.json, which every release regenerates (`python3 -m runtime.core.integrity`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_example, git, init_repo, refresh_manifest, runtime

DATA = """\
platform_fifth:
  type: yaml
  when: false
  default:
    name: fifth
    label: Fifth Agent
    instruction_files: [AGENTS.md]
    commands_dir: .fifth/commands
    agents_dir: .fifth/agents
    args: "$INPUT"
    tools: {read: view, grep: search, glob: list, bash: run, edit: change, write: create}
    phrases: {dispatch: the delegate tool, ask: a plain question, parallel: false}
    long_gate: {detach: false, call: its run tool has no time limit}
    settings_file: .fifth/hooks.json
    hooks_format: flat-json
    hook_command: 'python3 -S .orchestrator/runtime hook fifth {event}'
    hook_timeout: 20
    hooks:
      beforeTool: [{event: pre-tool-use}]
      sessionStart: [{event: session-start}]
"""

COMMAND = """\
{%- set p = platform_fifth -%}
{%- set rt = catalog.runtime -%}
# {{ cmd.name }}

{% include 'template/_canonical/commands/' ~ cmd.name ~ '.md' %}"""

MODULE = '''\
# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""A made-up agent: flat JSON hooks in .fifth/hooks.json, answers as one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..core.toolcall import OTHER, READ, SHELL, WRITE, ToolCall
from ..core.decision import ALLOW, DENY
from . import Platform

MARK = ".orchestrator/runtime hook"
KINDS = {"run": SHELL, "create": WRITE, "change": WRITE, "view": READ}


class Fifth(Platform):
    name = "fifth"
    project_env = ("FIFTH_WORKSPACE",)
    settings_files = (".fifth/hooks.json",)
    instruction_files = ("AGENTS.md",)

    def tool_call(self, payload: dict[str, Any]) -> ToolCall:
        tool = payload.get("tool") or {}
        args = tool.get("args") or {}
        kind = KINDS.get(tool.get("name"), OTHER)
        if kind == SHELL:
            return ToolCall(SHELL, tool["name"], args, command=args.get("cmd"))
        if kind == WRITE:
            return ToolCall(WRITE, tool["name"], args, paths=[args["target"]] if args.get("target") else [])
        return ToolCall(kind, str(tool.get("name", "")), args)

    def session_id(self, payload: dict[str, Any]) -> str:
        return str(payload.get("conversation") or "")

    def answer(self, event: str, decision: Any, text: str = "") -> int:
        if event == "session-start":
            out = {"notice": text} if text else {}
        elif decision.action == ALLOW:
            out = {}
        else:
            out = {"verdict": "block" if decision.action == DENY else "note", "why": decision.reason}
        if out:
            sys.stdout.write(json.dumps(out) + "\\n")
        return 0

    def denies(self, stdout: str, returncode: int) -> bool:
        return returncode == 0 and '"verdict": "block"' in stdout

    def _load(self, root: Path, data: dict[str, Any]) -> dict[str, Any]:
        path = root / data["settings_file"]
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def wire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        settings = self.unwired(self._load(root, data))
        for event, entries in data["hooks"].items():
            for entry in entries:
                settings.setdefault("hooks", {}).setdefault(event, []).append(
                    {"command": data["hook_command"].format(event=entry["event"])})
        path = root / data["settings_file"]
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings, indent=2) + "\\n", encoding="utf-8")
        return f"{data['settings_file']}: wired hooks"

    def unwired(self, settings: dict[str, Any]) -> dict[str, Any]:
        hooks = {event: [h for h in entries if MARK not in h.get("command", "")]
                 for event, entries in settings.get("hooks", {}).items()}
        return {**settings, "hooks": {event: entries for event, entries in hooks.items() if entries}}

    def unwire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        if not dry_run:
            (root / data["settings_file"]).write_text(json.dumps(self.unwired(self._load(root, data))),
                                                     encoding="utf-8")
        return f"{data['settings_file']}: removed our hooks"

    def missing_hooks(self, root: Path, data: dict[str, Any]) -> list[str] | None:
        try:
            wired = self._load(root, data).get("hooks", {})
        except (OSError, ValueError):
            return None
        return [event for event in data["hooks"]
                if not any(MARK in h.get("command", "") for h in wired.get(event, []))]

    def probe(self, command: str) -> dict[str, Any]:
        return {"conversation": "doctor-probe", "tool": {"name": "run", "args": {"cmd": command}}}


PLATFORM = Fifth()
'''


@pytest.fixture(scope="module")
def fifth_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this template with the fifth agent added, as one commit on top of the copy."""
    dest = tmp_path_factory.mktemp("tpl") / "template"
    ignore = shutil.ignore_patterns(".git", ".venv", "demo", "__pycache__", ".pytest_cache", ".ruff_cache",
                                    "*.egg-info", "tests", "examples")
    shutil.copytree(ROOT, dest, symlinks=True, ignore=ignore)
    init_repo(dest)
    (dest / "platforms" / "fifth.yml").write_text(DATA, encoding="utf-8")
    thin = dest / "template" / "{% if 'fifth' in platforms %}.fifth{% endif %}" / "commands"
    thin.mkdir(parents=True)
    (thin / "{% yield cmd from catalog.commands %}{{ cmd.name }}{% endyield %}.md.jinja").write_text(
        COMMAND, encoding="utf-8")
    (dest / "runtime" / "platforms" / "fifth.py").write_text(MODULE, encoding="utf-8")
    refresh_manifest(dest / "runtime")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "add the fifth agent")
    return dest


def test_adding_the_platform_touches_no_other_file(fifth_template: Path) -> None:
    changed = git(fifth_template, "-c", "core.quotePath=false", "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    assert sorted(changed) == sorted([
        "platforms/fifth.yml",
        "runtime/MANIFEST.json",  # regenerated, as every release does
        "runtime/platforms/fifth.py",
        "template/{% if 'fifth' in platforms %}.fifth{% endif %}/commands/"
        "{% yield cmd from catalog.commands %}{{ cmd.name }}{% endyield %}.md.jinja",
    ])


@pytest.fixture(scope="module")
def fifth_repo(fifth_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from copier import run_copy

    repo = copy_example(tmp_path_factory.mktemp("proj") / "calc")
    run_copy(str(fifth_template), str(repo), data={"platforms": ["fifth"]}, defaults=True, unsafe=True,
             vcs_ref="HEAD", quiet=True)
    return repo


def test_it_is_offered_and_renders(fifth_repo: Path) -> None:
    assert (fifth_repo / ".fifth" / "commands" / "session.md").is_file()
    assert (fifth_repo / ".orchestrator" / "runtime" / "platforms" / "fifth.py").is_file()
    manifest = json.loads((fifth_repo / ".orchestrator" / "install.json").read_text(encoding="utf-8"))
    assert list(manifest["platforms"]) == ["fifth"]
    assert manifest["instruction_files"] == ["AGENTS.md"]
    assert not (fifth_repo / ".claude").exists()


def test_install_wires_its_hooks_and_its_instruction_file(fifth_repo: Path) -> None:
    settings = json.loads((fifth_repo / ".fifth" / "hooks.json").read_text(encoding="utf-8"))
    assert settings["hooks"]["beforeTool"] == [{"command": "python3 -S .orchestrator/runtime hook fifth pre-tool-use"}]
    assert "## Session Config" in (fifth_repo / "AGENTS.md").read_text(encoding="utf-8")


def _hook(repo: Path, event: str, payload: dict[str, object]) -> str:
    done = runtime(repo, "hook", "fifth", event, stdin=json.dumps(payload))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_the_hook_answers_in_its_wire_format(fifth_repo: Path) -> None:
    def call(name: str, **args: str) -> str:
        return _hook(fifth_repo, "pre-tool-use", {"conversation": "c1", "tool": {"name": name, "args": args}})

    assert call("run", cmd="ls") == ""
    denied = json.loads(call("run", cmd="rm -rf ./src"))
    assert denied["verdict"] == "block" and "rm" in denied["why"]
    # its settings file is protected like any agent's: the scope check knows it from the module
    blocked = call("run", cmd="rm .fifth/hooks.json")
    assert json.loads(blocked)["verdict"] == "block"
    banner = json.loads(_hook(fifth_repo, "session-start", {"conversation": "c1"}))
    assert "session-orchestrator" in banner["notice"]


def test_doctor_passes(fifth_repo: Path) -> None:
    done = runtime(fifth_repo, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Fifth Agent: hooks wired in .fifth/hooks.json" in done.stdout
    assert "Fifth Agent: guard answers" in done.stdout
