# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`close commit`: one commit holding the session's own files and nothing else.

The session's files are the changes inside its tasks' scopes plus the runtime's
own records (STATE.md, sessions.jsonl, the carryover list). Each is staged by
name; every other change in the working tree (someone's work in progress, a
scratch file, an edit outside every scope) is left as it was and listed. The
commit is refused when the last full gate did not run on this code, because
then nothing vouches for what would be committed. The message follows the
repository's own style, read from its log.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .records import State

# The runtime's records a session commits with its work (the rest of .orchestrator/state is machine-local).
SESSION_RECORDS = (".orchestrator/STATE.md", ".orchestrator/metrics/sessions.jsonl",
                   ".orchestrator/metrics/learnings.jsonl", ".orchestrator/carryover.md",
                   ".orchestrator/metrics/autopilot.jsonl")  # the unattended runs' record, up to this session
_CONVENTIONAL = re.compile(r"^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\([^)]*\))?!?: \S")
TYPE_BY_SESSION = {"feature": "feat", "deep": "feat", "housekeeping": "chore"}


class CommitRefusedError(Exception):
    """The commit would not be what the session can vouch for; the message says why and what to do."""


def plan(root: Path, state: State, ledger: dict[str, Any]) -> dict[str, Any]:
    """What would be committed: {'stage', 'left_out', 'staged_elsewhere', 'message', 'gate'}; raises
    CommitRefusedError when the last full gate does not vouch for the code."""
    from ..core.proc import run
    from ..core.treestate import TreeUnreadableError, is_runtime_record, snapshot
    from ..guards.pathglob import glob_match

    gate = ledger["gate"]
    if not gate["ran"]:
        raise CommitRefusedError("the full gate has not run in this session; run 'gate full' first")
    if gate["current"] is not True:
        raise CommitRefusedError(f"{gate['why'] or 'the last full gate did not run on this code'}. "
                                 "Nothing vouches for the code as it is now; run 'gate full', then commit")
    try:
        differing = snapshot(root)
    except TreeUnreadableError as exc:
        raise CommitRefusedError(f"git cannot list the working tree: {exc}") from None
    patterns = [p for w in state.get("waves") or [] for t in w.get("tasks") or [] for p in t.get("files") or []]
    stage, left_out = [], []
    for path in sorted(differing):
        if path in SESSION_RECORDS or any(glob_match(pattern, path) for pattern in patterns):
            stage.append(path)
        elif is_runtime_record(path):
            continue  # machine-local records (state/, the events log): never committed, not someone's work
        else:
            left_out.append(path)
    code, out, _ = run(["git", "-c", "core.quotepath=off", "diff", "--cached", "--name-only", "-z"], root, 30)
    staged_elsewhere = sorted(p for p in out.split("\0") if p and p not in stage) if code == 0 else []
    return {"stage": stage, "left_out": left_out, "staged_elsewhere": staged_elsewhere,
            "message": message(root, state, ledger), "gate": gate}


def message(root: Path, state: State, ledger: dict[str, Any]) -> str:
    """Summary line, one line per delivered item, `Closes #N` for delivered items tied to an issue."""
    from .tracker import issue_number

    done = [i for i in ledger["items"] if i["verdict"] == "done"]
    rest = [i for i in ledger["items"] if i["verdict"] != "done"]
    conventional = uses_conventional(root)
    if done:
        summary = done[0]["title"] if len(done) == 1 else "; ".join(i["title"] for i in done)
    else:
        summary = f"{state.get('type', 'session')} session {state.get('session_id')}: work in progress"
    summary = " ".join(summary.split())
    if conventional:
        kind = TYPE_BY_SESSION.get(str(state.get("type")), "chore")
        summary = f"{kind}: {summary[:1].lower() + summary[1:]}"
    else:
        summary = summary[:1].upper() + summary[1:]
    if len(summary) > 72:
        summary = summary[:71].rstrip() + "\u2026"
    body = [f"- {i['title']}" for i in done]
    if rest:
        body.append("")
        body.extend(f"Carried over: {i['title']} ({i['claimed']}, unproven)" for i in rest)
    closes = sorted({n for n in (issue_number(i["issue"]) for i in done) if n is not None})
    if closes:
        body.append("")
        body.extend(f"Closes #{n}" for n in closes)
    return summary + ("\n\n" + "\n".join(body) if body else "") + "\n"


def uses_conventional(root: Path) -> bool:
    """True when most of the last 20 subjects are Conventional Commits (`type(scope): ...`)."""
    from ..core.proc import run

    code, out, _ = run(["git", "log", "-20", "--no-merges", "--format=%s"], root, 10)
    subjects = [s for s in out.splitlines() if s.strip()] if code == 0 else []
    return bool(subjects) and sum(1 for s in subjects if _CONVENTIONAL.match(s)) * 2 > len(subjects)


def commit(root: Path, planned: dict[str, Any]) -> str:
    """Stage each planned file by name, commit exactly those, return the new commit id."""
    import tempfile

    from ..core.proc import run

    if not planned["stage"]:
        raise CommitRefusedError("nothing to commit: no change inside the session's task scopes and no "
                                 "session record differs from HEAD")
    for path in planned["stage"]:  # one by one, by name: never -A, '.' or -a
        code, out, err = run(["git", "--literal-pathspecs", "add", "--", path], root, 60)
        if code != 0:
            raise CommitRefusedError(f"git add {path} failed: {(err or out).strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "paths"
        spec.write_bytes("\0".join(planned["stage"]).encode("utf-8", "surrogateescape") + b"\0")
        msg = Path(tmp) / "message"
        msg.write_text(planned["message"], encoding="utf-8")
        # --only: exactly these paths, whatever else someone staged before
        code, out, err = run(["git", "--literal-pathspecs", "commit", "--only", "--quiet", "-F", str(msg),
                              f"--pathspec-from-file={spec}", "--pathspec-file-nul"], root, 120)
    if code != 0:
        raise CommitRefusedError(f"git commit failed: {(err or out).strip()}")
    code, out, _ = run(["git", "rev-parse", "HEAD"], root, 10)
    return out.strip()
