"""The harness against the real Pi coding agent: `pi -p --mode json` driven by the scripted fake model.

Real: the pinned Pi package, its project extension loading (a hand-written
TypeScript extension in the test's own repository, not our runtime), its prompt
templates, git and the files on disk. Scripted: only the model, over the OpenAI
Chat Completions wire.

Pi exits 0 even when an extension blocked a tool call, so every test asserts on
files and on what the model was sent.
"""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.fake_model import first_user_texts, tool_result_text, tool_use_id
from tests.helpers import ROOT, init_repo

# Blocks any bash command that mentions BLOCKME, after writing down what Pi handed it.
_BLOCK_EXTENSION = """\
import { appendFileSync } from "node:fs";

export default function (pi: any) {
  pi.on("tool_call", async (event: any) => {
    appendFileSync(".pi/seen.jsonl", JSON.stringify({ toolName: event.toolName, input: event.input }) + "\\n");
    if (event.toolName === "bash" && String(event.input.command ?? "").includes("BLOCKME")) {
      return { block: true, reason: "BLOCKED_BY_TEST_EXTENSION: BLOCKME commands are not allowed" };
    }
  });
}
"""


def _offered_tools(request: dict) -> list[str]:
    return [t.get("function", {}).get("name", "") for t in request.get("tools", [])]


def test_bash_call_runs_and_its_output_reaches_the_model(tmp_path: Path, run_pi) -> None:
    repo = init_repo(tmp_path / "repo")
    run = run_pi(repo, "make the file", {"steps": [
        {"shell": "echo hello > out.txt && echo SHELL_OUTPUT_MARKER"}, {"text": "done"}]})
    assert (repo / "out.txt").read_text() == "hello\n", run.describe()
    assert "bash" in _offered_tools(run.requests[0])
    assert tool_result_text(run.requests, tool_use_id(0)).strip() == "SHELL_OUTPUT_MARKER", run.describe()
    assert any(e.get("type") == "agent_end" for e in run.events), run.describe()


def test_project_extension_blocks_and_the_reason_reaches_the_model(tmp_path: Path, run_pi) -> None:
    repo = tmp_path / "repo"
    (repo / ".pi" / "extensions").mkdir(parents=True)
    (repo / ".pi" / "extensions" / "block.ts").write_text(_BLOCK_EXTENSION)
    (repo / "keep.txt").write_text("precious\n")
    init_repo(repo)
    run = run_pi(repo, "clean up", {"steps": [
        {"shell": "echo BLOCKME && rm keep.txt"}, {"shell": "echo allowed > allowed.txt"}, {"text": "done"}]})
    assert (repo / "keep.txt").read_text() == "precious\n", run.describe()
    assert (repo / "allowed.txt").exists(), "the extension must stop only what it blocks\n" + run.describe()
    blocked = tool_result_text(run.requests, tool_use_id(0))
    assert blocked == "BLOCKED_BY_TEST_EXTENSION: BLOCKME commands are not allowed", run.describe()
    seen = [json.loads(line) for line in (repo / ".pi" / "seen.jsonl").read_text().splitlines()]
    assert seen == [{"toolName": "bash", "input": {"command": "echo BLOCKME && rm keep.txt"}},
                    {"toolName": "bash", "input": {"command": "echo allowed > allowed.txt"}}]


def test_prompt_template_is_expanded_before_it_reaches_the_model(tmp_path: Path, run_pi) -> None:
    repo = tmp_path / "repo"
    (repo / ".pi" / "prompts").mkdir(parents=True)
    (repo / ".pi" / "prompts" / "tidy.md").write_text(
        "---\ndescription: DESCRIPTION_MARKER tidy things\n---\nPROMPT_BODY_MARKER: tidy [$1] then [$ARGUMENTS]\n")
    init_repo(repo)
    run = run_pi(repo, "/tidy alpha beta", {"steps": [{"text": "done"}]})
    texts = first_user_texts(run.requests)
    assert [t.strip() for t in texts] == ["PROMPT_BODY_MARKER: tidy [alpha] then [alpha beta]"], run.describe()
    assert "DESCRIPTION_MARKER" not in json.dumps(run.requests)


