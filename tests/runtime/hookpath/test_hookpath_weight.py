"""Self-protection, the session's fixed enforcement and the loop guard cost an ordinary call no heavy import:
no process is started, no digest library is loaded, the working tree is not read (that happens only when a
call repeats). Measured with `-X importtime` on the real hook, run as the agents run it (`python3 -S`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import init_repo
from tests.runtime.test_stdlib_only import imported_modules

HEAVY = {"subprocess", "hashlib", "runtime.core.treestate", "runtime.core.proc", "tempfile", "difflib"}


@pytest.mark.parametrize("payload", [
    {"tool_name": "Bash", "tool_input": {"command": "pytest -q tests/test_a.py"}},
    {"tool_name": "Write", "tool_input": {"file_path": "src/new.py", "content": "x = 1\n"}},
    {"tool_name": "Edit", "tool_input": {"file_path": "CLAUDE.md", "old_string": "strict", "new_string": "warn"}},
    {"tool_name": "Agent", "tool_input": {"subagent_type": "implementer", "prompt": "go"}},
], ids=["bash", "write", "edit-config", "dispatch"])
def test_an_ordinary_call_stays_light(tmp_path: Path, payload: dict) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text("# R\n\n## Session Config\n\n- enforcement: strict\n")
    for event, extra in (("session-start", {"source": "startup"}), ("pre-tool-use", payload)):
        names, result = imported_modules(repo, event, {"session_id": "s1", "cwd": str(repo), **extra})
        assert result.returncode == 0, result.stderr[-2000:]
    assert "runtime.guards.pinning" in names  # the session's values were applied
    assert not HEAVY & names, sorted(HEAVY & names)
