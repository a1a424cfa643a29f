"""The harness against the real Codex CLI: `codex exec` driven by the scripted fake model.

Real: the pinned Codex binary, its project hooks (a hand-written Python hook in
the test's own repository, not our runtime), its skill discovery, git and the
files on disk. Scripted: only the model, over the OpenAI Responses wire.

Codex exits 0 even when a hook blocked a command, so every test asserts on
files and on what the model was sent.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.e2e.fake_model import all_text, tool_result_text, tool_use_id
from tests.helpers import init_repo

# Denies any command that mentions BLOCKME, after writing down the payload Codex sent it.
_DENY_HOOK = textwrap.dedent('''\
    import json, sys
    payload = json.load(sys.stdin)
    with open(".codex/hooks/seen.jsonl", "a") as log:
        log.write(json.dumps(payload) + "\\n")
    if "BLOCKME" in payload.get("tool_input", {}).get("command", ""):
        sys.stderr.write("DENIED_BY_TEST_HOOK: BLOCKME commands are not allowed")
        sys.exit(2)
    ''')


def _offered_tools(request: dict) -> list[str]:
    return [t.get("name", "") for t in request.get("tools", [])]


def test_shell_call_runs_and_its_output_reaches_the_model(tmp_path: Path, run_codex) -> None:
    repo = init_repo(tmp_path / "repo")
    run = run_codex(repo, "make the file", {"steps": [
        {"shell": "echo hello > out.txt && echo SHELL_OUTPUT_MARKER"}, {"text": "done"}]})
    assert (repo / "out.txt").read_text() == "hello\n", run.describe()
    assert "exec_command" in _offered_tools(run.requests[0])
    output = tool_result_text(run.requests, tool_use_id(0))
    assert "SHELL_OUTPUT_MARKER" in output, run.describe()
    assert "Process exited with code 0" in output
    assert any(e.get("type") == "turn.completed" for e in run.events), run.describe()


def _repo_with_deny_hook(repo: Path) -> Path:
    (repo / ".codex" / "hooks").mkdir(parents=True)
    (repo / ".codex" / "hooks" / "deny.py").write_text(_DENY_HOOK)
    hooks = {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "python3 .codex/hooks/deny.py"}]}]}}
    (repo / ".codex" / "hooks.json").write_text(json.dumps(hooks))
    (repo / "keep.txt").write_text("precious\n")
    return init_repo(repo)


def test_project_pre_tool_use_hook_denies_and_the_reason_reaches_the_model(tmp_path: Path, run_codex) -> None:
    repo = _repo_with_deny_hook(tmp_path / "repo")
    # `rm` without -f: Codex's own safety layer lets it through, so only the hook can stop it.
    run = run_codex(repo, "clean up", {"steps": [
        {"shell": "echo BLOCKME && rm keep.txt"}, {"shell": "echo allowed > allowed.txt"}, {"text": "done"}]})
    assert (repo / "keep.txt").read_text() == "precious\n", run.describe()
    assert (repo / "allowed.txt").exists(), "the hook must stop only what it denies\n" + run.describe()
    blocked = tool_result_text(run.requests, tool_use_id(0))
    assert "Command blocked by PreToolUse hook" in blocked, run.describe()
    assert "DENIED_BY_TEST_HOOK: BLOCKME commands are not allowed" in blocked
    seen = [json.loads(line) for line in (repo / ".codex" / "hooks" / "seen.jsonl").read_text().splitlines()]
    # exec_command{cmd} is reported to hooks in Claude's shape: tool Bash, input {command}
    assert seen[0]["hook_event_name"] == "PreToolUse"
    assert seen[0]["tool_name"] == "Bash"
    assert seen[0]["tool_input"] == {"command": "echo BLOCKME && rm keep.txt"}
    assert len(seen) == 2


@pytest.mark.parametrize("gate", ["trust_project", "trust_hooks"])
def test_a_closed_trust_gate_skips_project_hooks_silently(gate: str, tmp_path: Path, run_codex) -> None:
    """Pins the trap users fall into: with either gate closed the hook never runs and the command does."""
    repo = _repo_with_deny_hook(tmp_path / "repo")
    run = run_codex(repo, "clean up", {"steps": [{"shell": "echo BLOCKME && rm keep.txt"}, {"text": "done"}]},
                    **{gate: False})
    assert not (repo / ".codex" / "hooks" / "seen.jsonl").exists(), run.describe()
    assert not (repo / "keep.txt").exists(), run.describe()
    assert "blocked" not in tool_result_text(run.requests, tool_use_id(0))
    assert run.returncode == 0


def test_agents_md_and_skill_are_sent_and_dollar_mention_injects_the_skill(tmp_path: Path, run_codex) -> None:
    repo = tmp_path / "repo"
    skill = repo / ".agents" / "skills" / "zebra-notes"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: zebra-notes\ndescription: ZEBRA_DESCRIPTION_MARKER keeps striped notes\n---\n\n"
        "ZEBRA_BODY_MARKER: write the notes in stripes. ARGS=[$ARGUMENTS]\n")
    (repo / "AGENTS.md").write_text("AGENTS_MD_MARKER: run the tests before you commit.\n")
    init_repo(repo)

    listed = run_codex(repo, "hello", {"steps": [{"text": "done"}]})
    assert "# AGENTS.md instructions for" in all_text(listed.requests), listed.describe()
    assert "AGENTS_MD_MARKER: run the tests before you commit." in all_text(listed.requests)
    sent = json.dumps(listed.requests[0])
    assert "zebra-notes" in sent and "ZEBRA_DESCRIPTION_MARKER keeps striped notes" in sent, listed.describe()
    assert "ZEBRA_BODY_MARKER" not in sent  # bodies are not sent up front

    invoked = run_codex(repo, "$zebra-notes please", {"steps": [{"text": "done"}]})
    text = all_text(invoked.requests)
    assert "$zebra-notes please" in text, invoked.describe()
    # The whole file (frontmatter too) arrives in a <skill> message; arguments are not substituted.
    assert "<skill>\n<name>zebra-notes</name>" in text, invoked.describe()
    assert "ZEBRA_BODY_MARKER: write the notes in stripes. ARGS=[$ARGUMENTS]" in text, invoked.describe()


def test_custom_prompt_is_not_expanded_by_codex_exec(tmp_path: Path, run_codex) -> None:
    """Pins a limit the platform rendering must design around: `/name` stays literal in `codex exec`."""
    repo = tmp_path / "repo"
    (repo / ".codex" / "prompts").mkdir(parents=True)
    (repo / ".codex" / "prompts" / "tidy.md").write_text("PROMPT_BODY_MARKER: tidy $ARGUMENTS\n")
    init_repo(repo)
    run = run_codex(repo, "/tidy now", {"steps": [{"text": "done"}]})
    text = all_text(run.requests)
    assert "/tidy now" in text, run.describe()
    assert "PROMPT_BODY_MARKER" not in text


def test_codex_refuses_rm_rf_on_its_own(tmp_path: Path, run_codex) -> None:
    """Why hook tests block a marker command: Codex's built-in policy already stops `rm -rf`, hook or not."""
    repo = tmp_path / "repo"
    (repo / "doomed").mkdir(parents=True)
    (repo / "doomed" / "file.txt").write_text("still here\n")
    init_repo(repo)
    run = run_codex(repo, "clean up", {"steps": [{"shell": "rm -rf doomed"}, {"text": "done"}]})
    assert (repo / "doomed" / "file.txt").read_text() == "still here\n", run.describe()
    assert "rm -f style commands are not permitted" in tool_result_text(run.requests, tool_use_id(0)), run.describe()


