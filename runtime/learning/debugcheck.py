# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Proof that a fix fixed something: the reproduction fails at the start ref and passes now.

An agent that says "fixed" may have changed the test until it passed, or written a
test that never failed. So `debug fix` runs the recorded reproduction twice itself:
in a temporary `git worktree` at the commit the investigation started from, and in
the working tree. The test's own files (the ones the record names) are copied from
the working tree into the start-ref tree, whether they are new or changed since, so
both runs execute the same test and only the code under it differs. A test file
that did not exist at the start ref is simply added there.

The runs go through the gate's own machinery (`loop.checkrun.Running` for the
process group and timeout, `loop.gates.check_result` for reading the runner's
output), so a test that could not run at all (a collection error, a missing
program, no test matched) is told apart from one that ran and failed. Only a run
that ran and failed counts as "fails at the start ref".

The project's ignored environment folders (`.venv`, `venv`, `node_modules`) are
linked into the temporary tree, and `src/` of that tree is put first on PYTHONPATH,
so the start-ref run imports the start-ref code even when the package is installed
in editable mode from the working tree. The temporary tree is removed on every path out.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..loop.records import Check

from .debugrecord import DebugRecordError

ENV_DIRS = (".venv", "venv", "node_modules")
DEFAULT_TIMEOUT = 600.0


def head_commit(root: Path) -> str:
    """HEAD's full commit id, verified by git; an error when there is none to start from."""
    from ..core.proc import run

    code, out, err = run(["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root)
    if code != 0 or not out.strip():
        raise DebugRecordError("the repository has no commit to start from (git rev-parse HEAD failed"
                               + (f": {err.strip()}" if err.strip() else "") + "); commit first")
    return out.strip()


def commit_exists(root: Path, ref: str) -> bool:
    from ..core.proc import run

    return run(["git", "cat-file", "-e", f"{ref}^{{commit}}"], root)[0] == 0


def test_files(test: str, files: list[str]) -> list[str]:
    """The files that make up the reproduction: those named, and the file part of a test id."""
    named = [f.strip() for f in files if f.strip()]
    head = test.split("::", 1)[0].strip()
    if head and " " not in head and ("/" in head or head.endswith((".py", ".js", ".ts", ".go", ".rs"))):
        named.insert(0, head)
    unique: list[str] = []
    for name in named:
        clean = Path(name).as_posix()
        if Path(clean).is_absolute() or ".." in Path(clean).parts:
            raise DebugRecordError(f"{name!r}: name a file inside the repository, relative to its root")
        if clean not in unique:
            unique.append(clean)
    return unique


def command_for(root: Path, test: str, command: str) -> tuple[str, str]:
    """(command, where it came from): the one given, else the gate's test command with the test id added."""
    if command.strip():
        return command.strip(), "given"
    from ..loop.detect import resolve
    from ..loop.state import session_config

    config = session_config(root)
    base, source = resolve("test", str(config.get("test-command", "auto")), root)
    if base == "skip":
        raise DebugRecordError(f"no test command to run the reproduction with ({source}); "
                               "give the full command with --command")
    return f"{base} {shlex.quote(test)}", f"test-command ({source}) + the test id"


def run_once(root: Path, command: str, label: str, timeout: float, env: dict[str, str] | None = None
             ) -> Check:
    """Run the reproduction in `root` as a gate runs a test check; the check record (status passed|failed|broken)."""
    from ..core.proc import EnvOverlay
    from ..loop.checkrun import Running
    from ..loop.gates import check_result
    from ..loop.testreport import capturing

    with EnvOverlay(env or {}), capturing(root):
        job = Running(f"debug-{label}", command, root)
        result = job.finish(timeout)
        return check_result("test", command, "debug record", result, timeout, root)


def _start_tree(root: Path, ref: str, files: list[str], into: Path) -> Path:
    from ..core.proc import run

    tree = into / "start"
    code, _, err = run(["git", "worktree", "add", "--detach", "--quiet", str(tree), ref], root, timeout=120)
    if code != 0:
        raise DebugRecordError(f"git could not check out the start ref {ref[:12]} in a temporary worktree: "
                               f"{err.strip()}")
    for name in files:
        source = root / name
        if not source.is_file():
            raise DebugRecordError(f"{name}: the reproduction's file is not in the working tree")
        target = tree / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for name in ENV_DIRS:
        if (root / name).is_dir() and not (tree / name).exists():
            (tree / name).symlink_to(root / name, target_is_directory=True)
    return tree


def _remove_tree(root: Path, tree: Path) -> None:
    from ..core.proc import run

    run(["git", "worktree", "remove", "--force", str(tree)], root, timeout=120)
    shutil.rmtree(tree, ignore_errors=True)
    run(["git", "worktree", "prune"], root, timeout=60)


def at_start(root: Path, ref: str, command: str, files: list[str], timeout: float) -> Check:
    """The reproduction run at `ref` with the working tree's test files in place."""
    holder = Path(tempfile.mkdtemp(prefix="so-debug-"))
    tree = holder / "start"
    try:
        tree = _start_tree(root, ref, files, holder)
        paths = [str(p) for p in (tree / "src", tree) if p.is_dir()]
        if os.environ.get("PYTHONPATH"):
            paths.append(os.environ["PYTHONPATH"])
        return run_once(tree, command, "start", timeout, {"PYTHONPATH": os.pathsep.join(paths)})
    finally:
        _remove_tree(root, tree)
        shutil.rmtree(holder, ignore_errors=True)


def now(root: Path, command: str, timeout: float) -> Check:
    """The reproduction run in the working tree (one gate at a time: they share the report file)."""
    from ..loop.checkrun import OneGate

    with OneGate(root):
        return run_once(root, command, "now", timeout)


def describe(check: Check) -> str:
    """One line for the record: the outcome with counts and failing names, or why it could not run."""
    status = check.get("status")
    if status == "broken":
        return f"did not run: {check.get('cause')}"
    counts = check.get("counts") or {}
    numbers = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "errors") if counts.get(k))
    out = f"{status} (exit {check.get('exit')}" + (f"; {numbers}" if numbers else "") + ")"
    names = check.get("failed_tests") or []
    if status == "failed" and names:
        out += ": " + ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
    return out


def _names(test: str, failing: list[str]) -> bool:
    """Whether the runner's failing names include the recorded test (a pytest node id or a prefix of one)."""
    return any(name == test or name.startswith(test + "::") or name.startswith(test + "[") for name in failing)


def judge(start: Check, current: Check, test: str = "") -> list[str]:
    """Why the fix is refused; empty when the reproduction failed at the start ref and passes now.

    When the runner names its failing tests and the record's test is a node id (`file::name`),
    the failure at the start ref must be that test's: another test failing there proves nothing."""
    reasons = []
    failing = start.get("failed_tests") or []
    if start.get("status") == "failed" and "::" in test and failing and not _names(test, failing):
        reasons.append(f"at the start ref other tests failed ({', '.join(failing[:3])}), not {test}")
    elif start.get("status") == "passed":
        reasons.append("the reproduction passes at the start ref too, so it does not reproduce the bug")
    elif start.get("status") != "failed":
        reasons.append(f"the reproduction did not run at the start ref ({start.get('cause')}); it must run "
                       "there and fail")
    if current.get("status") == "failed":
        reasons.append("the reproduction still fails in the working tree")
    elif current.get("status") != "passed":
        reasons.append(f"the reproduction did not run in the working tree ({current.get('cause')})")
    return reasons
