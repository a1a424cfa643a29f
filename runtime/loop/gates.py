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
import time
from pathlib import Path
from typing import Any

from .checkrun import Running  # noqa: F401  (lives in checkrun.py; importable from here as before)
from .records import Check, Gate, Judged, State

KINDS = ("test", "typecheck", "lint")
VARIANTS = ("baseline", "incremental", "full")
TAIL_LINES = 20
BREAKER_AFTER = 3
KEEP_GATES = 50
MAX_FINDINGS = 2000
NAMED_FINDINGS = 5


# --- running ---------------------------------------------------------------


def _tail(text: str, lines: int = TAIL_LINES) -> list[str]:
    kept = [line.rstrip()[:200] for line in text.rstrip().splitlines()[-lines:]]
    return kept


def skipped_check(kind: str, source: str) -> Check:
    return {"kind": kind, "command": "skip", "source": source, "skipped": True, "ok": True, "status": "skipped"}


_MISSING_MODULE = r"No module named '?([\w.]+)'?"
# Only the shell's own words mean "a command was not found": "No such file or directory" inside a
# tool's output (mypy: "can't read file 'src': No such file or directory") is that tool's error, not this.
_SHELL_MISSING = (r"(?m)^(?:/usr)?(?:/bin/)?(?:ba|da|z)?sh: (?:line )?(?:\d+: )?(?:exec: )?([^:\s]+): "
                  r"(?:command )?not found"
                  r"|^(?:/usr)?(?:/bin/)?(?:ba|z)?sh: (?:line \d+: )?([^:\s]+): No such file or directory"
                  r"|^env: '?([^':\s]+)'?: No such file or directory")


def missing_program(output: str) -> str:
    """The program the shell (or env) could not find, as it named it in `output`, or ''."""
    found = re.search(_SHELL_MISSING, output)
    return next((g for g in found.groups() if g), "") if found else ""


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
        program = missing_program(output) or program  # `npm test` exits 127 when vitest is missing, not npm
        return (f"the command {what} (exit {code}): {program}",
                f"install {program} or set {kind}-command in the Session Config to the command the project uses")
    missing = re.search(_MISSING_MODULE, output)
    if code != 0 and missing and (parsed is None or kind != "test"):
        module = missing.group(1)
        cause = f"the interpreter has no module {module!r} (exit {code})"
        if "/" in program and "python" in program.rsplit("/", 1)[-1]:
            # Already the project's own interpreter: pointing at '.venv/bin/python' again would send the
            # user in a circle; what is missing is the tool in that environment (or the project runs it
            # some other way, which the Session Config should then say).
            return (cause, f"install it there ('{program} -m pip install {module}'), or set {kind}-command to "
                           f"the command the project runs {module} with (a tox or nox session, a pipx or uv tool)")
        return (cause, f"run it in the project's environment (e.g. set {kind}-command to '.venv/bin/python -m ...') "
                       f"or install {module} into the interpreter that runs it")
    missing_cmd = missing_program(output) if code != 0 and parsed is None else ""
    if missing_cmd:
        return (f"a command was not found (exit {code}): {missing_cmd}",
                f"install {missing_cmd} or set {kind}-command in the Session Config")
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
                 timeout: float, root: Path | None = None) -> Check:
    """Turn a finished command into the recorded check: status, counts or findings, a tail unless it passed."""
    from . import findings as fnd
    from .losttests import identities
    from .testreport import attach
    from .testrunners import parse

    code, output, duration, timed_out = result
    check: Check = {
        "kind": kind, "command": command, "source": source, "skipped": False, "exit": code,
        "duration": round(duration, 3), "timed_out": timed_out, "ok": code == 0 and not timed_out,
        "counts": None, "failed_tests": [], "problems": None, "tail": [],
    }
    parsed = None
    if kind == "test":
        parsed = attach(parse(output), output, root)
        if parsed:
            check["runner"] = parsed["runner"]
            check["counts"] = {k: parsed[k] for k in ("passed", "failed", "skipped", "errors")}
            check["failed_tests"] = parsed["failed_tests"]
            ids = identities(parsed)
            if ids:
                check["test_ids"] = ids
            if parsed.get("groups"):
                check["test_groups"] = parsed["groups"]
    broken = diagnose(kind, command, code, output, parsed, timed_out, timeout)
    if kind == "test" and broken and parsed is None and broken[0].startswith(f"exit {code} with no test results"):
        check["unreadable"] = True  # compared by exit status when the baseline ran (losttests.judge)
    if kind != "test" and broken is None and code != 0:
        found = fnd.parse(output, root)
        if found is None:
            from .failtext import first_error_line

            said = first_error_line(output)[:160]
            broken = (f"exit {code} with no findings the gate can read" + (f": {said}" if said else ""),
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
               meanwhile: Any = None, progress: float = 0.0, label: str = "gate") -> dict[str, Check]:
    """The checks only (see `run_watched`, which also proves they changed no file)."""
    return run_watched(commands, root, timeout, meanwhile, progress, label)[0]


