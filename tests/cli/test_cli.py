"""The lifecycle CLI on real repositories, with real Copier renders and updates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from runtime import __version__ as runtime_version
from session_orchestrator.cli import EXIT_CONFLICTS, app
from session_orchestrator.template import ANSWERS_FILE, PUBLIC_SOURCE
from tests.helpers import GIT_ENV, commit_all, copy_example, git, refresh_manifest, tagged_template

runner = CliRunner()


def answers(repo: Path) -> dict[str, object]:
    return yaml.safe_load((repo / ANSWERS_FILE).read_text(encoding="utf-8"))


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output and 'File "' not in output, output


def test_version_is_the_runtime_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"session-orchestrator {runtime_version} ")


def test_demo_renders_and_shows_banner_and_config(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(dest)])
    assert result.exit_code == 0, result.output
    assert "[session-orchestrator]" in result.output
    assert "Session Config from CLAUDE.md: valid" in result.output
    assert (dest / ".claude" / "skills" / "session" / "SKILL.md").is_file()
    assert "  .claude/settings.json\n" in result.output and "  CLAUDE.md\n" in result.output
    assert "in Claude Code and type: /session feature" in result.output  # the label from the platform data
    again = runner.invoke(app, ["demo", str(dest)])
    assert again.exit_code == 1
    assert "already exists; pass --force" in again.output


def test_demo_with_codex_shows_its_files_how_to_start_it_and_the_trust_step(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(dest), "-p", "claude", "-p", "codex"])
    assert result.exit_code == 0, result.output
    for name in (".agents/skills/session/SKILL.md", ".codex/agents/explorer.toml", ".codex/hooks.json", "AGENTS.md"):
        assert f"  {name}\n" in result.output, name
        assert (dest / name).is_file()
    assert "in Claude Code and type: /session feature" in result.output
    assert "in Codex CLI and type: $session feature" in result.output
    assert "first, once: start `codex` in the repository and answer yes when it asks whether to trust the folder" \
        in result.output
    assert "first, once: type /hooks and trust the two session-orchestrator hooks" in result.output


def test_demo_as_the_readme_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README runs `session-orchestrator demo --force` with the default, relative DEST."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert "branch: main" in result.output
    assert "Session Config from CLAUDE.md: valid" in result.output
    assert "can't open file" not in result.output


def test_demo_names_known_examples(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "d"), "--example", "nope"])
    assert result.exit_code == 1
    assert "no example named 'nope'; known: python-calc" in result.output


# --- init ----------------------------------------------------------------------------------------


def test_init_refuses_a_non_git_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert f"is not a git repository; run 'git init {tmp_path}' first" in result.output


def test_init_from_the_bundled_template_records_a_shareable_source(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "-d", "enforcement=strict"])
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.output
    assert "- enforcement: strict" in (repo / "CLAUDE.md").read_text()
    recorded = answers(repo)
    assert recorded["_src_path"] == PUBLIC_SOURCE
    assert recorded["_commit"] == f"v{runtime_version}"
    assert str(tmp_path) not in (repo / ANSWERS_FILE).read_text()
    second = runner.invoke(app, ["init", str(repo)])
    assert second.exit_code == 1
    assert f"{repo} is already set up ({ANSWERS_FILE} exists); run 'session-orchestrator update" in second.output


def test_init_detects_agents_and_gate_commands(tmp_path: Path) -> None:
    """Defaults come from the repository: pytest config gives the test command; AGENTS.md names
    Codex CLI (beside the example's CLAUDE.md) and a `.cursor/` folder names Cursor."""
    repo = copy_example(tmp_path / "calc")
    (repo / "AGENTS.md").write_text("# Agents\n")
    (repo / ".cursor").mkdir()
    (repo / ".cursor" / "notes.txt").write_text("cursor settings\n")
    commit_all(repo, "agents file")
    result = runner.invoke(app, ["init", str(repo), "--defaults"])
    assert result.exit_code == 0, result.output
    recorded = answers(repo)
    assert recorded["platforms"] == ["claude", "codex", "cursor"]
    assert recorded["test_command"] not in ("auto", "skip")
    assert "pytest" in str(recorded["test_command"])


def test_init_for_codex_before_the_user_trusted_it_warns_with_the_steps_and_succeeds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust can only be given after the files exist, so init names the steps and still exits 0."""
    home = tmp_path / "codex-home"
    home.mkdir()
    (home / "config.toml").write_text('model = "gpt-5"\n')
    monkeypatch.setenv("CODEX_HOME", str(home))
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--defaults", "-p", "claude", "-p", "codex"])
    assert result.exit_code == 0, result.output
    assert "this project is not trusted" in result.output and "(the install itself worked)" in result.output
    assert "type /hooks and trust the session-orchestrator hooks" in result.output
    assert (repo / ".codex" / "hooks.json").is_file()
    doctor_run = runner.invoke(app, ["doctor", str(repo)])
    assert doctor_run.exit_code == 1, doctor_run.output  # doctor itself still fails until the user acts
    assert "FAIL  Codex CLI: hooks not trusted in Codex" in doctor_run.output


def test_init_with_a_missing_gate_tool_warns_and_succeeds(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "-d", "lint_command=no-such-linter-xyz ."])
    assert result.exit_code == 0, result.output
    assert "warning: lint gate cannot run: no-such-linter-xyz ." in result.output
    assert "the command was not found (exit 127)" in result.output


# --- errors: one or two lines, the next command, no traceback --------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-d", "enforcement"], "--data expects key=value, got 'enforcement'; e.g. -d enforcement=strict"),
        (["-d", "enforcment=strict"], "-d enforcment: no such question; did you mean 'enforcement'?"),
        (["-d", "waves=2"], "waves: waves must be 3 or more (got 2). Change the answer (-d waves=...)"),
        (["-d", "enforcement=loud"], "enforcement: "),
        (["-p", "emacs"], "-p emacs: unknown platform;"),
        (["--template", "/nonexistent/template"], "--template /nonexistent/template: not a git repository"),
        (["--template", "file:///nonexistent/template.git"], "git failed: fatal: "),
    ],
    ids=["data-format", "unknown-key", "waves-2", "bad-choice", "unknown-platform", "template-path",
         "template-url"],
)
def test_init_errors_are_one_or_two_lines(tmp_path: Path, args: list[str], expected: str) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), *args])
    assert result.exit_code == 1, result.output
    assert_no_traceback(result.output)
    lines = result.output.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and expected in errors[0], result.output
    assert len(lines[lines.index(errors[0]):]) <= 2
    assert not (repo / ANSWERS_FILE).exists() or "waves" in expected or "enforcement: " in expected


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["--debug", "init", str(repo), "-d", "waves=2"])
    assert result.exit_code != 0
    assert isinstance(result.exception, ValueError)


def test_malformed_settings_fail_in_one_line_and_stay_as_written(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_bytes(b'{"hooks": {"PreToolUse": {"matcher": "*"}}}\n')
    commit_all(repo, "settings")
    result = runner.invoke(app, ["init", str(repo)])
    assert result.exit_code == 1
    assert_no_traceback(result.output)
    assert "error: the install step failed (its message is above)" in result.output
    assert settings.read_bytes() == b'{"hooks": {"PreToolUse": {"matcher": "*"}}}\n'


# --- update --------------------------------------------------------------------------------------


@pytest.fixture
def installed_at_v1(tmp_path: Path) -> tuple[Path, Path]:
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--template", str(template), "--vcs-ref", "v1"])
    assert result.exit_code == 0, result.output
    commit_all(repo, "add session-orchestrator")
    return template, repo


def release(template: Path, tag: str, old: str, new: str) -> None:
    source = template / "template" / "_canonical" / "commands" / "session.md"
    source.write_text(source.read_text().replace(old, new))
    commit_all(template, f"release {tag}")
    git(template, "tag", tag)


def update(repo: Path, template: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["update", str(repo), "--template", str(template), *extra])
    assert_no_traceback(result.output)
    return result.exit_code, result.output


def test_update_refuses_a_dirty_tree(installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    (repo / "scratch.txt").write_text("wip\n")
    code, output = update(repo, template)
    assert code == 1
    assert "error: the working tree has uncommitted changes:" in output and "scratch.txt" in output
    assert "commit or stash them (git stash -u), then run 'session-orchestrator update' again" in output


def test_update_without_an_answers_file_names_the_fix(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["update", str(repo)])
    assert result.exit_code == 1
    assert f"{repo}/.copier-answers.session-orchestrator.yml not found; set the repository up with " \
           "'session-orchestrator init" in result.output


def test_update_from_a_moved_template_is_one_line(installed_at_v1: tuple[Path, Path], tmp_path: Path) -> None:
    _, repo = installed_at_v1
    path = repo / ANSWERS_FILE
    path.write_text(path.read_text().replace(f"_src_path: {PUBLIC_SOURCE}", f"_src_path: {tmp_path}/gone"))
    commit_all(repo, "an answers file from an older CLI")
    result = runner.invoke(app, ["update", str(repo)])
    assert result.exit_code == 1
    assert_no_traceback(result.output)
    assert f"the template recorded in {ANSWERS_FILE} ({tmp_path}/gone) no longer exists" in result.output


def test_update_keeps_a_user_edit_elsewhere(installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    skill.write_text(skill.read_text().replace("## 3. Baseline", "## 3. Baseline (our team runs it twice)"))
    commit_all(repo, "team tweak")
    release(template, "v2", "## 5. Record the plan", "## 5. Record the agreed plan")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    text = skill.read_text()
    assert "## 3. Baseline (our team runs it twice)" in text
    assert "## 5. Record the agreed plan" in text
    assert answers(repo)["_src_path"] == PUBLIC_SOURCE
    assert output.count("CLAUDE.md: Session Config present") <= 1  # not again from copier's temporary copies


def test_update_with_a_conflict_exits_3_and_lists_the_file(installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    skill.write_text(skill.read_text().replace("## 3. Baseline", "## 3. Baseline, our way"))
    commit_all(repo, "team tweak")
    release(template, "v2", "## 3. Baseline", "## 3. Record the baseline")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == EXIT_CONFLICTS
    assert "the update left 1 file(s) to resolve" in output
    assert ".claude/skills/session/SKILL.md: conflict markers" in output
    assert "then 'git add' them and commit" in output
    text = skill.read_text()
    assert "## 3. Baseline, our way" in text and "## 3. Record the baseline" in text


def test_dry_run_lists_changes_and_changes_nothing(installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    release(template, "v2", "## 5. Record the plan", "## 5. Record the agreed plan")
    head = git(repo, "rev-parse", "HEAD")
    code, output = update(repo, template, "--vcs-ref", "v2", "--dry-run")
    assert code == 0, output
    assert re.search(r"merge\s+\.claude/skills/session/SKILL\.md", output), output
    assert ".copier-answers.session-orchestrator.yml" in output
    assert git(repo, "status", "--porcelain") == "" and git(repo, "rev-parse", "HEAD") == head


def test_update_restores_an_edited_runtime_file_and_keeps_the_edit_aside(
        installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    banner = repo / ".orchestrator" / "runtime" / "hookpath" / "banner.py"
    pristine = banner.read_bytes()
    banner.write_bytes(pristine.replace(b'"""', b'"""  Reformatted by a tool.', 1))
    commit_all(repo, "a formatter touched the runtime")
    doctor_py = template / "runtime" / "commands" / "doctor.py"
    doctor_py.write_text(doctor_py.read_text() + "\n# v2\n")
    refresh_manifest(template / "runtime")
    commit_all(template, "v2")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    assert banner.read_bytes() == pristine
    assert (repo / ".orchestrator" / "runtime" / "commands" / "doctor.py").read_text().endswith("\n# v2\n")
    backup = repo / ".orchestrator" / "backup" / "runtime-v1" / "hookpath" / "banner.py"
    assert b"Reformatted by a tool." in backup.read_bytes()
    assert "saved in .orchestrator/backup/runtime-v1/ (hookpath/banner.py)" in output
    assert "<<<<<<<" not in banner.read_text()


def test_update_from_a_version_this_installation_does_not_carry(installed_at_v1: tuple[Path, Path]) -> None:
    """Set up from a tagged clone (v1), then updated with no --template: the bundled template has no v1."""
    _, repo = installed_at_v1
    result = runner.invoke(app, ["update", str(repo)])
    assert result.exit_code == 1
    assert_no_traceback(result.output)
    assert ("error: this repository uses template v1, which this installation does not carry; run "
            f"'session-orchestrator update --template {PUBLIC_SOURCE}'") in result.output


def test_every_message_in_the_troubleshooting_table_is_tested() -> None:
    """Each CLI message the user guide lists is asserted, in those words, by a test in this folder."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    section = guide.split("### Messages from `session-orchestrator`", 1)[1].split("\n\n", 3)[2]
    messages = re.findall(r"^\| `([^`]+)`", section, re.MULTILINE)
    assert len(messages) >= 12
    sources = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    for message in messages:
        text = message.removeprefix("error: ")  # test_init_errors_are_one_or_two_lines checks the prefix
        fragment = max(re.split(r"<[^>]+>|\.\.\.", text), key=len).strip()
        assert fragment in sources, f"no test asserts {message!r}"


# --- as a user runs it: a separate process, so the install step's own output is seen too -----------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run([sys.executable, "-m", "session_orchestrator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_malformed_settings_are_named_by_key_in_a_real_run(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_bytes(b'{"hooks": {"PreToolUse": {"matcher": "*"}}}\n')
    commit_all(repo, "settings")
    result = run_cli("init", str(repo), "--defaults", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert ("error: .claude/settings.json: hooks.PreToolUse: expected a list of hook groups; left untouched."
            in result.stderr)
    assert "error: the install step failed (its message is above)" in result.stderr
    assert settings.read_bytes() == b'{"hooks": {"PreToolUse": {"matcher": "*"}}}\n'


def test_update_prints_the_install_notes_once(installed_at_v1: tuple[Path, Path], tmp_path: Path) -> None:
    """Copier renders the template twice more in temporary copies during an update; only the real
    repository's install step speaks."""
    template, repo = installed_at_v1
    release(template, "v2", "## 5. Record the plan", "## 5. Record the agreed plan")
    result = run_cli("update", str(repo), "--template", str(template), "--vcs-ref", "v2", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("CLAUDE.md: Session Config present") == 1
    assert "created with a Session Config" not in result.stdout


def test_quiet_update_prints_no_progress(installed_at_v1: tuple[Path, Path], tmp_path: Path) -> None:
    template, repo = installed_at_v1
    release(template, "v2", "## 5. Record the plan", "## 5. Record the agreed plan")
    loud = run_cli("update", str(repo), "--template", str(template), "--vcs-ref", "v2", "--dry-run", cwd=tmp_path)
    quiet = run_cli("update", str(repo), "--template", str(template), "--vcs-ref", "v2", "--dry-run", "-q",
                    cwd=tmp_path)
    assert loud.returncode == quiet.returncode == 0
    assert "==> trying the update in a scratch clone" in loud.stderr
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_doctor_warns_when_the_answers_file_names_another_version(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    assert runner.invoke(app, ["init", str(repo), "--defaults"]).exit_code == 0
    from session_orchestrator.cli import run_runtime

    assert "records template" not in run_runtime(repo, "doctor").stdout
    path = repo / ANSWERS_FILE
    path.write_text(path.read_text().replace(f"_commit: v{runtime_version}", "_commit: v9.9.9"))
    report = run_runtime(repo, "doctor").stdout
    assert f"warn  runtime {runtime_version} but {ANSWERS_FILE} records template 9.9.9" in report
    version = run_runtime(repo, "--version")
    assert version.stdout.strip() == f"session-orchestrator runtime {runtime_version}"


def test_a_runtime_conflict_is_restored_not_left_for_the_user(installed_at_v1: tuple[Path, Path]) -> None:
    """The user and the template changed the same runtime line: Copier would leave markers in the
    runtime (and the hooks would break); update puts the new runtime in place and keeps the edit aside."""
    template, repo = installed_at_v1
    vendored = repo / ".orchestrator" / "runtime" / "__init__.py"
    vendored.write_text(vendored.read_text().replace("Standard library only:", "Standard library only (ours):"))
    commit_all(repo, "local runtime tweak")
    source = template / "runtime" / "__init__.py"
    source.write_text(source.read_text().replace("Standard library only:", "Standard library only, always:"))
    refresh_manifest(template / "runtime")
    commit_all(template, "v2")
    git(template, "tag", "v2")
    code, output = update(repo, template, "--vcs-ref", "v2")
    assert code == 0, output
    assert vendored.read_bytes() == source.read_bytes()
    assert "Standard library only (ours):" in (
        repo / ".orchestrator" / "backup" / "runtime-v1" / "__init__.py").read_text()
    assert "U" not in "".join(line[:2] for line in git(repo, "status", "--porcelain").splitlines())


def test_update_help_documents_the_exit_codes() -> None:
    result = runner.invoke(app, ["update", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Exit codes: 0 updated; 3 updated with conflicts to resolve; 1 failed" in text
    assert EXIT_CONFLICTS == 3