# --- The rendered template under the real Codex CLI --------------------------------------------------
#
# From here on the repository is the bundled example with the template rendered for Codex CLI, and
# CODEX_HOME is trusted the way a user trusts it: the project marked trusted, then each project
# hook's current hash recorded (what Codex's `/hooks` review writes). No trust-bypass flag is passed,
# so a hook that Codex would skip for a real user is skipped here too.

_PATCH = "*** Begin Patch\n*** Update File: {path}\n@@\n{old}\n{new}\n*** End Patch\n"


def _patch_command(path: str, old: str, new: str) -> str:
    """An apply_patch call as the model makes it through Codex's shell; Codex intercepts and applies it."""
    body = _PATCH.format(path=path, old="\n".join("-" + line for line in old.splitlines()),
                         new="\n".join("+" + line for line in new.splitlines()))
    return f"apply_patch <<'PATCH'\n{body}PATCH\n"


@pytest.fixture(scope="session")
def codex_rendered_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository rendered once for Codex CLI alone, committed; tests get copies."""
    from tests.helpers import commit_all, copy_example, render

    repo = render(copy_example(tmp_path_factory.mktemp("codex-rendered") / "calc"), platforms=["codex"])
    commit_all(repo, "Add session-orchestrator for Codex CLI")
    return repo


@pytest.fixture
def codex_repo(codex_rendered_original: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(codex_rendered_original, tmp_path / "calc", symlinks=True))


@pytest.fixture
def trusted_home(codex_bin: Path, codex_repo: Path, tmp_path: Path) -> Path:
    """A CODEX_HOME in which the user has trusted this project and reviewed its hooks."""
    from tests.e2e.runners import trust_like_a_user

    home = tmp_path / "user-home" / ".codex"
    hooks = trust_like_a_user(codex_bin, home, codex_repo)
    ours = {h["eventName"]: h for h in hooks if h["source"] == "project"}
    assert set(ours) == {"preToolUse", "sessionStart"}, hooks
    assert all(h["trustStatus"] == "trusted" for h in ours.values()), hooks
    assert ".orchestrator/runtime/__main__.py\" hook codex pre-tool-use" in ours["preToolUse"]["command"]
    return home


def _trusted_run(run_codex, repo: Path, home: Path, prompt: str, steps: list[dict]) -> object:
    return run_codex(repo, prompt, {"steps": steps}, trust_project=False, trust_hooks=False, codex_home=home)


def test_rendered_skill_reaches_the_model_when_mentioned(codex_repo: Path, trusted_home: Path, run_codex) -> None:
    run = _trusted_run(run_codex, codex_repo, trusted_home, "$session feature", [{"text": "understood"}])
    text = all_text(run.requests)
    assert "<skill>\n<name>session</name>" in text, run.describe()
    assert str(codex_repo / ".agents" / "skills" / "session" / "SKILL.md") in text
    canonical = (Path(__file__).parents[2] / "template" / "_canonical" / "commands" / "session.md").read_text()
    assert "## 2. Research" in canonical and "## 2. Research" in text  # the canonical body, rendered
    assert "python3 -S .orchestrator/runtime session status" in text



def test_user_only_commands_are_hidden_from_the_model_but_run_when_mentioned(codex_repo: Path, trusted_home: Path,
                                                                             run_codex) -> None:
    """`agents/openai.yaml` (allow_implicit_invocation: false) next to a user-only command's skill keeps
    Codex from offering it to the model, as Claude's disable-model-invocation does; `$close` still runs it."""
    listed = json.dumps(_trusted_run(run_codex, codex_repo, trusted_home, "hello", [{"text": "hi"}]).requests[0])
    assert "session/SKILL.md" in listed and "Start a working session" in listed
    assert "close/SKILL.md" not in listed and "Close the session" not in listed
    run = _trusted_run(run_codex, codex_repo, trusted_home, "$close", [{"text": "closing"}])
    text = all_text(run.requests)
    assert "<skill>\n<name>close</name>" in text, run.describe()
    assert "python3 -S .orchestrator/runtime session close" in text


