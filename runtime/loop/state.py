# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""STATE.md and the session record: what a session did, for people and for the runtime.

Why two files:
- `.orchestrator/STATE.md` is for people and is committed at /close: a short YAML
  frontmatter (one `key: value` per line, values are JSON scalars, which YAML
  reads the same way; the banner reads it with a regex) and Markdown sections,
  every line under 200 characters, a few KB for a normal session. Bulky data
  (gate outputs, briefs, history) would make its diffs unreadable and every
  branch's copy conflict, so it only summarises.
- `.orchestrator/state/session.json` is the full structured record the runtime
  reads back: pretty-printed, sorted JSON (it diffs well when someone looks), and
  machine-local like the rest of `state/` (git-ignored). It is authoritative:
  it is written first, and STATE.md is regenerated from it whenever the two
  disagree (a crash between the two writes, a deleted or hand-edited STATE.md).
- An older STATE.md that still carries the record in a `## Data` JSON block is
  migrated on first read, so a session survives the upgrade.

Why the locking: several processes (the coordinator's shell calls, a second
agent on the same checkout) may write at once. Every write happens under an
`flock` on `.orchestrator/state/state.lock`, via a temporary file, fsync and
rename, so a reader or a crash sees the old file or the new one, never half.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core.fsutil import write_atomic
from ..core.paths import state_dir, state_file
from ..core.proc import git
from .records import OLD_KEYS, SCHEMA_VERSION, State, Task, TaskResult, upgrade_state

STATUSES = ("active", "paused", "completed")
UNFINISHED = ("active", "paused")
LOCK_TIMEOUT = 5.0
# A session whose record changed within this many seconds counts as live: a
# second `session start --fresh` will not take it over without asking.
LEASE_SECONDS = 30 * 60

# frontmatter keys, in the order they are written; banner.py reads some by name
FRONT_KEYS = (
    "schema_version", "session_id", "type", "status", "current_wave", "total_waves",
    "started", "updated", "start_ref", "branch", "pid",
)
_FRONT_LINE = re.compile(r"^([a-z][a-z0-9_-]*):[ \t]*(.*?)[ \t]*$")
_DATA_HEADING = "\n## Data\n"  # the version 1 layout, read only to migrate it
RECORD = "session.json"
MAX_LINE = 199
# How much of each list STATE.md shows; the record keeps everything.
SHOW_DEVIATIONS = 5
SHOW_NAMES = 3
SHOW_FINDINGS = 5


class StateError(Exception):
    """STATE.md cannot be used; the message names the file, the problem and the way out."""


class LockBusyError(StateError):
    """Another process holds the STATE.md lock for longer than we wait."""


class StateCorruptError(StateError):
    """STATE.md does not parse; a backup copy has been kept."""


class InvalidConfigError(StateError):
    """The Session Config exists but is broken: commands stop with every problem listed, one format everywhere."""

    def __init__(self, problems: list[Any]) -> None:
        from ..core.config import format_problems

        self.problems = problems
        super().__init__("the Session Config is invalid:\n" + format_problems(problems))


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def parse_iso(text: str) -> float:
    try:
        import calendar

        return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))
    except (TypeError, ValueError):
        return 0.0


def new_state(session_id: str, session_type: str, total_waves: int, start_ref: str, branch: str) -> State:
    """A fresh record. Wave entries are filled by the wave layout (see waves.py)."""
    stamp = now_iso()
    return {
        "schema_version": SCHEMA_VERSION,
        "session_id": session_id,
        "type": session_type,
        "status": "active",
        "current_wave": 0,
        "total_waves": total_waves,
        "started": stamp,
        "updated": stamp,
        "start_ref": start_ref,
        "branch": branch,
        "pid": os.getpid(),
        "plan_set": False,
        "items": [],
        "waves": [],
        "baseline": None,
        "gates": [],
        "gate_streak": {},
        "deviations": [],
        "not_retry": [],
        "reviews": [],
        "history": [{"ts": stamp, "event": "started"}],
    }


# --- rendering -------------------------------------------------------------


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _cell(text: Any) -> str:
    return _one_line(text).replace("|", "\\|")


def _clip(text: Any, limit: int) -> str:
    line = _one_line(text)
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


def record_file(root: Path) -> Path:
    return state_dir(root) / RECORD