def run_watched(commands: dict[str, tuple[str, str]], root: Path, timeout: float, meanwhile: Any = None,
                progress: float = 0.0, label: str = "gate") -> tuple[dict[str, Check], dict[str, Any]]:
    """Start every check at once, run `meanwhile()` while they run, collect them; (checks, what they wrote).

    Starting the commands before the session bookkeeping keeps the runtime's own
    work off the critical path. If `meanwhile` raises (no active session, say), or the
    gate gets SIGTERM, SIGINT or SIGHUP, every check's process group is ended and the
    error propagates (`checkrun.Stopped` for a signal). The working tree is read before
    the first check starts and after the last one ends (`readonly.py`).
    """
    import threading

    from .checkrun import Owned, wait_all
    from .failtext import first_failure
    from .readonly import compare_tree, take

    before = take(root)
    done = threading.Event()
    jobs: dict[str, Running] = {}
    with Owned(list(jobs.values())) as owned:
        for kind, (command, _) in commands.items():
            if command != "skip":
                jobs[kind] = Running(kind, command, root, done)
                owned.jobs.append(jobs[kind])
        if meanwhile is not None:
            meanwhile()
        wait_all(list(jobs.values()), timeout, done, progress, label)
    checks: dict[str, Check] = {}
    for kind, (command, source) in commands.items():
        job = jobs.get(kind)
        if job is None:
            checks[kind] = skipped_check(kind, source)
            continue
        result = job.finish(timeout)
        checks[kind] = check_result(kind, command, source, result, timeout, root)
        checks[kind]["log"] = job.log.relative_to(root).as_posix()
        if not checks[kind]["ok"] and checks[kind].get("status") != "broken":
            checks[kind]["first_failure"] = first_failure(result[1])
    after = take(root)
    wrote = compare_tree(root, before, after, list(jobs.values()))
    wrote["_after"] = after.get("snap")  # for judged_code: the same reading of the tree (popped before recording)
    return checks, wrote


# --- comparing -------------------------------------------------------------


def _failures(check: Check) -> int:
    counts = check.get("counts") or {}
    return int(counts.get("failed") or 0) + int(counts.get("errors") or 0)


def _is_broken(check: Check | None) -> bool:
    if not check:
        return False
    return check.get("status") == "broken"