def test_session_banner_reaches_the_model(codex_repo: Path, trusted_home: Path, run_codex) -> None:
    run = _trusted_run(run_codex, codex_repo, trusted_home, "hello", [{"text": "hi"}])
    text = all_text(run.requests)
    assert "[session-orchestrator]" in text, run.describe()
    assert "branch: main" in text
    assert "start one with $session [housekeeping|feature|deep]" in text  # in Codex's own command form


def test_guard_denies_rm_rf_through_codex_hook_and_the_files_survive(codex_repo: Path, trusted_home: Path,
                                                                     run_codex) -> None:
    """Codex also refuses `rm -rf` on its own, after the hooks: the reason the model gets is ours."""
    files = sorted(p.name for p in (codex_repo / "src" / "calc").iterdir())
    run = _trusted_run(run_codex, codex_repo, trusted_home, "tidy", [{"shell": "rm -rf src"}, {"text": "ok"}])
    result = tool_result_text(run.requests, tool_use_id(0))
    assert "Command blocked by PreToolUse hook" in result, run.describe()
    assert "session-orchestrator blocked this command (rule rm-recursive-force)" in result
    assert sorted(p.name for p in (codex_repo / "src" / "calc").iterdir()) == files


def test_guard_denies_a_command_codex_itself_would_run(codex_repo: Path, trusted_home: Path, run_codex) -> None:
    """`git reset --hard` passes Codex's own policy: only our hook stands between it and the work."""
    from tests.helpers import git

    ops = codex_repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text() + "\n# uncommitted work\n")
    run = _trusted_run(run_codex, codex_repo, trusted_home, "reset",
                       [{"shell": "git reset --hard HEAD"}, {"text": "ok"}])
    result = tool_result_text(run.requests, tool_use_id(0))
    assert "rule git-reset-hard" in result, run.describe()
    assert "# uncommitted work" in ops.read_text()
    assert git(codex_repo, "status", "--porcelain").strip() == "M src/calc/ops.py"