def render_record(state: State) -> str:
    """The full record: pretty-printed and sorted, so two versions diff line by line."""
    return json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def render(state: State) -> str:
    """STATE.md for `state`; deterministic, so equal states give equal bytes."""
    out = ["---"]
    out.extend(f"{key}: {_scalar(state.get(key))}" for key in FRONT_KEYS)
    out.append("---")
    out.append(f"# Session {state.get('session_id')} ({state.get('type')})")
    out.append("")
    out.append("Written by the session-orchestrator runtime on every change; do not edit it by hand.")
    out.append("Full record (gate output, briefs, history): .orchestrator/state/session.json, machine-local.")
    out.append("")
    out.append(f"- status: **{state.get('status')}**, wave {state.get('current_wave')} of {state.get('total_waves')}")
    out.append(f"- started {state.get('started')}, last change {state.get('updated')}")
    out.append(f"- branch `{state.get('branch') or '-'}`, start ref `{(state.get('start_ref') or '-')[:12]}`")
    out.append("")
    out.extend(_render_items(state))
    out.extend(_render_waves(state))
    out.extend(_render_gates(state))
    deviations = state.get("deviations") or []
    out.append("## Deviations")
    out.append("")
    if len(deviations) > SHOW_DEVIATIONS:
        earlier = len(deviations) - SHOW_DEVIATIONS
        out.append(f"- {earlier} earlier {'deviation is' if earlier == 1 else 'deviations are'} in the record")
    out.extend(f"- [{d.get('ts')}] wave {d.get('wave')}: {_clip(d.get('text'), 110)}"
               for d in deviations[-SHOW_DEVIATIONS:])
    out.extend(["- none"] if not deviations else [])
    out.append("")
    out.append("## What not to retry")
    out.append("")
    out.extend(f"- {_clip(n.get('text'), 170)} (wave {n.get('wave')})" for n in state.get("not_retry", []))
    out.extend(["- nothing recorded"] if not state.get("not_retry") else [])
    out.append("")
    out.extend(_render_reviews(state))
    return "\n".join(line if len(line) <= MAX_LINE else _clip(line, MAX_LINE) for line in out) + "\n"


def _render_items(state: State) -> list[str]:
    out = ["## Plan items", ""]
    items = state.get("items") or []
    if not items:
        return [*out, "- no plan recorded yet", ""]
    out.append("| id | status | title | issue | note |")
    out.append("|---|---|---|---|---|")
    for item in items:
        out.append(f"| {_cell(_clip(item.get('id'), 20))} | {_cell(item.get('status'))} | "
                   f"{_cell(_clip(item.get('title'), 70))} | {_cell(_clip(item.get('issue') or '', 20))} | "
                   f"{_cell(_clip(item.get('note') or '', 50))} |")
    return [*out, ""]


def _files(task: Task) -> str:
    files = task.get("files") or []
    if not files:
        return "read-only"
    shown = ", ".join(files[:2])
    return shown + (f" +{len(files) - 2} more" if len(files) > 2 else "")


def _render_waves(state: State) -> list[str]:
    out = ["## Waves", ""]
    for wave in state.get("waves", []):
        gate = wave.get("gate") or "none"
        if wave.get("gate"):
            gate = f"{gate} {wave.get('gate_status') or 'pending'}"
        out.append(f"### Wave {wave.get('wave')} - {wave.get('role')} ({wave.get('status')}; gate: {gate})")
        out.append("")
        tasks = wave.get("tasks") or []
        results = wave.get("results") or {}
        for task in tasks:
            task_id = task.get("id")
            result: TaskResult = results.get(task_id, {}) if task_id is not None else {}
            status = result.get("status", "not reported" if wave.get("status") == "done" else "planned")
            note = f" - {_clip(result['note'], 50)}" if result.get("note") else ""
            out.append(f"- {task.get('id')} ({task.get('agent')}): {status}{note}; files: {_files(task)}")
        if not tasks:
            out.append("- no tasks")
        if wave.get("skip_reason"):
            out.append(f"- skipped: {_clip(wave['skip_reason'], 150)}")
        out.append("")
    return out


def _names(label: str, names: list[Any]) -> list[str]:
    shown = [f"  - {label}: {_clip(name, 150)}" for name in names[:SHOW_NAMES]]
    if len(names) > SHOW_NAMES:
        shown.append(f"  - and {len(names) - SHOW_NAMES} more (see the record)")
    return shown


