# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`evolve`: find patterns across closed sessions and keep them as learnings.

`analyze` is plain bookkeeping over what the runtime already recorded; no model
is needed to find a pattern, only to word and prune it with the user:

- `metrics/sessions.jsonl`: one record per closed session; the session windows
  (started..ended) every other record is attributed to, the failing gate checks,
  the carryover.
- `metrics/events.jsonl` (and its rotated copies): guard denials and warnings
  with the paths written and a digest of the command.
- `STATE.md` and `state/archive/STATE-*.md`: "what not to retry" entries and the
  session reviewer's findings.
- `git log`: commits whose subject says "fix", with the files they touched.

The same inputs always give the same output, byte for byte: nothing depends on
the clock, the order of the files or of a dict. Confidence (docs/learning.md):
each confirming occurrence weighs `0.5 ** (age / half_life)`, where age is the
number of closed sessions after the one it happened in (at most 3 count per
session); the weights add up to a support `s`, and `confidence = 1 - 0.5 ** (s / 2)`.
More repetitions raise it; sessions that no longer confirm it age it away.
"""

from __future__ import annotations

import re
from hashlib import sha256
from pathlib import Path
from typing import Any

from ..core import jsonl
from ..core.paths import metrics_dir, orch_dir, state_file
from ..loop.records import State
from . import learnings

KINDS = ("recurring-fix", "gate-failure", "out-of-scope", "scope-estimate", "denied-retry", learnings.NOT_TO_RETRY)
PER_SESSION_CAP = 3
RETIRE_BELOW = 0.1
FIX_RE = re.compile(r"\bfix", re.IGNORECASE)


def learning_id(kind: str, subject: str) -> str:
    """Stable across runs and machines, so re-analysis updates a learning instead of adding a twin."""
    digest = sha256((kind + "\0" + subject).encode("utf-8")).hexdigest()
    return f"{kind}-{digest[:10]}"


def confidence(ages: list[tuple[int, int]], half_life: int, weight: float = 1.0) -> float:
    """`ages`: (sessions since, occurrences) per confirming session."""
    support = sum(min(count, PER_SESSION_CAP) * weight * 0.5 ** (age / half_life) for age, count in ages)
    value: float = round(1 - 0.5 ** (support / 2), 3)
    return value


# --- reading the record -------------------------------------------------------------------------


def _ended(root: Path) -> list[dict[str, Any]]:
    from ..core import telemetry

    return [s for s in telemetry.read_sessions(root) if s.get("id") and s.get("started") and s.get("ended")]


def _sessions(root: Path) -> list[dict[str, Any]]:
    """The closed sessions patterns are read from: an abandoned session was given up, not closed, and
    what happened in it (often nothing) is no evidence of how this repository's sessions go."""
    closed = [s for s in _ended(root) if s.get("outcome") != "abandoned"]
    return sorted(closed, key=lambda s: (str(s["ended"]), str(s["id"])))


def _abandoned(root: Path) -> int:
    return sum(1 for s in _ended(root) if s.get("outcome") == "abandoned")


def _events(root: Path) -> list[dict[str, Any]]:
    base = metrics_dir(root) / "events.jsonl"
    rotated = sorted((p for p in base.parent.glob("events.jsonl.*") if p.suffix[1:].isdigit()),
                     key=lambda p: int(p.suffix[1:]), reverse=True)  # oldest first
    out: list[dict[str, Any]] = []
    for part in [*rotated, base]:
        out.extend(jsonl.read(part))
    return out


def _states(root: Path) -> list[State]:
    """Every session record still on this machine, one per session id, oldest file first.

    `/close` archives each record as `state/archive/<id>.json`; older archives and
    STATE.md files from before the record moved to `session.json` are read too.
    Nothing here writes: analysis must not refresh a stale STATE.md view.
    """
    from ..loop.state import StateError, parse, parse_record, record_file

    archive = orch_dir(root) / "state" / "archive"
    files = [*sorted(archive.glob("STATE-*.md")), *sorted(archive.glob("*.json"))]
    current = record_file(root)
    files.append(current if current.exists() else state_file(root))
    by_id: dict[str, State] = {}
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
            state = parse_record(text, file.name) if file.suffix == ".json" else parse(text, file.name)
        except (OSError, UnicodeDecodeError, StateError):
            continue
        by_id[str(state.get("session_id"))] = state
    return list(by_id.values())


