"""What the template renders for Pi, checked against the formats Pi 0.73 reads.

Real Copier renders into real git repositories: once for Pi alone and once with
Claude Code beside it. The prompt-template and skill rules checked here are
Pi's (prompt frontmatter: `description`, `argument-hint`; skills: `name` equal to
the directory, lowercase letters, digits and hyphens, at most 64; a non-empty
`description`, or Pi skips the skill). That Pi really loads and expands them is
shown in tests/e2e/test_pi_client.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT, copy_example, render

CATALOG = yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text(encoding="utf-8"))[
    "catalog"]["default"]
PI = yaml.safe_load((ROOT / "platforms" / "pi.yml").read_text(encoding="utf-8"))["platform_pi"]["default"]


@pytest.fixture(scope="module")
def pi_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(copy_example(tmp_path_factory.mktemp("pi") / "calc"), platforms=["pi"])


@pytest.fixture(scope="module")
def both_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(copy_example(tmp_path_factory.mktemp("both") / "calc"), platforms=["claude", "pi"])


def split(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_every_command_is_a_prompt_template_with_pis_frontmatter(pi_repo: Path) -> None:
    prompts = pi_repo / PI["commands_dir"]
    assert sorted(p.name for p in prompts.iterdir()) == sorted(f"{c['name']}.md" for c in CATALOG["commands"])
    for cmd in CATALOG["commands"]:
        front, body = split(prompts / f"{cmd['name']}.md")
        expected = {"description": cmd["description"]}
        if cmd["argument_hint"]:
            expected["argument-hint"] = cmd["argument_hint"]
        assert front == expected, cmd["name"]
        assert "{{" not in body and "{%" not in body, f"unrendered Jinja in {cmd['name']}"
        assert "AskUserQuestion" not in body and "Agent tool" not in body, "Claude's tools are not Pi's"


def test_arguments_use_pis_placeholder(pi_repo: Path) -> None:
    for name in ("session", "go", "plan", "evolve"):
        body = (pi_repo / PI["commands_dir"] / f"{name}.md").read_text(encoding="utf-8")
        assert "`$ARGUMENTS`" in body, name


def test_the_texts_use_the_sequential_and_numbered_forms(pi_repo: Path, both_repo: Path) -> None:
    go = (pi_repo / ".pi" / "prompts" / "go.md").read_text(encoding="utf-8")
    plan = (pi_repo / ".pi" / "prompts" / "plan.md").read_text(encoding="utf-8")
    assert "Run the tasks one after another." in go and "in parallel" not in go
    assert "in parallel" not in plan and PI["phrases"]["dispatch"].split(":")[0] in plan
    assert PI["phrases"]["ask"] in (pi_repo / ".pi" / "prompts" / "session.md").read_text(encoding="utf-8")
    claude_go = (both_repo / ".claude" / "skills" / "go" / "SKILL.md").read_text(encoding="utf-8")
    assert "Tasks of one wave run in parallel" in claude_go, "Claude keeps its parallel waves"


def test_every_agent_is_a_skill_pi_will_load(pi_repo: Path) -> None:
    skills = pi_repo / PI["agents_dir"]
    assert sorted(p.name for p in skills.iterdir()) == sorted(a["name"] for a in CATALOG["agents"])
    for agent in CATALOG["agents"]:
        front, body = split(skills / agent["name"] / "SKILL.md")
        assert front["name"] == agent["name"] and re.fullmatch(r"[a-z0-9-]{1,64}", front["name"])
        assert front["description"] == agent["description"] and len(front["description"]) <= 1024
        assert front["allowed-tools"].split() == [PI["tools"][tool] for tool in agent["tools"]]
        assert "{{" not in body and body.strip()


def test_the_extension_is_the_runtimes_copy_as_a_plain_file(pi_repo: Path) -> None:
    extension = pi_repo / PI["settings_file"]
    assert extension.is_file() and not extension.is_symlink()
    assert extension.read_bytes() == (ROOT / "runtime" / "platforms" / "pi_extension.ts").read_bytes()
    assert extension.read_bytes() == (
        pi_repo / ".orchestrator" / "runtime" / "platforms" / "pi_extension.ts").read_bytes()


def test_pi_alone_gets_agents_md_and_no_other_agents_files(pi_repo: Path) -> None:
    manifest = json.loads((pi_repo / ".orchestrator" / "install.json").read_text(encoding="utf-8"))
    assert list(manifest["platforms"]) == ["pi"] and manifest["instruction_files"] == ["AGENTS.md"]
    assert "## Session Config" in (pi_repo / "AGENTS.md").read_text(encoding="utf-8")
    assert not (pi_repo / ".claude").exists()
    assert "## Session Config" not in (pi_repo / "CLAUDE.md").read_text(encoding="utf-8")


def test_with_claude_each_agent_gets_its_own_files_once(both_repo: Path) -> None:
    manifest = json.loads((both_repo / ".orchestrator" / "install.json").read_text(encoding="utf-8"))
    assert list(manifest["platforms"]) == ["claude", "pi"]
    assert manifest["instruction_files"] == ["CLAUDE.md", "AGENTS.md"]
    for name in ("CLAUDE.md", "AGENTS.md"):
        assert (both_repo / name).read_text(encoding="utf-8").count("## Session Config") == 1, name
    assert (both_repo / ".claude" / "skills" / "session" / "SKILL.md").is_file()
    assert (both_repo / ".pi" / "prompts" / "session.md").is_file()
    assert not (both_repo / ".agents").exists(), "nothing lands where Pi would list it a second time"
