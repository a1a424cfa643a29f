# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Loop guard: stop an agent repeating itself before it burns the session.

Two signals, both per session:
- the same tool call with the same input `threshold` times in a row within the
  last `window` calls, with nothing written in between, is denied with the
  reason (it would give the same result). "Nothing written" is checked twice:
  no write the guards saw (an edit tool, a shell write) came between, and from
  the second occurrence on the working tree itself is compared (`treestate`,
  run only when a call repeats, so an ordinary call pays nothing). So the
  edit -> test -> edit -> test cycle never trips it, and neither does a test run
  after a script changed the code; a write no guard sees between the first two
  occurrences is the one case it cannot notice.
- the same file written by Write/Edit more than REWRITE_LIMIT times -> the
  'file-rewrite' breaker trips once (recorded, shown in the banner; it stops new
  waves and subagents) and the agent is warned.

State is one small JSON file per session under `.orchestrator/state/loopguard/`,
holding only hashes of the calls and the paths written.
Hooks for parallel subagents run concurrently, so updates happen under an
exclusive lock; a corrupt file is replaced by a fresh one (the guard loses a
little history, never the call).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core import digest, quickjson
from ..core.decision import DENY, WARN, Decision
from ..core.paths import state_dir
from ..core.toolcall import WRITE
from .context import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

REWRITE_LIMIT = 6

try:
    import fcntl
except ImportError:  # Windows: no lock, a lost update only delays a warning
    fcntl = None  # type: ignore[assignment]



def _path(root: Path, session_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in session_id)[:80] or "no-session"
    return state_dir(root) / "loopguard" / f"{safe}.json"


def call_key(name: str, tool_input: Any) -> str:
    """A short hash of (tool, input): the raw input never reaches disk."""
    text = quickjson.dumps([name, tool_input], sort_keys=True, default=str, separators=(",", ":"))
    return digest.short(text)


def _settings(ctx: HookContext) -> tuple[int, int]:
    value = ctx.config.get("loop-guard") or {}
    try:
        return int(value.get("threshold", 3)), int(value.get("window", 5))
    except (TypeError, ValueError, AttributeError):
        return 3, 5


# The runtime's own waiting and status commands read state that changes without any write in the
# tree (a detached gate finishing, a breaker cleared by the user): polling them is their use, not a loop.
_POLLS = (("gate", "wait"), ("session", "status"), ("breaker", "status"))


def polls(command: str | None) -> bool:
    """True when a shell command is nothing but one of the runtime's polling commands (`_POLLS`)."""
    words = (command or "").split()
    if len(words) < 4 or not words[0].rsplit("/", 1)[-1].startswith("python"):
        return False
    if not words[1].rstrip("/").endswith(".orchestrator/runtime"):
        return False
    return tuple(words[2:4]) in _POLLS and all(w.startswith("-") or w.replace(".", "").isdigit()
                                              for w in words[4:])


def observe(ctx: HookContext, denied: bool = False) -> Decision:
    """Record this call; deny it when it repeats with nothing written since. `denied`: another guard
    already refused it (it still counts as a repeat: a refused call changes nothing)."""
    call = ctx.call
    if call is None or not call.name or polls(call.command):
        return Decision()
    threshold, window = _settings(ctx)
    key = call_key(call.name, call.input)
    path = _path(ctx.root, ctx.session_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    rules: list[str] = []
    action = WARN
    with _Locked(path.with_suffix(".lock")):
        state = _read(path)
        history = [k for k in state.get("recent", []) if isinstance(k, str)]
        earlier = history[max(0, len(history) - (window - 1)):]
        generation = int(state.get("gen", 0)) if isinstance(state.get("gen", 0), int) else 0
        seen = state.get("seen")
        if not isinstance(seen, dict):
            seen = {}
        last = seen.get(key)
        if not isinstance(last, dict):
            last = {}
        streak = 1
        tree = None
        if key in earlier and last.get("gen") == generation:
            tree = _tree(ctx.root)
            if last.get("tree") is None or tree is None or last.get("tree") == tree:
                streak = int(last.get("streak", 1)) + 1
        state["recent"] = [*earlier, key]
        seen[key] = {"gen": generation, "tree": tree, "streak": streak}
        state["seen"] = {k: v for k, v in seen.items() if k in state["recent"]}
        if streak >= threshold:
            action = DENY
            notes.append(f"session-orchestrator loop guard: this exact {call.name} call has now been made {streak} "
                         f"times within the last {window} calls with nothing written in between (no edit, and "
                         "the working tree is unchanged), so it would give the same result; it was denied. "
                         "Read the last output "
                         "again and change something first, try a different approach, or report that you "
                         "are stuck.")
            rules.append("loop-repeat")
        if (call.kind == WRITE or getattr(call, "writes", False)) and not denied:
            state["gen"] = generation + 1  # the next call comes after a write
        if call.kind == WRITE and not denied:
            counts = state.setdefault("writes", {})
            tripped = state.setdefault("tripped", [])
            for given in call.paths:
                target = os.path.normpath(os.path.join(str(ctx.cwd), given))
                counts[target] = int(counts.get(target, 0)) + 1
                if counts[target] > REWRITE_LIMIT and target not in tripped:
                    tripped.append(target)
                    shown = _relative(target, ctx.root)
                    reason = f"{shown} was written {counts[target]} times in one session"
                    try:
                        from . import breaker

                        breaker.trip(ctx.root, "file-rewrite", reason, path=shown, session_id=ctx.session_id)
                    except OSError:
                        pass
                    notes.append(f"session-orchestrator loop guard: {reason}. The file-rewrite breaker has "
                                 "tripped: no new wave or subagent starts until a gate passes or the user "
                                 "acknowledges it. Stop editing it; summarise what you tried and what keeps "
                                 "failing, and hand back to the coordinator.")
                    rules.append("file-rewrite")
        _write(path, state)
    return Decision(action, "\n".join(notes), ",".join(rules)) if notes else Decision()


def _tree(root: Path) -> str | None:
    """A hash of the working tree's changes on top of HEAD (None: git cannot say; the guard then
    counts by the writes it saw). Only called when a call repeats."""
    try:
        from ..core.treestate import TreeUnreadableError, fingerprint

        try:
            found = fingerprint(root)
        except TreeUnreadableError:
            return None
        return f"{found['head']}:{found['tree']}"
    except Exception:
        return None


def _relative(target: str, root: Path) -> str:
    base = str(root).rstrip("/") + "/"
    return target[len(base):] if target.startswith(base) else target


def _read(path: Path) -> dict[str, Any]:
    try:
        data = quickjson.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    if not isinstance(data.get("writes", {}), dict) or not isinstance(data.get("tripped", []), list):
        return {"recent": data.get("recent", [])} if isinstance(data.get("recent"), list) else {}
    return data


def _write(path: Path, state: dict[str, Any]) -> None:
    """Atomic replace without fsync (unlike fsutil.write_atomic): this history is
    advisory and rewritten on every tool call, so it is not worth a disk flush or
    the tempfile import, while a reader must still never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(quickjson.dumps(state, separators=(",", ":")))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


class _Locked:
    """An exclusive flock on a side file, held for one read-modify-write."""

    def __init__(self, path: Path) -> None:
        self.path, self.fd = path, -1

    def __enter__(self) -> _Locked:
        if fcntl is not None:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except OSError:
                self.fd = -1
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)