def _render_gates(state: State) -> list[str]:
    out = ["## Gate results", ""]
    baseline = state.get("baseline")
    records = ([baseline] if baseline else []) + list(state.get("gates") or [])
    if not records:
        return [*out, "- no gate has run yet", ""]
    for record in records:
        verdict = "BLOCKED" if record.get("blocked") else "pass"
        parts = []
        checks = record.get("checks") or {}
        order = ("test", "typecheck", "lint")
        for kind in sorted(checks, key=lambda k: (order.index(k) if k in order else len(order), k)):
            check = checks[kind]
            if check.get("skipped"):
                parts.append(f"{kind} skipped")
                continue
            counts = check.get("counts") or {}
            numbers = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "errors") if counts.get(k) is not None)
            state_word = "ok" if check.get("ok") else ("timeout" if check.get("timed_out") else
                                                       "BROKEN" if check.get("status") == "broken" else "fail")
            parts.append(f"{kind} {state_word}" + (f" ({numbers})" if numbers else ""))
        if record.get("variant") == "baseline":
            when = "at session start"
        elif record.get("during"):
            when = f"during wave {record['during']}"
        else:
            when = f"after wave {record.get('wave')}"
        out.append(f"- {record.get('variant')} {when}, {record.get('ts')}: {verdict}; " + "; ".join(parts))
        out.extend(_names("regression", list(record.get("regressions") or [])))
        out.extend(_names("new", list(record.get("new_problems") or [])))
        out.extend(_names("lost", list(record.get("lost") or [])))
        if record.get("preexisting"):
            out.append(f"  - pre-existing failures (not blocking): {len(record['preexisting'])}")
        overridden = record.get("overridden") or []
        if overridden:
            kinds = [str(o.get("kind")) if isinstance(o, dict) else str(o) for o in overridden]
            out.append(f"  - overridden by the user, not counted as a pass: {', '.join(kinds)}")
    accepted = state.get("accepted_lost") or []
    if accepted:
        out.append(f"- tests removed on purpose (accepted lost, not counted as lost): {len(accepted)}")
        out.extend(f"  - {_clip(e.get('test'), 100)}: {_clip(e.get('reason'), 80)}" for e in accepted[:SHOW_NAMES])
        if len(accepted) > SHOW_NAMES:
            out.append(f"  - and {len(accepted) - SHOW_NAMES} more (see the record)")
    return [*out, ""]


def _render_reviews(state: State) -> list[str]:
    out = ["## Review findings", ""]
    shown = 0
    for review in state.get("reviews", []):
        floor = review.get("floor", 80)
        kept = [f for f in review.get("findings", []) if f.get("confidence", 0) >= floor]
        below = len(review.get("findings", [])) - len(kept)
        out.append(f"- wave {review.get('wave')}: verdict {review.get('verdict')}, {len(kept)} at or above "
                   f"confidence {floor}, {below} below")
        for finding in kept[:SHOW_FINDINGS]:
            where = finding.get("file") or ""
            if where and finding.get("line"):
                where += f":{finding['line']}"
            out.append(f"  - [{finding.get('confidence')}] {finding.get('severity')} {where}: "
                       f"{_clip(finding.get('summary'), 120)}")
        if len(kept) > SHOW_FINDINGS:
            out.append(f"  - and {len(kept) - SHOW_FINDINGS} more (see the record)")
        shown += 1
    if not shown:
        out.append("- no review recorded")
    return [*out, ""]


# --- parsing ---------------------------------------------------------------


def parse(text: str, filename: str = "STATE.md") -> State:
    """STATE.md's frontmatter, plus the record of a version 1 file's `## Data` block.

    Raises StateError naming the line on anything `render` would not have written.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        raise StateError(f"{filename}:1: expected '---' opening the frontmatter")
    front: dict[str, Any] = {}
    end = None
    for index in range(1, len(lines)):
        line = lines[index].rstrip("\r")
        if line == "---":
            end = index
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FRONT_LINE.match(line)
        if not match:
            raise StateError(f"{filename}:{index + 1}: frontmatter line is not 'key: value': {line!r}")
        try:
            front[match.group(1)] = json.loads(match.group(2)) if match.group(2) else None
        except json.JSONDecodeError:
            front[match.group(1)] = match.group(2)  # a bare YAML word, e.g. status: active
    if end is None:
        raise StateError(f"{filename}: the frontmatter has no closing '---'")
    front = {OLD_KEYS.get(key, key): value for key, value in front.items()}  # written before the keys were unified
    for key in FRONT_KEYS:
        if key not in front:
            raise StateError(f"{filename}: frontmatter field '{key}' is missing")
    record = dict(front)
    marker = text.rfind(_DATA_HEADING)
    if marker >= 0:  # version 1: the record is a JSON block at the end
        fence = text.find("```json\n", marker)
        close = text.rfind("\n```")
        if fence < 0 or close <= fence:
            raise StateError(f"{filename}: the JSON block under '## Data' is not closed")
        first_line = text.count("\n", 0, fence) + 2
        try:
            data = json.loads(text[fence + len("```json\n"):close])
        except json.JSONDecodeError as exc:
            raise StateError(f"{filename}:{first_line + exc.lineno - 1}: the JSON record is invalid: "
                             f"{exc.msg}") from None
        if not isinstance(data, dict):
            raise StateError(f"{filename}:{first_line}: the JSON record is not an object")
        record.update(data)
    state = upgrade_state(record)
    _validate(state, filename, lambda key: next((i + 1 for i, li in enumerate(lines)
                                                 if li.startswith((f"{key}:", f"{_old(key)}:"))), 0))
    return state


def parse_record(text: str, filename: str = RECORD) -> State:
    """The record as `render_record` wrote it; StateError names the line of anything else."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(f"{filename}:{exc.lineno}: the JSON record is invalid: {exc.msg}") from None
    if not isinstance(data, dict):
        raise StateError(f"{filename}:1: the record is not a JSON object")
    state = upgrade_state(data)  # a record written before the keys were unified
    for key in FRONT_KEYS:
        if key not in state:
            raise StateError(f"{filename}: field '{key}' is missing")
    lines = text.split("\n")
    _validate(state, filename, lambda key: next((i + 1 for i, li in enumerate(lines)
                                                 if li.lstrip().startswith((f'"{key}":', f'"{_old(key)}":'))), 0))
    return state


