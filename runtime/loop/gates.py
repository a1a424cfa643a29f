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

import re
import sys
import time
from pathlib import Path
from typing import Any

from .records import Check, Gate, State

KINDS = ("test", "typecheck", "lint")
VARIANTS = ("baseline", "incremental", "full")
TAIL_LINES = 20
BREAKER_AFTER = 3
KEEP_GATES = 50
MAX_FINDINGS = 2000
NAMED_FINDINGS = 5


# --- running ---------------------------------------------------------------


class Running:
    """One check in flight. Output goes to a log file, not a pipe, so checks can run
    side by side without one stalling on a full pipe while another is waited on; the
    full log stays in `.orchestrator/state/gates/` for anyone who wants more than the tail.

    A thread blocks in `wait()` for each check and stamps the moment it exits. That
    gives every check its own duration, and the gate learns of the exit at once:
    `Popen.wait(timeout=...)` sleeps in growing steps between polls, which made a
    1 s suite cost several percent more through the gate than by hand.
    """

    def __init__(self, kind: str, command: str, root: Path) -> None:
        import subprocess
        import threading

        self.kind, self.command = kind, command
        self.log = root / ".orchestrator" / "state" / "gates" / f"{kind}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.start = time.monotonic()
        self.end: float | None = None
        self.error = ""
        self.waiter: Any = None
        with self.log.open("wb") as out:
            try:
                self.proc: Any = subprocess.Popen(command, shell=True, cwd=root, stdout=out,
                                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                  start_new_session=True)
            except OSError as exc:
                self.proc, self.error = None, f"could not start: {exc}"
                return
        self.waiter = threading.Thread(target=self._wait, daemon=True)
        self.waiter.start()

    def _wait(self) -> None:
        self.proc.wait()
        self.end = time.monotonic()

    def finish(self, timeout: float) -> tuple[int | None, str, float, bool]:
        """(exit code or None on timeout, output, seconds, timed_out); kills the whole group on timeout."""
        if self.proc is None:
            return 127, self.error, 0.0, False
        self.waiter.join(max(0.0, self.start + timeout - time.monotonic()))
        timed_out = self.waiter.is_alive()
        if timed_out:
            self.stop()
            self.waiter.join()
        duration = (self.end or time.monotonic()) - self.start
        text = self.log.read_bytes().decode("utf-8", errors="replace")
        return (None if timed_out else self.proc.returncode), text, duration, timed_out

    def stop(self) -> None:
        import os
        import signal

        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            self.proc.kill()
        if self.waiter is not None:
            self.waiter.join()


def _tail(text: str, lines: int = TAIL_LINES) -> list[str]:
    kept = [line.rstrip()[:200] for line in text.rstrip().splitlines()[-lines:]]
    return kept


def skipped_check(kind: str, source: str) -> Check:
    return {"kind": kind, "command": "skip", "source": source, "skipped": True, "ok": True, "status": "skipped"}


_MISSING_MODULE = r"No module named '?([\w.]+)'?"
_NOT_FOUND = r"(?m)(?:^|: )(?:command )?not found|No such file or directory"


def _override_hint(kind: str) -> str:
    return (f"or, to go on without it, record why: "
            f"'python3 .orchestrator/runtime gate override {kind} --reason \"...\"'")


