# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The enforcement a session runs under, fixed when it starts, and the heartbeat of its hooks.

No guard sees every write (a script the agent runs can edit the Session Config), so
the values that decide enforcement (`KEYS`) are recorded at the first hook call of an
agent session, normally its session-start hook, in
`.orchestrator/state/enforcement/<platform>/<session>.json`. For the rest of that
session each hook judges with the stricter of the recorded and the current value:
a weaker value found later is held back and reported on every call, and takes effect
only when the user starts a new session; a stricter one takes effect at once and is
recorded, so it cannot be loosened again either.

The same record is the heartbeat: the session-start hook and the first pre-tool call
each leave the time they fired, and `status()` turns that into `enforced`, `degraded`
or `not firing` for `session status`, the banner and `doctor`.

A hook call without a session id (and `guard check`, which has none) judges with the
most recently started session's values and records nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..core import quickjson

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

KEYS = ("enforcement", "allow-destructive-ops", "loop-guard")
LEVELS = {"off": 0, "warn": 1, "strict": 2}
DIR = "enforcement"
ENFORCED, DEGRADED, NOT_FIRING = "enforced", "degraded", "not firing"


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:80].lstrip(".") or "_"


def record_path(root: Path, platform: str, session_id: str) -> Path:
    from ..core.paths import state_dir

    return state_dir(root) / DIR / _safe(platform or "unknown") / f"{_safe(session_id)}.json"


def values_of(config: Any) -> dict[str, Any]:
    """The enforcement keys' values of a loaded Session Config."""
    out: dict[str, Any] = {}
    for key in KEYS:
        value = config.get(key)
        out[key] = dict(value) if isinstance(value, dict) else value
    return out


