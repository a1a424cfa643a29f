"""Bootstrapping into repositories that already have a CLAUDE.md or settings, and updating later."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy, run_update
from copier.errors import TaskError

from tests.helpers import ROOT, git, init_repo, render, runtime

ANSWERS_FILE = ".copier-answers.session-orchestrator.yml"
MARKER = ".orchestrator/runtime"


@pytest.fixture(autouse=True)
def _no_agent_project_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """The install task must find the project from its own location, not from the caller's agent."""
    for name in ("SO_PROJECT_DIR", "CLAUDE_PROJECT_DIR", "CURSOR_PROJECT_DIR", "SO_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)


def repo_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    repo = tmp_path / "repo"
    for name, data in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return init_repo(repo)


def our_handlers(settings: dict[str, Any]) -> list[str]:
    return [h["command"] for groups in settings.get("hooks", {}).values() for g in groups
            for h in g.get("hooks", []) if MARKER in h.get("command", "")]


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# --- an existing CLAUDE.md ------------------------------------------------------------------------

USER_NOTES = ["# Billing service", "", "Maintainer notes:", "", "- Money is integer cents, never floats.",
              "- Run `make db` before the tests.  ", "\tIndented with a tab, kept as is."]


@pytest.mark.parametrize(
    "original",
    [
        ("\n".join(USER_NOTES) + "\n").encode(),
        ("\r\n".join(USER_NOTES) + "\r\n").encode(),
        "\n".join(USER_NOTES).encode(),
        ("\r\n".join(USER_NOTES)).encode(),
    ],
    ids=["lf", "crlf", "no-final-newline", "crlf-no-final-newline"],
)
def test_existing_claude_md_keeps_every_user_byte(tmp_path: Path, original: bytes) -> None:
    repo = render(repo_with(tmp_path, {"CLAUDE.md": original}))
    after = (repo / "CLAUDE.md").read_bytes()
    assert after.startswith(original)
    assert after.count(b"## Session Config") == 1
    assert after[len(original):].lstrip(b"\r\n").startswith(b"## Working sessions")
    assert runtime(repo, "config").returncode == 0
    settings_before = (repo / ".claude" / "settings.json").read_bytes()
    again = runtime(repo, "install")
    assert again.returncode == 0, again.stderr
    assert (repo / "CLAUDE.md").read_bytes() == after
    assert (repo / ".claude" / "settings.json").read_bytes() == settings_before


ORIGINAL_TOOL_CONFIG = b"""# storefront

House rules: small PRs, tests first.

## Session Config

- **test-command:** npm test
- **typecheck-command:** `npm run typecheck`
- **lint-command:** skip   # no linter until the migration lands
agents-per-wave: 6 (deep: 18)
waves: 5
persistence: true
- enforcement: strict
- vcs: github

## Deploying

Ask before touching `deploy/`.
"""


def test_existing_original_tool_config_is_left_alone_and_validates(tmp_path: Path) -> None:
    repo = render(repo_with(tmp_path, {"CLAUDE.md": ORIGINAL_TOOL_CONFIG}), enforcement="warn")
    assert (repo / "CLAUDE.md").read_bytes() == ORIGINAL_TOOL_CONFIG
    result = runtime(repo, "config", "--json")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["test-command"] == "npm test"
    assert values["typecheck-command"] == "npm run typecheck"
    assert values["lint-command"] == "skip"
    assert values["agents-per-wave"] == {"default": 6, "deep": 18}
    assert values["enforcement"] == "strict"  # the file wins over the answer
    assert values["vcs"] == "github"


def test_config_in_agents_md_keeps_working_and_is_not_shadowed(tmp_path: Path) -> None:
    agents = b"# Agents\n\n## Session Config\n\n- **waves:** 4\n- enforcement: strict  # as before\n"
    notes = b"# Notes for Claude\n"
    repo = render(repo_with(tmp_path, {"AGENTS.md": agents, "CLAUDE.md": notes}))
    assert (repo / "AGENTS.md").read_bytes() == agents
    assert (repo / "CLAUDE.md").read_bytes() == notes  # no second section to shadow AGENTS.md
    values = json.loads(runtime(repo, "config", "--json").stdout)
    assert (values["waves"], values["enforcement"]) == (4, "strict")
    assert values["_source"].endswith("AGENTS.md")


# --- an existing .claude/settings.json --------------------------------------------------------------

USER_SETTINGS = {
    "permissions": {"allow": ["Bash(make test:*)"], "deny": ["Read(./secrets/**)"]},
    "env": {"FEATURE_FLAG": "1"},
    "hooks": {
        "PreToolUse": [{"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "./tools/check-owner.sh"}]}],
        "PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}],
    },
}


def test_existing_settings_keep_user_keys_and_gain_our_hooks_once(tmp_path: Path) -> None:
    settings_bytes = json.dumps(USER_SETTINGS, indent=4).encode()
    repo = render(repo_with(tmp_path, {".claude/settings.json": settings_bytes}))
    path = repo / ".claude" / "settings.json"
    merged = read_json(path)
    assert merged["permissions"] == USER_SETTINGS["permissions"]
    assert merged["env"] == USER_SETTINGS["env"]
    assert merged["hooks"]["PostToolUse"] == USER_SETTINGS["hooks"]["PostToolUse"]
    assert USER_SETTINGS["hooks"]["PreToolUse"][0] in merged["hooks"]["PreToolUse"]
    ours = our_handlers(merged)
    assert sorted(ours) == sorted(set(ours))
    assert any(c.endswith("hook claude pre-tool-use") for c in ours)
    assert any(c.endswith("hook claude session-start") for c in ours)

    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "render")
    run_copy(str(ROOT), str(repo), defaults=True, overwrite=True, unsafe=True, vcs_ref="HEAD", quiet=True)
    assert runtime(repo, "install").returncode == 0
    assert read_json(path) == merged


def test_malformed_settings_are_left_byte_identical_and_reported(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    broken = b'{\n  "permissions": {\n    "allow": ["Bash(ls)"],\n  }\n}\n'
    repo = repo_with(tmp_path, {".claude/settings.json": broken, "CLAUDE.md": b"# Notes\n"})
    with pytest.raises(TaskError) as info:
        render(repo)
    assert info.value.returncode == 1
    assert "install" in str(info.value)
    err = capfd.readouterr().err
    assert ".claude/settings.json:4:3: not valid JSON" in err
    assert "left untouched" in err
    assert "Traceback" not in err
    assert (repo / ".claude" / "settings.json").read_bytes() == broken

    again = runtime(repo, "install")
    assert again.returncode == 1
    assert ".claude/settings.json:4:3:" in again.stderr
    assert (repo / ".claude" / "settings.json").read_bytes() == broken


# --- copier update --------------------------------------------------------------------------------


@pytest.fixture
def cloned_template(tmp_path: Path) -> Path:
    """This template's working tree, uncommitted changes included, as a clean repository tagged v1."""
    clone = tmp_path / "template-clone"
    shutil.copytree(ROOT, clone, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info", "tests", "benchmarks"))
    init_repo(clone)
    git(clone, "tag", "v1")
    return clone


def prose_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if len(line) > 30 and "{" not in line and not line.startswith("#")]


def test_update_keeps_a_user_edit_to_a_rendered_skill(tmp_path: Path, cloned_template: Path) -> None:
    repo = init_repo(tmp_path / "project")
    run_copy(str(cloned_template), str(repo), defaults=True, unsafe=True, vcs_ref="v1", quiet=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "session-orchestrator v1")

    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    rendered = skill.read_text(encoding="utf-8").split("\n")
    user_line = prose_lines(rendered)[0]
    rendered[user_line] += " Our team also checks the on-call calendar first."
    skill.write_text("\n".join(rendered), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "tune /session for our team")

    canonical = cloned_template / "template" / "_canonical" / "commands" / "session.md"
    source = canonical.read_text(encoding="utf-8").split("\n")
    template_line = prose_lines(source)[-1]
    assert user_line + 6 < len(rendered) - (len(source) - template_line), "the two edits must be apart"
    source[template_line] += " (Reworded in v2.)"
    canonical.write_text("\n".join(source), encoding="utf-8")
    git(cloned_template, "commit", "-q", "-am", "v2 wording")
    git(cloned_template, "tag", "v2")

    run_update(str(repo), answers_file=ANSWERS_FILE, defaults=True, overwrite=True, unsafe=True, quiet=True)

    text = skill.read_text(encoding="utf-8")
    assert "Our team also checks the on-call calendar first." in text
    assert "(Reworded in v2.)" in text
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    assert not [line for line in git(repo, "status", "--porcelain").splitlines() if line.startswith("UU")]
    settings = read_json(repo / ".claude" / "settings.json")
    ours = our_handlers(settings)
    assert len(ours) == len(set(ours)) == 2
    assert (repo / "CLAUDE.md").read_text(encoding="utf-8").count("## Session Config") == 1
    assert "_commit: v2" in (repo / ANSWERS_FILE).read_text(encoding="utf-8")
