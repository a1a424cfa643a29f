"""Updates across three releases of a tagged template clone, in real git repositories.

The template clone gets real commits tagged v1, v2 and v3; the user's repository
is a copy of the bundled example with its own commits. Nothing is mocked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runtime.platforms.jsonsplice import splice_hooks
from session_orchestrator.cli import EXIT_CONFLICTS, app
from session_orchestrator.template import ANSWERS_FILE, PUBLIC_SOURCE
from tests.helpers import commit_all, copy_example, git, refresh_manifest, tagged_template

runner = CliRunner()
SESSION = Path("template/_canonical/commands/session.md")
NOTES_V1 = "template/.orchestrator/NOTES.md"
NOTES_V2 = "template/.orchestrator/TEAM-NOTES.md"
NOTES_TEXT = "# Team notes\n\nHow we run sessions here.\n\n- keep waves small\n\n## Template section\n\nv1 text.\n"
USER_SETTINGS = (b'{\n    "model": "opus",\n    "permissions": {"allow": ["Bash(npm test:*)"], "deny": []},\n'
                 b'    "hooks": {\n        "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}],\n'
                 b'        "PreToolUse": [{"matcher": "Bash",\n'
                 b'                        "hooks": [{"type": "command", "command": "./audit.sh"}]}]\n'
                 b'    }\n}\n')
LOCAL_SETTINGS = b'{"permissions":{"allow":["Read(*)"]}}'
USER_CLAUDE_MD = b"# Calc\r\n\r\nHouse rules: small PRs.\r\n"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def update(repo: Path, template: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["update", str(repo), "--template", str(template), *extra])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """Template v1 (with a notes file users are expected to edit) and a repository set up from it."""
    template = tagged_template(tmp_path / "template", "v0")
    (template / NOTES_V1).write_text(NOTES_TEXT)
    commit_all(template, "v1: team notes")
    git(template, "tag", "v1")
    repo = copy_example(tmp_path / "calc")
    (repo / ".claude").mkdir()
    (repo / ".claude" / "settings.json").write_bytes(USER_SETTINGS)
    (repo / ".claude" / "settings.local.json").write_bytes(LOCAL_SETTINGS)
    (repo / "CLAUDE.md").write_bytes(USER_CLAUDE_MD)
    commit_all(repo, "the user's own agent settings")
    result = runner.invoke(app, ["init", str(repo), "--template", str(template), "--vcs-ref", "v1", "--defaults"])
    assert result.exit_code == 0, result.output
    commit_all(repo, "add session-orchestrator")
    return template, repo


def test_a_edit_elsewhere_is_kept_and_the_template_change_lands(project: tuple[Path, Path]) -> None:
    template, repo = project
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    edit(skill, "## 3. Baseline", "## 3. Baseline (twice, on CI too)")
    commit_all(repo, "our wording")
    edit(template / SESSION, "## 5. Record the plan", "## 5. Record the agreed plan")
    commit_all(template, "v2 wording")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    text = skill.read_text()
    assert "## 3. Baseline (twice, on CI too)" in text and "## 5. Record the agreed plan" in text
    assert "<<<<<<<" not in text


def test_b_same_lines_conflict_exit_code_and_nothing_lost(project: tuple[Path, Path]) -> None:
    template, repo = project
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    edit(skill, "## 3. Baseline", "## 3. Baseline, the way we do it")
    commit_all(repo, "our wording")
    edit(template / SESSION, "## 3. Baseline", "## 3. Record a baseline")
    commit_all(template, "v2 wording")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == EXIT_CONFLICTS, output
    assert ".claude/skills/session/SKILL.md: conflict markers" in output
    text = skill.read_text()
    assert "## 3. Baseline, the way we do it" in text
    assert "## 3. Record a baseline" in text
    assert "<<<<<<< before updating" in text


def test_c_a_renamed_file_keeps_the_users_edit(project: tuple[Path, Path]) -> None:
    """v2 renames NOTES.md and changes another part of it; a version-gated migration moves the user's copy."""
    template, repo = project
    notes = repo / ".orchestrator" / "NOTES.md"
    edit(notes, "- keep waves small", "- keep waves small\n- our rule: never on Fridays")
    commit_all(repo, "our notes")
    git(template, "mv", NOTES_V1, NOTES_V2)
    edit(template / NOTES_V2, "v1 text.", "v2 text.")
    edit(template / "copier.yml", "_migrations:\n", (
        "_migrations:\n"
        "  - version: v2\n"
        "    when: \"{{ _stage == 'before' }}\"\n"
        "    command: [\"{{ _copier_python }}\", \"{{ _copier_conf.src_path }}/migrations/rename.py\", before,\n"
        "              .orchestrator/NOTES.md, .orchestrator/TEAM-NOTES.md]\n"
        "  - version: v2\n"
        "    when: \"{{ _stage == 'after' }}\"\n"
        "    command: [\"{{ _copier_python }}\", \"{{ _copier_conf.src_path }}/migrations/rename.py\", after,\n"
        "              .orchestrator/NOTES.md, .orchestrator/TEAM-NOTES.md, \"{{ _copier_conf.src_path }}\"]\n"))
    commit_all(template, "v2: rename the notes")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    moved = repo / ".orchestrator" / "TEAM-NOTES.md"
    assert not notes.exists()
    text = moved.read_text()
    assert "- our rule: never on Fridays" in text
    assert "v2 text." in text
    assert "<<<<<<<" not in text