def test_agents_md_and_skills_reach_the_system_prompt_and_skill_command_injects(tmp_path: Path, run_pi) -> None:
    repo = tmp_path / "repo"
    skill = repo / ".agents" / "skills" / "zebra-notes"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: zebra-notes\ndescription: ZEBRA_DESCRIPTION_MARKER keeps striped notes\n---\n\n"
        "ZEBRA_BODY_MARKER: write the notes in stripes.\n")
    (repo / "AGENTS.md").write_text("AGENTS_MD_MARKER: run the tests before you commit.\n")
    init_repo(repo)
    run = run_pi(repo, "/skill:zebra-notes go", {"steps": [{"text": "done"}]})
    system = "\n".join(str(m.get("content")) for m in run.requests[0]["messages"] if m.get("role") == "system")
    assert "AGENTS_MD_MARKER" in system, run.describe()
    assert "zebra-notes" in system and "ZEBRA_DESCRIPTION_MARKER keeps striped notes" in system
    assert "ZEBRA_BODY_MARKER" not in system  # only the listing is sent up front
    user = "\n".join(first_user_texts(run.requests))
    assert '<skill name="zebra-notes"' in user, run.describe()
    assert "ZEBRA_BODY_MARKER: write the notes in stripes." in user
    assert user.rstrip().endswith("go")


# --- the rendered template in a real Pi session -------------------------------------------------
#
# Real: Copier's render of this template for `platforms: [pi]`, the extension it installs in
# .pi/extensions/, the vendored runtime the extension runs, the pinned Pi loading all of it.
# Scripted: only the model.


def _system(run) -> str:
    return "\n".join(str(m.get("content")) for m in run.requests[0]["messages"] if m.get("role") == "system")


def _direct_reason(repo: Path, tool: str, tool_input: dict) -> str:
    """What the vendored runtime answers for this call when asked without Pi in between."""
    payload = {"event": "tool_call", "session_id": "direct", "cwd": str(repo), "toolName": tool,
               "toolCallId": "direct", "input": tool_input}
    out = subprocess.run(["python3", "-S", ".orchestrator/runtime", "hook", "pi", "pre-tool-use"], cwd=repo,
                         input=json.dumps(payload), capture_output=True, text=True, check=True)
    answer = json.loads(out.stdout)
    assert answer["block"] is True, answer
    return str(answer["reason"])


def _rendered(tmp_path: Path, **answers: object) -> Path:
    from tests.helpers import commit_all, copy_example, render

    repo = render(copy_example(tmp_path / "calc"), platforms=["pi"], **answers)
    commit_all(repo, "render the template for Pi")
    return repo


def test_rendered_session_prompt_reaches_the_model_with_its_argument(tmp_path: Path, run_pi) -> None:
    repo = _rendered(tmp_path)
    run = run_pi(repo, "/session deep", {"steps": [{"text": "done"}]})
    user = "\n".join(first_user_texts(run.requests))
    assert user.startswith("# Start a working session"), run.describe()
    assert "Session type requested: `deep`" in user, "Pi substitutes $ARGUMENTS in the rendered prompt"
    assert "python3 -S .orchestrator/runtime session status" in user
    assert "numbered list" in user and "AskUserQuestion" not in user, "Pi has no question tool"
    system = _system(run)
    assert "## Session Config" in system, "AGENTS.md reaches the system prompt"
    import yaml

    catalog = yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text())["catalog"]["default"]
    for agent in catalog["agents"]:  # the agents are skills: listed by name and description, bodies on demand
        assert f"<name>{agent['name']}</name>" in system, f"the {agent['name']} skill is listed\n{system[-2000:]}"
        assert " ".join(agent["description"].split()) in html.unescape(system)  # Pi escapes it as XML


def test_the_banner_reaches_the_model_through_the_extension(tmp_path: Path, run_pi) -> None:
    repo = _rendered(tmp_path)
    run = run_pi(repo, "hello", {"steps": [{"text": "done"}]})
    system = _system(run)
    assert "[session-orchestrator]" in system, run.describe()
    assert "could not be loaded" not in system, system[-600:]


def test_the_guard_denies_rm_rf_through_the_extension_and_the_files_survive(tmp_path: Path, run_pi) -> None:
    repo = _rendered(tmp_path)
    run = run_pi(repo, "clean up", {"steps": [
        {"shell": "rm -rf src tests"}, {"shell": "echo allowed > allowed.txt"}, {"text": "done"}]})
    assert (repo / "src").is_dir() and (repo / "tests").is_dir(), run.describe()
    assert (repo / "allowed.txt").read_text() == "allowed\n", "an ordinary command still runs\n" + run.describe()
    reason = tool_result_text(run.requests, tool_use_id(0))
    assert reason == _direct_reason(repo, "bash", {"command": "rm -rf src tests"}), run.describe()
    telemetry = (repo / ".orchestrator" / "metrics" / "events.jsonl")
    assert telemetry.is_file() and "guard.denied" in telemetry.read_text(), "the runtime made the decision"


