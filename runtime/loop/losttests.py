# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Lost tests: a test that passed at baseline and no longer runs blocks like a regression.

The cheapest way to turn a red suite green is to stop running the red tests:
skip them, delete them, deselect them, or replace the test command with one that
prints nothing. None of that fails a test, so comparing failing names alone lets
it through. This module compares what ran:

- by name, when both the baseline and now list every test (`testrunners`,
  `testreport`): each test that passed at baseline must pass or fail now;
- per file with counts, when the runner lists only some tests (vitest);
- by total counts otherwise: fewer tests passing than at baseline, beyond those
  that now fail, is a loss even without names;
- by exit status, when the output has no results at all: no readable result
  after a baseline that had results blocks, and so does "exit 0 at baseline,
  1 now" for a runner whose output was never readable.

Real suites have names that change from run to run (parametrized ids built from
the time or a random seed, doctest line numbers). A test that vanished is matched
against a test that is new now by its *family*: the name with the parametrization
and long numbers left out, so `test_at[1733472000.12]` standing in for
`test_at[1733471990.55]` is the same test, while a family with fewer tests now than
at baseline still loses some.

A test removed on purpose is accepted explicitly (`gate accept-lost ID... --reason
TEXT`), recorded under the session record's `accepted_lost` key, and shown in
every gate, STATE.md and `session status`; it is never a silent pass.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Final

from .records import Check, Gate, State, TestIds
from .testparse import Lazy

MAX_INLINE = 2000  # ids a gate record keeps itself; past that they go to a file beside it (see keep)
NAMED = 5
STATE_KEY: Final = "accepted_lost"
_PARAMS = Lazy(r"\[.*\]$")
_VOLATILE = Lazy(r"\d{4,}(?:\.\d+)?|\d+\.\d{3,}|\b[0-9a-fA-F]{8,}\b|\(line \d+\)")
_SEPARATORS = ("::", "[", " > ", " › ", "/", ".")


def volatile_free(name: str) -> str:
    """The name with only the parts that look generated (long numbers, hex, doctest lines) left out."""
    free: str = _VOLATILE.sub("#", name)
    return free


def family(name: str) -> str:
    """The part of a test's name that stays the same from run to run."""
    stable: str = _VOLATILE.sub("#", _PARAMS.sub("[]", name))
    return stable


def identities(parsed: dict[str, Any] | None) -> TestIds | None:
    """What a check records about each test: the names by outcome and where they came from."""
    if not parsed or not parsed.get("tests"):
        return None
    tests = parsed["tests"]
    return {"source": parsed.get("tests_source", "output"), "passed": list(tests.get("passed") or []),
            "failed": list(tests.get("failed") or []), "skipped": list(tests.get("skipped") or [])}


def lost_by_name(base_passed: list[str], now_ran: list[str], base_all: list[str]) -> list[str]:
    """Tests that passed at baseline and did not run (pass or fail) now, volatile names allowed for."""
    now = Counter(now_ran)
    missing: list[str] = []
    for name, times in Counter(base_passed).items():
        missing.extend([name] * max(0, times - now.get(name, 0)))
    if not missing:
        return []
    fresh = Counter(family(name) for name in (now - Counter(base_all)).elements())
    lost = []
    for name in missing:
        key = family(name)
        if fresh.get(key, 0) > 0:
            fresh[key] -= 1
        else:
            lost.append(name)
    return lost


def split_failures(before: list[str], now: list[str]) -> tuple[list[str], list[str]]:
    """(regressions, pre-existing) among the failing names `now`, given those failing at baseline.

    A name that failed at baseline is pre-existing. So is a name that is new now when a
    failing name equal to it but for its volatile parts (long numbers, hex) vanished since
    the baseline: the same failing test under this run's id. Parametrization as such is not
    left out here, unlike for lost tests: `test_f[2]` failing where `test_f[1]` failed is a
    regression.
    """
    old = set(before)
    vanished = Counter(volatile_free(name) for name in set(before) - set(now))
    regressions, preexisting = [], []
    for name in now:
        key = volatile_free(name)
        if name in old:
            preexisting.append(name)
        elif key != name and vanished.get(key, 0) > 0:
            vanished[key] -= 1
            preexisting.append(name)
        else:
            regressions.append(name)
    return regressions, preexisting