def broken_checks(checks: dict[str, Check], overrides: dict[str, Any] | None
                  ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(blocking, overridden): the checks that could not run, split by whether the user overrode them."""
    blocking, overridden = [], []
    for kind, check in checks.items():
        if _is_broken(check):
            entry = {"kind": kind, "cause": str(check.get("cause")), "fix": str(check.get("fix"))}
            override = (overrides or {}).get(kind)
            if override:
                overridden.append({**entry, "reason": str(override.get("reason", ""))})
            else:
                blocking.append(entry)
    return blocking, overridden


def compare(baseline: Gate | None, checks: dict[str, Check],
            overrides: dict[str, Any] | None = None, accepted: list[dict[str, Any]] | None = None) -> Gate:
    """Regressions (by name), lost tests, new findings, broken checks, other new problems, pre-existing failures.

    `accepted` lists tests removed on purpose (`gate accept-lost`, losttests.py): they are not lost.
    """
    from . import findings as fnd
    from .losttests import judge, split_failures

    regressions: list[str] = []
    new_problems: list[str] = []
    preexisting: list[str] = []
    new_found: dict[str, list[str]] = {}
    base_checks = (baseline or {}).get("checks") or {}
    lost = judge(base_checks.get("test"), checks.get("test"), accepted)
    if lost["demote"]:  # it ran at baseline: unreadable output now is a failure to compare, not "cannot run"
        test = checks["test"]
        test["status"] = "failed"
        test.pop("cause", None)
        test.pop("fix", None)
    broken, overridden = broken_checks(checks, overrides)
    new_problems.extend(lost["problems"])
    if lost["same"]:
        preexisting.append(lost["same"])
    for kind, check in checks.items():
        if check.get("skipped") or check.get("ok") or _is_broken(check):
            continue
        if kind == "test" and check.get("counts") is None and (lost["problems"] or lost["same"]):
            continue  # judged by exit status above
        found = base_checks.get(kind)
        base_ran = found is not None and not found.get("skipped") and not _is_broken(found)
        base: Check = found or {}  # read only where base_ran says it ran
        if check.get("timed_out"):  # records from before broken checks existed
            if base_ran and base.get("timed_out"):
                preexisting.append(f"{kind}: timed out (also at baseline)")
            else:
                new_problems.append(f"{kind}: timed out after the gate-timeout")
            continue
        if kind == "test" and check.get("failed_tests"):
            new, old = split_failures(base.get("failed_tests") or [] if base_ran else [], check["failed_tests"])
            regressions.extend(new)
            preexisting.extend(old)
            continue
        if kind != "test" and check.get("findings") is not None:
            # A record keeps findings as JSON arrays, [file, line, code, message] as check_result wrote them; their
            # shape is not checked when read back, so the checker cannot know tuple() restores a Finding.
            now: list[fnd.Finding] = [tuple(f) for f in check["findings"]]  # type: ignore[misc]
            before_f: list[fnd.Finding] = (
                [tuple(f) for f in (base.get("findings") or [])] if base_ran else [])  # type: ignore[misc]
            fresh = fnd.new_findings(before_f, now)
            added = len(fresh)
            # A baseline from a runtime that kept no digest compares by its listed findings only.
            base_whole = not base_ran or base.get("finding_digest") or (base.get("problems") or 0) <= len(before_f)
            if base_whole and (check.get("finding_digest") or (base_ran and base.get("finding_digest"))):
                # Either side kept only its first findings in full: count the new ones over all of them.
                added = fnd.added_count(
                    (base.get("finding_digest") or fnd.digest(before_f)) if base_ran else {},
                    check.get("finding_digest") or fnd.digest(now))
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
            "lost": lost["lost"], "lost_count": lost["lost_count"], "accepted_lost": lost["accepted"],
            "blocked": bool(regressions or new_problems or broken)}


# --- the gate --------------------------------------------------------------


def judged_code(root: Path, snap: dict[str, str] | None = None) -> Judged:
    """The code a gate ran on, so close can tell whether the last full gate still describes it.

    `snap` is the snapshot the tree check took after the checks ended, read once for both."""
    from ..core.treestate import TreeUnreadableError, fingerprint, tree_id

    try:
        code = fingerprint(root, snap)  # {"head", "tree"}
        return {"head": code["head"], "tree": code["tree"], "tree_id": tree_id(root, snap)}
    except TreeUnreadableError as exc:
        return {"error": f"git could not list the working tree: {exc}"}


def run_gate(root: Path, variant: str, timeout: float | None = None, progress: float = 0.0) -> tuple[int, str]:
    """Run, record and summarise a gate; returns (exit code, summary text). See `run_gate_record`."""
    code, summary, _ = run_gate_record(root, variant, timeout, progress)
    return code, summary


def run_gate_record(root: Path, variant: str, timeout: float | None = None, progress: float = 0.0
                    ) -> tuple[int, str, Gate]:
    """Run, record and summarise a gate: (exit code, summary text, the record as stored).

    `progress` > 0 prints a line to standard error every that many seconds while checks run."""
    from .checkrun import OneGate
    from .detect import resolve
    from .state import StateError, load, require_active, session_config

    config = session_config(root)
    limit = float(timeout if timeout is not None else config.get("gate-timeout", 1800))
    commands = {kind: resolve(kind, str(config.get(f"{kind}-command", "auto")), root) for kind in KINDS}

    def may_run() -> None:
        state = require_active(load(root))
        if variant == "baseline" and state.get("baseline") and any(w["status"] != "pending" for w in state["waves"]):
            raise StateError("the baseline is already recorded and waves have started; running it again now would "
                             "hide regressions. Run 'gate incremental' or 'gate full' instead.")

    with OneGate(root):
        return _run_and_record(root, variant, commands, limit, may_run, progress)


def _run_and_record(root: Path, variant: str, commands: dict[str, tuple[str, str]], limit: float, may_run: Any,
                    progress: float) -> tuple[int, str, Gate]:
    from ..core import telemetry
    from .losttests import accepted, keep
    from .losttests import load as with_test_names
    from .state import load, locked, now_iso, require_active, save
    from .testreport import capturing

    started = time.monotonic()
    with capturing(root):
        checks, wrote = run_watched(commands, root, limit, meanwhile=may_run, progress=progress,
                                    label=f"gate {variant}")
    total = round(time.monotonic() - started, 3)
    judged = judged_code(root, wrote.pop("_after", None))
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
        else:
            record.update(compare(with_test_names(root, state.get("baseline")), checks, overrides, accepted(state)))
            record["no_baseline"] = state.get("baseline") is None
        record["wrote"] = wrote
        if wrote.get("files") or not wrote.get("checked"):  # a gate that changed the project judged nothing
            record["blocked"] = True
        if variant == "baseline":
            state["baseline"] = record
        else:
            state["gates"] = [*state.get("gates", []), record][-KEEP_GATES:]
            if after and not active:
                wave = state["waves"][after - 1]
                if wave.get("gate") and (wave["gate"] == variant or variant == "full"):
                    wave["gate_status"] = "blocked" if record["blocked"] else "passed"
        keep(root, variant, checks)
        streaks = state.setdefault("gate_streak", {})
        streaks[variant] = streaks.get(variant, 0) + 1 if record["blocked"] else 0
        streak = streaks[variant]
        save(root, state)
    telemetry.emit(root, "gate.blocked" if record["blocked"] else "gate.passed", {
        "session_id": state["session_id"], "variant": variant, "wave": record["wave"], "duration": total,
        "regressions": len(record["regressions"]), "new_problems": len(record["new_problems"]),
        "broken": [b["kind"] for b in record["broken"]], "overridden": [b["kind"] for b in record["overridden"]],
        "durations": {k: c.get("duration") for k, c in checks.items() if not c.get("skipped")},
        "wrote": len(wrote.get("files") or []),
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
    return (2 if record["blocked"] else 0), summary, record


def _where(record: Gate) -> str:
    if record.get("during"):
        return f"during wave {record['during']}"
    return "before wave 1" if record["wave"] == 0 else f"after wave {record['wave']}"


def accepted_lost_lines(record: Gate, state: State) -> list[str]:
    """The tests this gate did not count as lost because the session recorded their removal."""
    names = record.get("accepted_lost") or []
    if not names:
        return []
    reasons = {e.get("test"): e.get("reason") for e in state.get("accepted_lost") or []}
    why = sorted({str(r) for r in reasons.values() if r})
    return [f"ACCEPTED LOST: {len(names)} removed on purpose ({'; '.join(why)[:120]}): "
            f"{', '.join(names[:5])}{' ...' if len(names) > 5 else ''}"]


def _failure_excerpts(record: Gate, budget: int) -> list[str]:
    """Per failing check: the first failure (assertion and location), then the runner's summary, then the log.

    Lint and typecheck findings are named one by one above; their raw output would only repeat them.
    """
    out: list[str] = []
    failing = [c for c in record["checks"].values()
               if not c["ok"] and (c.get("tail") or c.get("first_failure")) and not c.get("findings")]
    for check in failing:
        if budget - len(out) <= 2:
            break
        first = check.get("first_failure") or []
        room = budget - len(out) - 2
        if first and room > 2:
            keep = min(5, room - 2)
            shown = first if len(first) <= keep else [*first[:keep - 1], first[-1]]  # the location stays
            out.append(f"  first failure ({check['kind']}):")
            out.extend(f"    {line.strip()}" for line in shown)
        tail = [line for line in check.get("tail") or [] if line.strip()]
        take = max(1, min(2 if first else 5, budget - len(out) - 2))
        if tail:
            out.append(f"  {'summary' if first else 'output tail'} ({check['kind']}):")
            out.extend(f"    {line}" for line in tail[-take:])
        if check.get("log"):
            out.append(f"  full output: {check['log']}")
    return out


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
    if record.get("lost_count"):
        from .losttests import describe as describe_lost

        lines.append(f"  {describe_lost(record.get('lost') or [], int(record['lost_count']))}")
    for note in accepted_lost_lines(record, state):
        lines.append(f"  {note}")
    from .readonly import describe

    lines.extend(describe(record.get("wrote") or {}))
    names = record.get("regressions") or []
    for name in names[:5]:
        lines.append(f"  REGRESSION: {name}")
    if len(names) > 5:
        from ..core.words import count

        lines.append(f"  ... and {count(len(names) - 5, 'more regression')} (all of them: 'session status --json', "
                     "or .orchestrator/state/session.json)")
    found_by_kind = record.get("new_findings") or {}
    for problem in [p for p in record.get("new_problems") or [] if "that passed at baseline did not run" not in p][:4]:
        lines.append(f"  NEW: {problem}")
        kind = problem.split(":", 1)[0]
        found = found_by_kind.get(kind) if " new finding" in problem else None
        for text in (found or [])[:NAMED_FINDINGS]:  # each check's new findings right under its own line
            lines.append(f"    {text}")
        if found and len(found) > NAMED_FINDINGS:
            lines.append(f"    and {len(found) - NAMED_FINDINGS} more")
    pre = record.get("preexisting") or []
    if pre:
        label = "failing at baseline (will not block later gates)" if variant == "baseline" else \
            "pre-existing failures (not blocking)"
        lines.append(f"  {label}: {len(pre)}: {', '.join(pre[:3])}{' ...' if len(pre) > 3 else ''}")
    if record.get("blocked") or variant == "baseline":
        lines.extend(_failure_excerpts(record, 15 - len(lines)))
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


def override(root: Path, kind: str, reason: str | None, clear: bool) -> bool:
    """Record (or clear) the user's decision to go on although `kind` cannot run; returns whether an
    override was set before (what clearing one that was never set says).

    The override is visible everywhere the verdict is: in each gate's output, in
    `session status` and in telemetry, so nobody mistakes an unchecked gate for a passed one.
    """
    from ..core import telemetry
    from .state import load, locked, now_iso, require_active, save

    with locked(root):
        state = require_active(load(root))
        overrides = state.setdefault("gate_overrides", {})
        existed = kind in overrides and overrides[kind] is not None
        if clear:
            overrides.pop(kind, None)
        else:
            overrides[kind] = {"reason": str(reason).strip()[:200], "ts": now_iso()}
        save(root, state)
    telemetry.emit(root, "gate.override", {"session_id": state["session_id"], "check": kind,
                                           "cleared": clear, "reason": "" if clear else str(reason).strip()[:200]})
    return existed


# doctor's probes are in probes.py (they use check_result and diagnose from here).