def test_untrusted_hooks_are_skipped_which_is_what_doctor_warns_about(codex_repo: Path, run_codex,
                                                                       tmp_path: Path) -> None:
    """The control for the tests above: trust only the project, not the hooks, and our guard never runs."""
    from tests.helpers import git

    home = tmp_path / "half-trusted" / ".codex"
    home.mkdir(parents=True)
    (home / "config.toml").write_text(f'[projects."{codex_repo.resolve()}"]\ntrust_level = "trusted"\n')
    ops = codex_repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text() + "\n# uncommitted work\n")
    run = _trusted_run(run_codex, codex_repo, home, "reset", [{"shell": "git reset --hard HEAD"}, {"text": "ok"}])
    assert "blocked" not in tool_result_text(run.requests, tool_use_id(0)), run.describe()
    assert "# uncommitted work" not in ops.read_text()
    assert git(codex_repo, "status", "--porcelain").strip() == ""


def _strict_wave(repo: Path) -> None:
    """Strict enforcement and an Impl-Core wave allowed to change only src/calc/ops.py (the shape
    `wave start` writes)."""
    agents_md = repo / "AGENTS.md"
    agents_md.write_text(agents_md.read_text().replace("- enforcement: warn", "- enforcement: strict"))
    scope = repo / ".orchestrator" / "state" / "scope.json"
    scope.parent.mkdir(parents=True, exist_ok=True)
    scope.write_text(json.dumps({"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": "strict",
                                 "allowed": ["src/calc/ops.py"], "read_only": False}))


def test_strict_scope_denies_an_out_of_scope_patch_and_the_file_is_unchanged(codex_repo: Path, trusted_home: Path,
                                                                            run_codex) -> None:
    _strict_wave(codex_repo)
    readme = codex_repo / "README.md"
    before = readme.read_bytes()
    first = before.decode().splitlines()[0]
    run = _trusted_run(run_codex, codex_repo, trusted_home, "retitle",
                       [{"shell": _patch_command("README.md", first, "# Retitled")}, {"text": "ok"}])
    result = tool_result_text(run.requests, tool_use_id(0))
    assert "Command blocked by PreToolUse hook" in result, run.describe()
    assert "session-orchestrator scope (strict): Blocked" in result and "README.md" in result
    assert readme.read_bytes() == before


def test_strict_scope_lets_an_in_scope_patch_through(codex_repo: Path, trusted_home: Path, run_codex) -> None:
    """The control: the same kind of patch on the wave's own file is applied by Codex."""
    _strict_wave(codex_repo)
    ops = codex_repo / "src" / "calc" / "ops.py"
    first = ops.read_text().splitlines()[0]
    run = _trusted_run(run_codex, codex_repo, trusted_home, "edit ops",
                       [{"shell": _patch_command("src/calc/ops.py", first, first + "  # patched")}, {"text": "ok"}])
    assert ops.read_text().splitlines()[0] == first + "  # patched", run.describe()
    assert "blocked" not in tool_result_text(run.requests, tool_use_id(0)).lower()