def test_c_without_the_migration_the_edit_would_be_lost(project: tuple[Path, Path]) -> None:
    """The control for (c): Copier alone deletes the renamed file, edit included; the migration is what saves it."""
    template, repo = project
    notes = repo / ".orchestrator" / "NOTES.md"
    edit(notes, "- keep waves small", "- keep waves small\n- our rule: never on Fridays")
    commit_all(repo, "our notes")
    git(template, "mv", NOTES_V1, NOTES_V2)
    commit_all(template, "v2: rename the notes, no migration")
    git(template, "tag", "v2")
    update(repo, template, "--vcs-ref", "v2")
    moved = repo / ".orchestrator" / "TEAM-NOTES.md"
    assert "never on Fridays" not in moved.read_text()


def test_d_user_settings_survive_three_releases_byte_for_byte(project: tuple[Path, Path]) -> None:
    template, repo = project
    settings = repo / ".claude" / "settings.json"
    claude_data = json.loads(json.dumps(_claude_platform(template)))
    assert splice_hooks(settings.read_text(), {"hooks": {}, "hook_command": "x"}) == USER_SETTINGS.decode()
    edit(template / SESSION, "## 5. Record the plan", "## 5. Record the agreed plan")
    commit_all(template, "v2")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    commit_all(repo, "v2")
    timeout = int(claude_data["hook_timeout"])  # type: ignore[call-overload]
    edit(template / "platforms" / "claude.yml", f"hook_timeout: {timeout}", f"hook_timeout: {timeout + 5}")
    commit_all(template, "v3: a longer hook timeout")
    git(template, "tag", "v3")
    code, output = update(repo, template, "--vcs-ref", "v3")
    assert code == 0, output
    text = settings.read_text()
    ours = [h for groups in json.loads(text)["hooks"].values() for g in groups for h in g["hooks"]
            if ".orchestrator/runtime" in h["command"]]
    assert len(ours) == len(claude_data["hooks"]) and all(h["timeout"] == timeout + 5 for h in ours)
    assert splice_hooks(text, {"hooks": {}, "hook_command": "x"}) == USER_SETTINGS.decode()
    assert (repo / ".claude" / "settings.local.json").read_bytes() == LOCAL_SETTINGS
    assert (repo / "CLAUDE.md").read_bytes().startswith(USER_CLAUDE_MD)


def _claude_platform(template: Path) -> dict[str, object]:
    import yaml

    return yaml.safe_load((template / "platforms" / "claude.yml").read_text())["platform_claude"]["default"]


