"""Cursor's rendered files follow Cursor's formats, and Cursor lists every command and agent once.

Real `copier copy` renders into real git repositories; the checks read the files
as Cursor would: `.mdc` rules and agents by their YAML frontmatter, commands as
plain Markdown, `.cursor/hooks.json` by its documented structure. Cursor also
loads other agents' folders (`.claude/skills`, `.agents/skills`, `.claude/agents`,
`.codex/agents`, ...), so for every selection that includes Cursor the test
counts each command and agent across every folder Cursor reads.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, copy_example, render

CATALOG = yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text(encoding="utf-8"))[
    "catalog"]["default"]
WIRED = sorted(p.stem for p in (ROOT / "platforms").glob("*.yml"))
# Where Cursor finds commands (as commands or as skills it lets the user invoke) and subagents.
COMMAND_GLOBS = (".cursor/commands/*.md", ".cursor/skills/*/SKILL.md", ".agents/skills/*/SKILL.md",
                 ".claude/skills/*/SKILL.md", ".codex/skills/*/SKILL.md")
# Cursor's subagents are Markdown files with frontmatter; Codex's `.codex/agents/*.toml` are not in
# that format, so only Markdown counts there.
AGENT_GLOBS = (".cursor/agents/*.md", ".claude/agents/*.md", ".codex/agents/*.md")
# Cursor's documented hook events: one unknown name voids the whole file.
CURSOR_EVENTS = {
    "sessionStart", "sessionEnd", "preToolUse", "postToolUse", "postToolUseFailure", "subagentStart",
    "subagentStop", "beforeShellExecution", "afterShellExecution", "beforeMCPExecution", "afterMCPExecution",
    "beforeReadFile", "afterFileEdit", "beforeSubmitPrompt", "preCompact", "stop", "afterAgentResponse",
    "afterAgentThought", "beforeTabFileRead", "afterTabFileEdit",
}
ALSO_READS = yaml.safe_load((ROOT / "platforms" / "cursor.yml").read_text(encoding="utf-8"))[
    "platform_cursor"]["default"]["also_reads"]
SELECTIONS = [list(combo) for n in range(1, len(WIRED) + 1) for combo in itertools.combinations(WIRED, n)
              if "cursor" in combo]


def frontmatter(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path} has no frontmatter"
    head, _, body = text[4:].partition("\n---\n")
    data = yaml.safe_load(head)
    assert isinstance(data, dict), path
    return data, body


def name_of(path: Path) -> str:
    return path.parent.name if path.name == "SKILL.md" else path.stem


@pytest.fixture(scope="module")
def cursor_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(copy_example(tmp_path_factory.mktemp("cursor") / "calc"), platforms=["cursor"])


def test_the_rule_is_an_mdc_file_with_the_three_keys(cursor_only: Path) -> None:
    rules = sorted((cursor_only / ".cursor" / "rules").glob("*"))
    assert [p.name for p in rules] == ["session-orchestrator.mdc"]
    data, body = frontmatter(rules[0])
    assert set(data) == {"description", "globs", "alwaysApply"}
    assert data["alwaysApply"] is True and isinstance(data["description"], str) and data["description"]
    intro = json.loads((cursor_only / ".orchestrator" / "install.json").read_text(encoding="utf-8"))["intro"]
    assert "{{" not in body and "{%" not in body
    assert body.strip() == intro.strip(), "the rule carries the canonical intro as AGENTS.md gets it"


def test_commands_are_plain_markdown_from_the_canonical_bodies(cursor_only: Path) -> None:
    commands = sorted((cursor_only / ".cursor" / "commands").glob("*.md"))
    assert {p.stem for p in commands} == {c["name"] for c in CATALOG["commands"]}
    for path in commands:
        text = path.read_text(encoding="utf-8")
        assert not text.startswith("---"), f"{path.name}: Cursor commands take no frontmatter"
        canonical = (ROOT / "template" / "_canonical" / "commands" / path.name).read_text(encoding="utf-8")
        assert text.splitlines()[0] == canonical.splitlines()[0]
        assert "{{" not in text and "{%" not in text, f"{path.name}: unrendered template syntax"
    session = (cursor_only / ".cursor" / "commands" / "session.md").read_text(encoding="utf-8")
    assert "the words typed after the command" in session
    assert "$ARGUMENTS" not in session, "Cursor has no argument placeholder"


def test_agents_carry_the_frontmatter_cursor_reads(cursor_only: Path) -> None:
    agents = sorted((cursor_only / ".cursor" / "agents").glob("*.md"))
    assert {p.stem for p in agents} == {a["name"] for a in CATALOG["agents"]}
    for path in agents:
        data, body = frontmatter(path)
        spec = next(a for a in CATALOG["agents"] if a["name"] == path.stem)
        assert data["name"] == path.stem
        assert data["description"] == " ".join(spec["description"].split())
        assert data["readonly"] is ("edit" not in spec["tools"] and "write" not in spec["tools"])
        assert set(data) <= {"name", "description", "model", "readonly", "is_background"}
        canonical = (ROOT / "template" / "_canonical" / "agents" / path.name).read_text(encoding="utf-8")
        assert body.strip().splitlines()[0] == canonical.strip().splitlines()[0]


def test_hooks_file_has_cursors_structure(cursor_only: Path) -> None:
    hooks = json.loads((cursor_only / ".cursor" / "hooks.json").read_text(encoding="utf-8"))
    assert hooks["version"] == 1
    assert set(hooks["hooks"]) <= CURSOR_EVENTS
    for event, entries in hooks["hooks"].items():
        assert isinstance(entries, list) and entries, event
        for entry in entries:
            assert set(entry) <= {"command", "matcher", "timeout", "failClosed", "type", "loop_limit"}, entry
            assert isinstance(entry["command"], str) and " hook cursor " in entry["command"]
            assert "://" not in entry["command"], "Cursor refuses a command holding a URL"
            assert isinstance(entry["timeout"], int) and entry["timeout"] > 0
            assert isinstance(entry.get("matcher", ""), str)


@pytest.mark.parametrize("platforms", SELECTIONS, ids=lambda p: "+".join(p))
def test_cursor_lists_every_command_and_agent_once(platforms: list[str], tmp_path: Path) -> None:
    repo = render(copy_example(tmp_path / "calc"), platforms=platforms)
    commands = Counter(name_of(p) for pattern in COMMAND_GLOBS for p in repo.glob(pattern))
    agents = Counter(name_of(p) for pattern in AGENT_GLOBS for p in repo.glob(pattern))
    assert commands == Counter(c["name"] for c in CATALOG["commands"]), commands
    assert agents == Counter(a["name"] for a in CATALOG["agents"]), agents
    also = ALSO_READS
    assert (repo / ".cursor" / "commands").is_dir() is not bool(set(also["commands"]) & set(platforms))
    assert (repo / ".cursor" / "agents").is_dir() is not bool(set(also["agents"]) & set(platforms))
