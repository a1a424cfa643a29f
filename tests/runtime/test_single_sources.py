"""Things the runtime says or does in exactly one place, so two copies can never drift apart."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

RUNTIME = ROOT / "runtime"
# Modules that start processes themselves, and why proc.run does not fit them.
OWN_SUBPROCESS = {
    "core/proc.py": "the helper itself",
    "loop/checkrun.py": "runs the user's gate commands through a shell, output to a log, each in its own session",
    "loop/probes.py": "runs doctor's probe of a gate command through a shell, in its own session, colour off",
    "loop/detached.py": "starts a detached gate in a session of its own that outlives the caller",
    "commands/doctor.py": "feeds a probe payload to the hook on stdin",
    "unattended/runner.py": "runs the agent CLI in its own process group, watched for stall and stopped as a group",
}


def modules() -> list[tuple[str, ast.Module]]:
    return [(path.relative_to(RUNTIME).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(RUNTIME.rglob("*.py")) if "__pycache__" not in path.parts]


def test_no_private_name_is_imported_across_modules() -> None:
    found = [f"{rel}:{node.lineno}: {alias.name}" for rel, tree in modules() for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("runtime"))
             for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []


def test_processes_are_started_through_proc_unless_listed() -> None:
    starters = {"run", "Popen", "call", "check_call", "check_output"}
    found = sorted({rel for rel, tree in modules() for node in ast.walk(tree)
                    if isinstance(node, ast.Attribute) and node.attr in starters
                    and isinstance(node.value, ast.Name) and node.value.id == "subprocess"})
    assert found == sorted(OWN_SUBPROCESS)


def test_the_cannot_judge_wording_lives_in_decision_only() -> None:
    phrases = ("Denied because enforcement is strict", "It was allowed (enforcement", "could not {subject}")
    holders = sorted({path.relative_to(RUNTIME).as_posix() for path in RUNTIME.rglob("*.py")
                      for phrase in phrases if phrase in path.read_text(encoding="utf-8")})
    assert holders == ["core/decision.py"]


def test_session_types_are_defined_once() -> None:
    assigned = [rel for rel, tree in modules() for node in ast.walk(tree)
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SESSION_TYPES"
                                                        for t in node.targets)]
    assert assigned == ["core/config.py"]
    src = [p for p in (ROOT / "src").rglob("*.py") if '"housekeeping", "feature", "deep"' in p.read_text()]
    assert src == []


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    tree = ast.parse("from .config import _format\nimport subprocess\nsubprocess.run(['x'])\n")
    assert [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names] == ["_format"]
    assert any(isinstance(n, ast.Attribute) and n.attr == "run" for n in ast.walk(tree))
