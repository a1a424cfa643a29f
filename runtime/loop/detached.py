# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`gate <variant> --detach` and `gate wait`: a gate that outlives one tool call.

An agent's shell tool stops a command after a fixed time (two minutes by default
in some agents), while a real suite may take fifteen. Killing the gate with the
tool call would leave no record, and an agent told "the command timed out" is
tempted to call the work done. So the gate can run detached from the call that
started it: `--detach` starts it in a session of its own and returns at once;
`gate wait` follows it, relays its progress lines, and when it has ended prints
the recorded summary and returns the gate's own exit code (0 passed, 2 blocked).
If `--max` seconds pass first, `wait` says so and exits 3: run it again. Nothing
is inferred: the verdict `wait` prints is the one the gate recorded.

Files (machine-local, under `.orchestrator/state/gates/`): `detached.json` (who
runs, and the result once there is one) and `detached.log` (the gate's output).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

STILL_RUNNING = 3
WAIT_DEFAULT = 100.0


def _dir(root: Path) -> Path:
    return root / ".orchestrator" / "state" / "gates"


def _info_path(root: Path) -> Path:
    return _dir(root) / "detached.json"


def read(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(_info_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write(root: Path, data: dict[str, Any]) -> None:
    from ..core.fsutil import write_atomic

    _dir(root).mkdir(parents=True, exist_ok=True)
    write_atomic(_info_path(root), json.dumps(data, indent=1) + "\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its parent has not collected it yet
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def start(root: Path, variant: str, timeout: float | None, progress: float) -> int:
    """Start the gate in a session of its own and return at once."""
    import subprocess

    current = read(root)
    if current and "exit" not in current and _alive(int(current.get("pid") or 0)):
        print(f"error: a detached gate {current.get('variant')} is already running (pid {current.get('pid')}); "
              "follow it with 'gate wait'", file=sys.stderr)
        return 1
    token = f"{os.getpid()}-{time.time():.6f}"
    log = _dir(root) / "detached.log"
    _dir(root).mkdir(parents=True, exist_ok=True)
    runtime = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-S", str(runtime), "gate", variant, "--detached-run", token,
               "--progress", f"{progress:g}"]
    if timeout is not None:
        command += ["--timeout", f"{timeout:g}"]
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=root, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True, env={**os.environ, "SO_PROJECT_DIR": str(root)})
    _write(root, {"token": token, "pid": child.pid, "variant": variant, "started": time.time(),
                  "log": log.relative_to(root).as_posix()})
    print(f"gate {variant} started in the background (pid {child.pid}); its output goes to "
          f"{log.relative_to(root).as_posix()}.\nnext: run 'python3 .orchestrator/runtime gate wait': it prints "
          "progress, then the recorded result with the gate's exit code (0 passed, 2 blocked); exit 3 means "
          "still running, so run it again.")
    return 0


def finished(root: Path, token: str, code: int, summary: str, result: dict[str, Any] | None) -> None:
    """Called by the detached gate itself when it ends: its exit code and summary, for `wait`."""
    data = read(root) or {}
    if data.get("token") != token:  # a newer detached gate replaced this one; leave its file alone
        return
    data.update({"exit": code, "summary": summary, "ended": time.time(), "result": result})
    _write(root, data)


def wait(root: Path, most: float, as_json: bool = False, poll: float = 0.5) -> int:
    """Follow the detached gate for at most `most` seconds: relay its output, then print its recorded result."""
    data = read(root)
    if data is None:
        print("error: no detached gate was started here; start one with 'gate <variant> --detach'", file=sys.stderr)
        return 1
    log = root / str(data.get("log") or ".orchestrator/state/gates/detached.log")
    offset = 0
    deadline = time.monotonic() + most

    def relay() -> None:
        nonlocal offset
        try:
            with log.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
        except OSError:
            return
        # progress lines only: the summary is printed once, from the record
        text = chunk.decode("utf-8", errors="replace")
        complete = text.rsplit("\n", 1)[0] + "\n" if "\n" in text else ""
        offset += len(complete.encode("utf-8", errors="replace"))
        for line in complete.splitlines():
            if ": still running after " in line:
                print(line, file=sys.stderr, flush=True)

    while True:
        relay()
        data = read(root) or data
        if "exit" in data:
            if as_json:
                print(json.dumps(data.get("result") or {"exit_code": data["exit"], "summary": data.get("summary")},
                                 indent=1))
            else:
                print(data.get("summary") or "")
                now = time.time()  # an old result must not pass for a fresh one
                print(f"(detached gate {data.get('variant')}: started {now - float(data.get('started') or now):.0f}s "
                      f"ago, ended {now - float(data.get('ended') or now):.0f}s ago)")
            return int(data["exit"])
        if not _alive(int(data.get("pid") or 0)):
            data = read(root) or data
            if "exit" in data:
                continue
            try:
                tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            except OSError:
                tail = []
            print(f"error: the detached gate {data.get('variant')} (pid {data.get('pid')}) ended without recording "
                  "a result (killed?); nothing was gated. Run the gate again." +
                  ("\nits last output:\n  " + "\n  ".join(tail) if tail else ""), file=sys.stderr)
            return 1
        if time.monotonic() >= deadline:
            ran = time.time() - float(data.get("started") or time.time())
            print(f"gate {data.get('variant')} is still running ({ran:.0f}s so far, pid {data.get('pid')}); nothing is "
                  "recorded yet. Run 'python3 .orchestrator/runtime gate wait' again.")
            return STILL_RUNNING
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
