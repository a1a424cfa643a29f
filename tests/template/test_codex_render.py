"""The files rendered for Codex CLI, checked against the formats Codex reads.

Rendered once with Claude Code and Codex CLI both selected (a real `copier copy`
into a git repository): Codex's custom agents must parse as TOML with the keys
Codex requires, its skills must carry the frontmatter it requires, its hooks
file must have the nested shape, and both agents' texts must come from the one
canonical source. `doctor` is run on the same render with a Codex config in each
trust state.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime.platforms.codex import our_hook_keys
from tests.helpers import copy_example, render, runtime
from tests.template.test_platforms import catalog, load_platform

REQUIRED_AGENT_KEYS = {"name", "description", "developer_instructions"}  # what Codex requires of a custom agent


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(copy_example(tmp_path_factory.mktemp("codex-render") / "calc"), platforms=["claude", "codex"])


def _frontmatter(text: str) -> tuple[dict[str, Any], str]:
    assert text.startswith("---\n"), text[:80]
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_every_custom_agent_parses_with_the_keys_codex_requires(both: Path) -> None:
    files = sorted((both / ".codex" / "agents").glob("*.toml"))
    assert [f.stem for f in files] == sorted(a["name"] for a in catalog()["agents"])
    for path in files:
        with path.open("rb") as handle:
            agent = tomllib.load(handle)
        assert REQUIRED_AGENT_KEYS <= set(agent), path
        assert all(isinstance(agent[key], str) and agent[key].strip() for key in REQUIRED_AGENT_KEYS), path
        assert agent["name"] == path.stem
        assert set(agent) - REQUIRED_AGENT_KEYS <= {"sandbox_mode"}, "only keys Codex reads"


def test_agent_instructions_are_the_same_canonical_text_claude_gets(both: Path) -> None:
    for spec in catalog()["agents"]:
        with (both / ".codex" / "agents" / f"{spec['name']}.toml").open("rb") as handle:
            agent = tomllib.load(handle)
        _, claude_body = _frontmatter((both / ".claude" / "agents" / f"{spec['name']}.md").read_text())
        assert agent["developer_instructions"] == claude_body.strip() + "\n"
        assert agent["description"] == spec["description"]


def test_read_only_agents_run_in_codexs_read_only_sandbox(both: Path) -> None:
    for spec in catalog()["agents"]:
        with (both / ".codex" / "agents" / f"{spec['name']}.toml").open("rb") as handle:
            agent = tomllib.load(handle)
        writes = {"write", "edit"} & set(spec["tools"])
        assert agent.get("sandbox_mode") == (None if writes else "read-only"), spec["name"]


def test_every_command_is_a_skill_with_the_frontmatter_codex_requires(both: Path) -> None:
    skills = both / ".agents" / "skills"
    assert sorted(p.name for p in skills.iterdir()) == sorted(c["name"] for c in catalog()["commands"])
    for spec in catalog()["commands"]:
        meta, body = _frontmatter((skills / spec["name"] / "SKILL.md").read_text())
        assert meta == {"name": spec["name"], "description": spec["description"]}
        assert body.strip(), spec["name"]
        assert "$ARGUMENTS" not in body, "Codex substitutes no arguments in skills"


def test_user_only_commands_are_kept_from_implicit_invocation(both: Path) -> None:
    for spec in catalog()["commands"]:
        policy = both / ".agents" / "skills" / spec["name"] / "agents" / "openai.yaml"
        if spec["user_only"]:
            assert yaml.safe_load(policy.read_text()) == {"policy": {"allow_implicit_invocation": False}}
        else:
            assert not policy.exists(), spec["name"]


def test_skills_name_commands_with_codexs_prefix(both: Path) -> None:
    go = (both / ".agents" / "skills" / "go" / "SKILL.md").read_text()
    assert "`$session`" in go and "`/session`" not in go
    claude_go = (both / ".claude" / "skills" / "go" / "SKILL.md").read_text()
    assert "`/session`" in claude_go and "`$session`" not in claude_go


def test_hooks_file_has_the_nested_shape_and_runs_our_runtime(both: Path) -> None:
    data = load_platform("codex")
    hooks = json.loads((both / ".codex" / "hooks.json").read_text())["hooks"]
    assert set(hooks) == set(data["hooks"])
    for event, entries in data["hooks"].items():
        groups = hooks[event]
        assert [g["matcher"] for g in groups] == [e["matcher"] for e in entries]
        for group, entry in zip(groups, entries, strict=True):
            (handler,) = group["hooks"]
            assert handler == {"type": "command", "command": data["hook_command"].format(event=entry["event"]),
                               "timeout": data["hook_timeout"]}


def test_agents_md_and_claude_md_each_get_one_session_config(both: Path) -> None:
    for name in ("AGENTS.md", "CLAUDE.md"):
        assert (both / name).read_text().count("## Session Config") == 1, name


def _doctor(repo: Path, tmp_path: Path, config: str | None) -> str:
    home = tmp_path / "codex-home"
    home.mkdir()
    if config is not None:
        (home / "config.toml").write_text(config)
    result = runtime(repo, "doctor", env={"CODEX_HOME": str(home)})
    return f"rc={result.returncode}\n{result.stdout}"


@pytest.fixture
def repo(both: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(both, tmp_path / "calc", symlinks=True))


def test_doctor_reports_an_untrusted_project_and_hooks_with_the_fix(repo: Path, tmp_path: Path) -> None:
    out = _doctor(repo, tmp_path, 'model = "gpt-5"\n')
    assert out.startswith("rc=1"), out
    assert "FAIL  Codex CLI: this project is not trusted" in out
    assert "answer yes when it asks to trust the folder" in out
    assert "FAIL  Codex CLI: hooks not trusted in Codex (pre_tool_use, session_start)" in out
    assert "type /hooks and trust the session-orchestrator hooks" in out


def test_doctor_passes_when_codex_trusts_the_project_and_hooks(repo: Path, tmp_path: Path) -> None:
    keys = our_hook_keys(repo.resolve(), ".codex/hooks.json")
    assert keys
    config = f'[projects."{repo.resolve()}"]\ntrust_level = "trusted"\n' + "".join(
        f'[hooks.state."{key}"]\ntrusted_hash = "sha256:00"\n' for key in keys)
    out = _doctor(repo, tmp_path, config)
    assert out.startswith("rc=0"), out
    assert "ok    Codex CLI: Codex trusts this project" in out
    assert "ok    Codex CLI: hook trust recorded for 2 hooks" in out


def test_doctor_without_a_codex_config_cannot_tell(repo: Path, tmp_path: Path) -> None:
    out = _doctor(repo, tmp_path, None)
    assert "warn  Codex CLI: cannot tell whether Codex trusts this project or its hooks" in out, out
    assert "trusts this project (" not in out
