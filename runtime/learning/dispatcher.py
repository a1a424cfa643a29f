# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`dispatcher`: which repository under a root a session should take next, and a lease so only one does.

A repository counts when it is a git repository with an `.orchestrator/` directory (the
vendored runtime or its records). Each is read the way its own runtime reads itself: the
carryover list, open issues through close's tracker path (when asked and reachable), the
newest gate record, the sessions log, the last commit and the lease
(`.orchestrator/state/lease/`, core/lease.py). The score is a sum of documented points,
ties broken by path, so two dispatchers over the same repositories agree on the order.
A claim walks that order and takes the first lease it wins: two sessions started together
end up in different repositories.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ..core import lease

FORMAT = 1
DEPTH = 3  # directories below the root searched for repositories
SKIP = frozenset({"node_modules", "__pycache__", "venv", "target", "dist", "build", "vendor", "site-packages"})
# points of the score; docs/dispatcher.md explains each
PENDING_POINT, PENDING_CAP = 1, 20
GATE_FAILED, GATE_UNKNOWN = 5, 1
STALE_WEEK, STALE_CAP = 1, 8
DAY = 86400.0


def lease_dir(repo: Path) -> Path:
    from ..core.paths import state_dir

    return state_dir(repo) / "lease"


def find(root: Path, depth: int = DEPTH) -> list[Path]:
    """Repositories using the runtime at or below `root`, at most `depth` levels down, sorted by path.

    Hidden directories and heavy ones (dependencies, builds) are not entered, nor is a repository
    once found: its own subdirectories are its business."""
    found: list[Path] = []

    def walk(path: Path, level: int) -> None:
        if (path / ".git").exists() and (path / ".orchestrator").is_dir():
            found.append(path)
            return
        if level >= depth:
            return
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIP:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(Path(entry.path), level + 1)
            except OSError:
                continue

    walk(root.resolve(), 0)
    return sorted(found, key=lambda p: p.as_posix())


# --- what one repository looks like ----------------------------------------------------


def _last_commit(repo: Path) -> float | None:
    from ..core.proc import run

    code, out, _ = run(["git", "log", "-1", "--format=%ct"], repo)
    return float(out.strip()) if code == 0 and out.strip().isdigit() else None


def _last_session(repo: Path) -> float | None:
    from ..core.telemetry import read_sessions
    from ..loop.state import parse_iso

    ends = [parse_iso(str(r.get("ended") or "")) for r in read_sessions(repo)]
    return max([e for e in ends if e], default=None)


def _gate(repo: Path) -> dict[str, Any]:
    """{'health': passed | failed | unknown, 'where'}: the newest gate record the repository kept."""
    from .discoveryprobes import last_gate

    record, where = last_gate(repo)
    if record is None:
        return {"health": "unknown", "where": where}
    statuses = [str(c.get("status") or "") for c in (record.get("checks") or {}).values()]
    failed = bool(record.get("blocked")) or any(s in ("failed", "broken") for s in statuses)
    return {"health": "failed" if failed else "passed", "where": where}


def _session(repo: Path) -> dict[str, Any]:
    from ..loop.state import StateError, is_live, load

    try:
        state = load(repo)
    except StateError as exc:
        return {"status": "unreadable", "live": False, "why": str(exc)}
    if state is None:
        return {"status": "none", "live": False}
    return {"status": str(state.get("status")), "live": is_live(state), "id": state.get("session_id"),
            "updated": state.get("updated")}


def _issues(repo: Path, ask_tracker: bool) -> tuple[int | None, str]:
    """(open issues, why not read): through the same detection and CLI calls close uses."""
    if not ask_tracker:
        return None, "not asked (--offline)"
    from ..core.config import load_or_defaults
    from ..loop.tracker import Tracker, TrackerError, detect

    config, _ = load_or_defaults(repo)
    info = detect(repo, str(config.get("vcs", "auto")), list(config.get("gitlab-hosts") or []))
    if info["kind"] == "none":
        return None, info["why"]
    tracker = Tracker(info, repo)
    ok, why = tracker.signed_in()
    if not ok:
        return None, why
    try:
        return len(tracker.open_issues()), ""
    except TrackerError as exc:
        return None, str(exc)