def _old(key: str) -> str:
    """How a record written before the keys were unified spelled `key`, so errors can name its line."""
    return key.replace("_", "-")


def _validate(state: State, filename: str, line_of: Callable[[str], int]) -> None:
    if state.get("status") not in STATUSES:
        raise StateError(f"{filename}:{line_of('status')}: status must be one of {', '.join(STATUSES)}, "
                         f"got {state.get('status')!r}")
    for key in ("current_wave", "total_waves"):
        if not isinstance(state.get(key), int):
            raise StateError(f"{filename}:{line_of(key)}: {key} must be a whole number, got {state.get(key)!r}")
    for key in ("items", "waves", "gates", "deviations", "not_retry", "reviews", "history"):
        if not isinstance(state.get(key, []), list):
            raise StateError(f"{filename}:{line_of(key)}: the record's '{key}' must be a list")


# --- files, locks ----------------------------------------------------------


def lock_path(root: Path) -> Path:
    return state_dir(root) / "state.lock"


_held: dict[str, int] = {}  # lock path -> depth, so nested `locked()` calls in one process work


@contextmanager
def locked(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the STATE.md write lock; LockBusyError names the holder if it is not free in time."""
    path = lock_path(root)
    key = str(path)
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusyError(_busy_message(path, timeout)) from None
                time.sleep(0.02)
        holder = json.dumps({"pid": os.getpid(), "since": now_iso()}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder, 0)
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)
    finally:
        os.close(fd)  # releases the flock


def _busy_message(path: Path, timeout: float) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    who = f"pid {holder.get('pid', '?')}, started {holder.get('since', '?')}"
    return (f"another session ({who}) is writing STATE.md and did not finish within {timeout:g}s; "
            f"retry in a moment. If that process is stuck, stop it; the lock ({path}) is released "
            "as soon as its process exits.")


def load(root: Path) -> State | None:
    """The current record, or None when there is none. Corruption raises StateCorruptError after a backup."""
    state = _read(record_file(root), parse_record)
    if state is None:
        return _load_from_view(root)
    _refresh_view(root, state)
    return state


def _read(path: Path, parser: Callable[[str, str], State]) -> State | None:
    """`path` parsed, or None when it does not exist. Anything unreadable or unparsable is backed
    up and raised as StateCorruptError naming the line and the way out."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateCorruptError(_corrupt_message(path, f"cannot be read ({exc})", _backup(path))) from None
    try:
        return parser(text, str(path))
    except StateError as exc:
        raise StateCorruptError(_corrupt_message(path, str(exc), _backup(path))) from None


def _refresh_view(root: Path, state: State) -> None:
    """Regenerate STATE.md when it is not what the record says (a crash between the two
    writes, a hand edit, a deletion). Best effort: the record itself is intact."""
    path = state_file(root)
    try:
        if path.read_text(encoding="utf-8") == render(state):
            return
    except (OSError, UnicodeDecodeError):
        pass
    try:
        with locked(root):
            current = parse_record(record_file(root).read_text(encoding="utf-8"))  # a writer may have finished
            write_atomic(path, render(current))
    except (StateError, OSError, UnicodeDecodeError):
        pass


def _load_from_view(root: Path) -> State | None:
    """No record: migrate a version 1 STATE.md, or make do with a finished session's frontmatter."""
    path = state_file(root)
    state = _read(path, parse)
    if state is None:
        return None
    if "waves" in state:  # version 1: move the record out, keep everything else as it was
        with locked(root):
            if record_file(root).exists():  # another process migrated it first
                return load(root)
            state["schema_version"] = SCHEMA_VERSION
            _write(root, state)
        return state
    if state.get("status") == "completed":  # e.g. committed on another machine; its numbers are in sessions.jsonl
        empty = {key: value for key, value in new_state("", "", 0, "", "").items() if key not in FRONT_KEYS}
        return upgrade_state({**empty, **state, "history": []})  # (nothing to rename: read as a State)
    raise StateCorruptError(_corrupt_message(
        path, f"session {state.get('session_id')} is {state.get('status')}, but its record "
              f"{record_file(root)} is missing (it is machine-local; STATE.md only summarises it)", _backup(path)))


def _backup(path: Path) -> Path | None:
    """Keep the broken file; reuse an identical earlier backup instead of piling up copies."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    for existing in sorted(path.parent.glob(f"{path.name}.corrupt-*")):
        try:
            if existing.read_bytes() == data:
                return existing
        except OSError:
            continue
    target = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{counter}")
        counter += 1
    import shutil  # only on this rare path

    shutil.copy2(path, target)
    return target


def _corrupt_message(path: Path, problem: str, backup: Path | None) -> str:
    kept = f"A copy is kept at {backup}. " if backup else ""
    return (f"{path} is corrupt: {problem}. {kept}Start over with "
            "'python3 .orchestrator/runtime session start <type> --fresh', or restore a good copy "
            "(e.g. 'git checkout -- .orchestrator/STATE.md') and retry.")


def save(root: Path, state: State) -> None:
    """Write `state` atomically under the lock; stamps `updated` (the session's lease heartbeat)."""
    with locked(root):
        state["updated"] = now_iso()
        state["pid"] = os.getpid()
        _write(root, state)


def _write(root: Path, state: State) -> None:
    """Record first, then the view: a crash in between leaves a record that load() trusts
    and a stale STATE.md that load() regenerates."""
    record, view = record_file(root), state_file(root)
    write_atomic(record, render_record(state))
    write_atomic(view, render(state))
    for path in (record, view):
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)


def update(root: Path, change: Callable[[State], Any]) -> Any:
    """Load, apply `change`, save, all under one lock; returns what `change` returned.

    Raises StateError when there is no session (the callers' messages say what to run).
    """
    with locked(root):
        state = load(root)
        if state is None:
            raise StateError("there is no session; start one with "
                             "'python3 .orchestrator/runtime session start <housekeeping|feature|deep>'")
        result = change(state)
        save(root, state)
        return result


def require_active(state: State | None) -> State:
    if state is None:
        raise StateError("there is no session; start one with "
                         "'python3 .orchestrator/runtime session start <housekeeping|feature|deep>'")
    if state.get("status") == "paused":
        raise StateError(f"session {state.get('session_id')} is paused; resume it with "
                         f"'python3 .orchestrator/runtime session start {state.get('type')} --resume'")
    if state.get("status") != "active":
        raise StateError(f"session {state.get('session_id')} is {state.get('status')}; start a new one with "
                         "'python3 .orchestrator/runtime session start <housekeeping|feature|deep>'")
    return state


def is_live(state: State) -> bool:
    """Active and touched recently: probably another agent is working in it right now."""
    lease = float(os.environ.get("SO_LEASE_SECONDS", LEASE_SECONDS))
    return state.get("status") == "active" and time.time() - parse_iso(str(state.get("updated"))) < lease


def session_config(root: Path) -> Any:
    """The Session Config, or defaults when the repository has no config file at all.

    A config that exists but is broken raises InvalidConfigError (a StateError, so
    every command reports it the same way): a gate must not quietly run the wrong command.
    """
    from ..core.config import ConfigError, SessionConfig, defaults, find_config_file, load

    if find_config_file(root) is None:
        return SessionConfig(defaults(), None, {}, [])
    try:
        return load(root)
    except ConfigError as exc:
        if any(p.level == "error" and "no '## Session Config' section" in p.message for p in exc.problems):
            return SessionConfig(defaults(), None, {}, [])
        raise InvalidConfigError(exc.problems) from None


def changed_files(root: Path, ref: str) -> list[str]:
    """Files changed since `ref` (committed, staged, unstaged or new), runtime files excluded."""
    names: set[str] = set()
    if ref:
        names.update(git(root, "diff", "--name-only", ref).splitlines())
    names.update(git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    return sorted(n for n in names if n and not n.startswith(".orchestrator/"))