def diagnose(kind: str, command: str, code: int | None, output: str, parsed: dict[str, Any] | None,
             timed_out: bool, timeout: float) -> tuple[str, str] | None:
    """(cause, fix) when the check could not run at all, None when it ran (passing or not).

    "Could not run" is kept apart from "ran and found failures" because a check that
    cannot run has no failures to compare: counting it as failing-at-baseline (or, worse,
    as a pass) would let every later regression through unseen.
    """
    program = command.split()[0] if command.split() else command
    if timed_out:
        return (f"timed out after {timeout:g}s (gate-timeout)",
                "make the command faster or raise gate-timeout in the Session Config")
    if code in (126, 127):
        what = "is not executable" if code == 126 else "was not found"
        return (f"the command {what} (exit {code}): {program}",
                f"install {program} or set {kind}-command in the Session Config to the command the project uses")
    missing = re.search(_MISSING_MODULE, output)
    if code != 0 and missing and (parsed is None or kind != "test"):
        module = missing.group(1)
        return (f"the interpreter has no module {module!r} (exit {code})",
                f"run it in the project's environment (e.g. set {kind}-command to '.venv/bin/python -m ...') or "
                f"install {module} into the interpreter that runs it")
    if code != 0 and re.search(_NOT_FOUND, output) and parsed is None and len(output) < 2000:
        return (f"a command was not found (exit {code})",
                f"install what is missing or set {kind}-command in the Session Config")
    if kind != "test":
        return None
    runner = (parsed or {}).get("runner") or ("pytest" if "pytest" in command else "")
    if runner == "pytest" and code in (2, 3, 4):
        reason = {2: "was interrupted (usually an error while collecting tests)", 3: "hit an internal error",
                  4: "was called wrongly (usage error)"}[code]
        return (f"pytest {reason} (exit {code}), so no test result is trustworthy",
                "run the test command by hand, fix what it reports (an import or syntax error in a test "
                "module, an unknown option), then rerun the gate")
    if runner == "pytest" and code == 5:
        return ("pytest collected no tests (exit 5)",
                "check testpaths and the directory the command runs in; a suite of zero tests protects nothing")
    if parsed is None and re.search(r"No tests found|No test files found", output):
        return (f"the runner found no tests (exit {code})",
                "check the test paths and the runner's config; a suite of zero tests protects nothing")
    if parsed is None and "[no test files]" in output:
        return ("go test found no test files in any package",
                "add tests or point test-command at the packages that have them")
    if "[build failed]" in output or "[setup failed]" in output:
        return (f"a Go package does not build (exit {code})", "fix the build error shown in the output tail")
    if "error: could not compile" in output:
        return (f"the crate does not compile (exit {code})", "fix the compile error shown in the output tail")
    if parsed is None:
        if code == 0:
            return None
        return (f"exit {code} with no test results the gate can read",
                "run the test command by hand: a missing script, a config error or a crash stops a runner "
                "before it reports tests")
    total = sum(int(parsed.get(k) or 0) for k in ("passed", "failed", "skipped", "errors"))
    if total == 0 and not (parsed.get("runner") == "go" and code == 0):
        return ("no tests ran", "check the test paths and the command; a suite of zero tests protects nothing")
    return None


def check_result(kind: str, command: str, source: str, result: tuple[int | None, str, float, bool],
                 timeout: float, root: Path | None = None) -> dict[str, Any]:
    """Turn a finished command into the recorded check: status, counts or findings, a tail unless it passed."""
    from . import findings as fnd
    from .testparse import parse

    code, output, duration, timed_out = result
    check: dict[str, Any] = {
        "kind": kind, "command": command, "source": source, "skipped": False, "exit": code,
        "duration": round(duration, 3), "timed_out": timed_out, "ok": code == 0 and not timed_out,
        "counts": None, "failed_tests": [], "problems": None, "tail": [],
    }
    parsed = None
    if kind == "test":
        parsed = parse(output)
        if parsed:
            check["runner"] = parsed["runner"]
            check["counts"] = {k: parsed[k] for k in ("passed", "failed", "skipped", "errors")}
            check["failed_tests"] = parsed["failed_tests"]
    broken = diagnose(kind, command, code, output, parsed, timed_out, timeout)
    if kind != "test" and broken is None and code != 0:
        found = fnd.parse(output, root)
        if found is None:
            last = (output.strip().splitlines() or [""])[-1].strip()[:120]
            broken = (f"exit {code} with no findings the gate can read" + (f" ({last})" if last else ""),
                      "run the command by hand: a config or usage error stops a linter before it reports findings")
        else:
            counted = fnd.outside_runtime(found)
            check["findings"] = [list(f) for f in counted[:MAX_FINDINGS]]
            check["problems"] = len(counted)
            if len(counted) > MAX_FINDINGS:  # the rest are compared by their digest, never dropped
                check["finding_digest"] = fnd.digest(counted)
            if len(found) != len(counted):
                check["runtime_findings_ignored"] = len(found) - len(counted)
            if not counted:
                check["ok"] = True
    elif kind != "test" and code == 0:
        check["problems"] = 0
        check["findings"] = []
    if broken:
        check["ok"] = False
        check["status"], check["cause"], check["fix"] = "broken", broken[0], broken[1]
    else:
        check["status"] = "passed" if check["ok"] else "failed"
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
        checks[kind] = (check_result(kind, command, source, job.finish(timeout), timeout, root) if job
                        else skipped_check(kind, source))
    return checks


# --- comparing -------------------------------------------------------------


def _failures(check: dict[str, Any]) -> int:
    counts = check.get("counts") or {}
    return int(counts.get("failed") or 0) + int(counts.get("errors") or 0)


