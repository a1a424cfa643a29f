"""Shared builders for the loop-engine tests: a real example repo and real runtime runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from runtime.loop.records import OLD_KEYS, OLD_WAVE_KEYS
from runtime.loop.state import FRONT_KEYS
from tests.helpers import ROOT, copy_example, git, runtime

RUNTIME = ROOT / "runtime"


def rt(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
       timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python3 runtime <args>` against `repo`, as the command texts call it."""
    return runtime(repo, *args, stdin=stdin, env=env, program=RUNTIME, timeout=timeout)


def calc_repo(tmp_path: Path, extra: str = "", commit_config: bool = True) -> Path:
    """examples/python-calc in git, with a Session Config that runs pytest and skips the rest."""
    repo = copy_example(tmp_path / "calc")
    with (repo / "CLAUDE.md").open("a", encoding="utf-8") as handle:
        handle.write("\n## Session Config\n\n- test-command: python3 -m pytest -q -p no:cacheprovider\n"
                     "- typecheck-command: skip\n- lint-command: skip\n" + extra)
    if commit_config:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "config")
    return repo


def plan_for(waves: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid five-wave plan for the calc repo, one task per wave where it makes sense."""
    tasks = {
        1: [{"id": "T1", "agent": "explorer", "items": ["I1"], "task": "read calc.ops", "files": []}],
        2: [{"id": "T2", "agent": "implementer", "items": ["I1"], "task": "add power",
             "files": ["src/calc/ops.py", "tests/test_ops.py"]}],
        3: [{"id": "T3", "agent": "implementer", "items": ["I1"], "task": "wire the CLI",
             "files": ["src/calc/cli.py", "tests/test_cli.py"]}],
        4: [{"id": "T4", "agent": "implementer", "items": ["I1"], "task": "tighten tests",
             "files": ["tests/test_ops.py"]}],
        5: [{"id": "T5", "agent": "implementer", "items": ["I1"], "task": "document it", "files": ["README.md"]}],
    }
    return {
        "items": [{"id": "I1", "title": "power operation", "acceptance": "calc pow 2 3 prints 8"}],
        "waves": [{"wave": w["wave"], "role": w["role"], "tasks": tasks.get(w["wave"], [])} for w in waves],
    }


def start_with_plan(repo: Path, session_type: str = "feature") -> dict[str, Any]:
    """session start + baseline + plan set; returns the recorded plan."""
    assert rt(repo, "session", "start", session_type).returncode == 0
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 0, base.stdout + base.stderr
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    plan = plan_for(status["waves"])
    result = rt(repo, "plan", "set", "-", stdin=json.dumps(plan))
    assert result.returncode == 0, result.stderr
    return plan


def finish(repo: Path, number: int, *tasks: str) -> None:
    result = rt(repo, "wave", "done", str(number), *[f"--task={t}" for t in tasks])
    assert result.returncode == 0, result.stderr


def begin(repo: Path, number: int) -> subprocess.CompletedProcess[str]:
    return rt(repo, "wave", "start", str(number))


OLD_SPELLING = {new: old for old, new in OLD_KEYS.items()}


def old_spelling(state: dict[str, Any]) -> dict[str, Any]:
    """`state` with the kebab-case keys that releases before the snake_case record wrote."""
    wave_keys = {new: old for old, new in OLD_WAVE_KEYS.items()}
    out = {OLD_SPELLING.get(k, k): v for k, v in state.items()}
    out["waves"] = [{wave_keys.get(k, k): v for k, v in wave.items()} for wave in state.get("waves") or []]
    return out


def version_1_state_md(state: dict[str, Any]) -> str:
    """STATE.md as the first release wrote it: kebab-case keys, the record as a JSON block under '## Data'."""
    old = old_spelling(state)
    front_keys = [OLD_SPELLING.get(k, k) for k in FRONT_KEYS]
    front = "\n".join(f"{key}: {json.dumps(old.get(key))}" for key in front_keys)
    body = ",\n".join(f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)}"
                      for k, v in sorted(old.items()) if k not in front_keys)
    return (f"---\n{front}\n---\n# Session {state['session_id']}\n\n## Plan items\n\n- x\n\n"
            f"## Data\n\nThe structured record.\n\n```json\n{{\n{body}\n}}\n```\n")