def test_strict_edit_scope_denies_an_out_of_scope_write_and_the_file_is_unchanged(tmp_path: Path, run_pi) -> None:
    repo = _rendered(tmp_path, enforcement="strict")
    scope = repo / ".orchestrator" / "state" / "scope.json"  # an Impl-Core wave, as `wave start` writes it
    scope.parent.mkdir(parents=True, exist_ok=True)
    scope.write_text(json.dumps({"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": "strict",
                                 "allowed": ["src/calc/ops.py"], "read_only": False}), encoding="utf-8")
    before = (repo / "README.md").read_text()
    run = run_pi(repo, "edit", {"steps": [
        {"tool": "write", "input": {"path": "README.md", "content": "overwritten\n"}},
        {"tool": "write", "input": {"path": "src/calc/ops.py", "content": "# in scope\n"}},
        {"text": "done"}]})
    assert (repo / "README.md").read_text() == before, run.describe()
    assert (repo / "src" / "calc" / "ops.py").read_text() == "# in scope\n", "the in-scope write goes through"
    reason = tool_result_text(run.requests, tool_use_id(0))
    assert "README.md" in reason and "scope (strict)" in reason, reason
    assert reason == _direct_reason(repo, "write", {"path": "README.md", "content": "overwritten\n"})


def test_warn_scope_lets_the_write_through_and_the_warning_reaches_the_model(tmp_path: Path, run_pi) -> None:
    repo = _rendered(tmp_path, enforcement="warn")
    scope = repo / ".orchestrator" / "state" / "scope.json"
    scope.parent.mkdir(parents=True, exist_ok=True)
    scope.write_text(json.dumps({"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": "warn",
                                 "allowed": ["src/calc/ops.py"], "read_only": False}), encoding="utf-8")
    run = run_pi(repo, "edit", {"steps": [
        {"tool": "write", "input": {"path": "README.md", "content": "rewritten\n"}}, {"text": "done"}]})
    assert (repo / "README.md").read_text() == "rewritten\n", run.describe()
    result = tool_result_text(run.requests, tool_use_id(0))
    assert "scope (warn)" in result and "README.md" in result, result


def _break_missing(repo: Path) -> None:
    (repo / ".orchestrator" / "runtime").rename(repo / ".orchestrator" / "runtime-moved")


def _break_garbled(repo: Path) -> None:
    (repo / ".orchestrator" / "runtime" / "__main__.py").write_text("print('not json')\n")


@pytest.mark.parametrize("breakage", [_break_missing, _break_garbled], ids=["runtime-missing", "garbled-answer"])
def test_when_the_runtime_cannot_answer_shell_commands_are_blocked_with_the_cause(
        tmp_path: Path, run_pi, breakage) -> None:
    """The extension's own failure path: no answer is never an allow for a shell command."""
    repo = _rendered(tmp_path)
    breakage(repo)
    run = run_pi(repo, "clean up", {"steps": [
        {"shell": "rm -rf src"}, {"tool": "write", "input": {"path": "notes.txt", "content": "kept\n"}},
        {"text": "done"}]})
    assert (repo / "src" / "calc" / "ops.py").is_file(), run.describe()
    reason = tool_result_text(run.requests, tool_use_id(0))
    assert "the guard could not judge this call" in reason and "blocked" in reason, reason
    assert "doctor" in reason, "the reason says how to find the cause"
    # a write is not destructive by itself: it goes ahead, and the model is told the guard is down
    assert (repo / "notes.txt").read_text() == "kept\n", run.describe()
    assert "could not judge" in tool_result_text(run.requests, tool_use_id(1))
    assert "could not be loaded" in _system(run), "the missing banner says why"