def _is_accepted(name: str, accepted: list[str]) -> bool:
    for entry in accepted:
        if name == entry or family(name) == family(entry) or any(name.startswith(entry + s) for s in _SEPARATORS):
            return True
    return False


def _count(check: Check, *keys: str) -> int:
    counts = check.get("counts") or {}
    return sum(int(counts.get(k) or 0) for k in keys)


def judge(base: Check | None, now: Check | None, accepted: list[dict[str, Any]] | None = None
          ) -> dict[str, Any]:
    """How the test check lost ground against the baseline beyond failing tests.

    Returns {"lost": names, "lost_count": n, "problems": blocking texts, "accepted": names accepted as lost,
    "same": text when it fails exactly as at baseline, "demote": True when `now` is broken only because its
    output was unreadable while the baseline ran (it is then compared by exit status, not called broken)}.
    """
    out: dict[str, Any] = {"lost": [], "lost_count": 0, "problems": [], "accepted": [], "same": "", "demote": False}
    if not now or now.get("skipped") or not base or base.get("skipped") or now.get("timed_out"):
        return out
    if base.get("status") not in ("passed", "failed"):  # the baseline could not run: nothing to lose
        return out
    if now.get("status") == "broken" and not now.get("unreadable"):
        return out
    wanted = [str(entry.get("test")) for entry in accepted or [] if entry.get("test")]
    if now.get("counts") is None:
        out["demote"] = now.get("status") == "broken"
        if base.get("counts"):
            had = _count(base, "passed")
            out["problems"].append(f"test: printed no test results the gate can read (exit {now.get('exit')}); "
                                   f"the baseline had {had} passed")
        elif base.get("exit") == 0 and now.get("exit") != 0:
            out["problems"].append(f"test: exit 0 at baseline, {now.get('exit')} now (the runner's output has "
                                   "no results the gate can read, so exit codes are compared)")
        elif now.get("exit") != 0:
            out["same"] = f"test: exit {now.get('exit')} as at baseline (no results the gate can read)"
        return out
    if base.get("counts") is None:
        return out
    base_ids, now_ids = base.get("test_ids"), now.get("test_ids")
    if base_ids and now_ids:
        gone = lost_by_name(base_ids.get("passed") or [], (now_ids.get("passed") or []) + (now_ids.get("failed") or []),
                            [*(base_ids.get("passed") or []), *(base_ids.get("failed") or []),
                             *(base_ids.get("skipped") or [])])
        out["accepted"] = [n for n in gone if _is_accepted(n, wanted)]
        lost = [n for n in gone if not _is_accepted(n, wanted)]
        out["lost"], out["lost_count"] = lost[:MAX_INLINE], len(lost)  # the count stays whole
        if lost:
            out["problems"].append(f"test: {_tests(len(lost))} that passed at baseline did not run")
        return out
    base_groups, now_groups = base.get("test_groups"), now.get("test_groups")
    if base_groups and now_groups is not None:
        for group, then in sorted(base_groups.items()):
            now_group = now_groups.get(group) or {}
            missing = (then.get("passed", 0) - now_group.get("passed", 0)
                       - max(0, now_group.get("failed", 0) - then.get("failed", 0)))
            taken = [n for n in wanted if n == group or n.startswith(group + " > ")][:max(0, missing)]
            out["accepted"].extend(taken)
            missing -= len(taken)
            if missing > 0:
                out["lost_count"] += missing
                out["lost"].append(f"{group} ({_tests(missing)}; the runner does not print their names)")
        if out["lost_count"]:
            out["problems"].append(f"test: {_tests(out['lost_count'])} that passed at baseline did not run")
        return out
    was, has = _count(base, "passed"), _count(now, "passed")
    newly_failing = max(0, _count(now, "failed", "errors") - _count(base, "failed", "errors"))
    missing = was - has - newly_failing
    taken = wanted[:max(0, missing)]
    out["accepted"] = taken
    missing -= len(taken)
    if missing > 0:
        out["lost_count"] = missing
        out["problems"].append(f"test: {_tests(missing)} that passed at baseline did not run ({was} passed at "
                               f"baseline, {has} now; the runner does not print every test's name)")
    return out