def _is_broken(check: dict[str, Any] | None) -> bool:
    return bool(check) and check.get("status") == "broken"


def broken_checks(checks: dict[str, dict[str, Any]], overrides: dict[str, Any] | None
                  ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(blocking, overridden): the checks that could not run, split by whether the user overrode them."""
    blocking, overridden = [], []
    for kind, check in checks.items():
        if _is_broken(check):
            entry = {"kind": kind, "cause": str(check.get("cause")), "fix": str(check.get("fix"))}
            if (overrides or {}).get(kind):
                overridden.append({**entry, "reason": str(overrides[kind].get("reason", ""))})  # type: ignore[index]
            else:
                blocking.append(entry)
    return blocking, overridden


def compare(baseline: dict[str, Any] | None, checks: dict[str, dict[str, Any]],
            overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Regressions (by name), new findings, broken checks, other new problems, and pre-existing failures."""
    from . import findings as fnd

    regressions: list[str] = []
    new_problems: list[str] = []
    preexisting: list[str] = []
    new_found: dict[str, list[str]] = {}
    base_checks = (baseline or {}).get("checks") or {}
    broken, overridden = broken_checks(checks, overrides)
    for kind, check in checks.items():
        if check.get("skipped") or check.get("ok") or _is_broken(check):
            continue
        base = base_checks.get(kind)
        base_ran = base is not None and not base.get("skipped") and not _is_broken(base)
        if check.get("timed_out"):  # records from before broken checks existed
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
        if kind != "test" and check.get("findings") is not None:
            now = [tuple(f) for f in check["findings"]]
            before_f = [tuple(f) for f in (base.get("findings") or [])] if base_ran else []
            fresh = fnd.new_findings(before_f, now)  # type: ignore[arg-type]
            added = len(fresh)
            # A baseline from a runtime that kept no digest compares by its listed findings only.
            base_whole = not base_ran or base.get("finding_digest") or (base.get("problems") or 0) <= len(before_f)
            if base_whole and (check.get("finding_digest") or (base_ran and base.get("finding_digest"))):
                # Either side kept only its first findings in full: count the new ones over all of them.
                added = fnd.added_count(
                    (base.get("finding_digest") or fnd.digest(before_f)) if base_ran else {},  # type: ignore[arg-type]
                    check.get("finding_digest") or fnd.digest(now))  # type: ignore[arg-type]
            total = check.get("problems") or len(now)
            if not base_whole:  # no digest to compare with: a higher total is still new findings
                added = max(added, total - (base.get("problems") or 0))
            if added:
                new_found[kind] = [fnd.describe(f) for f in fresh]
                new_problems.append(f"{kind}: {added} new finding{'s' if added != 1 else ''}"
                                    + ("" if base_ran else " (no baseline to compare with)")
                                    + (f" ({added - len(fresh)} beyond the first {MAX_FINDINGS} a record keeps, "
                                       "counted but not named: run the command to see them)"
                                       if added > len(fresh) else ""))
            else:
                preexisting.append(f"{kind}: {total} finding{'s' if total != 1 else ''}, none new")
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
            "new_findings": new_found, "broken": broken, "overridden": overridden,
            "blocked": bool(regressions or new_problems or broken)}


# --- the gate --------------------------------------------------------------


def judged_code(root: Path) -> dict[str, str]:
    """The code a gate ran on, so close can tell whether the last full gate still describes it."""
    from .treestate import TreeUnreadableError, fingerprint, tree_id

    try:
        return {**fingerprint(root), "tree_id": tree_id(root)}
    except TreeUnreadableError as exc:
        return {"error": f"git could not list the working tree: {exc}"}