def test_the_recorded_fixtures_have_the_shape_the_extension_sends(tmp_path: Path, run_pi) -> None:
    """tests/fixtures/payloads/pi/ must stay what the extension really hands the runtime: here the
    vendored runtime is swapped for a recorder, and Pi's real calls are compared with the fixtures."""
    repo = _rendered(tmp_path)
    log = tmp_path / "payloads.jsonl"
    (repo / ".orchestrator" / "runtime" / "__main__.py").write_text(
        "import json, sys\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps({'argv': sys.argv[1:], 'payload': json.load(sys.stdin)}) + '\\n')\n")
    fixtures = ROOT / "tests" / "fixtures" / "payloads" / "pi"
    recorded = {name: json.loads((fixtures / name).read_text()) for name in ("bash.json", "edit.json", "write.json")}
    # the fixtures' absolute paths name another machine: replay them inside the repository
    replay = {name: {**p, "input": {**p["input"], "path": str(repo / Path(p["input"]["path"]).name)}}
              if Path(p["input"].get("path", "")).is_absolute() else p for name, p in recorded.items()}
    run_pi(repo, "go", {"steps": [*({"tool": p["toolName"], "input": p["input"]} for p in replay.values()),
                                  {"text": "done"}]})
    seen = [json.loads(line) for line in log.read_text().splitlines()]
    assert [s["argv"] for s in seen] == [["hook", "pi", "session-start"]] + [["hook", "pi", "pre-tool-use"]] * 3
    start = json.loads((fixtures / "session-start.json").read_text())
    assert set(seen[0]["payload"]) == set(start) and seen[0]["payload"]["reason"] == start["reason"]
    for got, want in zip([s["payload"] for s in seen[1:]], replay.values(), strict=True):
        assert set(got) == set(want)
        assert (got["event"], got["toolName"], got["input"]) == (want["event"], want["toolName"], want["input"])
        assert got["session_id"] == seen[0]["payload"]["session_id"], "one session id for the whole run"


def test_a_runtime_that_does_not_answer_in_time_blocks_the_shell_command(tmp_path: Path, run_pi) -> None:
    """The extension waits the hook timeout (30 s, the data's hook_timeout) and then blocks; this
    test takes that long on purpose, since a shorter wait would not be the shipped extension."""
    repo = _rendered(tmp_path)
    (repo / ".orchestrator" / "runtime" / "__main__.py").write_text(
        "import sys, time\n"
        "if 'pre-tool-use' in sys.argv and '\"bash\"' in sys.stdin.read():\n"
        "    time.sleep(90)\n")
    run = run_pi(repo, "clean up", {"steps": [{"shell": "rm -rf src"}, {"text": "done"}]})
    assert (repo / "src" / "calc" / "ops.py").is_file(), run.describe()
    reason = tool_result_text(run.requests, tool_use_id(0))
    assert "no answer within 30 s" in reason and "blocked" in reason, reason


def test_beside_codex_pi_lists_each_command_once(tmp_path: Path, run_pi) -> None:
    """Codex CLI's command skills live in `.agents/skills`, which Pi lists too: `.pi/settings.json`
    hides exactly those, so Pi offers each command once (as its own prompt), while a skill of the
    user's own in `.agents/skills` and our agent skills stay listed."""
    from tests.helpers import commit_all, copy_example, render

    repo = render(copy_example(tmp_path / "calc"), platforms=["codex", "pi"])
    own = repo / ".agents" / "skills" / "zebra-notes"
    own.mkdir(parents=True)
    (own / "SKILL.md").write_text("---\nname: zebra-notes\ndescription: Notes about zebras.\n---\nZebras.\n")
    commit_all(repo, "render for Codex CLI and Pi")
    assert (repo / ".agents" / "skills" / "session" / "SKILL.md").is_file()
    run = run_pi(repo, "/session deep", {"steps": [{"text": "done"}]})
    assert "\n".join(first_user_texts(run.requests)).startswith("# Start a working session"), run.describe()
    system = _system(run)
    assert "<name>zebra-notes</name>" in system and "<name>explorer</name>" in system, system[-2000:]
    for command in ("session", "go", "close", "plan", "evolve", "reconcile"):
        assert f"<name>{command}</name>" not in system, f"{command} is listed as a skill too\n{system[-2000:]}"


def test_an_untrusted_project_runs_without_the_guard_until_it_is_trusted(tmp_path: Path, run_pi) -> None:
    """The README's one-time step for Pi 0.79+: without a trust decision, print mode loads nothing
    from `.pi/` (no banner, no guard) and says nothing; `--approve` trusts it for one run, and the
    saved decision that every other test here writes (`runners.trust_pi_project`, the shape doctor
    reads) trusts it for good."""
    repo = _rendered(tmp_path)
    untrusted = run_pi(repo, "hello", {"steps": [{"text": "done"}]}, trust=None)
    system = _system(untrusted)
    assert "## Session Config" in system, "AGENTS.md is read either way"
    assert "[session-orchestrator]" not in system, "no extension without trust\n" + system[-600:]
    approved = run_pi(repo, "hello", {"steps": [{"text": "done"}]}, trust="approve")
    assert "[session-orchestrator]" in _system(approved), approved.describe()
    saved = run_pi(repo, "hello", {"steps": [{"text": "done"}]})
    assert "[session-orchestrator]" in _system(saved), saved.describe()