def test_e_switching_platforms_adds_and_removes_only_that_platforms_files(project: tuple[Path, Path]) -> None:
    """Codex CLI in, then out again: its skills, agents, hooks file and AGENTS.md come and go; every
    other file, the user's Claude settings included, ends byte for byte where it started."""
    template, repo = project

    def tree() -> dict[str, bytes]:
        return {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*")
                if p.is_file() and ".git" not in p.relative_to(repo).parts and "__pycache__" not in p.parts}

    before = tree()
    code, output = update(repo, template, "--vcs-ref", "v1", "-d", "platforms=claude,codex")
    assert code == 0, output
    added = set(tree()) - set(before)
    assert {".codex/hooks.json", "AGENTS.md", ".agents/skills/session/SKILL.md", ".codex/agents/explorer.toml"} <= added
    assert all(name.startswith((".agents/", ".codex/")) or name == "AGENTS.md" for name in added), added
    assert (repo / ".claude" / "settings.json").read_bytes() == before[".claude/settings.json"]
    commit_all(repo, "add Codex CLI")

    code, output = update(repo, template, "--vcs-ref", "v1", "-d", "platforms=claude")
    assert code == 0, output
    after = tree()
    assert set(after) == set(before)
    assert [name for name in before if before[name] != after[name]] == []


def test_f_a_teammates_fresh_clone_can_update(project: tuple[Path, Path], tmp_path: Path) -> None:
    template, repo = project
    assert f"_src_path: {PUBLIC_SOURCE}" in (repo / ANSWERS_FILE).read_text()
    edit(template / SESSION, "## 5. Record the plan", "## 5. Record the agreed plan")
    commit_all(template, "v2")
    git(template, "tag", "v2")
    mate = tmp_path / "teammate"
    git(tmp_path, "clone", "-q", str(repo), str(mate))
    code, output = update(mate, template, "--vcs-ref", "v2")
    assert code == 0, output
    assert "## 5. Record the agreed plan" in (mate / ".claude" / "skills" / "session" / "SKILL.md").read_text()


