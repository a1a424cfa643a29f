# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Lanes: parallel sessions, each in its own git worktree, merged back only when proven.

A lane is a worktree on its own branch (`lane/<name>`), started from a recorded base commit,
with its own session state (the worktree's own `.orchestrator/`) and an environment overlay
(`SO_LANE`, `SO_PORT_OFFSET`, `SO_NAME_SUFFIX`) so two lanes never share a port or a database.
Merging is the dangerous step, so it runs in the lane's worktree first: the target branch's
new commits are merged in there, the full gate runs on that result, and only then does the
target branch move, by fast-forward, after checking that nothing in the main checkout would
be overwritten. See docs/lanes.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from .lanerecord import (
    BRANCH_PREFIX,
    ENV_FILE,
    PORT_STEP,
    Lane,
    LaneError,
    LaneRefusedError,
    MergeResult,
    all_lanes,
    check_name,
    git_out,
    git_run,
    is_ancestor,
    lanes_home,
    read,
    record_path,
    registry_lock,
    suffix_for,
    write,
)

# Runtime records both sides of a merge may have changed, and how the two are combined.
UNION_RECORDS = (".orchestrator/metrics/sessions.jsonl", ".orchestrator/metrics/learnings.jsonl",
                 ".orchestrator/carryover.md")
LANE_WINS = (".orchestrator/STATE.md",)  # the view of the lane's own, newer session


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _root(root: Path) -> Path:
    top = git_out(root, "rev-parse", "--show-toplevel").strip()
    return Path(top).resolve()


def _current_branch(root: Path) -> str:
    code, out, _ = git_run(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if code != 0:
        raise LaneError(f"{root} is on a detached HEAD; lanes merge back into a branch, so check one out first")
    return out.strip()


def _commit(root: Path, rev: str) -> str:
    code, out, _ = git_run(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if code != 0:
        raise LaneError(f"{rev!r} is not a commit in {root}")
    return out.strip()


def _write_env(lane: Lane) -> None:
    """The overlay as `.orchestrator/lane.env` in the lane (KEY=value lines: `set -a; . file` and dotenv
    readers both take it), kept out of git: the template ignores it, older renders through info/exclude."""
    from ..core.fsutil import write_atomic

    text = "".join(f"{key}={value}\n" for key, value in lane.env().items())
    write_atomic(lane.path / ENV_FILE, "# This lane's ports and names overlay; written by 'lane start'.\n"
                 + text)
    if git_run(lane.path, "check-ignore", "-q", ENV_FILE)[0] != 0:
        common = Path(git_out(lane.path, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
        exclude = common / "info" / "exclude"
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as handle:
            handle.write(f"\n# lanes' environment overlay (session-orchestrator)\n/{ENV_FILE}\n")


def _config_notes(root: Path, commit: str) -> list[str]:
    """The lane runs the Session Config its base commit holds; say so when the main checkout's differs."""
    from ..core.config import find_config_file

    found = find_config_file(root)
    if found is None:
        return []
    try:
        rel = found.resolve().relative_to(root).as_posix()
        here = found.read_text(encoding="utf-8")
    except (ValueError, OSError):  # outside the repository ($SO_CONFIG_FILE) or unreadable: not the lane's concern
        return []
    code, committed, _ = git_run(root, "show", f"{commit}:{rel}")
    if code != 0:
        return [f"{rel} (the Session Config) is not in the base commit; the lane runs with the defaults"]
    if committed != here:
        return [f"{rel} (the Session Config) differs from the base commit's; the lane runs the committed one"]
    return []


def start(root: Path, name: str, base: str | None = None) -> Lane:
    """Create lane `name`: a worktree on branch `lane/<name>` at `base` (default: the checked-out branch's
    tip), its overlay written, its record kept in the main checkout. Raises LaneError naming what is wrong
    (a taken name, a base not on the branch, a base without the vendored runtime); on failure nothing stays."""
    from ..loop.state import load

    check_name(name)
    root = _root(root)
    target = _current_branch(root)
    with registry_lock(root):
        if record_path(root, name).exists():
            raise LaneError(f"lane {name!r} exists ({record_path(root, name)}); merge or clean it, "
                            "or pick another name")
        branch = BRANCH_PREFIX + name
        if git_run(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")[0] == 0:
            raise LaneError(f"branch {branch} exists already; delete it or pick another lane name")
        commit = _commit(root, base or "HEAD")
        if not is_ancestor(root, commit, f"refs/heads/{target}"):
            raise LaneError(f"base {base} ({commit[:12]}) is not on branch {target}; a lane starts from a commit "
                            f"of the branch it merges back into")
        if git_run(root, "cat-file", "-e", f"{commit}:.orchestrator/runtime/__main__.py")[0] != 0:
            raise LaneError(f"base {commit[:12]} does not contain .orchestrator/runtime/__main__.py: a lane runs "
                            "the vendored runtime from its own checkout, so commit the rendered template first")
        path = lanes_home(root) / name
        if path.exists():
            raise LaneError(f"{path} exists already; remove it or set SO_LANES_DIR to another directory")
        taken = {lane.port_offset for lane in all_lanes(root)}
        offset = next(PORT_STEP * i for i in range(1, 10_000) if PORT_STEP * i not in taken)
        path.parent.mkdir(parents=True, exist_ok=True)
        git_out(root, "worktree", "add", "-q", "-b", branch, str(path), commit)
        try:
            head = git_out(path, "rev-parse", "HEAD").strip()
            if head != commit:
                raise LaneError(f"the worktree {path} is at {head[:12]}, not at the recorded base {commit[:12]}")
            inherited = load(path)
            lane = Lane(name=name, path=path, branch=branch, base=commit, port_offset=offset,
                        suffix=suffix_for(name), target=target, created=_now(),
                        inherited_session=str((inherited or {}).get("session_id") or ""),
                        notes=_config_notes(root, commit))
            _write_env(lane)
            write(root, lane)
        except BaseException:
            git_run(root, "worktree", "remove", "--force", str(path))
            git_run(root, "branch", "-D", branch)
            raise
    from ..core import telemetry

    telemetry.emit(root, "lane.started", {"lane": name, "base": commit, "port_offset": offset})
    return lane


def list_lanes(root: Path) -> list[Lane]:
    return all_lanes(_root(root))


def describe(root: Path, lane: Lane) -> dict[str, Any]:
    """The lane as `lane list` shows it: state (running, closed, merged, missing), staleness, its session."""
    from ..loop.state import StateError, load

    root = _root(root)
    tip = git_run(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{lane.target}")[1].strip()
    behind = int(git_run(root, "rev-list", "--count", f"{lane.base}..{tip}")[1].strip() or 0) if tip else 0
    out: dict[str, Any] = {**lane.to_json(), "stale": bool(tip) and tip != lane.base and not lane.merged,
                           "behind": behind, "session": None}
    if lane.merged:
        out["state"] = "merged"
        return out
    if not (lane.path / ".git").exists():
        out["state"] = "missing"
        return out
    try:
        state = load(lane.path)
    except StateError:
        state = None
    if state is None or state.get("session_id") == lane.inherited_session:
        out["state"] = "running"
        return out
    out["session"] = state.get("session_id")
    out["state"] = "closed" if state.get("status") == "completed" else "running"
    return out


def _conflicts(path: Path) -> list[str]:
    return sorted(p for p in git_out(path, "diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p)


def _combine_records(path: Path, conflicted: list[str]) -> list[str]:
    """Resolve the runtime's own records both sides changed: append-only logs and the carryover list keep
    both sides' lines, STATE.md keeps the lane's (its session is the newer one). Returns what it resolved."""
    from ..core.proc import run

    resolved = []
    for name in conflicted:
        if name in LANE_WINS:
            git_out(path, "checkout", "--ours", "--", name)
        elif name in UNION_RECORDS:
            stages = {}
            for stage in (1, 2, 3):
                code, text, _ = git_run(path, "show", f":{stage}:{name}")
                stages[stage] = text if code == 0 else ""
            scratch = path / ".orchestrator" / "state" / "merge"
            scratch.mkdir(parents=True, exist_ok=True)
            files = []
            for stage, label in ((2, "ours"), (1, "base"), (3, "theirs")):
                file = scratch / label
                file.write_text(stages[stage], encoding="utf-8")
                files.append(str(file))
            code, _, err = run(["git", "merge-file", "--union", *files], path, 60)
            if code < 0:
                raise LaneError(f"git merge-file on {name}: {err.strip()}")
            (path / name).write_text(Path(files[0]).read_text(encoding="utf-8"), encoding="utf-8")
        else:
            continue
        git_out(path, "add", "--", name)
        resolved.append(name)
    return resolved


def _bring_in(lane: Lane, tip: str) -> tuple[str, list[str]]:
    """Merge the target's new commits into the lane (a merge, not a rebase: the commits the close verified
    keep their ids). Returns (the merge commit, runtime records combined); refuses on a real conflict."""
    code, out, err = git_run(lane.path, "merge", "--no-ff", "--no-commit", tip)
    conflicted = _conflicts(lane.path) if code != 0 else []
    if code != 0 and not conflicted:
        git_run(lane.path, "merge", "--abort")
        raise LaneRefusedError(f"lane {lane.name}: git could not merge {lane.target} into the lane: "
                               f"{(err or out).strip()}")
    resolved = _combine_records(lane.path, conflicted)
    left = [name for name in conflicted if name not in resolved]
    if left:
        git_run(lane.path, "merge", "--abort")
        raise LaneRefusedError(f"lane {lane.name}: merging {lane.target}'s new commits conflicts in "
                               + ", ".join(left) + "; resolve it in the lane (merge or rebase there), close again, "
                               "then merge")
    code, out, err = git_run(lane.path, "commit", "-q", "--no-edit", "-m",
                             f"Merge {lane.target} into lane {lane.name}")
    if code != 0:
        git_run(lane.path, "merge", "--abort")
        raise LaneRefusedError(f"lane {lane.name}: the merge commit was refused: {(err or out).strip()}")
    return git_out(lane.path, "rev-parse", "HEAD").strip(), resolved


def _keep_archive(root: Path, lane: Lane) -> list[str]:
    """Copy the lane's archived session records into the main checkout's archive: `evolve` reads closed
    sessions' records there, and cleaning the lane would otherwise take them with it."""
    import shutil

    from ..core.paths import state_dir

    source, dest = state_dir(lane.path) / "archive", state_dir(root) / "archive"
    copied = []
    for path in sorted(source.glob("*.json")) if source.is_dir() else []:
        if not (dest / path.name).exists():
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / path.name)
            copied.append(path.name)
    return copied


def _named(losses: list[tuple[str, str]]) -> str:
    return "; ".join(f"{path} {why}" for path, why in losses)


def merge(root: Path, name: str, timeout: float | None = None) -> MergeResult:
    """Bring lane `name` back into its target branch: verified close, target's new commits merged in the lane,
    full gate on that result, nothing in the main checkout lost, then a fast-forward. Any refusal
    (LaneRefusedError naming the files or the reason) leaves the target branch, the main checkout and the
    lane as they were."""
    from . import lanecheck, lanesafety

    root = _root(root)
    with registry_lock(root):
        lane = read(root, name)
        if lane.merged:
            raise LaneError(f"lane {name} is merged already (at {lane.merged[:12]}); 'lane clean {name}' removes it")
        if not (lane.path / ".git").exists():
            raise LaneError(f"lane {name}: its worktree {lane.path} is gone")
        if git_run(root, "cat-file", "-e", f"{lane.base}^{{commit}}")[0] != 0:
            raise LaneError(f"lane {name}: its recorded base {lane.base[:12]} no longer exists")
        pre = git_out(lane.path, "rev-parse", "HEAD").strip()
        if not is_ancestor(root, lane.base, pre):
            raise LaneRefusedError(f"lane {name}: its branch no longer contains its base {lane.base[:12]} "
                                   "(rewritten); the recorded base cannot vouch for it")
        left = lanesafety.leftovers(lane.path)
        if left["uncommitted"] or left["untracked"]:
            raise LaneRefusedError(f"lane {name} holds work its branch does not: "
                                   + "; ".join(f"{kind}: {', '.join(paths)}" for kind, paths in left.items() if paths)
                                   + f" (in {lane.path}); commit or remove it before merging")
        close = lanecheck.verified_close(lane)
        if _current_branch(root) != lane.target:
            raise LaneRefusedError(f"the main checkout {root} is not on {lane.target}, the lane's target; "
                                   f"check out {lane.target} there first")
        tip = git_out(root, "rev-parse", "HEAD").strip()
        if not is_ancestor(root, lane.base, tip):
            raise LaneRefusedError(f"lane {name}: {lane.target} no longer contains the lane's base {lane.base[:12]} "
                                   "(the branch was rewritten); merge the lane by hand")
        behind = int(git_out(root, "rev-list", "--count", f"{lane.base}..{tip}").strip() or 0)
        stale = behind > 0
        result = MergeResult(name=name, merged="", target=lane.target, previous=tip, stale=stale, behind=behind,
                             session=close["session"])
        try:
            if stale and not is_ancestor(root, tip, pre):
                result.brought_in, result.resolved = _bring_in(lane, tip)
            new = git_out(lane.path, "rev-parse", "HEAD").strip()
            losses = lanesafety.main_losses(root, tip, new)
            if losses:
                raise LaneRefusedError(f"lane {name}: merging would lose files in the main checkout {root}: "
                                       + _named(losses) + "; move them aside or commit them, then merge again")
            result.gate = lanecheck.merged_gate(lane, timeout)
            if result.gate["blocked"]:
                raise LaneRefusedError(f"lane {name}: the full gate on the merged result is blocked "
                                       f"({result.gate['summary']}); {lane.target} was not moved")
            if git_out(root, "rev-parse", "HEAD").strip() != tip:
                raise LaneRefusedError(f"{lane.target} moved while lane {name} was being checked; merge again")
            losses = lanesafety.main_losses(root, tip, new)  # the gate took a while: look again right before
            if losses:
                raise LaneRefusedError(f"lane {name}: merging would lose files in the main checkout {root}: "
                                       + _named(losses))
            code, out, err = git_run(root, "merge", "--ff-only", "-q", new)
            if code != 0:
                raise LaneRefusedError(f"lane {name}: git refused to fast-forward {lane.target}: "
                                       f"{(err or out).strip()}")
        except BaseException:
            if git_out(lane.path, "rev-parse", "HEAD").strip() != pre:
                git_run(lane.path, "reset", "-q", "--hard", pre)  # the lane was clean: nothing but the merge goes
            raise
        result.merged = new
        lane.merged = new
        write(root, lane)
        result.archived = _keep_archive(root, lane)
    from ..core import telemetry

    telemetry.emit(root, "lane.merged", {"lane": name, "commit": new, "stale": stale, "behind": behind,
                                         "session": close["session"]})
    return result


def clean(root: Path, name: str, force: bool = False) -> None:
    """Remove lane `name`'s worktree, branch and record. Refuses (LaneRefusedError naming the files) while
    the lane holds uncommitted changes, untracked or ignored scratch, or commits not on its target,
    unless `force`."""
    from . import lanesafety

    root = _root(root)
    with registry_lock(root):
        lane = read(root, name)
        present = (lane.path / ".git").exists()
        problems: list[str] = []
        if present and not force:
            found = lanesafety.scratch(lane.path)
            problems.extend(f"{kind} {', '.join(paths)}" for kind, paths in found.items() if paths)
        head = git_run(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{lane.branch}")[1].strip()
        target = git_run(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{lane.target}")[1].strip()
        unmerged = bool(head) and not (target and is_ancestor(root, head, target))
        if unmerged and not force:
            count = git_run(root, "rev-list", "--count", f"{target or lane.base}..{head}")[1].strip()
            problems.append(f"branch {lane.branch} has {count} commit(s) not on {lane.target}")
        if problems:
            raise LaneRefusedError(f"lane {name} ({lane.path}) holds work that removing it would destroy: "
                                   + "; ".join(problems) + "; merge or keep it, or clean with --force")
        if present:
            git_out(root, "worktree", "remove", "--force", str(lane.path))
        git_run(root, "worktree", "prune")
        if head:
            git_out(root, "branch", "-D", lane.branch)  # merged into the target, checked above, or forced
        record_path(root, name).unlink(missing_ok=True)
    from ..core import telemetry

    telemetry.emit(root, "lane.cleaned", {"lane": name, "forced": force})
