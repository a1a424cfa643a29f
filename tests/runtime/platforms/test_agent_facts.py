"""One place per agent fact: every per-agent constant the runtime writes down agrees with its data file.

The runtime is standard library only and is vendored without `platforms/*.yml`, so it cannot read the
data files when it runs; its platform modules keep the few facts they need as constants, and this test
holds them equal to `platforms/<name>.yml`, naming the file and key of every disagreement. The CLI
reads the data files themselves (tests/cli/test_detect.py).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime import platforms
from tests.helpers import ROOT

# Where the runtime keeps the union of every agent's instruction files (the Session Config lookup reads
# it on the hook path without importing each platform). Re-point this line if the union moves.
UNION_MODULE = "runtime.platforms"
DATA = ROOT / "platforms"
MODULES = ROOT / "runtime" / "platforms"


def data_files() -> dict[str, dict[str, Any]]:
    """name -> the `default` of `platform_<name>` in platforms/<name>.yml."""
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))[f"platform_{path.stem}"]["default"]
            for path in sorted(DATA.glob("*.yml"))}


def label_fallbacks(name: str) -> list[tuple[str, int, str]]:
    """(file, line, text) of every `<x>.get("label", "<text>")` in the agent's module and its own helpers
    (`<name>*.py`, e.g. a trust reader): the label used when the install data lacks one."""
    found = []
    for path in sorted(MODULES.glob(f"{name}*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and len(node.args) == 2 and all(isinstance(arg, ast.Constant) for arg in node.args)
                    and node.args[0].value == "label"):  # type: ignore[attr-defined]
                found.append((path.relative_to(ROOT).as_posix(), node.lineno, str(node.args[1].value)))  # type: ignore[attr-defined]
    return found


def disagreements(data: dict[str, dict[str, Any]], modules: dict[str, Any], union: tuple[str, ...],
                  labels: dict[str, list[tuple[str, int, str]]]) -> list[str]:
    """Every fact written both in a data file and in the runtime that differs, as `file: key: what`."""
    out = []
    for name in sorted(set(data) | set(modules)):
        yml, module = f"platforms/{name}.yml", f"runtime/platforms/{name}.py"
        if name not in data:
            out.append(f"{yml}: missing, but {module} exists")
            continue
        if name not in modules:
            out.append(f"{module}: missing, but {yml} exists")
            continue
        facts, platform = data[name], modules[name]
        if platform.name != facts.get("name"):
            out.append(f"{yml}: name is {facts.get('name')!r} but {module} has name = {platform.name!r}")
        if list(platform.instruction_files) != list(facts.get("instruction_files", [])):
            out.append(f"{yml}: instruction_files is {facts.get('instruction_files')!r} but {module} has "
                       f"instruction_files = {platform.instruction_files!r}")
        if platform.command_prefix != facts.get("command_prefix", "/"):
            out.append(f"{yml}: command_prefix is {facts.get('command_prefix', '/')!r} but {module} has "
                       f"command_prefix = {platform.command_prefix!r}")
        if facts.get("settings_file") not in platform.settings_files:
            out.append(f"{yml}: settings_file is {facts.get('settings_file')!r}, missing from {module}'s "
                       f"settings_files {platform.settings_files!r} (the files the scope check protects)")
        command = str(facts.get("hook_command", ""))
        if not re.search(rf"\bhook {re.escape(name)} \{{event\}}", command):
            out.append(f"{yml}: hook_command {command!r} does not run 'hook {name} {{event}}' ({module})")
        for var in re.findall(r"\$\{?([A-Z][A-Z0-9_]*_PROJECT_DIR)\b", command):
            if var not in platform.project_env:
                out.append(f"{yml}: hook_command uses ${var}, missing from {module}'s project_env "
                           f"{platform.project_env!r}")
        headless = facts.get("headless") or {}
        if platform.headless_executable != headless.get("executable"):
            out.append(f"{yml}: headless.executable is {headless.get('executable')!r} but {module} has "
                       f"headless_executable = {platform.headless_executable!r}")
        if list(platform.headless_args) != list(headless.get("args") or []):
            out.append(f"{yml}: headless.args is {headless.get('args')!r} but {module} has "
                       f"headless_args = {platform.headless_args!r}")
        reports = tuple(kind for kind in ("tokens", "cost") if (headless.get("reports") or {}).get(kind))
        if tuple(platform.headless_reports) != reports:
            out.append(f"{yml}: headless.reports names {reports!r} but {module} has "
                       f"headless_reports = {platform.headless_reports!r}")
        for where, line, text in labels.get(name, []):
            if text != facts.get("label"):
                out.append(f"{yml}: label is {facts.get('label')!r} but {where}:{line} falls back to {text!r}")
    every = [file for facts in data.values() for file in facts.get("instruction_files", [])]
    if set(union) != set(every) or len(set(union)) != len(union):
        out.append(f"platforms/*.yml: instruction_files together are {sorted(set(every))!r} but "
                   f"{UNION_MODULE}.INSTRUCTION_FILES is {union!r}")
    return out


def runtime_facts() -> tuple[dict[str, Any], tuple[str, ...], dict[str, list[tuple[str, int, str]]]]:
    names = platforms.known()
    union = tuple(importlib.import_module(UNION_MODULE).INSTRUCTION_FILES)
    return {name: platforms.get(name) for name in names}, union, {name: label_fallbacks(name) for name in names}


def test_every_runtime_constant_agrees_with_the_data_files() -> None:
    modules, union, labels = runtime_facts()
    assert labels["codex"] and labels["pi"], "the label scan finds the fallbacks it is meant to check"
    found = disagreements(data_files(), modules, union, labels)
    assert found == [], "keep the runtime equal to the data files:\n" + "\n".join(found)


@pytest.mark.parametrize(("plant", "expected"), [
    (lambda d, u: d["codex"].update(command_prefix="/"),
     "platforms/codex.yml: command_prefix is '/' but runtime/platforms/codex.py has command_prefix = '$'"),
    (lambda d, u: d["claude"].update(instruction_files=["CLAUDE.md", "GEMINI.md"]),
     "platforms/claude.yml: instruction_files is ['CLAUDE.md', 'GEMINI.md'] but runtime/platforms/claude.py"),
    (lambda d, u: d["cursor"].update(settings_file=".cursor/other.json"),
     "platforms/cursor.yml: settings_file is '.cursor/other.json', missing from runtime/platforms/cursor.py"),
    (lambda d, u: d["pi"].update(label="Pi agent"),
     "platforms/pi.yml: label is 'Pi agent' but runtime/platforms/pitrust.py:"),
    (lambda d, u: d["claude"].update(hook_command='python3 -S "$CLAUDE_PROJECT_DIR/x" hook claud {event}'),
     "platforms/claude.yml: hook_command 'python3 -S \"$CLAUDE_PROJECT_DIR/x\" hook claud {event}' does not run"),
    (lambda d, u: d["codex"]["headless"].update(args=["exec", "--json"]),
     "platforms/codex.yml: headless.args is ['exec', '--json'] but runtime/platforms/codex.py has headless_args"),
    (lambda d, u: d["pi"]["headless"].update(executable="pi-agent"),
     "platforms/pi.yml: headless.executable is 'pi-agent' but runtime/platforms/pi.py"),
    (lambda d, u: d["claude"]["headless"].update(reports={"tokens": True}),
     "platforms/claude.yml: headless.reports names ('tokens',) but runtime/platforms/claude.py"),
    (lambda d, u: u.append("GEMINI.md"),
     "runtime.platforms.INSTRUCTION_FILES is ('CLAUDE.md', 'AGENTS.md', 'GEMINI.md')"),
])
def test_a_planted_disagreement_names_the_file_and_the_key(plant: Any, expected: str) -> None:
    modules, union, labels = runtime_facts()
    data, extra = data_files(), list(union)
    plant(data, extra)
    found = disagreements(data, modules, tuple(extra), labels)
    assert any(expected in line for line in found), found


def test_a_platform_module_without_a_data_file_is_named(tmp_path: Path) -> None:
    modules, union, labels = runtime_facts()
    data = data_files()
    del data["cursor"]
    found = disagreements(data, modules, union, labels)
    assert "platforms/cursor.yml: missing, but runtime/platforms/cursor.py exists" in found