def test_f_a_teammate_with_only_the_installed_package_can_update(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Set up from the bundled template, then updated on a clone with an empty template cache."""
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--defaults"])
    assert result.exit_code == 0, result.output
    commit_all(repo, "add session-orchestrator")
    mate = tmp_path / "teammate"
    git(tmp_path, "clone", "-q", str(repo), str(mate))
    monkeypatch.setenv("SESSION_ORCHESTRATOR_CACHE", str(tmp_path / "teammate-cache"))
    result = runner.invoke(app, ["update", str(mate)])
    assert result.exit_code == 0, result.output
    assert git(mate, "status", "--porcelain") == ""


def test_c_a_removed_file_with_edits_is_kept_aside(project: tuple[Path, Path]) -> None:
    """v2 drops NOTES.md; the migration keeps the user's edited copy and says where."""
    template, repo = project
    notes = repo / ".orchestrator" / "NOTES.md"
    edit(notes, "- keep waves small", "- keep waves small\n- our rule: never on Fridays")
    commit_all(repo, "our notes")
    git(template, "rm", "-q", NOTES_V1)
    edit(template / "copier.yml", "_migrations:\n", (
        "_migrations:\n"
        "  - version: v2\n"
        "    when: \"{{ _stage == 'before' }}\"\n"
        "    command: [\"{{ _copier_python }}\", \"{{ _copier_conf.src_path }}/migrations/rename.py\", removed,\n"
        "              .orchestrator/NOTES.md, \"{{ _copier_conf.src_path }}\"]\n"))
    commit_all(template, "v2: no more notes")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    kept = repo / ".orchestrator" / "backup" / "removed" / ".orchestrator" / "NOTES.md"
    assert "- our rule: never on Fridays" in kept.read_text()


def _set_up_at_0_1_0(tmp_path: Path, keep_migration: bool) -> tuple[Path, Path]:
    """A clone whose v0.1.0 runs the install task in every render (as 0.1.0 did) and whose v0.2.0 is
    this template, with or without its v0.2.0 migration; a repository set up at v0.1.0."""
    template = tagged_template(tmp_path / "template", "v0.2.0-candidate")
    copier_yml = template / "copier.yml"
    current = copier_yml.read_text()
    if not keep_migration:
        copier_yml.write_text(current[:current.index("_migrations:")] + "_migrations: []\n"
                              + current[current.index("\n# PROMPT"):])
        commit_all(template, "no migration")
    git(template, "tag", "v0.2.0")
    text = copier_yml.read_text()
    task = '_tasks:\n  - command: ["{{ _copier_python }}", ".orchestrator/runtime", "install"]\n'
    text = text.replace(text[text.index("_tasks:"):text.index("_migrations:")], task)
    copier_yml.write_text(text[:text.index("_migrations:")] + "_migrations: []\n" + text[text.index("\n# PROMPT"):])
    commit_all(template, "the 0.1.0 template")
    git(template, "tag", "v0.1.0")
    repo = copy_example(tmp_path / "calc")
    (repo / ".claude").mkdir()
    (repo / ".claude" / "settings.json").write_bytes(USER_SETTINGS)
    (repo / "CLAUDE.md").write_bytes(USER_CLAUDE_MD)
    commit_all(repo, "the user's files")
    result = runner.invoke(app, ["init", str(repo), "--template", str(template), "--vcs-ref", "v0.1.0", "--defaults"])
    assert result.exit_code == 0, result.output
    commit_all(repo, "set up at 0.1.0")
    return template, repo


def test_update_from_a_release_that_rendered_shared_files_keeps_them(tmp_path: Path) -> None:
    """Before 0.2.0 the install task also ran in Copier's temporary renders, so those renders held
    CLAUDE.md and the settings; updating across 0.2.0 would delete the user's. The v0.2.0 migration
    keeps them."""
    template, repo = _set_up_at_0_1_0(tmp_path, keep_migration=True)
    code, output = update(repo, template, "--vcs-ref", "v0.2.0")
    assert code == 0, output
    assert (repo / "CLAUDE.md").read_bytes().startswith(USER_CLAUDE_MD)
    settings = (repo / ".claude" / "settings.json").read_text()
    assert splice_hooks(settings, {"hooks": {}, "hook_command": "x"}) == USER_SETTINGS.decode()
    assert ".orchestrator/runtime" in settings


def test_without_the_keep_migration_copier_would_delete_them(tmp_path: Path) -> None:
    """The control: the same update with the migration taken out loses the user's files."""
    template, repo = _set_up_at_0_1_0(tmp_path, keep_migration=False)
    update(repo, template, "--vcs-ref", "v0.2.0")
    assert not (repo / "CLAUDE.md").exists() or not (repo / ".claude" / "settings.json").exists()


def test_upgrading_the_installed_package_updates_from_its_bundle(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`pipx upgrade` then `update` with no options: set up from the bundled 0.2.0, then a bundle
    of the next release (a copy of this one with a new version and a changed text) is installed."""
    from session_orchestrator import template as tpl

    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--defaults"])
    assert result.exit_code == 0, result.output
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    edit(skill, "## 3. Baseline", "## 3. Baseline (twice, on CI too)")
    commit_all(repo, "set up, with our wording")
    version = tpl.template_version()
    major, minor, patch = version.split(".")
    nxt = f"{major}.{minor}.{int(patch) + 1}"
    bundle = tmp_path / "next-bundle"
    bundle.mkdir()
    for name in ("copier.yml", "platforms", "migrations", "template", "examples"):
        source = tpl.bundle_root() / name
        if source.is_dir():
            shutil.copytree(source, bundle / name, symlinks=False,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, bundle / name)
    init_py = bundle / "template" / ".orchestrator" / "runtime" / "__init__.py"
    edit(init_py, f'__version__ = "{version}"', f'__version__ = "{nxt}"')
    refresh_manifest(init_py.parent)
    edit(bundle / "template" / "_canonical" / "commands" / "session.md", "## 5. Record the plan",
         "## 5. Record the agreed plan")
    monkeypatch.setattr(tpl, "bundle_root", lambda: bundle)
    result = runner.invoke(app, ["update", str(repo)])
    assert result.exit_code == 0, result.output
    text = skill.read_text()
    assert "## 3. Baseline (twice, on CI too)" in text and "## 5. Record the agreed plan" in text
    assert f"_commit: v{nxt}" in (repo / ANSWERS_FILE).read_text()
    assert f'__version__ = "{nxt}"' in (repo / ".orchestrator" / "runtime" / "__init__.py").read_text()
    assert "records template" not in result.output  # doctor: runtime and answers agree
