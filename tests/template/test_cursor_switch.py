"""Changing the `platforms` answer with a real `copier update` adds and removes exactly Cursor's part.

A tagged clone of this template and a real git repository that already has its own
`.cursor/hooks.json` (one entry of the user's): Claude Code first, then Claude Code
and Cursor, then Claude Code again. Nothing is mocked.
"""

from __future__ import annotations

import json
from pathlib import Path

from copier import run_copy, run_update

from session_orchestrator.template import ANSWERS_FILE
from tests.helpers import commit_all, copy_example, git, tagged_template

USER_HOOKS = b'{\n  "version": 1,\n  "hooks": {\n    "afterFileEdit": [{"command": "./.cursor/fmt.sh"}]\n  }\n}\n'
CURSOR_FILES = {".cursor/rules/session-orchestrator.mdc", "AGENTS.md"}


def tracked(repo: Path) -> set[str]:
    return set(git(repo, "ls-files").splitlines())


def switch(repo: Path, platforms: list[str]) -> None:
    run_update(str(repo), data={"platforms": platforms}, answers_file=ANSWERS_FILE, defaults=True, overwrite=True,
               unsafe=True, quiet=True, vcs_ref="v1")
    commit_all(repo, f"platforms: {', '.join(platforms)}")


def test_adding_and_removing_cursor_changes_only_its_files_and_hook_entries(tmp_path: Path) -> None:
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    (repo / ".cursor").mkdir()
    (repo / ".cursor" / "hooks.json").write_bytes(USER_HOOKS)
    commit_all(repo, "the user's own Cursor hook")
    run_copy(str(template), str(repo), data={"platforms": ["claude"]}, defaults=True, unsafe=True, quiet=True,
             vcs_ref="v1")
    commit_all(repo, "add session-orchestrator for Claude Code")
    before = tracked(repo)
    claude_settings = (repo / ".claude" / "settings.json").read_bytes()
    assert (repo / ".cursor" / "hooks.json").read_bytes() == USER_HOOKS, "an unselected agent's file is untouched"

    switch(repo, ["claude", "cursor"])
    assert tracked(repo) - before == CURSOR_FILES
    assert before - tracked(repo) == set()
    hooks = json.loads((repo / ".cursor" / "hooks.json").read_text(encoding="utf-8"))["hooks"]
    assert hooks["afterFileEdit"] == [{"command": "./.cursor/fmt.sh"}], "the user's entry is kept as it was"
    assert {event for event, entries in hooks.items()
            if any(" hook cursor " in e["command"] for e in entries)} == {"sessionStart", "beforeShellExecution",
                                                                           "preToolUse"}
    assert (repo / ".claude" / "settings.json").read_bytes() == claude_settings
    assert "## Session Config" in (repo / "AGENTS.md").read_text(encoding="utf-8")
    assert not (repo / ".cursor" / "commands").exists(), "Cursor reads Claude's skills: no second copy"

    switch(repo, ["claude"])
    assert (repo / ".cursor" / "hooks.json").read_bytes() == USER_HOOKS, "our entries gone, every user byte kept"
    assert (repo / ".claude" / "settings.json").read_bytes() == claude_settings
    assert tracked(repo) == before, "AGENTS.md held only our unedited section, so it goes with Cursor"
    assert git(repo, "status", "--porcelain") == ""
