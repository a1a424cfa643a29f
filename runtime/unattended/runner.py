# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""One headless agent session as a child process, watched for progress.

An unattended agent can hang (a prompt it waits on, a tool that never returns, a model stuck
in a loop of reading) and nobody notices for hours. The runner starts the agent CLI in its own
process group with its output going to files, and looks every few seconds for progress that
only real work makes: a new commit, a change to the session's state, a telemetry event or hook
heartbeat. When none comes for the stall limit, or the run's wall-clock deadline passes, or the
user interrupts, it stops the whole process group (TERM, then KILL) and says why. What the
agent printed is kept beside the run's record for a person to read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class RunResult:
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    stopped: str | None = None  # "stall", "hours" or "interrupted" when the runner ended the agent
    stalled_s: float | None = None
    output: str = ""  # where stdout was kept, relative to the repository


def progress_mark(root: Path) -> tuple[object, ...]:
    """What changes when the session makes progress: HEAD, and the size and time of the runtime's state
    and telemetry files (STATE.md, the session record, the events and sessions logs, hook heartbeats,
    the log of a gate that is running)."""
    from ..core.paths import metrics_dir, orch_dir, state_dir
    from ..core.proc import run

    code, head, _ = run(["git", "rev-parse", "-q", "--verify", "HEAD"], root, 10)
    marks: list[object] = [head.strip() if code == 0 else None]
    candidates = [orch_dir(root) / "STATE.md", metrics_dir(root) / "events.jsonl",
                  metrics_dir(root) / "sessions.jsonl"]
    for folder in (state_dir(root), state_dir(root) / "gates"):  # a running gate's log grows: that is progress
        with contextlib.suppress(OSError):
            candidates += sorted(p for p in folder.iterdir() if p.is_file())
    for path in candidates:
        try:
            stat = path.stat()
        except OSError:
            marks.append(None)
            continue
        marks.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(marks)


def stop_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """TERM the agent's process group, then KILL what is left after `grace` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run(argv: list[str], root: Path, env: dict[str, str], out_dir: Path, name: str, *,
        stall_s: float | None, deadline: float | None = None, poll_s: float | None = None) -> RunResult:
    """Run `argv` in `root` until it exits or the runner stops it. `deadline` is a time.monotonic() value."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = out_dir / f"{name}.out", out_dir / f"{name}.err"
    poll = poll_s if poll_s is not None else max(0.2, min(5.0, (stall_s or 60.0) / 10))
    start = time.monotonic()
    stopped: str | None = None
    stalled: float | None = None
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(argv, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
        mark, last_progress = progress_mark(root), time.monotonic()
        try:
            while True:
                try:
                    proc.wait(timeout=poll)
                    break
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic()
                current = progress_mark(root)
                if current != mark:
                    mark, last_progress = current, now
                elif stall_s is not None and now - last_progress >= stall_s:
                    stopped, stalled = "stall", now - last_progress
                    stop_group(proc)
                    break
                if deadline is not None and now >= deadline:
                    stopped = "hours"
                    stop_group(proc)
                    break
        except KeyboardInterrupt:
            stopped = "interrupted"
            stop_group(proc)
    seconds = time.monotonic() - start
    try:
        shown = out_path.relative_to(root).as_posix()
    except ValueError:
        shown = str(out_path)
    return RunResult(proc.returncode, out_path.read_text(encoding="utf-8", errors="replace"),
                     err_path.read_text(encoding="utf-8", errors="replace"), seconds, stopped, stalled, shown)
