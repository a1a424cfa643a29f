"""The harness against the real Pi coding agent: `pi -p --mode json` driven by the scripted fake model.

Real: the pinned Pi package, its project extension loading (a hand-written
TypeScript extension in the test's own repository, not our runtime), its prompt
templates, git and the files on disk. Scripted: only the model, over the OpenAI
Chat Completions wire.

Pi exits 0 even when an extension blocked a tool call, so every test asserts on
files and on what the model was sent.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.fake_model import first_user_texts, tool_result_text, tool_use_id
from tests.helpers import init_repo

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
