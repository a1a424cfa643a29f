# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`gate baseline|incremental|full`: run the checks, compare with the baseline, record.

The point of a gate is that its verdict is real: the runtime runs the commands
itself, with a timeout, and decides by comparing failing test names with the
baseline taken at session start. A test that fails now but did not fail then
blocks the next wave by name; a failure that was already there is reported and
does not block, so an old broken test cannot stall a session.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

KINDS = ("test", "typecheck", "lint")
VARIANTS = ("baseline", "incremental", "full")
TAIL_LINES = 20
BREAKER_AFTER = 3
KEEP_GATES = 50


# --- running ---------------------------------------------------------------


class Running:
    """One check in flight. Output goes to a log file, not a pipe, so checks can run
    side by side without one stalling on a full pipe while another is waited on; the
    full log stays in `.orchestrator/state/gates/` for anyone who wants more than the tail."""

    def __init__(self, kind: str, command: str, root: Path) -> None:
        import subprocess

        self.kind, self.command = kind, command
        self.log = root / ".orchestrator" / "state" / "gates" / f"{kind}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.start = time.monotonic()
        self.error = ""
        with self.log.open("wb") as out:
            try:
                self.proc: Any = subprocess.Popen(command, shell=True, cwd=root, stdout=out,
                                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                  start_new_session=True)
            except OSError as exc:
                self.proc, self.error = None, f"could not start: {exc}"

    def finish(self, timeout: float) -> tuple[int | None, str, float, bool]:
        """(exit code or None on timeout, output, seconds, timed_out); kills the whole group on timeout."""
        import subprocess

        if self.proc is None:
            return 127, self.error, time.monotonic() - self.start, False
        timed_out = False
        try:
            self.proc.wait(timeout=max(0.0, self.start + timeout - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.stop()
            timed_out = True
        duration = time.monotonic() - self.start
        text = self.log.read_bytes().decode("utf-8", errors="replace")
        return (None if timed_out else self.proc.returncode), text, duration, timed_out

    def stop(self) -> None:
        import os
        import signal

        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            self.proc.kill()
        self.proc.wait()


def _tail(text: str, lines: int = TAIL_LINES) -> list[str]:
    kept = [line.rstrip()[:200] for line in text.rstrip().splitlines()[-lines:]]
    return kept


def skipped_check(kind: str, source: str) -> dict[str, Any]:
    return {"kind": kind, "command": "skip", "source": source, "skipped": True, "ok": True}


def check_result(kind: str, command: str, source: str, result: tuple[int | None, str, float, bool],
                 timeout: float) -> dict[str, Any]:
    """Turn a finished command into the recorded check: counts, failing names, a tail on failure."""
    from .testparse import parse, problem_count

    code, output, duration, timed_out = result
    check: dict[str, Any] = {
        "kind": kind, "command": command, "source": source, "skipped": False, "exit": code,
        "duration": round(duration, 3), "timed_out": timed_out, "ok": code == 0 and not timed_out,
        "counts": None, "failed_tests": [], "problems": None, "tail": [],
    }
    if kind == "test":
        parsed = parse(output)
        if parsed:
            check["runner"] = parsed["runner"]
            check["counts"] = {k: parsed[k] for k in ("passed", "failed", "skipped", "errors")}
            check["failed_tests"] = parsed["failed_tests"]
    else:
        check["problems"] = problem_count(output)
    if not check["ok"]:
        check["tail"] = _tail(output)
        if timed_out:
            check["tail"].append(f"[stopped after {timeout:g}s: gate-timeout reached]")
    return check


def run_checks(commands: dict[str, tuple[str, str]], root: Path, timeout: float,
               meanwhile: Any = None) -> dict[str, dict[str, Any]]:
    """Start every check at once, run `meanwhile()` while they run, then collect them.

    Starting the commands before the session bookkeeping keeps the runtime's own
    work off the critical path. If `meanwhile` raises (no active session, say), the
    checks are stopped and the error propagates.
    """
    running = {kind: Running(kind, command, root) for kind, (command, _) in commands.items() if command != "skip"}
    try:
        if meanwhile is not None:
            meanwhile()
    except BaseException:
        for job in running.values():
            job.stop()
        raise
    checks = {}
    for kind, (command, source) in commands.items():
        job = running.get(kind)
        checks[kind] = (check_result(kind, command, source, job.finish(timeout), timeout) if job
                        else skipped_check(kind, source))
    return checks


# --- comparing -------------------------------------------------------------


def _failures(check: dict[str, Any]) -> int:
    counts = check.get("counts") or {}
    return int(counts.get("failed") or 0) + int(counts.get("errors") or 0)


def compare(baseline: dict[str, Any] | None, checks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Regressions (by name), other new problems, and pre-existing failures."""
    regressions: list[str] = []
    new_problems: list[str] = []
    preexisting: list[str] = []
    base_checks = (baseline or {}).get("checks") or {}
    for kind, check in checks.items():
        if check.get("skipped") or check.get("ok"):
            continue
        base = base_checks.get(kind)
        base_ran = base is not None and not base.get("skipped")
        if check.get("timed_out"):
            if base_ran and base.get("timed_out"):
                preexisting.append(f"{kind}: timed out (also at baseline)")
            else:
                new_problems.append(f"{kind}: timed out after the gate-timeout")
            continue
        if kind == "test" and check.get("failed_tests"):
            before = set(base.get("failed_tests") or []) if base_ran else set()
            for name in check["failed_tests"]:
                (preexisting if name in before else regressions).append(name)
            continue
        if not base_ran:
            new_problems.append(f"{kind}: exit {check.get('exit')} (no baseline to compare with)")
            continue
        if base.get("ok"):
            new_problems.append(f"{kind}: exit {check.get('exit')}, passed at baseline")
            continue
        now_n = _failures(check) if kind == "test" else check.get("problems")
        base_n = _failures(base) if kind == "test" else base.get("problems")
        if now_n is not None and base_n is not None and now_n > base_n:
            new_problems.append(f"{kind}: {now_n} failures now, {base_n} at baseline")
        else:
            preexisting.append(f"{kind}: failing as at baseline (exit {check.get('exit')})")
    return {"regressions": regressions, "new_problems": new_problems, "preexisting": preexisting,
            "blocked": bool(regressions or new_problems)}


# --- the gate --------------------------------------------------------------


def run_gate(root: Path, variant: str, timeout: float | None = None) -> tuple[int, str]:
    """Run, record and summarise a gate; returns (exit code, summary text)."""
    from . import telemetry
    from .detect import resolve
    from .state import StateError, load, locked, now_iso, require_active, save, session_config

    config = session_config(root)
    limit = float(timeout if timeout is not None else config.get("gate-timeout", 900))
    commands = {kind: resolve(kind, str(config.get(f"{kind}-command", "auto")), root) for kind in KINDS}

    def may_run() -> None:
        state = require_active(load(root))
        if variant == "baseline" and state.get("baseline") and any(w["status"] != "pending" for w in state["waves"]):
            raise StateError("the baseline is already recorded and waves have started; running it again now would "
                             "hide regressions. Run 'gate incremental' or 'gate full' instead.")

    started = time.monotonic()
    checks = run_checks(commands, root, limit, meanwhile=may_run)
    total = round(time.monotonic() - started, 3)
    with locked(root):
        state = require_active(load(root))  # re-read: the record may have changed while the checks ran
        done = [w["wave"] for w in state["waves"] if w["status"] == "done"]
        after = max(done) if done else 0
        record: dict[str, Any] = {"variant": variant, "wave": after, "ts": now_iso(), "duration": total,
                                  "checks": checks}
        if variant == "baseline":
            record.update({"regressions": [], "new_problems": [], "blocked": False,
                           "preexisting": [n for c in checks.values() for n in c.get("failed_tests") or []]
                           + [f"{k}: failing at baseline" for k, c in checks.items()
                              if not c["ok"] and not c.get("failed_tests")]})
            state["baseline"] = record
        else:
            record.update(compare(state.get("baseline"), checks))
            record["no_baseline"] = state.get("baseline") is None
            state["gates"] = [*state.get("gates", []), record][-KEEP_GATES:]
            if after:
                wave = state["waves"][after - 1]
                if wave.get("gate") and (wave["gate"] == variant or variant == "full"):
                    wave["gate-status"] = "blocked" if record["blocked"] else "passed"
        streaks = state.setdefault("gate-streak", {})
        streaks[variant] = streaks.get(variant, 0) + 1 if record["blocked"] else 0
        streak = streaks[variant]
        save(root, state)
    telemetry.emit(root, "gate.blocked" if record["blocked"] else "gate.passed", {
        "session_id": state["session-id"], "variant": variant, "wave": after, "duration": total,
        "regressions": len(record["regressions"]), "new_problems": len(record["new_problems"]),
    })
    if record["blocked"] and streak == BREAKER_AFTER:
        from . import breaker

        failing = [k for k, c in checks.items() if not c["ok"]]
        breaker.trip(root, "gate-failure", f"the {variant} gate was blocked {streak} times in a row",
                     check=",".join(failing), variant=variant)
    summary = summarize(record, state, streak)
    return (2 if record["blocked"] else 0), summary


def summarize(record: dict[str, Any], state: dict[str, Any], streak: int = 0) -> str:
    """What the agent sees: per check one line, names of what blocks, and a tail only for failures."""
    variant = record["variant"]
    where = "before wave 1" if record["wave"] == 0 else f"after wave {record['wave']}"
    verdict = "BLOCKED" if record["blocked"] else ("recorded" if variant == "baseline" else "PASS")
    lines = [f"gate {variant} ({where}): {verdict} in {record['duration']:.1f}s"]
    for kind, check in record["checks"].items():
        if check.get("skipped"):
            lines.append(f"  {kind:<9} skip   ({check['source']})")
            continue
        word = "ok" if check["ok"] else ("TIMEOUT" if check.get("timed_out") else "FAIL")
        detail = ""
        counts = check.get("counts")
        if counts:
            detail = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "errors", "skipped")
                               if counts.get(k))
        elif check.get("problems") is not None:
            detail = f"{check['problems']} problems"
        exit_text = "" if check["ok"] or check.get("timed_out") else f" exit {check.get('exit')}"
        lines.append(f"  {kind:<9} {word:<6} {check['duration']:.1f}s{exit_text}" + (f"  {detail}" if detail else ""))
    names = record.get("regressions") or []
    for name in names[:5]:
        lines.append(f"  REGRESSION: {name}")
    if len(names) > 5:
        lines.append(f"  ... and {len(names) - 5} more regressions (see STATE.md)")
    for problem in (record.get("new_problems") or [])[:3]:
        lines.append(f"  NEW: {problem}")
    pre = record.get("preexisting") or []
    if pre:
        label = "failing at baseline (will not block later gates)" if variant == "baseline" else \
            "pre-existing failures (not blocking)"
        lines.append(f"  {label}: {len(pre)}: {', '.join(pre[:3])}{' ...' if len(pre) > 3 else ''}")
    if record.get("blocked") or variant == "baseline":
        failing = [c for c in record["checks"].values() if not c["ok"] and c.get("tail")]
        budget = 14 - len(lines)
        for check in failing:
            if budget <= 2:
                break
            take = min(5, budget - 1)
            lines.append(f"  output tail ({check['kind']}):")
            lines.extend(f"    {line}" for line in check["tail"][-take:])
            budget -= take + 1
    if record.get("no_baseline"):
        lines.append("note: no baseline was recorded, so every failure counts as new; run 'gate baseline' at "
                     "session start next time.")
    if record["blocked"]:
        nxt = record["wave"] + 1
        follow = (f"wave {nxt} cannot start until it passes" if nxt <= state.get("total-waves", 0)
                  else "close refuses to report this session completed until it passes")
        lines.append(f"next: fix what is named above, then run 'gate {variant}' again; {follow}.")
        if streak >= BREAKER_AFTER:
            lines.append(f"circuit breaker: this gate failed {streak} times in a row; stop and ask the user.")
    elif variant != "baseline" and record["wave"] < state.get("total-waves", 0):
        lines.append(f"next: 'wave start {record['wave'] + 1}'")
    return "\n".join(lines)


# --- CLI -------------------------------------------------------------------


def add_arguments(parser: Any) -> None:
    parser.add_argument("variant", choices=VARIANTS, help="baseline at session start, incremental between "
                        "waves, full after Quality and before close")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds each check may run (default: Session Config gate-timeout, 900)")


def run(args: Any) -> int:
    from .config import ConfigError
    from .paths import project_root
    from .state import StateError

    root = project_root()
    try:
        code, summary = run_gate(root, args.variant, args.timeout)
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"error: the Session Config is invalid, so the gate cannot know what to run:\n{exc}",
              file=sys.stderr)
        return 1
    print(summary)
    return code
