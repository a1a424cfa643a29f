"""Adding Codex CLI to the `platforms` answer and taking it out again, with real `copier update`.

Real: a tagged clone of this template, a git repository set up from it with
`copier copy`, two `copier update` runs that change only the `platforms` answer,
and the install task copier runs after each. The user's own hook in
`.codex/hooks.json` and their own text in `AGENTS.md` are there before Codex is
added; both must come through byte for byte, and every other file must end where
it started.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from copier import run_copy, run_update

from session_orchestrator.template import ANSWERS_FILE
from tests.helpers import ROOT, commit_all, copy_example, git, tagged_template

AGENTS = [a["name"] for a in yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text(
    encoding="utf-8"))["catalog"]["default"]["agents"]]

USER_HOOKS = (b'{\n  "hooks": {\n    "Stop": [{"hooks": [{"type": "command", "command": "./notify.sh"}]}]\n'
              b'  }\n}\n')
USER_AGENTS_MD = b"# Agents\n\nUse the Makefile targets; never run the deploy script.\n"


def _tree(repo: Path) -> dict[str, bytes]:
    """Every tracked-or-untracked file outside .git and the bytecode caches."""
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(repo).parts and "__pycache__" not in p.parts}


def _update(repo: Path, platforms: list[str]) -> None:
    run_update(str(repo), data={"platforms": platforms}, answers_file=ANSWERS_FILE, defaults=True, overwrite=True,
               unsafe=True, quiet=True, vcs_ref="v1")
    commit_all(repo, f"platforms: {', '.join(platforms)}")


@pytest.fixture
def claude_only(tmp_path: Path) -> Path:
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    (repo / ".codex").mkdir()
    (repo / ".codex" / "hooks.json").write_bytes(USER_HOOKS)
    (repo / "AGENTS.md").write_bytes(USER_AGENTS_MD)
    commit_all(repo, "the user's own Codex hook and AGENTS.md")
    run_copy(str(template), str(repo), data={"platforms": ["claude"]}, defaults=True, unsafe=True, quiet=True,
             vcs_ref="v1")
    commit_all(repo, "add session-orchestrator for Claude Code")
    return repo


def test_adding_then_removing_codex_changes_only_codex_files(claude_only: Path) -> None:
    repo = claude_only
    before = _tree(repo)
    assert (repo / ".codex" / "hooks.json").read_bytes() == USER_HOOKS  # Claude alone leaves Codex's files alone

    _update(repo, ["claude", "codex"])
    with_codex = _tree(repo)
    added = sorted(set(with_codex) - set(before))
    user_only = ("go", "close", "plan", "evolve", "reconcile", "discovery", "dispatcher", "test", "audit",
                 "debug", "grill", "brainstorm")
    assert added == sorted([*(f".agents/skills/{n}/SKILL.md" for n in ("session", *user_only)),
                            *(f".agents/skills/{n}/agents/openai.yaml" for n in user_only),
                            *(f".codex/agents/{n}.toml" for n in AGENTS)])
    changed = sorted(name for name in set(before) & set(with_codex) if before[name] != with_codex[name])
    assert changed == [".codex/hooks.json", ".copier-answers.session-orchestrator.yml",
                       ".orchestrator/install.json", "AGENTS.md"]
    hooks = json.loads(with_codex[".codex/hooks.json"])["hooks"]
    assert hooks["Stop"] == json.loads(USER_HOOKS)["hooks"]["Stop"]  # the user's entry is kept
    assert [h["command"] for g in hooks["PreToolUse"] for h in g["hooks"]] == [
        'python3 -S "$(git rev-parse --show-toplevel)/.orchestrator/runtime/__main__.py" hook codex pre-tool-use']
    assert "SessionStart" in hooks
    agents_md = with_codex["AGENTS.md"]
    assert agents_md.startswith(USER_AGENTS_MD) and b"## Session Config" in agents_md

    _update(repo, ["claude"])
    after = _tree(repo)
    assert sorted(set(after) ^ set(before)) == []
    differing = sorted(name for name in before if before[name] != after[name])
    assert differing == [], differing
    assert after[".codex/hooks.json"] == USER_HOOKS
    assert after["AGENTS.md"] == USER_AGENTS_MD
    assert git(repo, "status", "--porcelain") == ""


def test_codex_alone_creates_its_files_and_removing_it_takes_them_back(tmp_path: Path) -> None:
    """No user files to keep: the hooks file and AGENTS.md the install step created go when Codex goes."""
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    run_copy(str(template), str(repo), data={"platforms": ["claude", "codex"]}, defaults=True, unsafe=True,
             quiet=True, vcs_ref="v1")
    commit_all(repo, "add session-orchestrator")
    assert (repo / ".codex" / "hooks.json").is_file() and (repo / "AGENTS.md").is_file()
    _update(repo, ["claude"])
    # (copier leaves the emptied directories behind; git, and so the user, sees no file there)
    assert not [p for p in (repo / ".codex").rglob("*") if p.is_file()]
    assert not [p for p in (repo / ".agents").rglob("*") if p.is_file()]
    assert not (repo / "AGENTS.md").exists()
    assert "## Session Config" in (repo / "CLAUDE.md").read_text(encoding="utf-8")
