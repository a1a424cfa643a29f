"""Switching the `platforms` answer to add Pi and back with real `copier update`.

Real: a tagged clone of this template, Copier's own update (3-way merge, the
install task), git repositories in tmp_path. The user's repository has its own
AGENTS.md and its own Pi extension before Pi is ever selected; both must come
out of the round trip with every line they had.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import commit_all, copy_example, git, tagged_template

USER_AGENTS_MD = "# Calc\n\nHouse rule: every change comes with a test.\n"
USER_EXTENSION = 'export default function (pi: any) {\n  pi.on("agent_end", async () => undefined);\n}\n'


def _files(repo: Path) -> set[str]:
    listed = git(repo, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    return {name for name in listed if not name.startswith(".orchestrator/runtime/")}


def _update(repo: Path, platforms: list[str]) -> None:
    from copier import run_update

    run_update(str(repo), data={"platforms": platforms}, defaults=True, overwrite=True, unsafe=True,
               answers_file=".copier-answers.session-orchestrator.yml",
               vcs_ref="v1", quiet=True, skip_answered=True)
    commit_all(repo, f"platforms: {', '.join(platforms)}")


@pytest.fixture
def claude_repo(tmp_path: Path) -> Path:
    from copier import run_copy

    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    (repo / "AGENTS.md").write_text(USER_AGENTS_MD, encoding="utf-8")
    (repo / ".pi" / "extensions").mkdir(parents=True)
    (repo / ".pi" / "extensions" / "mine.ts").write_text(USER_EXTENSION, encoding="utf-8")
    commit_all(repo, "the user's own AGENTS.md and Pi extension")
    run_copy(str(template), str(repo), data={"platforms": ["claude"]}, defaults=True, unsafe=True, vcs_ref="v1",
             quiet=True)
    commit_all(repo, "add session-orchestrator for Claude Code")
    return repo


def test_adding_pi_then_removing_it_touches_only_pis_files(claude_repo: Path) -> None:
    import yaml

    repo = claude_repo
    before = _files(repo)
    claude_bytes = {name: (repo / name).read_bytes() for name in before if name.startswith(".claude/")}

    _update(repo, ["claude", "pi"])
    added = _files(repo) - before
    catalog = yaml.safe_load((repo / ".." / "template" / "template" / "_canonical" / "catalog.yml").read_text())
    names = catalog["catalog"]["default"]
    assert added == {
        *(f".pi/prompts/{cmd['name']}.md" for cmd in names["commands"]),
        *(f".pi/skills/{agent['name']}/SKILL.md" for agent in names["agents"]),
        ".pi/extensions/session-orchestrator.ts",
    }
    assert _files(repo) >= before, "nothing was removed"
    agents_md = (repo / "AGENTS.md").read_text(encoding="utf-8")
    assert agents_md.startswith(USER_AGENTS_MD) and "## Session Config" in agents_md
    assert (repo / ".pi" / "extensions" / "mine.ts").read_text(encoding="utf-8") == USER_EXTENSION
    assert {name: (repo / name).read_bytes() for name in claude_bytes} == claude_bytes, "Claude's files unchanged"
    assert (repo / ".pi" / "extensions" / "session-orchestrator.ts").read_bytes() == (
        repo / ".orchestrator" / "runtime" / "platforms" / "pi_extension.ts").read_bytes()

    _update(repo, ["claude"])
    assert _files(repo) == before, "exactly Pi's files went"
    assert not (repo / ".pi" / "prompts").exists() and not (repo / ".pi" / "skills").exists()
    assert (repo / ".pi" / "extensions" / "mine.ts").read_text(encoding="utf-8") == USER_EXTENSION
    assert (repo / "AGENTS.md").read_text(encoding="utf-8").startswith(USER_AGENTS_MD)
    assert {name: (repo / name).read_bytes() for name in claude_bytes} == claude_bytes
    assert git(repo, "status", "--porcelain") == ""