def run_gate(root: Path, variant: str, timeout: float | None = None) -> tuple[int, str]:
    """Run, record and summarise a gate; returns (exit code, summary text)."""
    from .. import telemetry
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
    judged = judged_code(root)
    with locked(root):
        state = require_active(load(root))  # re-read: the record may have changed while the checks ran
        done = [w["wave"] for w in state["waves"] if w["status"] == "done"]
        after = max(done) if done else 0
        active = next((w["wave"] for w in state["waves"] if w["status"] == "active"), None)
        overrides = state.get("gate_overrides") or {}
        record: Gate = {"variant": variant, "wave": active or after, "ts": now_iso(), "duration": total,
                        "checks": checks, "judged": judged}
        if active:
            record["during"] = active
        if variant == "baseline":
            broken, overridden = broken_checks(checks, overrides)
            record.update({"regressions": [], "new_problems": [], "broken": broken, "overridden": overridden,
                           "blocked": bool(broken),
                           "preexisting": [n for c in checks.values() for n in c.get("failed_tests") or []]
                           + [f"{k}: failing at baseline" for k, c in checks.items()
                              if not c["ok"] and not c.get("failed_tests") and not _is_broken(c)]})
            state["baseline"] = record
        else:
            record.update(compare(state.get("baseline"), checks, overrides))
            record["no_baseline"] = state.get("baseline") is None
            state["gates"] = [*state.get("gates", []), record][-KEEP_GATES:]
            if after and not active:
                wave = state["waves"][after - 1]
                if wave.get("gate") and (wave["gate"] == variant or variant == "full"):
                    wave["gate_status"] = "blocked" if record["blocked"] else "passed"
        streaks = state.setdefault("gate_streak", {})
        streaks[variant] = streaks.get(variant, 0) + 1 if record["blocked"] else 0
        streak = streaks[variant]
        save(root, state)
    telemetry.emit(root, "gate.blocked" if record["blocked"] else "gate.passed", {
        "session_id": state["session_id"], "variant": variant, "wave": record["wave"], "duration": total,
        "regressions": len(record["regressions"]), "new_problems": len(record["new_problems"]),
        "broken": [b["kind"] for b in record["broken"]], "overridden": [b["kind"] for b in record["overridden"]],
        "durations": {k: c.get("duration") for k, c in checks.items() if not c.get("skipped")},
    })
    if not record["blocked"] and variant != "baseline" and not record.get("during"):
        from ..guards import breaker

        if breaker.clear(root, "gate-passed", f"the {variant} gate passed"):
            record["breaker_cleared"] = True
    if record["blocked"] and streak == BREAKER_AFTER:
        from ..guards import breaker

        failing = [k for k, c in checks.items() if not c["ok"]]
        breaker.trip(root, "gate-failure", f"the {variant} gate was blocked {streak} times in a row",
                     check=",".join(failing), variant=variant)
    summary = summarize(record, state, streak)
    return (2 if record["blocked"] else 0), summary


def _where(record: Gate) -> str:
    if record.get("during"):
        return f"during wave {record['during']}"
    return "before wave 1" if record["wave"] == 0 else f"after wave {record['wave']}"


def summarize(record: Gate, state: State, streak: int = 0) -> str:
    """What the agent sees: per check one line, names of what blocks, and a tail only for failures."""
    variant = record["variant"]
    verdict = "BLOCKED" if record["blocked"] else ("recorded" if variant == "baseline" else "PASS")
    lines = [f"gate {variant} ({_where(record)}): {verdict} in {record['duration']:.1f}s"]
    for kind, check in record["checks"].items():
        if check.get("skipped"):
            lines.append(f"  {kind:<9} skip   ({check['source']})")
            continue
        broken = _is_broken(check)
        word = "ok" if check["ok"] else ("TIMEOUT" if check.get("timed_out") else "BROKEN" if broken else "FAIL")
        detail = ""
        counts = check.get("counts")
        if broken:
            detail = f"cannot run: {check.get('cause')}"
        elif counts:
            detail = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "errors", "skipped")
                               if counts.get(k))
        elif check.get("problems"):
            detail = f"{check['problems']} finding{'s' if check['problems'] != 1 else ''}"
        if check.get("runtime_findings_ignored"):
            detail += f" ({check['runtime_findings_ignored']} in .orchestrator/ not counted)"
        exit_text = "" if check["ok"] or check.get("timed_out") or broken else f" exit {check.get('exit')}"
        lines.append(f"  {kind:<9} {word:<6} {check['duration']:.1f}s{exit_text}" + (f"  {detail}" if detail else ""))
    for entry in record.get("broken") or []:
        lines.append(f"  BROKEN: {entry['kind']} could not run: {entry['cause']}")
        lines.append(f"    fix: {entry['fix']}; {_override_hint(entry['kind'])}")
    for entry in record.get("overridden") or []:
        lines.append(f"  OVERRIDDEN: {entry['kind']} could not run ({entry['cause']}); "
                     f"not checked, by override: {entry['reason']}")
    names = record.get("regressions") or []
    for name in names[:5]:
        lines.append(f"  REGRESSION: {name}")
    if len(names) > 5:
        from ..words import count

        lines.append(f"  ... and {count(len(names) - 5, 'more regression')} (all of them: 'session status --json', "
                     "or .orchestrator/state/session.json)")
    for problem in (record.get("new_problems") or [])[:3]:
        lines.append(f"  NEW: {problem}")
    for found in (record.get("new_findings") or {}).values():
        for text in found[:NAMED_FINDINGS]:
            lines.append(f"    {text}")
        if len(found) > NAMED_FINDINGS:
            lines.append(f"    and {len(found) - NAMED_FINDINGS} more")
    pre = record.get("preexisting") or []
    if pre:
        label = "failing at baseline (will not block later gates)" if variant == "baseline" else \
            "pre-existing failures (not blocking)"
        lines.append(f"  {label}: {len(pre)}: {', '.join(pre[:3])}{' ...' if len(pre) > 3 else ''}")
    if record.get("blocked") or variant == "baseline":
        # lint and typecheck findings are named one by one above; their raw tail would only repeat them
        failing = [c for c in record["checks"].values() if not c["ok"] and c.get("tail") and not c.get("findings")]
        budget = 16 - len(lines)
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
    if record["blocked"] and variant == "baseline":
        lines.append("next: fix the checks that cannot run (or override them), then run 'gate baseline' again; "
                     "wave 1 cannot start until then.")
    elif record["blocked"]:
        nxt = record["wave"] + 1
        follow = (f"wave {nxt} cannot start until it passes" if nxt <= state.get("total_waves", 0)
                  else "close refuses to report this session completed until it passes")
        if record.get("during"):
            follow = f"finish wave {record['during']} with 'wave done', then gate again"
        lines.append(f"next: fix what is named above, then run 'gate {variant}' again; {follow}.")
        if streak >= BREAKER_AFTER:
            lines.append(f"circuit breaker: this gate failed {streak} times in a row; no wave or subagent starts "
                         "until a gate passes or the user acknowledges it. Stop and ask the user.")
    elif variant != "baseline" and not record.get("during") and record["wave"] < state.get("total_waves", 0):
        lines.append(f"next: 'wave start {record['wave'] + 1}'")
    if record.get("breaker_cleared"):
        lines.append("circuit breaker cleared: the gate passed.")
    return "\n".join(lines)


