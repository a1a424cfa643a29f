# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The checks a gate runs are process groups the gate owns, start to end.

Each check runs in a session of its own, so one signal reaches everything it
started (a runner's workers, a server a test spawned). That is also why the gate
must pass a signal on: a SIGTERM, SIGINT or SIGHUP sent to the gate alone never
reaches a check in another session, and a test suite left running with parent
PID 1 keeps writing files nobody is judging. So while checks run, those signals
end every check's group before the gate itself stops.

Checks run with colour off (NO_COLOR and its relatives), because a log full of
escape codes is unreadable to the agent and to the parsers; what a tool prints
anyway is stripped before anything reads it.

A long gate prints a progress line at a steady interval (to standard error, so
`--json` output stays one document): an agent whose tool call shows nothing for
minutes cannot tell a slow suite from a hung one.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

# Every convention in use for "no colour": NO_COLOR (most tools), FORCE_COLOR=0 (Node, chalk),
# CLICOLOR=0 (BSD tools), PY_COLORS=0 (pytest), MYPY_FORCE_COLOR=0, CARGO_TERM_COLOR, NODE_DISABLE_COLORS.
COLOUR_OFF = {"NO_COLOR": "1", "FORCE_COLOR": "0", "CLICOLOR": "0", "PY_COLORS": "0", "MYPY_FORCE_COLOR": "0",
              "CARGO_TERM_COLOR": "never", "NODE_DISABLE_COLORS": "1"}
COLOUR_FORCING = ("CLICOLOR_FORCE", "PY_COLORS", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))
PROGRESS_EVERY = 30.0
GRACE = 1.0  # seconds a check gets to end on SIGTERM before its group is killed

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")


def plain(text: str) -> str:
    """Text without terminal escapes (colour, moves of the caret, hyperlinks)."""
    return _ESCAPES.sub("", text) if "\x1b" in text or "\x9b" in text else text


def check_env() -> dict[str, str]:
    """The gate's environment for a check: the caller's, with every colour switch set to off."""
    env = {key: value for key, value in os.environ.items() if key not in COLOUR_FORCING}
    env.update(COLOUR_OFF)
    return env


class Running:
    """One check in flight. Output goes to a log file, not a pipe, so checks can run
    side by side without one stalling on a full pipe while another is waited on; the
    full log stays in `.orchestrator/state/gates/` for anyone who wants more than the tail.

    A thread blocks in `wait()` for each check and stamps the moment it exits. That
    gives every check its own duration, and the gate learns of the exit at once:
    `Popen.wait(timeout=...)` sleeps in growing steps between polls, which made a
    1 s suite cost several percent more through the gate than by hand. The wall-clock
    start and end are kept too: they tell which check was running when a file changed.
    """

    def __init__(self, kind: str, command: str, root: Path, done: threading.Event | None = None) -> None:
        import subprocess

        self.kind, self.command = kind, command
        self.log = root / ".orchestrator" / "state" / "gates" / f"{kind}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.done = done
        self.start = time.monotonic()
        self.wall_start = time.time()
        self.end: float | None = None
        self.wall_end: float | None = None
        self.error = ""
        self.expired = False
        self.waiter: Any = None
        with self.log.open("wb") as out:
            try:
                self.proc: Any = subprocess.Popen(command, shell=True, cwd=root, stdout=out,
                                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                  start_new_session=True, env=check_env())
            except OSError as exc:
                self.proc, self.error = None, f"could not start: {exc}"
                self.wall_end = time.time()
                if done is not None:
                    done.set()
                return
        self.waiter = threading.Thread(target=self._wait, daemon=True)
        self.waiter.start()

    def _wait(self) -> None:
        self.proc.wait()
        self.end = time.monotonic()
        self.wall_end = time.time()
        self._end_group(signal.SIGKILL)  # whatever the check left behind in its group dies with it
        if self.done is not None:
            self.done.set()

    @property
    def alive(self) -> bool:
        """Still running: read from the exit stamp, which the waiter sets before it signals `done`."""
        return self.proc is not None and self.wall_end is None

    def finish(self, timeout: float) -> tuple[int | None, str, float, bool]:
        """(exit code or None on timeout, output, seconds, timed_out); kills the whole group on timeout."""
        if self.proc is None:
            return 127, self.error, 0.0, False
        self.waiter.join(max(0.0, self.start + timeout - time.monotonic()))
        timed_out = self.waiter.is_alive() or self.expired
        if timed_out:
            self.stop()
            self.waiter.join()
        duration = (self.end or time.monotonic()) - self.start
        text = plain(self.log.read_bytes().decode("utf-8", errors="replace"))
        return (None if timed_out else self.proc.returncode), text, duration, timed_out

    def _end_group(self, sig: int) -> None:
        with suppress(OSError, AttributeError):
            os.killpg(self.proc.pid, sig)

    def expire(self) -> None:
        """Stop the check because it ran past the gate's timeout; `finish` reports it as timed out."""
        self.expired = True
        self.stop()

    def stop(self, sig: int = signal.SIGKILL) -> None:
        """End the check's whole process group (with `sig`; SIGKILL for whatever is left after GRACE)."""
        if self.proc is None:
            return
        self._end_group(sig)
        if sig != signal.SIGKILL and self.waiter is not None:
            self.waiter.join(GRACE)
            self._end_group(signal.SIGKILL)
        if self.proc.returncode is None:
            with suppress(OSError):
                self.proc.kill()
        if self.waiter is not None:
            self.waiter.join()


