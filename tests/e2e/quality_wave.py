"""A real Quality wave for the client tests: the vendored runtime walks a session to wave 4 of 5.

Everything here is the runtime as a user's coordinator drives it: `session start`, `gate baseline`,
`plan set` with a Quality wave holding a `test-writer` (scoped to tests/test_power.py) and a
`qa-strategist` (read-only), waves 1 to 3 finished with their gates (pytest on the example), and
`wave start 4`, which writes the strict edit scope the hooks enforce. No scope file is written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import commit_all, runtime

TEST_FILE = "tests/test_power.py"
OUTSIDE = "src/calc/ops.py"  # not the test-writer's, and not changed earlier in the session
TEST_WRITER_MARKER = "You close named test gaps in a session's Quality wave"
TEST_BODY = "from calc.ops import multiply\n\n\ndef test_square():\n    assert multiply(3, 3) == 9\n"

PLAN = {
    "items": [{"id": "I1", "title": "squares are tested", "acceptance": "a test of multiply(3, 3) passes"}],
    "waves": [
        {"wave": 1, "role": "Discovery", "tasks": [
            {"id": "T1", "agent": "explorer", "items": ["I1"], "task": "Find untested operations.", "files": []}]},
        {"wave": 2, "role": "Impl-Core", "tasks": []},
        {"wave": 3, "role": "Impl-Polish", "tasks": []},
        {"wave": 4, "role": "Quality", "tasks": [
            {"id": "T4a", "agent": "test-writer", "items": ["I1"], "task": "Test squaring with multiply.",
             "files": [TEST_FILE]},
            {"id": "T4b", "agent": "qa-strategist", "items": ["I1"], "task": "Rank the remaining test gaps.",
             "files": []}]},
        {"wave": 5, "role": "Finalization", "tasks": []},
    ],
}


def _ok(repo: Path, *args: str, stdin: str | None = None) -> str:
    result = runtime(repo, *args, stdin=stdin, timeout=300)
    assert result.returncode == 0, f"runtime {' '.join(args)} -> {result.returncode}\n{result.stdout}{result.stderr}"
    return result.stdout


def start_quality_wave(repo: Path, instruction_file: str) -> dict[str, Any]:
    """Strict enforcement in `instruction_file`'s Session Config, then a session up to a started Quality
    wave; returns the scope the runtime wrote, and the brief it printed for the test-writer."""
    config = repo / instruction_file
    text = config.read_text(encoding="utf-8")
    assert "- enforcement: warn" in text, "the rendered Session Config sets enforcement"
    config.write_text(text.replace("- enforcement: warn", "- enforcement: strict"), encoding="utf-8")
    commit_all(repo, "Strict enforcement")
    _ok(repo, "session", "start", "feature")
    _ok(repo, "gate", "baseline")
    _ok(repo, "plan", "set", "-", stdin=json.dumps(PLAN))
    for number, gate in ((1, None), (2, "incremental"), (3, "incremental")):
        _ok(repo, "wave", "start", str(number))
        _ok(repo, "wave", "done", str(number), *(["--task=T1=done"] if number == 1 else []))
        if gate:
            _ok(repo, "gate", gate)
    briefs = _ok(repo, "wave", "start", "4")
    scope = json.loads((repo / ".orchestrator" / "state" / "scope.json").read_text(encoding="utf-8"))
    assert scope["role"] == "Quality" and scope["enforcement"] == "strict", scope
    assert scope["agents"]["qa-strategist"] == [] and TEST_FILE in scope["agents"]["test-writer"], scope
    assert "test-writer" in briefs and TEST_FILE in briefs, briefs
    return {"scope": scope, "briefs": briefs}
