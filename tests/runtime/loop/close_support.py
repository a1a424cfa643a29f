"""A session to close: the calc example in git, one item delivered with its test, one left partial.

Built once per worker with the real runtime and the real gate (pytest on the example's
own tests), then copied for each test, so every test starts from the same real repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.helpers import git
from tests.runtime.loop_support import calc_repo, rt

POWER = "\n\ndef power(a: float, b: float) -> float:\n    return a ** b\n"
POWER_TEST = "\n\ndef test_power():\n    assert ops.power(2, 3) == 8\n"


def plan(waves: list[dict[str, Any]], issue: str = "#1") -> dict[str, Any]:
    tasks = {
        1: [{"id": "T1", "agent": "explorer", "items": ["I1", "I2"], "task": "read calc", "files": []}],
        2: [{"id": "T2", "agent": "implementer", "items": ["I1"], "task": "add power with a test",
             "files": ["src/calc/ops.py", "tests/test_ops.py"]},
            {"id": "T3", "agent": "implementer", "items": ["I2"], "task": "a pow command in the CLI",
             "files": ["src/calc/cli.py", "tests/test_cli.py"]}],
    }
    return {
        "items": [{"id": "I1", "title": "Power operation", "issue": issue, "acceptance": "ops.power(2, 3) == 8",
                   "tests": ["tests/test_ops.py::test_power"]},
                  {"id": "I2", "title": "Pow command in the CLI", "acceptance": "calc pow 2 3 prints 8"}],
        "waves": [{"wave": w["wave"], "role": w["role"], "tasks": tasks.get(w["wave"], [])} for w in waves],
    }


def ok(result: Any) -> Any:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def started(tmp_path: Path, extra: str = "") -> Path:
    """Session started, baseline taken, plan recorded, waves 1 and 2 run (I1 written, I2 not)."""
    repo = calc_repo(tmp_path, extra=extra)
    ok(rt(repo, "session", "start", "feature"))
    ok(rt(repo, "gate", "baseline"))
    waves = json.loads(rt(repo, "session", "status", "--json").stdout)["waves"]
    ok(rt(repo, "plan", "set", "-", stdin=json.dumps(plan(waves))))
    ok(rt(repo, "wave", "start", "1"))
    ok(rt(repo, "wave", "done", "1", "--task", "T1=done"))
    ok(rt(repo, "wave", "start", "2"))
    ops, tests = repo / "src" / "calc" / "ops.py", repo / "tests" / "test_ops.py"
    ops.write_text(ops.read_text() + POWER)
    tests.write_text(tests.read_text() + POWER_TEST)
    ok(rt(repo, "wave", "done", "2", "--task", "T2=done", "--task", "T3=partial"))
    ok(rt(repo, "gate", "incremental"))
    return repo


def finished(repo: Path) -> Path:
    """Waves 3 to 5 run, the full gate after the last one, the items recorded (I1 done, I2 partial)."""
    for number in (3, 4, 5):
        ok(rt(repo, "wave", "start", str(number)))
        ok(rt(repo, "wave", "done", str(number)))
        if number == 3:
            ok(rt(repo, "gate", "incremental"))
        if number == 4:
            ok(rt(repo, "gate", "full"))
    ok(rt(repo, "gate", "full"))
    ok(rt(repo, "plan", "item", "I1", "--status", "done", "--note", "power and its test"))
    ok(rt(repo, "plan", "item", "I2", "--status", "partial", "--note", "the command is not wired yet"))
    return repo


_CACHE: dict[str, Path] = {}


def copy_of(kind: str, tmp_path_factory: Any, dest: Path) -> Path:
    """A private copy of a session built once per worker: 'started' (after wave 2) or 'finished'."""
    if kind not in _CACHE:
        base = tmp_path_factory.mktemp(f"close-{kind}")
        repo = started(base)
        if kind == "finished":
            finished(repo)
        _CACHE[kind] = repo
    target = dest / "calc"
    shutil.copytree(_CACHE[kind], target, symlinks=True)
    return target


def head_files(repo: Path, ref: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-only", "--format=", ref).split()