class Stopped(BaseException):
    """The gate was told to stop (SIGTERM, SIGINT or SIGHUP); its checks have been ended."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


class Owned:
    """While the gate waits for its checks, a stop signal ends every check's process group first.

    Signal handlers can only be set from the main thread; elsewhere (a test calling the
    gate from a worker thread) the handlers are left alone and only the normal stop applies.
    """

    def __init__(self, jobs: list[Running]) -> None:
        self.jobs = jobs
        self.previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        for job in self.jobs:
            job._end_group(signal.SIGTERM)
        for job in self.jobs:
            job.stop(signal.SIGTERM)
        raise Stopped(signum)

    def __enter__(self) -> Owned:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        for job in self.jobs:  # an error or a stop while waiting: no check outlives the gate
            if job.alive:
                job.stop()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def progress_line(label: str, jobs: list[Running], now: float) -> str:
    """One line: how long the gate has run, what is still running, what has finished."""
    started = min((job.start for job in jobs), default=now)
    running = [f"{job.kind} ({_clock(now - job.start)})" for job in jobs if job.alive]
    finished = [f"{job.kind} {'exit ' + str(job.proc.returncode) if job.proc else 'not started'}"
                for job in jobs if not job.alive]
    line = f"{label}: still running after {_clock(now - started)}: {', '.join(running) or 'nothing'}"
    return line + (f"; finished: {', '.join(finished)}" if finished else "")


def wait_all(jobs: list[Running], timeout: float, done: threading.Event, progress: float = PROGRESS_EVERY,
             label: str = "gate", say: Callable[[str], None] | None = None) -> None:
    """Wait until every job has exited or passed `timeout`, printing a progress line every `progress` seconds.

    A job past its timeout is stopped here (its group killed); `finish` then reports it as timed out.
    """
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    next_line = time.monotonic() + progress if progress > 0 else float("inf")
    while True:
        done.clear()
        live = [job for job in jobs if job.alive]
        if not live:
            return
        now = time.monotonic()
        for job in live:
            if now >= job.start + timeout:
                job.expire()
        if now >= next_line:
            say(progress_line(label, jobs, now))
            next_line = now + progress
        deadline = min([next_line, *(job.start + timeout for job in live)])
        if not any(job.alive for job in jobs):
            return
        done.wait(max(0.0, deadline - time.monotonic()))


class OneGate:
    """One gate at a time per working tree: two would share the check logs and judge a tree the other changes.

    A non-blocking lock on `.orchestrator/state/gates/running.lock`, held from the first
    check's start until the record is saved; the holder's PID is written into it for the message.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / ".orchestrator" / "state" / "gates" / "running.lock"
        self.handle: Any = None

    def __enter__(self) -> OneGate:
        import fcntl

        from .state import StateError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "?"
            self.handle.close()
            raise StateError(f"another gate is running here (pid {holder}); wait for it to end ('gate wait' "
                             "follows one started with --detach), then run this one") from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()  # closing the file releases the lock
