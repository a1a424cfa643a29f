"""A rendered consumer repository for lanes, and a real session run and closed inside a lane.

The repository is the calc example with the template rendered in by the real `copier copy`
(once per worker) and committed, so the vendored runtime and the Session Config are tracked
files a lane's worktree checks out. Sessions in a lane run through the lane's own vendored
runtime, exactly as an agent's commands would.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from tests.helpers import commit_all, git, runtime

CONFIG = ("- test-command: python3 -m pytest -q -p no:cacheprovider\n- typecheck-command: skip\n"
          "- lint-command: skip\n")


def ok(result: Any) -> Any:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def consumer_repo(rendered_once: Path, tmp_path: Path) -> Path:
    """A private, committed copy of the render with a gate that runs the example's pytest suite."""
    repo = Path(shutil.copytree(rendered_once, tmp_path / "calc", symlinks=True))
    claude = repo / "CLAUDE.md"
    text = claude.read_text(encoding="utf-8")
    text = re.sub(r"- test-command: .*\n- typecheck-command: .*\n- lint-command: .*\n", CONFIG, text)
    assert CONFIG in text
    claude.write_text(text, encoding="utf-8")
    commit_all(repo, "render session-orchestrator")
    return repo


def plan(waves: list[dict[str, Any]], item: str, files: list[str], test: str) -> dict[str, Any]:
    """One item delivered in wave 2 by one task whose scope is `files`."""
    tasks = {2: [{"id": "T1", "agent": "implementer", "items": ["I1"], "task": f"add {item}", "files": files}]}
    return {"items": [{"id": "I1", "title": item, "acceptance": f"{test} passes", "tests": [test]}],
            "waves": [{"wave": w["wave"], "role": w["role"], "tasks": tasks.get(w["wave"], [])} for w in waves]}


def session(lane: Path, item: str, edits: dict[str, str], test: str, close: bool = True) -> None:
    """A whole session in `lane`: start, baseline, plan, five waves (the edits in wave 2), the full gate,
    the item marked done; with `close`, `close verify`, `session close` and `close commit`."""
    def rt(*args: str, stdin: str | None = None) -> Any:
        return runtime(lane, *args, stdin=stdin, timeout=180)

    ok(rt("session", "start", "feature"))
    ok(rt("gate", "baseline"))
    waves = json.loads(ok(rt("session", "status", "--json")).stdout)["waves"]
    ok(rt("plan", "set", "-", stdin=json.dumps(plan(waves, item, sorted(edits), test))))
    for number in range(1, len(waves) + 1):
        ok(rt("wave", "start", str(number)))
        if number == 2:
            for name, text in edits.items():
                path = lane / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text((path.read_text() if path.exists() else "") + text)
        ok(rt("wave", "done", str(number), *(["--task", "T1=done"] if number == 2 else [])))
        gate = waves[number - 1].get("gate")
        if gate and number < len(waves):
            ok(rt("gate", gate))
    ok(rt("gate", "full"))
    ok(rt("plan", "item", "I1", "--status", "done", "--note", "delivered with its test"))
    if close:
        ok(rt("close", "verify"))
        ok(rt("session", "close", "--outcome", "completed"))
        ok(rt("close", "commit"))


POWER = {"src/calc/ops.py": "\n\ndef power(a: float, b: float) -> float:\n    return a ** b\n",
         "tests/test_ops.py": "\n\ndef test_power():\n    assert ops.power(2, 3) == 8\n"}
HALF = {"src/calc/half.py": "def half(a: float) -> float:\n    return a / 2\n",
        "tests/test_half.py": "from calc.half import half\n\n\ndef test_half():\n    assert half(3) == 1.5\n"}


def head(repo: Path, ref: str = "HEAD") -> str:
    return git(repo, "rev-parse", ref).strip()
