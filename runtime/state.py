# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""STATE.md: the one record of a session, written only by the runtime.

Why the format looks the way it does:
- A short YAML frontmatter (a documented subset: one `key: value` per line,
  values are JSON scalars, which YAML reads the same way) lets people, the
  banner and other tools see the essentials with a regex.
- The Markdown sections below it are for humans and are regenerated from the
  structured data on every write, so they cannot drift from it.
- The full structured record sits at the end as a fenced JSON block under
  `## Data`. The parser reads the frontmatter and that block and checks they
  agree; a hand edit that breaks either is reported as corruption.

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

from .fsutil import write_atomic
from .paths import state_dir, state_file

SCHEMA_VERSION = 1
STATUSES = ("active", "paused", "completed")
UNFINISHED = ("active", "paused")
LOCK_TIMEOUT = 5.0
# A session whose record changed within this many seconds counts as live: a
# second `session start --fresh` will not take it over without asking.
LEASE_SECONDS = 30 * 60

# frontmatter keys, in the order they are written; banner.py reads some by name
FRONT_KEYS = (
    "schema-version", "session-id", "type", "status", "current-wave", "total-waves",
    "started", "updated", "start-ref", "branch", "pid",
)
_FRONT_LINE = re.compile(r"^([a-z][a-z0-9-]*):[ \t]*(.*?)[ \t]*$")
_DATA_HEADING = "\n## Data\n"


class StateError(Exception):
    """STATE.md cannot be used; the message names the file, the problem and the way out."""


class LockBusyError(StateError):
    """Another process holds the STATE.md lock for longer than we wait."""


class StateCorruptError(StateError):
    """STATE.md does not parse; a backup copy has been kept."""


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def parse_iso(text: str) -> float:
    try:
        import calendar

        return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))
    except (TypeError, ValueError):
        return 0.0