def override(root: Path, kind: str, reason: str | None, clear: bool) -> int:
    """Record (or clear) the user's decision to go on although `kind` cannot run.

    The override is visible everywhere the verdict is: in each gate's output, in
    `session status` and in telemetry, so nobody mistakes an unchecked gate for a passed one.
    """
    from .. import telemetry
    from .state import load, locked, now_iso, require_active, save

    if not clear and not (reason or "").strip():
        print("error: an override needs --reason \"why this check may be skipped\"", file=sys.stderr)
        return 1
    with locked(root):
        state = require_active(load(root))
        overrides = state.setdefault("gate_overrides", {})
        if clear:
            existed = overrides.pop(kind, None) is not None
        else:
            overrides[kind] = {"reason": str(reason).strip()[:200], "ts": now_iso()}
        save(root, state)
    telemetry.emit(root, "gate.override", {"session_id": state["session_id"], "check": kind,
                                           "cleared": clear, "reason": "" if clear else str(reason).strip()[:200]})
    if clear:
        print(f"override for {kind} {'cleared' if existed else 'was not set'}; a {kind} check that cannot run "
              "blocks again.")
    else:
        print(f"override recorded: a {kind} check that cannot run no longer blocks this session "
              f"(reason: {str(reason).strip()}). It stays visible in every gate and in 'session status'; "
              f"clear it with 'gate override {kind} --clear'.")
    return 0


# --- CLI -------------------------------------------------------------------


def add_arguments(parser: Any) -> None:
    parser.add_argument("variant", choices=(*VARIANTS, "override"), help="baseline at session start, incremental "
                        "between waves, full after Quality and before close; 'override CHECK --reason TEXT' lets "
                        "the session go on although that check cannot run")
    parser.add_argument("check", nargs="?", choices=KINDS, help="with override: test, typecheck or lint")
    parser.add_argument("--reason", default=None, help="with override: why the check may be left unchecked")
    parser.add_argument("--clear", action="store_true", help="with override: remove the override")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds each check may run (default: Session Config gate-timeout, 900)")


def run(args: Any) -> int:
    from ..config import ConfigError
    from ..paths import project_root
    from .state import StateError

    root = project_root()
    try:
        if args.variant == "override":
            if not args.check:
                print("error: name the check: 'gate override test|typecheck|lint --reason \"...\"'", file=sys.stderr)
                return 1
            return override(root, args.check, args.reason, args.clear)
        if args.check:
            print(f"error: 'gate {args.variant}' takes no check name", file=sys.stderr)
            return 1
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