def _tests(n: int) -> str:
    return f"{n} test{'s' if n != 1 else ''}"


def describe(lost: list[str], count: int) -> str:
    """The LOST line of a gate summary."""
    names = ", ".join(lost[:NAMED]) + (f" ... and {len(lost) - NAMED} more" if len(lost) > NAMED else "")
    return f"LOST: {_tests(count)} that passed at baseline did not run" + (f": {names}" if names else "")


# --- keeping the names beside the record ------------------------------------------


def _file(root: Path, variant: str) -> Path:
    return root / ".orchestrator" / "state" / "gates" / f"{variant}-tests.json"


def keep(root: Path, variant: str, checks: dict[str, Check]) -> None:
    """Keep a record bounded: past MAX_INLINE names, a check's test names move to a file beside the gate logs.

    The baseline's file is read back by every later gate (`load`); a later gate's file
    only shows what that gate saw.
    """
    check = checks.get("test")
    if not check:
        return
    ids = check.get("test_ids")
    groups = check.get("test_groups")
    named = {"passed": len(ids.get("passed") or []), "failed": len(ids.get("failed") or []),
             "skipped": len(ids.get("skipped") or [])} if ids else {}
    size = sum(named.values())
    if size <= MAX_INLINE and len(groups or {}) <= MAX_INLINE:
        return
    path = _file(root, variant)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"test_ids": ids, "test_groups": groups}, sort_keys=True), encoding="utf-8")
    check.pop("test_ids", None)
    check.pop("test_groups", None)
    check["tests_file"] = path.relative_to(root).as_posix()
    check["tests_named"] = named


def load(root: Path, baseline: Gate | None) -> Gate | None:
    """The baseline with its test names read back from their file, for comparing (the record is not changed)."""
    if baseline is None:
        return None
    test = (baseline.get("checks") or {}).get("test")
    if not test or not test.get("tests_file"):
        return baseline
    try:
        kept = json.loads((root / test["tests_file"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return baseline  # compared by counts, as for a runner that prints no names
    hydrated: Check = {**test, "test_ids": kept.get("test_ids"), "test_groups": kept.get("test_groups")}
    with_names: Gate = {**baseline, "checks": {**baseline["checks"], "test": hydrated}}
    return with_names


# --- accepting a removal ------------------------------------------------------------


def accepted(state: State) -> list[dict[str, Any]]:
    return list(state.get(STATE_KEY) or [])


class AcceptError(Exception):
    """A name the baseline did not see pass; nothing was recorded."""


def accept(root: Path, names: list[str], reason: str | None, clear: bool) -> int:
    """Record (or, with `clear`, withdraw) that tests which passed at baseline were removed on purpose;
    returns how many accepted entries were withdrawn (0 when recording).

    Refused (AcceptError) for a name the baseline did not see pass, when the baseline lists
    names, so a typo cannot quietly accept nothing while the real loss still blocks. The
    caller checks that there are names and, unless clearing, a reason.
    """
    from ..core import telemetry
    from .state import load as load_state
    from .state import locked, now_iso, require_active, save

    removed = 0
    with locked(root):
        state = require_active(load_state(root))
        entries = accepted(state)
        if clear:
            kept = [e for e in entries if e.get("test") not in names]
            removed = len(entries) - len(kept)
            state[STATE_KEY] = kept
        else:
            base = load(root, state.get("baseline"))
            test = ((base or {}).get("checks") or {}).get("test") or {}
            passed = (test.get("test_ids") or {}).get("passed")
            if passed:
                unknown = [n for n in names if not any(_is_accepted(p, [n]) for p in passed)]
                if unknown:
                    raise AcceptError(f"no test that passed at baseline matches {', '.join(unknown)}; use the names "
                                      "a gate printed after LOST:")
            stamp = now_iso()
            done = {e.get("test") for e in entries}
            wave = state.get("current_wave") or 0
            entries.extend({"test": n, "reason": str(reason).strip()[:200], "ts": stamp, "wave": wave}
                           for n in names if n not in done)
            state[STATE_KEY] = entries
        save(root, state)
    telemetry.emit(root, "gate.accept_lost", {"session_id": state["session_id"], "tests": names[:20],
                                              "count": len(names), "cleared": clear})
    return removed