def _fix_commits(root: Path) -> list[tuple[str, list[str]]]:
    """(commit time as UTC ISO, files) for the recent commits whose subject mentions a fix."""
    from ..core.proc import run

    code, out, _ = run(["git", "log", "-n", "500", "--date=format-local:%Y-%m-%dT%H:%M:%SZ",
                        "--format=%x1e%cd%x09%s", "--name-only"], root, 20, _utc_env())
    if code != 0:
        return []
    commits = []
    for chunk in out.split("\x1e")[1:]:
        head, _, rest = chunk.partition("\n")
        stamp, _, subject = head.partition("\t")
        if FIX_RE.search(subject):
            commits.append((stamp, sorted({f for f in rest.splitlines() if f.strip()})))
    return commits


def _utc_env() -> dict[str, str]:
    import os

    return {**os.environ, "TZ": "UTC"}


class _Windows:
    """Which closed session a timestamp falls in (sessions are started..ended, ISO strings)."""

    def __init__(self, sessions: list[dict[str, Any]]) -> None:
        self.spans = [(str(s["started"]), str(s["ended"]), i) for i, s in enumerate(sessions)]

    def at(self, ts: Any) -> int | None:
        if not isinstance(ts, str):
            return None
        for start, end, index in self.spans:
            if start <= ts <= end:
                return index
        return None


# --- finding patterns ---------------------------------------------------------------------------


class _Pattern:
    def __init__(self, kind: str, subject: str) -> None:
        self.kind, self.subject = kind, subject
        self.by_session: dict[int, int] = {}
        self.files: set[str] = set()
        self.info: dict[str, Any] = {}

    def add(self, session: int, count: int = 1, files: list[str] | None = None) -> None:
        self.by_session[session] = self.by_session.get(session, 0) + count
        self.files.update(files or [])

    @property
    def total(self) -> int:
        return sum(self.by_session.values())


def find(root: Path, half_life: int) -> tuple[list[dict[str, Any]], int]:
    """(learnings found, closed sessions read): fresh records, status not yet merged."""
    sessions = _sessions(root)
    windows = _Windows(sessions)
    patterns: dict[tuple[str, str], _Pattern] = {}

    def pattern(kind: str, subject: str) -> _Pattern:
        return patterns.setdefault((kind, subject), _Pattern(kind, subject))

    seen_not_retry: set[tuple[str, str]] = set()  # (text, session id): each session counts once
    reviewed: set[tuple[str, int]] = set()
    index: int | None  # a session's position; None for a moment outside every session
    for index, record in enumerate(sessions):
        failing = record.get("gate_failures")
        if failing is None:
            failing = record.get("regressions") or []
        for name in sorted({str(n) for n in failing}):
            pattern("gate-failure", name).add(index)
        for file in sorted({str(f) for f in record.get("review_files") or []}):
            reviewed.add((file, index))
            pattern("recurring-fix", file).add(index, files=[file])
        for text in record.get("not_retry") or []:
            clean = " ".join(str(text).split())
            if clean and (clean, str(record["id"])) not in seen_not_retry:
                seen_not_retry.add((clean, str(record["id"])))
                pattern(learnings.NOT_TO_RETRY, clean).add(index)
        if int(record.get("carryover") or 0) > 0:
            p = pattern("scope-estimate", "under")
            p.add(index)
            p.info["carryover"] = p.info.get("carryover", 0) + int(record["carryover"])
    _over_estimates(sessions, pattern)
    for event in _events(root):
        name = str(event.get("event") or "")
        if name not in ("guard.denied", "guard.warned"):
            continue
        index = windows.at(event.get("ts"))
        if index is None:
            continue
        rule = str(event.get("rule") or "")
        if rule.startswith("scope") and rule != "scope-unreadable":
            # A warned write went through; a denied one never reached the file. Both say the plan's
            # file list missed it, but only the first is a write.
            outcome = "denied" if name == "guard.denied" else "written"
            for file in sorted({str(p) for p in event.get("paths") or []}):
                p = pattern("out-of-scope", file)
                p.add(index, files=[file])
                p.info[outcome] = p.info.get(outcome, 0) + 1
        elif name == "guard.denied" and not rule.startswith(("scope", "loop", "file-rewrite", "hook")):
            key = str(event.get("command_key") or "")
            p = pattern("denied-retry", f"{rule}\0{key}")
            p.add(index)
            p.info["rule"] = rule
    for state in _states(root):
        for entry in state.get("not_retry") or []:
            text = " ".join(str(entry.get("text") or "").split())
            index = windows.at(str(entry.get("ts") or ""))
            if index is None:
                index = _session_index(sessions, state.get("session_id"))
            if not text or index is None or (text, str(sessions[index]["id"])) in seen_not_retry:
                continue
            seen_not_retry.add((text, str(sessions[index]["id"])))
            pattern(learnings.NOT_TO_RETRY, text).add(index)
        index = _session_index(sessions, state.get("session_id"))
        for review in state.get("reviews") or []:
            for finding in review.get("findings") or []:
                file = str(finding.get("file") or "")
                if index is not None and file and (file, index) not in reviewed and float(
                        finding.get("confidence") or 0) >= float(review.get("floor") or 0):
                    reviewed.add((file, index))
                    pattern("recurring-fix", file).add(index, files=[file])
    for stamp, files in _fix_commits(root):
        index = windows.at(stamp)
        if index is None:
            continue
        for file in files:
            if not file.startswith(".orchestrator/"):
                pattern("recurring-fix", file).add(index, files=[file])

    found = []
    last = len(sessions) - 1
    for (kind, subject), p in sorted(patterns.items()):
        sessions_hit = sorted(p.by_session)
        if kind in ("recurring-fix", "scope-estimate"):
            enough = len(sessions_hit) >= 2  # many fix commits inside one session are just work
        elif kind == learnings.NOT_TO_RETRY:
            enough = True  # written down on purpose
        else:
            enough = p.total >= 2
        if not enough:
            continue
        ages = [(last - i, p.by_session[i]) for i in sessions_hit]
        weight = 2.0 if kind == learnings.NOT_TO_RETRY else 1.0
        evidence: dict[str, Any] = {"sessions": [str(sessions[i]["id"]) for i in sessions_hit], "count": p.total}
        evidence.update({k: p.info[k] for k in sorted(p.info)})
        found.append({
            "id": learning_id(kind, subject), "kind": kind, "subject": subject.replace("\0", " "),
            "statement": _statement(kind, subject, p, len(sessions)), "evidence": evidence,
            "files": sorted(p.files), "confidence": confidence(ages, half_life, weight),
            "first_seen": str(sessions[sessions_hit[0]]["ended"]),
            "last_seen": str(sessions[sessions_hit[-1]]["ended"]),
        })
    return found, len(sessions)


