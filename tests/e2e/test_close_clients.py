"""`/close` through real agent CLIs: one item done, one partial, one clean commit, one carryover entry.

The session before `/close` is set up by calling the vendored runtime directly (the
waves are not what is under test here). `/close` itself goes through the real
client: the client expands the rendered command text, its hooks judge every call,
and the scripted model issues the runtime calls that text asks for. Everything the
runtime then does (the ledger, the gate running pytest, the carryover list, the
commit) is real; the repository has no remote, so the carryover cannot be filed and
must land in `.orchestrator/carryover.md`. A change by someone else sits in the
working tree throughout and must stay out of the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.e2e.fake_model import all_text, first_user_texts
from tests.helpers import commit_all, copy_example, git, render, runtime

RT = "python3 -S .orchestrator/runtime"
TEST_COMMAND = f"{sys.executable} -m pytest -q -p no:cacheprovider"


def _ok(result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr


def _session_to_close(tmp_path: Path, platform: str) -> Path:
    """The rendered example with a feature session run through all five waves: I1 written, I2 not."""
    repo = render(copy_example(tmp_path / "calc"), platforms=[platform], test_command=TEST_COMMAND,
                  typecheck_command="skip", lint_command="skip")
    commit_all(repo, "Add session-orchestrator")
    _ok(runtime(repo, "session", "start", "feature"))
    _ok(runtime(repo, "gate", "baseline"))
    waves = json.loads(runtime(repo, "session", "status", "--json").stdout)["waves"]
    tasks = {1: [{"id": "T1", "agent": "explorer", "items": ["I1", "I2"], "task": "Read calc.", "files": []}],
             2: [{"id": "T2", "agent": "implementer", "items": ["I1"], "task": "Add ops.power with a test.",
                  "files": ["src/calc/ops.py", "tests/test_ops.py"]},
                 {"id": "T3", "agent": "implementer", "items": ["I2"], "task": "A pow command in the CLI.",
                  "files": ["src/calc/cli.py", "tests/test_cli.py"]}]}
    plan = {"items": [{"id": "I1", "title": "Power operation", "acceptance": "ops.power(2, 3) == 8",
                       "tests": ["tests/test_ops.py::test_power"]},
                      {"id": "I2", "title": "Pow command in the CLI", "acceptance": "calc pow 2 3 prints 8"}],
            "waves": [{"wave": w["wave"], "role": w["role"], "tasks": tasks.get(w["wave"], [])} for w in waves]}
    _ok(runtime(repo, "plan", "set", "-", stdin=json.dumps(plan)))
    _ok(runtime(repo, "wave", "start", "1"))
    _ok(runtime(repo, "wave", "done", "1", "--task", "T1=done"))
    _ok(runtime(repo, "wave", "start", "2"))
    ops, tests = repo / "src" / "calc" / "ops.py", repo / "tests" / "test_ops.py"
    ops.write_text(ops.read_text() + "\n\ndef power(a: float, b: float) -> float:\n    return a ** b\n")
    tests.write_text(tests.read_text() + "\n\ndef test_power():\n    assert ops.power(2, 3) == 8\n")
    _ok(runtime(repo, "wave", "done", "2", "--task", "T2=done", "--task", "T3=partial"))
    _ok(runtime(repo, "gate", "incremental"))
    for number in (3, 4, 5):
        _ok(runtime(repo, "wave", "start", str(number)))
        _ok(runtime(repo, "wave", "done", str(number)))
        if number in (3, 4):
            _ok(runtime(repo, "gate", "incremental" if number == 3 else "full"))
    readme = repo / "README.md"  # someone else's work in progress, outside every task's scope
    readme.write_text(readme.read_text() + "\nA note someone is still writing.\n")
    (repo / "notes.txt").write_text("scratch\n")
    return repo


CLOSE_STEPS = [
    {"shell": f"{RT} session status"},
    {"shell": f"{RT} plan item I1 --status done --note 'ops.power(2, 3) == 8; test_power passes'"},
    {"shell": f"{RT} plan item I2 --status partial --note 'the CLI command is not wired yet'"},
    {"shell": f"{RT} gate full"},
    {"shell": f"{RT} close verify"},
    {"shell": f"{RT} close carryover"},
    {"shell": f"{RT} session close --outcome partial --reason 'the CLI part waits for a decision'"},
    {"shell": f"{RT} close commit"},
    {"text": "Closed: I1 delivered, I2 carried over."},
]


def _assert_closed_cleanly(repo: Path, start: str, run) -> None:
    new = git(repo, "rev-list", f"{start}..HEAD").split()
    assert len(new) == 1, run.describe()
    files = sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split())
    assert files == [".orchestrator/STATE.md", ".orchestrator/carryover.md", ".orchestrator/metrics/sessions.jsonl",
                     "src/calc/ops.py", "tests/test_ops.py"], run.describe()
    status = git(repo, "status", "--porcelain").splitlines()
    assert " M README.md" in status and "?? notes.txt" in status  # left as they were
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Power operation\n") and "Carried over: Pow command in the CLI" in message
    carried = (repo / ".orchestrator" / "carryover.md").read_text(encoding="utf-8")
    assert carried.count("\n## ") == 1 and "## open: [Carryover] I2: Pow command in the CLI" in carried
    assert "**Done:** recorded as partial: the CLI command is not wired yet" in carried
    record = json.loads((repo / ".orchestrator" / "state" / "session.json").read_text(encoding="utf-8"))
    assert record["outcome"] == "partial" and record["verdicts"] == {"I1": "done", "I2": "unproven"}
    seen = all_text(run.requests)  # the ledger and the commit reached the model, so its report can quote them
    assert "I1 Power operation: DONE" in seen and "I2 Pow command in the CLI: UNPROVEN" in seen
    assert "test tests/test_ops.py::test_power: passed" in seen
    assert "left unstaged (2 files outside every task's scope" in seen


def test_close_through_claude_code(tmp_path: Path, run_claude) -> None:
    repo = _session_to_close(tmp_path, "claude")
    start = git(repo, "rev-parse", "HEAD").strip()
    run = run_claude(repo, "/close", {"steps": CLOSE_STEPS})
    assert "# Close the session" in "\n".join(first_user_texts(run.requests)), run.describe()
    _assert_closed_cleanly(repo, start, run)


def test_close_through_pi(tmp_path: Path, run_pi) -> None:
    repo = _session_to_close(tmp_path, "pi")
    start = git(repo, "rev-parse", "HEAD").strip()
    run = run_pi(repo, "/close", {"steps": CLOSE_STEPS})
    assert "# Close the session" in "\n".join(first_user_texts(run.requests)), run.describe()
    _assert_closed_cleanly(repo, start, run)
