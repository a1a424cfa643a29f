# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The git backstop: what a commit may not do while a session is active.

An agent's hooks may not fire (a subagent, a bare or untrusted run, a user who
turned hooks off), and then nothing stood between its edits and the repository's
history. The pre-commit hook (`githooks.py` puts it beside the repository's own)
runs this on every commit and refuses one that

1. changes a file outside the active wave's scope, under `strict`;
2. changes a protected file (`scope.protected()`: the runtime, its policy, every
   agent's hook settings), unless `enforcement: off`;
3. deletes most of the tracked tree: more than half of the files tracked at HEAD,
   not counting renames, unless `allow-destructive-ops: true`.

It judges what the commit will record (the index git is about to write, also
under `git commit -a` and `git commit <paths>`), read from git itself, never from
what an agent says it did. For a merge, only paths that differ from both parents
count: what the other branch brings in was judged where it was made.

It acts only while a session is active, so a person's own commits between
sessions (after `copier update`, say) are never stopped; when it cannot tell
(the session record is corrupt, or deleted while STATE.md still says active),
it counts the session as active. It runs on every commit, so the inactive path
reads one file and starts no process.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from typing import Any

RECORD = ".orchestrator/state/session.json"
VIEW = ".orchestrator/STATE.md"
STATE_DIR = ".orchestrator/state"
RUNTIME_RECORDS = (".orchestrator/STATE.md", ".orchestrator/metrics/")  # the runtime writes them; /close commits them
SHOW = 10  # files named per finding
REFUSED = 3  # exit code when the commit is refused; any other failure means the check could not run


class Finding:
    """One reason to refuse (or, for a scope breach under warn, to warn): the files and what to say."""

    def __init__(self, rule: str, headline: str, files: list[str], detail: str = "", refuse: bool = True) -> None:
        self.rule, self.headline, self.files, self.detail, self.refuse = rule, headline, files, detail, refuse

    def format(self) -> str:
        shown = [f"    {name}" for name in self.files[:SHOW]]
        if len(self.files) > SHOW:
            shown.append(f"    ... and {len(self.files) - SHOW} more")
        return "\n".join([f"- {self.headline}", *shown, *([f"  {self.detail}"] if self.detail else [])])


def session_active(root: Path) -> tuple[bool, str]:
    """(active, why we assume so when the record cannot say). Paused and finished sessions are not active."""
    try:
        text = (root / RECORD).read_text(encoding="utf-8")
    except FileNotFoundError:
        if not (root / STATE_DIR).is_dir():  # a fresh clone: STATE.md may be committed, the record never is
            return False, ""
        try:
            with (root / VIEW).open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError:
            return False, ""
        if re.search(r'^status:[ \t]*"?active\b', head, re.MULTILINE):
            return True, f"{VIEW} says a session is active but its record {RECORD} is missing"
        return False, ""
    except (OSError, UnicodeDecodeError) as exc:
        return True, f"{RECORD} cannot be read ({getattr(exc, 'strerror', None) or exc})"
    try:
        data = json.loads(text)
    except ValueError:
        return True, f"{RECORD} is not valid JSON"
    if not isinstance(data, dict):
        return True, f"{RECORD} is not a JSON object"
    return data.get("status") == "active", ""


def git_dir(root: Path) -> Path | None:
    """This worktree's git directory, read from `.git` without starting git."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    try:
        line = dot.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not line.startswith("gitdir:"):
        return None
    path = Path(line[len("gitdir:"):].strip())
    return path if path.is_absolute() else (root / path).resolve()


class GitError(Exception):
    """git could not say what the commit holds."""


def _git(root: Path, *args: str) -> str:
    from ..core.proc import run

    code, out, err = run(["git", *args], root, timeout=60)
    if code != 0:
        raise GitError(f"'git {' '.join(args[:3])}' failed: {(err.strip() or f'exit {code}').splitlines()[0]}")
    return out


def staged(root: Path, against: str | None = None) -> list[tuple[str, str, str]]:
    """(status letter, path, old path for a rename) for every change the commit will record."""
    args = ["diff", "--cached", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv",
            "--ignore-submodules=none"]
    if against:
        args.append(against)
    fields = _git(root, *args).split("\0")
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(fields) and fields[i]:
        letter = fields[i][:1]
        if letter in ("R", "C"):
            out.append((letter, fields[i + 2], fields[i + 1]))
            i += 3
        else:
            out.append((letter, fields[i + 1], ""))
            i += 2
    return out


def _merge_filter(root: Path, changes: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """During a merge, keep only paths the commit changes relative to every parent."""
    gitdir = git_dir(root)
    if gitdir is None or not (gitdir / "MERGE_HEAD").is_file():
        return changes
    other = {path for _, path, _ in staged(root, "MERGE_HEAD")} | {old for _, _, old in staged(root, "MERGE_HEAD")}
    return [change for change in changes if change[1] in other or (change[2] and change[2] in other)]


def _setting(root: Path, key: str, default: Any) -> Any:
    """A Session Config value, read only when a finding depends on it. A config that cannot be read
    gives the default, i.e. the check stays on."""
    try:
        from ..core.config import load

        return load(root).get(key)
    except Exception:  # a broken config never switches a check off
        return default


_LEVELS = ("off", "warn", "strict")


def _enforcement(root: Path, scope: dict[str, Any] | None) -> str:
    """The level in force: the wave's scope file (written at wave start), else the Session Config's. A level
    the session record fixed at its start is a floor: a Session Config weakened mid-session (by a write no
    hook saw) does not lower it."""
    if scope is not None:
        level = str(scope.get("enforcement", "strict"))
    else:
        level = str(_setting(root, "enforcement", "strict"))
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
        fixed = record.get("enforcement") if isinstance(record, dict) else None
    except (OSError, ValueError, UnicodeDecodeError):
        fixed = None
    if fixed in _LEVELS and level in _LEVELS and _LEVELS.index(fixed) > _LEVELS.index(level):
        return str(fixed)
    return level


def _allowed(scope: dict[str, Any]) -> list[str]:
    """Every path some agent of the wave may change: git cannot say which agent made a change."""
    patterns = list(scope.get("allowed") or [])
    for paths in (scope.get("agents") or {}).values():
        patterns.extend(p for p in paths if p not in patterns)
    return patterns


def _wave_running(root: Path, scope: dict[str, Any]) -> bool:
    """Is the scope file's wave still active in the session record? The commit at /close holds every wave's
    work and comes after the last `wave done`, so the last wave's scope must not judge it. A record that
    cannot say keeps the scope in force."""
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
        waves = record.get("waves") if isinstance(record, dict) else None
        if not isinstance(waves, list):
            return True
        entry = next(w for w in waves if isinstance(w, dict) and w.get("wave") == scope.get("wave"))
    except (OSError, ValueError, UnicodeDecodeError, TypeError, StopIteration):
        return True
    return entry.get("status") not in ("done", "pending")


def scope_finding(root: Path, paths: list[str]) -> tuple[Finding | None, str]:
    """Files outside the active wave's scope (refused under strict, a warning under warn); '' or the
    level in force when it had to be read."""
    from .pathglob import glob_match
    from .scope import load

    scope, problem = load(root)
    if scope is not None and not _wave_running(root, scope):
        scope = None  # the last wave's scope stays on disk after `wave done` until the next wave or /close
    if problem:
        return Finding("backstop-scope", f"The wave's scope cannot be read ({problem}), so the commit cannot be "
                       "checked against it", [], "Ask the user to run 'python3 .orchestrator/runtime wave status'."), ""
    if scope is None:
        return None, ""
    level = _enforcement(root, scope)
    if level == "off":
        return None, level
    allowed = [] if scope.get("read_only") else _allowed(scope)
    outside = [p for p in paths if not p.startswith(RUNTIME_RECORDS) and not any(glob_match(g, p) for g in allowed)]
    if not outside:
        return None, level
    wave = f"wave {scope.get('wave', '?')}" + (f" ({scope['role']})" if scope.get("role") else "")
    limits = f"W{wave[1:]} is read-only." if not allowed else f"W{wave[1:]} may change only: {', '.join(allowed)}."
    return Finding("backstop-scope", f"It changes {len(outside)} file{'s' if len(outside) != 1 else ''} outside "
                   f"{wave}'s scope (enforcement: {level}):", outside, limits, refuse=level == "strict"), level


def protected_finding(root: Path, paths: list[str], level: str) -> Finding | None:
    from .scope import protected

    hits = [p for p in paths if protected(p)]
    if not hits or (level or _enforcement(root, None)) == "off":
        return None
    return Finding("backstop-protected", "It changes the guard's own files (its runtime, its policy or an agent's "
                   "hook settings), which only the user changes:", hits)


def deletion_finding(root: Path, deleted: list[str]) -> Finding | None:
    """More than half of HEAD's tracked files deleted, a rename not counting as a deletion. The vendored
    runtime and its records (`.orchestrator/`) are left out of both counts: they would otherwise dilute a
    small project's tree, and deleting the runtime is caught as a protected change anyway."""
    deleted = [path for path in deleted if not path.startswith(".orchestrator/")]
    if not deleted:
        return None
    names = _git(root, "ls-tree", "-r", "-z", "--name-only", "HEAD").split("\0")
    total = sum(1 for name in names if name and not name.startswith(".orchestrator/"))
    if total == 0 or len(deleted) * 2 <= total or _setting(root, "allow-destructive-ops", False) is True:
        return None
    share = round(100 * len(deleted) / total)
    return Finding("backstop-deletion", f"It deletes {len(deleted)} of the {total} files tracked at HEAD "
                   f"outside .orchestrator/ ({share}%), most of the tree:", sorted(deleted))


def judge(root: Path) -> tuple[list[Finding], str]:
    """The findings for the commit git is about to make, and why the session counts as active ('' if it
    plainly is). No findings and '' when no session is active."""
    active, why = session_active(root)
    if not active:
        return [], ""
    changes = _merge_filter(root, staged(root))
    paths = list(dict.fromkeys(name for _, path, old in changes for name in (old, path) if name))
    findings: list[Finding] = []
    scoped, level = scope_finding(root, paths)
    for finding in (scoped, protected_finding(root, paths, level),
                    deletion_finding(root, [path for letter, path, _ in changes if letter == "D"])):
        if finding is not None:
            findings.append(finding)
    return findings, why


WHAT_TO_DO = ("What to do: take these files out of the commit (`git restore --staged <file>`; a deleted file "
              "comes back with `git restore --staged --worktree <file>`) and carry on with the task. If they "
              "really must change, say so in your report: the user decides.\n"
              "If you are the user and made these changes on purpose: 'python3 .orchestrator/runtime session pause', "
              "commit, then resume the session.")


def message(findings: list[Finding], why: str) -> str:
    refused = [f for f in findings if f.refuse]
    lines = ["session-orchestrator git backstop: this commit is refused." if refused else
             "session-orchestrator git backstop: allowed with a warning."]
    if why:
        lines.append(f"(A session counts as active: {why}.)")
    lines.extend(f.format() for f in findings)
    if refused:
        lines.append(WHAT_TO_DO)
    return "\n".join(lines)


def check(root: Path) -> int:
    """Exit code for the hook: 0 to let the commit through, REFUSED to stop it."""
    try:
        findings, why = judge(root)
    except GitError as exc:
        print(f"session-orchestrator git backstop: this commit is refused, because what it holds cannot be read "
              f"while a session is active: {exc}.", file=sys.stderr)
        return REFUSED
    if not findings:
        return 0
    print(message(findings, why), file=sys.stderr)
    return REFUSED if any(f.refuse for f in findings) else 0