def _over_estimates(sessions: list[dict[str, Any]], pattern: Any) -> None:
    """Sessions of one type that keep finishing every planned item had room for more: when at
    least 3 did, and they are at least 80% of that type's sessions, the scope was over-estimated."""
    by_type: dict[str, list[int]] = {}
    for index, record in enumerate(sessions):
        by_type.setdefault(str(record.get("type") or "?"), []).append(index)
    for kind_of_session, indexes in sorted(by_type.items()):
        full = [i for i in indexes if sessions[i].get("outcome") == "completed"
                and int(sessions[i].get("items_planned") or 0) > 0
                and int(sessions[i].get("items_done") or 0) >= int(sessions[i].get("items_planned") or 0)
                and not int(sessions[i].get("carryover") or 0)]
        if len(full) >= 3 and len(full) * 5 >= len(indexes) * 4:
            p = pattern("scope-estimate", f"over {kind_of_session}")
            for i in full:
                p.add(i)
            sizes = sorted(int(sessions[i]["items_planned"]) for i in full)
            p.info.update({"session_type": kind_of_session, "typical_items": sizes[len(sizes) // 2],
                           "sessions_of_type": len(indexes)})


def _session_index(sessions: list[dict[str, Any]], ident: Any) -> int | None:
    for index, record in enumerate(sessions):
        if record.get("id") == ident:
            return index
    return None


def _statement(kind: str, subject: str, p: _Pattern, total: int) -> str:
    n, k = p.total, len(p.by_session)
    if kind == "gate-failure":
        return f"the gate failed on {subject} in {k} session(s); run that check before finishing a wave that touches it"
    if kind == "out-of-scope":
        written, denied = int(p.info.get("written") or 0), int(p.info.get("denied") or 0)
        advice = "put it in the plan's file list when the work touches it"
        if not written:
            return f"an edit to {subject} outside the wave's scope was denied {denied} time(s); {advice}"
        more = f" (and denied {denied} more time(s))" if denied else ""
        return f"{subject} was written outside the wave's scope {written} time(s){more}; {advice}"
    if kind == "denied-retry":
        return (f"the same command was denied by the guard's {p.info.get('rule')} rule {n} time(s) in "
                f"{k} session(s); do not retry a denied command, ask the user or take another way")
    if kind == "scope-estimate" and subject.startswith("over "):
        kind_of_session, typical = p.info.get("session_type"), int(p.info.get("typical_items") or 0)
        return (f"{k} of {p.info.get('sessions_of_type')} {kind_of_session} sessions finished every planned item "
                f"(typically {typical}); a {kind_of_session} session can take {typical + 1} items")
    if kind == "scope-estimate":
        return (f"{k} of {total} sessions left planned items over (carryover {p.info.get('carryover', 0)}); "
                "plan fewer items per session")
    if kind == "recurring-fix":
        return f"{subject} needed fixes in {k} sessions; read its tests first and add one for every fix"
    return subject


# --- merging with the store ---------------------------------------------------------------------


def analyze(root: Path, half_life: int) -> tuple[list[dict[str, Any]], int]:
    """Find, merge with what the user decided before, append what changed; return the merged view."""
    found, count = find(root, half_life)
    stored = learnings.current(root)
    merged = []
    for fresh in found:
        prior = stored.get(fresh["id"])
        record = dict(fresh)
        status = "proposed"
        if prior:
            status = str(prior.get("status") or "proposed")
            if prior.get("edited"):
                record["statement"], record["edited"] = prior.get("statement"), True
            if status == "retired" and fresh["last_seen"] > str(prior.get("last_seen") or ""):
                status = "proposed"  # it came back
        if record["confidence"] < RETIRE_BELOW and status in ("proposed", "accepted"):
            status = "retired"
        record["status"] = status
        if prior is None or learnings.content(prior) != learnings.content(record):
            learnings.save(root, record)
        merged.append(record)
    return learnings.ranked(merged), count


def format_learning(record: dict[str, Any], number: int | None = None) -> list[str]:
    evidence = record.get("evidence") or {}
    sessions = evidence.get("sessions") or []
    lead = f"{number}. " if number is not None else ""
    lines = [f"  {lead}[{float(record.get('confidence') or 0):.3f}] {record.get('status', '?'):<8} "
             f"{record.get('kind')} {record.get('id')}",
             f"      {record.get('statement')}",
             f"      evidence: {len(sessions)} session(s) ({', '.join(sessions[:6])}"
             f"{', ...' if len(sessions) > 6 else ''}), count {evidence.get('count', 0)}"
             + (f"; files: {', '.join((record.get('files') or [])[:5])}" if record.get("files") else "")]
    return lines


# --- what the command reads and changes --------------------------------------------------------


def session_counts(root: Path) -> tuple[int, int]:
    """How many closed sessions patterns can be read from, and how many abandoned ones are left out."""
    return len(_sessions(root)), _abandoned(root)


def listed(root: Path, status: str | None = None) -> list[dict[str, Any]]:
    """The stored learnings (only those with `status`, when given), most confident first."""
    return learnings.ranked([r for r in learnings.current(root).values()
                             if status is None or r.get("status") == status])


class ChangeError(Exception):
    """A change names a learning that does not exist (or is ambiguous), or is empty; nothing was changed."""


def change(root: Path, idents: list[str], *, status: str | None = None, statement: str | None = None
           ) -> list[tuple[str, dict[str, Any]]]:
    """Set the status of (or reword) the learnings named by ids or unique id prefixes; returns each id
    with its record as saved.

    Every id is resolved before anything is written, so a bad one changes nothing (ChangeError).
    """
    stored = learnings.current(root)
    resolved = []
    for given in idents:
        matches = [ident for ident in stored if ident == given] or [ident for ident in stored
                                                                     if ident.startswith(given)]
        if len(matches) != 1:
            why = "no learning has" if not matches else f"{len(matches)} learnings match"
            raise ChangeError(f"{why} the id {given!r}; 'evolve list' shows them")
        resolved.append(matches[0])
    if statement is not None and not statement.strip():
        raise ChangeError("--statement is empty")
    saved = []
    for ident in resolved:
        record = dict(stored[ident])
        if status is not None:
            record["status"] = status
        if statement is not None:
            record["statement"], record["edited"] = " ".join(statement.split()), True
        learnings.save(root, record)
        saved.append((ident, record))
    return saved