def test_doctor_reads_trust_the_way_codex_records_it(codex_repo: Path, trusted_home: Path, tmp_path: Path,
                                                     codex_bin: Path) -> None:
    """doctor's reading of CODEX_HOME/config.toml, checked against the real Codex's own verdict: trusted
    as Codex lists it reads as ok, and a home where Codex lists the hooks as untrusted reads as a failure."""
    from tests.e2e.runners import codex_hooks
    from tests.helpers import runtime

    trusted = runtime(codex_repo, "doctor", env={"CODEX_HOME": str(trusted_home)})
    assert "ok    Codex CLI: Codex trusts this project" in trusted.stdout, trusted.stdout
    assert "ok    Codex CLI: hook trust recorded for 2 hooks" in trusted.stdout

    half = tmp_path / "half" / ".codex"
    half.mkdir(parents=True)
    (half / "config.toml").write_text(f'[projects."{codex_repo.resolve()}"]\ntrust_level = "trusted"\n')
    assert {h["trustStatus"] for h in codex_hooks(codex_bin, half, codex_repo) if h["source"] == "project"} == {
        "untrusted"}
    untrusted = runtime(codex_repo, "doctor", env={"CODEX_HOME": str(half)})
    assert untrusted.returncode == 1
    assert "FAIL  Codex CLI: hooks not trusted in Codex (pre_tool_use, session_start)" in untrusted.stdout


# A model Codex has metadata for gets the apply_patch tool itself (a freeform tool): the hook then sees
# `tool_name: "apply_patch"` with the patch text as `command`.
_PATCH_TOOL_MODEL = ("-c", "model=gpt-5.5")


def _patch_tool_run(run_codex, repo: Path, home: Path, patch: str) -> object:
    return run_codex(repo, "patch it", {"steps": [{"custom_tool": "apply_patch", "input": patch}, {"text": "ok"}]},
                     trust_project=False, trust_hooks=False, codex_home=home, extra_args=_PATCH_TOOL_MODEL)


@pytest.mark.parametrize(("extra", "outside"), [
    ("*** Delete File: README.md\n", "README.md"),
    ("*** Add File: docs/new.md\n+new\n", "docs/new.md"),
    (None, "src/calc/renamed.py"),
], ids=["delete", "add", "move"])
def test_strict_scope_checks_every_file_of_an_apply_patch_tool_call(extra: str | None, outside: str, codex_repo: Path,
                                                                    trusted_home: Path, run_codex) -> None:
    """An update of the wave's own file plus one out-of-scope delete or add, or a move of that file out
    of scope: the whole patch is denied, the reason names the outside file, and nothing changes."""
    _strict_wave(codex_repo)
    ops = codex_repo / "src" / "calc" / "ops.py"
    before = {p: p.read_bytes() for p in (ops, codex_repo / "README.md")}
    first = ops.read_text().splitlines()[0]
    move = f"*** Move to: {outside}\n" if extra is None else ""
    patch = (f"*** Begin Patch\n*** Update File: src/calc/ops.py\n{move}@@\n-{first}\n+{first}  # patched\n"
             f"{extra or ''}*** End Patch\n")
    run = _patch_tool_run(run_codex, codex_repo, trusted_home, patch)
    assert "apply_patch" in [t.get("name") for t in run.requests[0].get("tools", [])], run.describe()
    result = tool_result_text(run.requests, tool_use_id(0))
    assert "session-orchestrator scope (strict): Blocked" in result, run.describe()
    assert outside in result
    assert {p: p.read_bytes() for p in before} == before
    assert not (codex_repo / outside).exists() or outside == "README.md"


def test_strict_scope_lets_an_in_scope_apply_patch_tool_call_through(codex_repo: Path, trusted_home: Path,
                                                                     run_codex) -> None:
    _strict_wave(codex_repo)
    ops = codex_repo / "src" / "calc" / "ops.py"
    first = ops.read_text().splitlines()[0]
    patch = f"*** Begin Patch\n*** Update File: src/calc/ops.py\n@@\n-{first}\n+{first}  # patched\n*** End Patch\n"
    run = _patch_tool_run(run_codex, codex_repo, trusted_home, patch)
    assert ops.read_text().splitlines()[0] == first + "  # patched", run.describe()