def new_state(session_id: str, session_type: str, total_waves: int, start_ref: str, branch: str) -> dict[str, Any]:
    """A fresh record. Wave entries are filled by the wave layout (see waves.py)."""
    stamp = now_iso()
    return {
        "schema-version": SCHEMA_VERSION,
        "session-id": session_id,
        "type": session_type,
        "status": "active",
        "current-wave": 0,
        "total-waves": total_waves,
        "started": stamp,
        "updated": stamp,
        "start-ref": start_ref,
        "branch": branch,
        "pid": os.getpid(),
        "plan-set": False,
        "items": [],
        "waves": [],
        "baseline": None,
        "gates": [],
        "gate-streak": {},
        "deviations": [],
        "not-retry": [],
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


def render(state: dict[str, Any]) -> str:
    """The whole file for `state`; deterministic, so equal states give equal bytes."""
    out = ["---"]
    out.extend(f"{key}: {_scalar(state.get(key))}" for key in FRONT_KEYS)
    out.append("---")
    out.append(f"# Session {state.get('session-id')} ({state.get('type')})")
    out.append("")
    out.append("Written by the session-orchestrator runtime on every change. Do not edit it by hand: "
               "use `python3 .orchestrator/runtime session|plan|wave|gate|review ...`.")
    out.append("")
    out.append(f"- status: **{state.get('status')}**, wave {state.get('current-wave')} of {state.get('total-waves')}")
    out.append(f"- started {state.get('started')}, last change {state.get('updated')}, "
               f"branch `{state.get('branch') or '-'}`, start ref `{(state.get('start-ref') or '-')[:12]}`")
    out.append("")
    out.extend(_render_items(state))
    out.extend(_render_waves(state))
    out.extend(_render_gates(state))
    out.append("## Deviations")
    out.append("")
    out.extend(f"- [{d.get('ts')}] wave {d.get('wave')}: {_one_line(d.get('text'))}"
               for d in state.get("deviations", []))
    out.extend(["- none"] if not state.get("deviations") else [])
    out.append("")
    out.append("## What not to retry")
    out.append("")
    out.extend(f"- {_one_line(n.get('text'))} (wave {n.get('wave')})" for n in state.get("not-retry", []))
    out.extend(["- nothing recorded"] if not state.get("not-retry") else [])
    out.append("")
    out.extend(_render_reviews(state))
    out.append(_DATA_HEADING.strip("\n"))
    out.append("")
    out.append("The structured record the runtime reads back; every section above is generated from it.")
    out.append("")
    out.append("```json")
    # one top-level key per line: readable, and fast (compact dumps use the C encoder)
    data = sorted((k, v) for k, v in state.items() if k not in FRONT_KEYS)
    body = ",\n".join(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in data)
    out.append("{\n" + body + "\n}")
    out.append("```")
    return "\n".join(out) + "\n"


def _render_items(state: dict[str, Any]) -> list[str]:
    out = ["## Plan items", ""]
    items = state.get("items") or []
    if not items:
        return [*out, "- no plan recorded yet", ""]
    out.append("| id | status | title | issue | note |")
    out.append("|---|---|---|---|---|")
    for item in items:
        out.append(f"| {_cell(item.get('id'))} | {_cell(item.get('status'))} | {_cell(item.get('title'))} | "
                   f"{_cell(item.get('issue') or '')} | {_cell(item.get('note') or '')} |")
    return [*out, ""]


def _render_waves(state: dict[str, Any]) -> list[str]:
    out = ["## Waves", ""]
    for wave in state.get("waves", []):
        gate = wave.get("gate") or "none"
        if wave.get("gate"):
            gate = f"{gate} {wave.get('gate-status') or 'pending'}"
        out.append(f"### Wave {wave.get('wave')} - {wave.get('role')} ({wave.get('status')}; gate: {gate})")
        out.append("")
        tasks = wave.get("tasks") or []
        results = wave.get("results") or {}
        for task in tasks:
            result = results.get(task.get("id"), {})
            status = result.get("status", "not reported" if wave.get("status") == "done" else "planned")
            note = f" - {_one_line(result['note'])}" if result.get("note") else ""
            files = ", ".join(task.get("files") or []) or "read-only"
            out.append(f"- {task.get('id')} ({task.get('agent')}): {status}{note}; files: {files}")
        if not tasks:
            out.append("- no tasks")
        out.append("")
    return out


def _render_gates(state: dict[str, Any]) -> list[str]:
    out = ["## Gate results", ""]
    records = ([state["baseline"]] if state.get("baseline") else []) + list(state.get("gates") or [])
    if not records:
        return [*out, "- no gate has run yet", ""]
    for record in records:
        verdict = "BLOCKED" if record.get("blocked") else "pass"
        parts = []
        checks = record.get("checks") or {}
        for kind in sorted(checks, key=lambda k: ("test", "typecheck", "lint", k).index(k)):
            check = checks[kind]
            if check.get("skipped"):
                parts.append(f"{kind} skipped")
                continue
            counts = check.get("counts") or {}
            numbers = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "errors") if counts.get(k) is not None)
            state_word = "ok" if check.get("ok") else ("timeout" if check.get("timed_out") else "fail")
            parts.append(f"{kind} {state_word}" + (f" ({numbers})" if numbers else ""))
        when = "at session start" if record.get("variant") == "baseline" else f"after wave {record.get('wave')}"
        out.append(f"- {record.get('variant')} {when}, {record.get('ts')}: {verdict}; " + "; ".join(parts))
        for name in record.get("regressions") or []:
            out.append(f"  - regression: {_one_line(name)}")
        for reason in record.get("new_problems") or []:
            out.append(f"  - {_one_line(reason)}")
        if record.get("preexisting"):
            out.append(f"  - pre-existing failures (not blocking): {len(record['preexisting'])}")
    return [*out, ""]


def _render_reviews(state: dict[str, Any]) -> list[str]:
    out = ["## Review findings", ""]
    shown = 0
    for review in state.get("reviews", []):
        floor = review.get("floor", 80)
        kept = [f for f in review.get("findings", []) if f.get("confidence", 0) >= floor]
        below = len(review.get("findings", [])) - len(kept)
        out.append(f"- wave {review.get('wave')}: verdict {review.get('verdict')}, {len(kept)} at or above "
                   f"confidence {floor}, {below} below")
        for finding in kept:
            where = finding.get("file") or ""
            if where and finding.get("line"):
                where += f":{finding['line']}"
            out.append(f"  - [{finding.get('confidence')}] {finding.get('severity')} {where}: "
                       f"{_one_line(finding.get('summary'))}")
        shown += 1
    if not shown:
        out.append("- no review recorded")
    return [*out, ""]


# --- parsing ---------------------------------------------------------------