# --- probing (doctor) ------------------------------------------------------

_VERSION_ONLY = ("mypy", "pyright", "flake8", "eslint", "tsc", "tox", "nox", "pylint", "black")


def probe_command(kind: str, command: str) -> tuple[str, str]:
    """(cheap command that proves `command` can run, what it proves).

    The probe asks the real tool, in the real environment, for something quick: the
    test runner collects without running, a compiled language builds without testing,
    a slow type checker reports its version (which already fails when the tool or its
    interpreter is missing), and ruff, which is fast, runs for real.
    """
    words = command.split()
    if kind == "test" and "pytest" in command and "tox" not in words:
        return f"{command} --collect-only -q -p no:cacheprovider", "collects tests"
    if words[:2] == ["go", "test"]:
        return "go vet " + " ".join(words[2:] or ["./..."]), "builds and vets"
    if words[:2] == ["cargo", "test"]:
        return f"{command} --no-run", "builds the tests"
    if kind == "test" and words and words[0] in ("npm", "pnpm", "yarn"):
        return f"{command} -- --listTests", "lists tests (jest)"
    for index, word in enumerate(words):
        name = word.rsplit("/", 1)[-1]
        if name == "ruff":
            return command, "runs"
        if name in _VERSION_ONLY:
            return " ".join(words[:index + 1]) + " --version", "starts (version only: a full run is slow)"
    return command, "runs"


def _run_probe(command: str, root: Path, timeout: float) -> tuple[int | None, str, float, bool]:
    import subprocess

    started = time.monotonic()
    try:
        done = subprocess.run(command, shell=True, cwd=root, capture_output=True, text=True, errors="replace",
                              stdin=subprocess.DEVNULL, timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return None, partial, time.monotonic() - started, True
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started, False


def probe(kind: str, command: str, root: Path, timeout: float = 120, full_run: float = 30) -> tuple[str, str, str]:
    """('ok' | 'broken', detail, fix) for one configured check, without touching session state.

    It runs outside `Running` on purpose: no gate log, no telemetry, nothing under
    `.orchestrator/state/`, so `doctor` can be run any number of times with the same answer.
    A linter or type checker that starts may still be unable to check the project (a
    config error, a module found twice), so after its version it also runs for real,
    for at most `full_run` seconds; a longer run is reported as not proved, not as broken.
    """
    cheap, proves = probe_command(kind, command)
    code, output, took, timed_out = _run_probe(cheap, root, timeout)
    if "--collect-only" in cheap and code == 0:
        # -q prints "N tests collected", -qq one "file.py: N" line per file, plain output "collected N items"
        found = re.search(r"(\d+) tests? collected|collected (\d+) items?", output)
        per_file = [int(n) for n in re.findall(r"(?m)^\S+\.py: (\d+)$", output)]
        count = int(next(g for g in found.groups() if g)) if found else sum(per_file) or len(
            [line for line in output.splitlines() if "::" in line])
        if count == 0:
            return "broken", "pytest collected no tests", "check testpaths and the test command"
        return "ok", f"{proves}: {count} tests", ""
    if cheap == command and kind != "test":
        result = check_result(kind, command, "", (code, output, took, timed_out), timeout, root)
        if result["status"] == "broken":
            return "broken", str(result["cause"]), str(result["fix"])
        found_n = result.get("problems")
        return "ok", f"{proves}" + (f": {found_n} findings" if found_n else ""), ""
    cause = diagnose(kind, command, code, output, None if code else {"runner": "", "passed": 1}, timed_out, timeout)
    if cause is None and code != 0:
        last = (output.strip().splitlines() or [""])[-1][:120]
        cause = (f"the probe '{cheap}' exited {code}: {last}", f"run '{cheap}' by hand and fix what it reports")
    if cause:
        return "broken", cause[0], cause[1]
    if kind != "test":
        code, output, took, timed_out = _run_probe(command, root, full_run)
        if timed_out:
            return "ok", f"{proves}; a full run takes over {full_run:g}s, so the doctor did not wait for it", ""
        result = check_result(kind, command, "", (code, output, took, False), timeout, root)
        if result["status"] == "broken":
            return "broken", str(result["cause"]), str(result["fix"])
        found_n = result.get("problems")
        return "ok", "runs" + (f": {found_n} findings" if found_n else ""), ""
    return "ok", proves, ""