def stricter(pinned: dict[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the values to enforce, the current values held back because they are weaker than `pinned`).

    Each key is compared on its own: enforcement by level, `allow-destructive-ops` is
    only true when both say so, the loop guard's threshold by the lower and its window
    by the larger value."""
    out = dict(current)
    held: list[str] = []
    level_p, level_c = str(pinned.get("enforcement", "warn")), str(current.get("enforcement", "warn"))
    if LEVELS.get(level_c, 1) < LEVELS.get(level_p, 1):
        out["enforcement"] = level_p
        held.append(f"enforcement: {level_c} (the session runs under {level_p})")
    if current.get("allow-destructive-ops") and not pinned.get("allow-destructive-ops"):
        out["allow-destructive-ops"] = False
        held.append("allow-destructive-ops: true (the session runs with the guard on)")
    loop_p, loop_c = pinned.get("loop-guard") or {}, current.get("loop-guard") or {}
    if isinstance(loop_p, dict) and isinstance(loop_c, dict):
        merged = dict(loop_c)
        for sub, pick in (("threshold", min), ("window", max)):
            if isinstance(loop_p.get(sub), int) and isinstance(loop_c.get(sub), int):
                merged[sub] = pick(loop_p[sub], loop_c[sub])
                if merged[sub] != loop_c[sub]:
                    held.append(f"loop-guard {sub}: {loop_c[sub]} (the session runs with {loop_p[sub]})")
        out["loop-guard"] = merged
    return out, held


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = quickjson.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pinned"), dict) else None


def _write(path: Path, record: dict[str, Any]) -> None:
    """Atomic replace: a concurrent hook of a parallel subagent reads the old or the new record, never half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(quickjson.dumps(record, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only state directory must not cost the call; the session is judged as pinned
        pass


KEEP_DAYS = 30


def _prune(folder: Path) -> None:
    """One small record per agent session: those older than KEEP_DAYS go when a new session starts."""
    cutoff = time.time() - KEEP_DAYS * 86400
    for path in _listdir(folder):
        try:
            if path.suffix == ".json" and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def latest(root: Path, platform: str = "", skip: str = "") -> dict[str, Any] | None:
    """The most recently started session's record (of `platform`, or of any agent; not session `skip`)."""
    from ..core.paths import state_dir

    base = state_dir(root) / DIR
    dirs = [base / _safe(platform)] if platform else [p for p in _listdir(base) if p.is_dir()]
    best: tuple[str, float, dict[str, Any]] | None = None
    for folder in dirs:
        for path in _listdir(folder):
            if path.suffix != ".json":
                continue
            record = _read(path)
            if record is None or (skip and record.get("session_id") == skip):
                continue
            key = (str(record.get("pinned_at", "")), path.stat().st_mtime if path.exists() else 0.0)
            if best is None or key > best[:2]:
                best = (key[0], key[1], record)
    return best[2] if best else None


def _listdir(path: Path) -> list[Path]:
    try:
        return list(path.iterdir())
    except OSError:
        return []


def apply(root: Path, platform: str, session_id: str, event: str, config: Any,
          problems: list[Any]) -> tuple[Any, list[str]]:
    """(the config to judge with, the weaker current values held back), recording the session's
    values on its first hook call and the heartbeat of `event`."""
    current = values_of(config)
    if not session_id:
        record = latest(root)
        return _effective(config, record, current) if record else (config, [])
    path = record_path(root, platform, session_id)
    record = _read(path)
    now = _now()
    if record is None:
        record = {"platform": platform, "session_id": session_id, "pinned": current, "pinned_at": now,
                  "pinned_by": event, "heartbeat": {event: now}}
        if problems and any(getattr(p, "level", "error") == "error" for p in problems):
            record["config_unreadable"] = True
        _write(path, record)
        if event == "session-start":
            _prune(path.parent)
        return config, []
    changed = False
    beats = record.setdefault("heartbeat", {})
    if isinstance(beats, dict) and event not in beats:
        beats[event] = now
        changed = True
    tightest, _held = stricter(record["pinned"], current)  # per key never weaker than the record
    if tightest != record["pinned"]:  # a stricter value: it holds from now on, and for the rest of the session
        record["pinned"] = tightest
        record["tightened_at"] = now
        changed = True
    if changed:
        _write(path, record)
    return _effective(config, record, current)


def _effective(config: Any, record: dict[str, Any], current: dict[str, Any]) -> tuple[Any, list[str]]:
    effective, held = stricter(record["pinned"], current)
    if not held:
        return config, []
    from ..core.config import SessionConfig

    values = dict(config.values)
    values.update(effective)
    return SessionConfig(values, config.source, config.lines, config.warnings), held


def held_note(held: list[str]) -> str:
    """What every hook call says while a weaker value waits for the next session start."""
    return ("session-orchestrator: the Session Config was weakened after this session started ("
            + "; ".join(held) + "). Enforcement is fixed when a session starts, so the weaker value takes "
            "effect only when the user starts a new session. Tell the user about this change; do not try to "
            "work around it.")


# --- the heartbeat, read by session status, the banner and doctor ---------------------------------


def _heartbeat(record: dict[str, Any]) -> dict[str, Any]:
    beats = record.get("heartbeat")
    return beats if isinstance(beats, dict) else {}


def status(root: Path, platform: str, starting: str = "", wired: bool = True) -> tuple[str, str]:
    """(enforced | degraded | not firing, why) for one agent, from its latest session's heartbeat.

    `starting`: the session whose session-start hook is running now (the banner): its first
    tool call is still to come, so the previous session of the agent speaks for the guard.
    `wired`: whether the agent's settings still hold our hooks."""
    record = latest(root, platform)
    earlier = ""
    if record is not None and starting and record.get("session_id") == starting:
        beats = _heartbeat(record)
        if "pre-tool-use" not in beats:
            before = latest(root, platform, skip=starting)
            if before is not None:
                record, earlier = before, " (the previous session; this one's first tool call confirms it again)"
    if record is None:
        return NOT_FIRING, "no hook of this agent has run in this repository yet"
    if not wired:
        return DEGRADED, "its settings no longer wire every hook ('doctor' says which)"
    beats = _heartbeat(record)
    if "pre-tool-use" not in beats:
        return NOT_FIRING, (f"session {record.get('session_id', '?')} started at {beats.get('session-start', '?')} "
                            "but no tool call of it has reached the guard")
    problems: list[str] = []
    if "session-start" not in beats:
        problems.append("its session-start hook did not fire (values fixed at the first tool call)")
    if record.get("config_unreadable"):
        problems.append("the Session Config could not be read when it started (defaults apply)")
    where = f"session {record.get('session_id', '?')}{earlier}: the guard judged a tool call at {beats['pre-tool-use']}"
    if problems:
        return DEGRADED, f"{where}; " + "; ".join(problems)
    return ENFORCED, where


def pinned_values(root: Path, platform: str = "", session_id: str = "") -> dict[str, Any] | None:
    record = _read(record_path(root, platform, session_id)) if platform and session_id else latest(root, platform)
    return dict(record["pinned"]) if record else None


def agents(root: Path, starting_platform: str = "", starting: str = "") -> list[tuple[str, str, str, str]]:
    """(platform, label, status, why) for every agent this repository wires (`.orchestrator/install.json`)."""
    from ..core.paths import orch_dir

    try:
        manifest = quickjson.loads((orch_dir(root) / "install.json").read_text(encoding="utf-8"))
        selected = manifest.get("platforms") or {}
    except (OSError, ValueError, AttributeError):
        selected = {}
    out: list[tuple[str, str, str, str]] = []
    for name, data in (selected.items() if isinstance(selected, dict) else []):
        data = data if isinstance(data, dict) else {}
        try:
            from ..platforms import get

            missing = get(name).missing_hooks(root, data)
            wired = missing is not None and not missing
        except Exception:  # an unknown or broken platform module: its hooks cannot be relied on
            wired = False
        level, why = status(root, name, starting if name == starting_platform else "", wired)
        out.append((name, str(data.get("label") or name), level, why))
    return out


def summary_lines(root: Path, starting_platform: str = "", starting: str = "") -> list[str]:
    """One line per agent, and what to do when enforcement is not live."""
    rows = agents(root, starting_platform, starting)
    lines = [f"hooks: {label} {level} - {why}" for _name, label, level, why in rows]
    if any(level != ENFORCED for _n, _l, level, _w in rows):
        lines.append("enforcement is not live for every agent: tell the user, and run "
                     "'python3 .orchestrator/runtime doctor' to see why.")
    return lines
