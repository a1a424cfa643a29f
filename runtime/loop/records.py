# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The shapes of the records the loop engine writes and reads, and the one key style they share.

Every record that crosses a file boundary (the session record in
`state/session.json` and the frontmatter of STATE.md, the edit scope in
`state/scope.json`, the lines of `metrics/*.jsonl`) spells its keys in
snake_case, so a reader never has to guess which spelling a file uses. The
`TypedDict`s below are for readers of the code and for type checkers: at run
time the records stay plain dicts, and nothing here validates.

Records written before the keys were unified spelled some of them in
kebab-case (`session-id`, `current-wave`, `gate-status`, ...). `upgrade_state`
renames those in place when a record is read, so a session that was in flight
during an upgrade carries on. The hook path never imports this module: typing
costs it a millisecond on every tool call (the scope check reads scope.json,
which has always been snake_case, on its own).
"""

from __future__ import annotations

from typing import Any, TypedDict

SCHEMA_VERSION = 3  # 1: the record was a JSON block inside STATE.md; 2: kebab-case keys; 3: snake_case keys


class HistoryEntry(TypedDict):
    ts: str
    event: str


class Item(TypedDict, total=False):
    """One plan item (`plan set`): what the session is meant to deliver."""

    id: str
    title: str
    issue: str
    acceptance: str
    status: str  # not-started | in-progress | done | ...  (the agent's claim; `close verify` checks it)
    note: str
    tests: list[str]  # acceptance test ids (optional), looked up in the last full gate by `close verify`


class Task(TypedDict, total=False):
    """One agent's assignment inside a wave; `files` is exactly what it may change."""

    id: str
    agent: str
    items: list[str]
    task: str
    files: list[str]


class TaskResult(TypedDict, total=False):
    status: str  # done | partial | failed
    note: str


class Wave(TypedDict, total=False):
    wave: int
    role: str
    roles: list[str]
    max_agents: int
    read_only: bool
    gate: str | None  # full | incremental | None
    gate_status: str | None  # passed | blocked | None
    status: str  # pending | active | done | skipped (a partial close before the wave ran)
    skip_reason: str
    started: str | None  # None: restarted from a record that never said when it started
    start_tree: str | None  # git tree id of the code when the wave started; the review step diffs from it
    ended: str
    tasks: list[Task]
    results: dict[str, TaskResult]


class TestIds(TypedDict, total=False):
    """The names of a test check's tests by outcome, and where they were read (the output or a report file)."""

    source: str
    passed: list[str]
    failed: list[str]
    skipped: list[str]


class Check(TypedDict, total=False):
    """One check (test, typecheck, lint) of a gate run."""

    kind: str
    command: str
    source: str
    skipped: bool
    exit: int | None  # None: the process was stopped before it exited
    duration: float
    timed_out: bool
    ok: bool
    status: str  # passed | failed | broken | skipped
    counts: dict[str, int] | None
    failed_tests: list[str]
    problems: int | None  # a typecheck or lint check's findings, counted
    tail: list[str]
    cause: str
    fix: str
    log: str  # the full output, relative to the project root (overwritten by the next gate)
    first_failure: list[str]  # the first failure's name, assertion and location (loop/failtext.py)
    unreadable: bool  # a test check whose output named no tests: compared by exit status (loop/losttests.py)
    # A test check: the runner whose output was read, the tests by name, and per-group counts.
    runner: str
    test_ids: TestIds  # moved out to `tests_file` once the gate is recorded (loop/losttests.py)
    test_groups: dict[str, dict[str, int]]
    tests_file: str  # where `test_ids` and `test_groups` were kept, relative to the project root
    tests_named: dict[str, int]  # how many names `tests_file` holds, by outcome
    # A typecheck or lint check: its first findings as [file, line, code, message], a digest of all of
    # them when there were more than a record keeps, and how many were in the runtime's own files.
    findings: list[list[str | int]]
    finding_digest: dict[str, int]
    runtime_findings_ignored: int