def facts(repo: Path, root: Path, now: float, ask_tracker: bool = True) -> dict[str, Any]:
    """Everything the ranking reads about one repository, as data."""
    from ..loop import carryover as cfile

    notes: list[str] = []
    try:
        carried = len(cfile.pending(cfile.read(repo)))
    except cfile.CarryoverFileError as exc:
        carried = 0
        notes.append(str(exc))
    issues, why = _issues(repo, ask_tracker)
    if why:
        notes.append(f"open issues not read: {why}")
    commit, ended = _last_commit(repo), _last_session(repo)
    last = max([t for t in (commit, ended) if t], default=None)
    try:
        held = lease.read(lease_dir(repo))
        lease_state = lease.status(held, now)
    except lease.LeaseError as exc:
        held, lease_state = None, "damaged"
        notes.append(str(exc))
    try:
        name = repo.relative_to(root.resolve()).as_posix()
    except ValueError:
        name = repo.as_posix()
    return {"path": repo.as_posix(), "name": name if name != "." else repo.name, "carryover": carried,
            "issues": issues, "last_commit": commit, "last_session": ended,
            "idle_days": int((now - last) // DAY) if last else None, "gate": _gate(repo), "session": _session(repo),
            "lease": {"status": lease_state, **({k: held[k] for k in ("holder", "host", "pid", "expires_at")
                                                 if k in held} if held else {})},
            "notes": notes}


def busy(entry: dict[str, Any]) -> str:
    """Why nobody else should take the repository now ('' when it is free)."""
    held = entry["lease"]
    if held["status"] == "held":
        return f"leased by {held.get('holder')} until {held.get('expires_at')}"
    if held["status"] == "damaged":
        return "its lease file is damaged"
    if entry["session"].get("live"):
        return f"session {entry['session'].get('id')} is active (updated {entry['session'].get('updated')})"
    return ""


def score(entry: dict[str, Any]) -> tuple[int, list[str]]:
    """The points and one reason per part: pending work, a failed gate, time since anyone worked there."""
    from ..core.words import count

    points, why = 0, []
    pending = entry["carryover"] + (entry["issues"] or 0)
    if pending:
        points += min(pending, PENDING_CAP) * PENDING_POINT
        parts = [count(entry["carryover"], "carryover item")] if entry["carryover"] else []
        if entry["issues"]:
            parts.append(count(entry["issues"], "open issue"))
        why.append(" and ".join(parts) + " waiting")
    gate = entry["gate"]
    if gate["health"] == "failed":
        points += GATE_FAILED
        why.append(f"the last gate failed ({gate['where']})")
    elif gate["health"] == "unknown":
        points += GATE_UNKNOWN
        why.append(f"gate health unknown ({gate['where']})")
    else:
        why.append(f"the last gate passed ({gate['where']})")
    days = entry["idle_days"]
    if days is not None:
        points += min(int(days // 7), STALE_CAP) * STALE_WEEK
        why.append(f"last commit or session {count(days, 'day')} ago")
    session = entry["session"]
    if session["status"] in ("active", "paused"):
        left = "was left active" if session["status"] == "active" else "is paused"
        why.append(f"session {session.get('id')} {left} (updated {session.get('updated')}): resume it there")
    if entry["lease"]["status"] == "expired":
        why.append(f"the lease of {entry['lease'].get('holder')} expired at {entry['lease'].get('expires_at')}")
    return points, why


def rank(root: Path, depth: int = DEPTH, ask_tracker: bool = True, now: float | None = None) -> dict[str, Any]:
    """{'format', 'root', 'free': ranked entries, 'busy': entries, 'recommended': path or None}."""
    now = time.time() if now is None else now
    free, taken = [], []
    for repo in find(root, depth):
        entry = facts(repo, root, now, ask_tracker)
        reason = busy(entry)
        if reason:
            entry["busy"] = reason
            taken.append(entry)
            continue
        entry["score"], entry["reasons"] = score(entry)
        free.append(entry)
    free.sort(key=lambda e: (-e["score"], e["path"]))
    return {"format": FORMAT, "root": root.resolve().as_posix(), "free": free, "busy": taken,
            "recommended": free[0]["path"] if free else None}


def claim(ranking: dict[str, Any], holder: str, ttl: float = lease.TTL, only: Path | None = None) -> dict[str, Any]:
    """Take the lease of the best free repository this holder can win (or of `only`); the first win ends it.

    {'claimed': path or None, 'holder', 'lease', 'lost': [{'path', 'to'}]}: the ones another claimer won first."""
    candidates = [e["path"] for e in ranking["free"]]
    if only is not None:
        want = only.resolve().as_posix()
        candidates = [p for p in candidates if p == want] or [want]
    lost: list[dict[str, Any]] = []
    for path in candidates:
        won, record = lease.claim(lease_dir(Path(path)), holder, ttl)
        if won:
            return {"claimed": path, "holder": holder, "lease": record, "lost": lost}
        lost.append({"path": path, "to": (record or {}).get("holder")})
    return {"claimed": None, "holder": holder, "lease": None, "lost": lost}


# --- printing ------------------------------------------------------------------------


def format_text(data: dict[str, Any]) -> str:
    from ..core.words import count

    free, taken = data["free"], data["busy"]
    found = count(len(free) + len(taken), "repository", "repositories")
    out = [f"dispatcher: {found} under {data['root']} use the runtime; {len(free)} free, {len(taken)} busy"]
    for n, entry in enumerate(free, 1):
        out.append(f"  {n}. {entry['name']}  (score {entry['score']}) {entry['path']}")
        out.append(f"       {'; '.join(entry['reasons'])}")
        for note in entry["notes"]:
            out.append(f"       note: {note}")
    for entry in taken:
        out.append(f"  busy: {entry['name']}: {entry['busy']}")
    if data["recommended"]:
        best = free[0]
        out.append(f"recommended: {best['name']} ({best['path']}): {'; '.join(best['reasons'])}")
    else:
        out.append("recommended: none (no free repository)")
    return "\n".join(out)