def parse(text: str, filename: str = "STATE.md") -> dict[str, Any]:
    """Read back what `render` wrote; raise StateError naming the line on anything else."""
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
    marker = text.rfind(_DATA_HEADING)
    if marker < 0:
        raise StateError(f"{filename}: the '## Data' section with the structured record is missing")
    fence = text.find("```json\n", marker)
    close = text.rfind("\n```")
    if fence < 0 or close <= fence:
        raise StateError(f"{filename}: the JSON block under '## Data' is missing or not closed")
    first_line = text.count("\n", 0, fence) + 2
    body = text[fence + len("```json\n"):close]
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise StateError(f"{filename}:{first_line + exc.lineno - 1}: the JSON record is invalid: {exc.msg}") from None
    if not isinstance(data, dict):
        raise StateError(f"{filename}:{first_line}: the JSON record is not an object")
    for key in FRONT_KEYS:
        if key not in front:
            raise StateError(f"{filename}: frontmatter field '{key}' is missing")
    state: dict[str, Any] = dict(front)
    state.update(data)
    if state.get("status") not in STATUSES:
        line = next(i + 1 for i, li in enumerate(lines) if li.startswith("status:"))
        raise StateError(f"{filename}:{line}: status must be one of {', '.join(STATUSES)}, "
                         f"got {state.get('status')!r}")
    for key in ("current-wave", "total-waves"):
        if not isinstance(state.get(key), int):
            line = next(i + 1 for i, li in enumerate(lines) if li.startswith(f"{key}:"))
            raise StateError(f"{filename}:{line}: {key} must be a whole number, got {state.get(key)!r}")
    for key in ("items", "waves", "gates", "deviations", "not-retry", "reviews"):
        if not isinstance(state.get(key, []), list):
            raise StateError(f"{filename}: the record's '{key}' must be a list")
    return state


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


def load(root: Path) -> dict[str, Any] | None:
    """The current record, or None when there is none. Corruption raises StateCorruptError after a backup."""
    path = state_file(root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateCorruptError(_corrupt_message(path, f"cannot be read ({exc})", _backup(path))) from None
    try:
        return parse(text, str(path))
    except StateError as exc:
        raise StateCorruptError(_corrupt_message(path, str(exc), _backup(path))) from None


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


def save(root: Path, state: dict[str, Any]) -> None:
    """Write `state` atomically under the lock; stamps `updated` (the session's lease heartbeat)."""
    with locked(root):
        state["updated"] = now_iso()
        state["pid"] = os.getpid()
        path = state_file(root)
        write_atomic(path, render(state))
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)


def update(root: Path, change: Callable[[dict[str, Any]], Any]) -> Any:
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


def require_active(state: dict[str, Any] | None) -> dict[str, Any]:
    if state is None:
        raise StateError("there is no session; start one with "
                         "'python3 .orchestrator/runtime session start <housekeeping|feature|deep>'")
    if state.get("status") == "paused":
        raise StateError(f"session {state.get('session-id')} is paused; resume it with "
                         f"'python3 .orchestrator/runtime session start {state.get('type')} --resume'")
    if state.get("status") != "active":
        raise StateError(f"session {state.get('session-id')} is {state.get('status')}; start a new one with "
                         "'python3 .orchestrator/runtime session start <housekeeping|feature|deep>'")
    return state


def is_live(state: dict[str, Any]) -> bool:
    """Active and touched recently: probably another agent is working in it right now."""
    lease = float(os.environ.get("SO_LEASE_SECONDS", LEASE_SECONDS))
    return state.get("status") == "active" and time.time() - parse_iso(str(state.get("updated"))) < lease


def session_config(root: Path) -> Any:
    """The Session Config, or defaults when the repository has no config file at all.

    A config that exists but is broken raises ConfigError: a gate must not quietly
    run the wrong command.
    """
    from .config import ConfigError, SessionConfig, defaults, find_config_file, load

    if find_config_file(root) is None:
        return SessionConfig(defaults(), None, {}, [])
    try:
        return load(root)
    except ConfigError as exc:
        if any(p.level == "error" and "no '## Session Config' section" in p.message for p in exc.problems):
            return SessionConfig(defaults(), None, {}, [])
        raise


def git(root: Path, *args: str) -> str:
    """stdout of a git command, '' when git or the repository is missing."""
    import subprocess

    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def changed_files(root: Path, ref: str) -> list[str]:
    """Files changed since `ref` (committed, staged, unstaged or new), runtime files excluded."""
    names: set[str] = set()
    if ref:
        names.update(git(root, "diff", "--name-only", ref).splitlines())
    names.update(git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    return sorted(n for n in names if n and not n.startswith(".orchestrator/"))