class Judged(TypedDict, total=False):
    """What code a gate judged: HEAD, a hash of the changes on top of it, and their git tree id.

    `error` replaces the rest when git could not answer; a reader must then treat the
    gate as describing unknown code, never as matching."""

    head: str
    tree: str
    tree_id: str
    error: str


class Gate(TypedDict, total=False):
    """One gate run: the checks and how they compare with the baseline."""

    variant: str  # baseline | incremental | full
    wave: int
    during: int
    ts: str
    duration: float
    checks: dict[str, Check]
    regressions: list[str]
    new_problems: list[str]
    preexisting: list[str]
    new_findings: dict[str, list[str]]  # by check kind: the new findings, described (loop/findings.py)
    broken: list[dict[str, str]]
    overridden: list[dict[str, str]]
    blocked: bool
    no_baseline: bool
    judged: Judged  # the code this gate ran on (loop/treestate.py)
    lost: list[str]  # tests that passed at baseline and did not run (loop/losttests.py)
    lost_count: int
    accepted_lost: list[str]  # of those, the ones the session accepted as removed on purpose
    wrote: dict[str, Any]  # files the checks changed, by check (loop/readonly.py); any blocks the gate
    breaker_cleared: bool  # this gate's pass reset the circuit breaker (guards/breaker.py)




class State(TypedDict, total=False):
    """The session record (`state/session.json`); STATE.md shows a summary of it."""

    schema_version: int
    session_id: str
    type: str
    status: str  # active | paused | completed
    current_wave: int
    total_waves: int
    started: str
    updated: str
    start_ref: str
    branch: str
    pid: int
    plan_set: bool
    items: list[Item]
    waves: list[Wave]
    baseline: Gate | None
    gates: list[Gate]
    gate_streak: dict[str, int]
    gate_overrides: dict[str, dict[str, str]]
    accepted_lost: list[dict[str, Any]]  # {"test", "reason", "ts", "wave"}: tests removed on purpose
    deviations: list[dict[str, Any]]
    not_retry: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    history: list[HistoryEntry]
    verdicts: dict[str, str]  # item id -> done | unproven, from the evidence ledger at close
    outcome: str  # how `session close` ended it: completed, or the early outcome it was given
    ended: str  # when it was closed
    # The values of the enforcement keys the agent session that started this one runs under
    # (hookpath/pinning.py; the current Session Config's when no agent session recorded any).
    enforcement: dict[str, Any]


class Scope(TypedDict, total=False):
    """`state/scope.json`: what the running wave's agents may write (read by the scope check)."""

    session_id: str | None
    wave: int | None  # copied from the wave record as it stands
    role: str | None
    enforcement: str
    allowed: list[str]
    read_only: bool
    agents: dict[str, list[str]]


# Old spelling -> current one, for every key that was ever written in kebab-case.
OLD_KEYS = {
    "schema-version": "schema_version", "session-id": "session_id", "current-wave": "current_wave",
    "total-waves": "total_waves", "start-ref": "start_ref", "plan-set": "plan_set",
    "gate-streak": "gate_streak", "gate-overrides": "gate_overrides", "not-retry": "not_retry",
}
OLD_WAVE_KEYS = {"max-agents": "max_agents", "read-only": "read_only", "gate-status": "gate_status"}


def _rename(record: dict[str, Any], names: dict[str, str]) -> None:
    for old, new in names.items():
        if old in record:
            value = record.pop(old)
            record.setdefault(new, value)  # a record with both spellings keeps the current one


def upgrade_state(state: dict[str, Any]) -> State:
    """`state` with every old key spelling renamed, in place (and returned for convenience)."""
    if any(old in state for old in OLD_KEYS):
        _rename(state, OLD_KEYS)
        if isinstance(state.get("schema_version"), int) and state["schema_version"] < SCHEMA_VERSION:
            state["schema_version"] = SCHEMA_VERSION
    for wave in state.get("waves") or []:
        if isinstance(wave, dict):
            _rename(wave, OLD_WAVE_KEYS)
    # The one place a JSON object becomes a State: nothing checks its shape at run time (see above).
    return state  # type: ignore[return-value]
