"""Rendering the template with pytest-copie: what lands in a fresh repository, and what is refused."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from tests.helpers import ROOT, runtime

ANSWERS_FILE = ".copier-answers.session-orchestrator.yml"
TEMPLATE = ROOT / "template"
CANONICAL = TEMPLATE / "_canonical"
RUNTIME_CALL_RE = re.compile(r"python3[ \t]+\.orchestrator/runtime((?:[ \t]+[a-z][a-z0-9-]*){1,2})")


@cache
def catalog() -> dict[str, Any]:
    return yaml.safe_load((CANONICAL / "catalog.yml").read_text(encoding="utf-8"))["catalog"]["default"]


@cache
def claude_data() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "platforms" / "claude.yml").read_text(encoding="utf-8"))
    return data["platform_claude"]["default"]


def split_frontmatter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path} has no frontmatter"
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path}: frontmatter is not closed"
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict), f"{path}: frontmatter is not a mapping"
    return meta, body.removeprefix("\n")


@pytest.fixture(scope="module")
def default_render(copie_session: Any) -> Path:
    result = copie_session.copy()
    assert result.exit_code == 0, result.exception
    return Path(result.project_dir)


def rendered_texts(project: Path) -> list[Path]:
    return sorted([*project.glob(".claude/skills/*/SKILL.md"), *project.glob(".claude/agents/*.md")])


# --- what a default render contains ---------------------------------------------------------------


def test_default_render_has_one_skill_per_command(default_render: Path) -> None:
    for command in catalog()["commands"]:
        meta, body = split_frontmatter(default_render / ".claude" / "skills" / command["name"] / "SKILL.md")
        assert meta["name"] == command["name"]
        assert meta["description"] == command["description"]
        assert meta.get("disable-model-invocation", False) is bool(command["user_only"])
        assert body.strip()


def test_go_and_close_are_user_only(default_render: Path) -> None:
    for name in ("go", "close"):
        meta, _ = split_frontmatter(default_render / ".claude" / "skills" / name / "SKILL.md")
        assert meta["disable-model-invocation"] is True
    meta, _ = split_frontmatter(default_render / ".claude" / "skills" / "session" / "SKILL.md")
    assert "disable-model-invocation" not in meta


def test_default_render_has_the_agents_with_platform_tool_names(default_render: Path) -> None:
    tools = claude_data()["tools"]
    for agent in catalog()["agents"]:
        meta, body = split_frontmatter(default_render / ".claude" / "agents" / f"{agent['name']}.md")
        assert meta["name"] == agent["name"]
        assert meta["description"] == agent["description"]
        assert [t.strip() for t in meta["tools"].split(",")] == [tools[t] for t in agent["tools"]]
        assert body.strip()
    names = {p.stem for p in (default_render / ".claude" / "agents").iterdir()}
    assert names == {agent["name"] for agent in catalog()["agents"]}
    assert {"explorer", "implementer", "session-reviewer", "test-writer", "qa-strategist", "security-reviewer",
            "architect-reviewer", "docs-writer", "db-specialist", "ui-developer", "analyst"} == names


def test_settings_hooks_run_the_vendored_runtime(default_render: Path) -> None:
    settings = json.loads((default_render / ".claude" / "settings.json").read_text(encoding="utf-8"))
    assert set(settings["hooks"]) == set(claude_data()["hooks"])
    for event, groups in settings["hooks"].items():
        (group,) = groups
        (handler,) = group["hooks"]
        assert handler["type"] == "command"
        assert '$CLAUDE_PROJECT_DIR/.orchestrator/runtime/__main__.py" hook claude ' in handler["command"]
        assert group["matcher"] == claude_data()["hooks"][event][0]["matcher"]
    assert (default_render / ".orchestrator" / "runtime" / "__main__.py").is_file()
    assert not (default_render / ".orchestrator" / "runtime").is_symlink()


def test_claude_md_gets_intro_and_session_config(default_render: Path) -> None:
    text = (default_render / "CLAUDE.md").read_text(encoding="utf-8")
    assert text.count("## Session Config") == 1
    assert "## Working sessions" in text
    assert "- enforcement: warn" in text
    assert not (default_render / "AGENTS.md").exists()


def test_answers_file_records_the_answers_and_nothing_computed(default_render: Path) -> None:
    answers = yaml.safe_load((default_render / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert answers["platforms"] == ["claude"]
    assert answers["enforcement"] == "warn"
    assert answers["agents_per_wave"] == 6
    assert "catalog" not in answers
    assert not [k for k in answers if k.startswith("platform_")]


def test_nothing_internal_is_rendered(default_render: Path) -> None:
    everything = [p.relative_to(default_render).as_posix() for p in default_render.rglob("*")]
    assert not [p for p in everything if "_canonical" in p]
    # install byte-compiles the runtime (git-ignored); nothing compiled may come from the template itself
    compiled = [p for p in everything if "__pycache__" in p or p.endswith(".pyc")]
    assert all(p.startswith(".orchestrator/runtime/") and "/__pycache__" in p for p in compiled), compiled
    assert not [p for p in everything if p.endswith(".jinja")]
    assert not [p for p in everything if "{" in p or "%" in p], "an unrendered path name"


def test_rendered_runtime_validates_its_own_config(default_render: Path) -> None:
    result = runtime(default_render, "config")
    assert result.returncode == 0, result.stderr
    assert "Session Config from CLAUDE.md: valid" in result.stdout


def test_rendered_runtime_rejects_a_broken_config_by_line(copie: Any) -> None:
    result = copie.copy()
    project = Path(result.project_dir)
    claude_md = project / "CLAUDE.md"
    lines = claude_md.read_text(encoding="utf-8").splitlines()
    number = lines.index("- waves: 5") + 1
    lines[number - 1] = "- waves: 2"
    claude_md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = runtime(project, "config")
    assert checked.returncode == 1
    assert f"CLAUDE.md:{number}: error: waves must be 3 or more, got 2" in checked.stderr
    assert "Traceback" not in checked.stderr


# --- answers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["strict", "warn", "off"])
def test_enforcement_answer_reaches_config_and_runtime(copie: Any, level: str) -> None:
    result = copie.copy(extra_answers={"enforcement": level})
    assert result.exit_code == 0, result.exception
    project = Path(result.project_dir)
    assert f"- enforcement: {level}\n" in (project / "CLAUDE.md").read_text(encoding="utf-8")
    reported = runtime(project, "config", "--json")
    assert reported.returncode == 0, reported.stderr
    assert json.loads(reported.stdout)["enforcement"] == level


def test_other_answers_reach_the_config(copie: Any) -> None:
    answers = {"test_command": "make test", "agents_per_wave": 3, "waves": 4, "persistence": False,
               "vcs": "gitlab"}
    result = copie.copy(extra_answers=answers)
    assert result.exit_code == 0, result.exception
    values = json.loads(runtime(Path(result.project_dir), "config", "--json").stdout)
    assert values["test-command"] == "make test"
    assert values["agents-per-wave"] == {"default": 3}
    assert (values["waves"], values["persistence"], values["vcs"]) == (4, False, "gitlab")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"agents_per_wave": 1}, "agents_per_wave must be 2 or more (got 1)"),
        ({"waves": 2}, "waves must be 3 or more (got 2)"),
        ({"enforcement": "loose"}, "'loose' is not in ['strict', 'warn', 'off']"),
        ({"platforms": []}, "Pick at least one platform"),
        ({"platforms": ["emacs"]}, "'emacs' is not in"),
        ({"test_command": "  "}, "Give a command, 'auto' or 'skip'"),
        ({"lint_command": ""}, "Give a command, 'auto' or 'skip'"),
        ({"vcs": "svn"}, "'svn' is not in"),
    ],
    ids=["agents-per-wave", "waves", "enforcement", "no-platform", "unknown-platform", "blank-test",
         "blank-lint", "vcs"],
)
def test_malformed_answer_is_refused_naming_the_problem(
    copie: Any, answers: dict[str, Any], expected: str
) -> None:
    result = copie.copy(extra_answers=answers)
    assert result.exit_code != 0
    message = str(result.exception)
    (field,) = answers
    assert field in message
    assert expected in message


# --- one canonical source -------------------------------------------------------------------------


def render_canonical(kind: str, entry: dict[str, Any]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT)), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template(f"template/_canonical/{kind}/{entry['name']}.md")
    variables = {"rt": catalog()["runtime"], "p": claude_data(), "cmd": entry, "agent": entry}
    return template.render(**variables)


@pytest.mark.parametrize(
    ("kind", "name"),
    [(kind, entry["name"]) for kind in ("commands", "agents") for entry in catalog()[kind]],
)
def test_rendered_body_is_the_canonical_source(default_render: Path, kind: str, name: str) -> None:
    path = (default_render / ".claude" / "skills" / name / "SKILL.md" if kind == "commands"
            else default_render / ".claude" / "agents" / f"{name}.md")
    entry = next(e for e in catalog()[kind] if e["name"] == name)
    _, body = split_frontmatter(path)
    # the thin template may end the file with its own newline; the text itself must be identical
    assert body.rstrip("\n") == render_canonical(kind, entry).rstrip("\n")


def test_canonical_bodies_are_written_nowhere_else_in_the_template() -> None:
    canonical_lines = {}
    for path in CANONICAL.glob("*/*.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= 40:
                canonical_lines[line.strip()] = path.name
    others = [p for p in TEMPLATE.rglob("*") if p.is_file() and CANONICAL not in p.parents
              and "runtime" not in p.relative_to(TEMPLATE).parts]
    assert others, "expected thin templates next to _canonical"
    copies = [f"{p.relative_to(TEMPLATE)} repeats {canonical_lines[line.strip()]}: {line.strip()[:60]}"
              for p in others for line in p.read_text(encoding="utf-8").splitlines()
              if line.strip() in canonical_lines]
    assert copies == []


def test_every_catalog_entry_has_exactly_one_canonical_body() -> None:
    for kind in ("commands", "agents"):
        names = {e["name"] for e in catalog()[kind]}
        files = {p.stem for p in (CANONICAL / kind).glob("*.md")}
        assert names == files, kind


# --- runtime calls in the texts are real ----------------------------------------------------------


def runtime_calls(project: Path) -> set[tuple[str, ...]]:
    calls = set()
    for path in rendered_texts(project):
        for match in RUNTIME_CALL_RE.finditer(path.read_text(encoding="utf-8")):
            words = tuple(match.group(1).split())
            if words[0] != "hook":  # hooks are wired in settings, never typed
                calls.add(words)
    return calls


def help_of(project: Path, *words: str) -> subprocess.CompletedProcess[str]:
    return runtime(project, *words, "--help")


def test_every_runtime_command_in_the_texts_exists(default_render: Path) -> None:
    missing = []
    for words in sorted(runtime_calls(default_render)):
        command = help_of(default_render, words[0])
        if command.returncode != 0:
            missing.append(f"{words[0]}: {command.stderr.strip()[-200:]}")
            continue
        if len(words) == 1:
            continue
        choices = re.search(r"\{([a-z0-9_,-]+)\}", command.stdout)
        if choices is None:
            continue  # the second word is an argument or prose, not a subcommand
        if words[1] not in choices.group(1).split(","):
            missing.append(f"{words[0]} {words[1]}: not one of {choices.group(1)}")
        elif help_of(default_render, *words[:2]).returncode != 0:
            missing.append(f"{words[0]} {words[1]}: --help fails")
    assert missing == [], "the texts call runtime commands that do not exist:\n" + "\n".join(missing)


def test_runtime_call_extraction_sees_real_invocations(tmp_path: Path) -> None:
    skill = tmp_path / ".claude" / "skills" / "x" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("Run `python3 .orchestrator/runtime session start` then\n"
                     "```\npython3 .orchestrator/runtime gate --json\n```\n"
                     "and python3 .orchestrator/runtime $ARGUMENTS\n", encoding="utf-8")
    assert runtime_calls(tmp_path) == {("session", "start"), ("gate",)}
