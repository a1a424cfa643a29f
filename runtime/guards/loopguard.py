# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Loop guard: notice an agent repeating itself before it burns the session.

Two signals, both per session:
- the same tool call with the same input `threshold` times within the last
  `window` calls -> a warning the agent reads (it is probably stuck);
- the same file written by Write/Edit more than REWRITE_LIMIT times -> the
  'file-rewrite' breaker trips once (recorded, shown in the banner) and the
  agent is warned.

State is one small JSON file per session under `.orchestrator/state/loopguard/`,
holding only hashes of the calls and the paths written.
Hooks for parallel subagents run concurrently, so updates happen under an
exclusive lock; a corrupt file is replaced by a fresh one (the guard loses a
little history, never the call).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..hookpath.context import WRITE, HookContext
from ..hookpath.decision import WARN, Decision
from ..paths import state_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

REWRITE_LIMIT = 6

try:
    import fcntl
except ImportError:  # Windows: no lock, a lost update only delays a warning
    fcntl = None  # type: ignore[assignment]

try:  # the builtin digest: hashlib would load OpenSSL, a few ms on every tool call
    from _sha256 import sha256  # type: ignore[import-not-found]
except ImportError:
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]


def _path(root: Path, session_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in session_id)[:80] or "no-session"
    return state_dir(root) / "loopguard" / f"{safe}.json"


def call_key(name: str, tool_input: Any) -> str:
    """A short hash of (tool, input): the raw input never reaches disk."""
    text = json.dumps([name, tool_input], sort_keys=True, default=str, separators=(",", ":"))
    return sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def _settings(ctx: HookContext) -> tuple[int, int]:
    value = ctx.config.get("loop-guard") or {}
    try:
        return int(value.get("threshold", 3)), int(value.get("window", 5))
    except (TypeError, ValueError, AttributeError):
        return 3, 5


def observe(ctx: HookContext) -> Decision:
    """Record this call and say whether the agent looks stuck."""
    call = ctx.call
    if call is None or not call.name:
        return Decision()
    threshold, window = _settings(ctx)
    key = call_key(call.name, call.input)
    path = _path(ctx.root, ctx.session_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    rules: list[str] = []
    with _Locked(path.with_suffix(".lock")):
        state = _read(path)
        history = [k for k in state.get("recent", []) if isinstance(k, str)]
        recent = [*history[max(0, len(history) - (window - 1)):], key]
        repeats = recent.count(key)
        if repeats >= threshold:
            notes.append(f"session-orchestrator loop guard: this exact {call.name} call has been made {repeats} "
                         f"times in the last {len(recent)} calls. Repeating it will give the same result; step "
                         "back, read the error or output again, and try a different approach or report that "
                         "you are stuck.")
            rules.append("loop-repeat")
            recent = []  # one warning per streak, not one per call
        state["recent"] = recent
        if call.kind == WRITE:
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
                                 "tripped. Stop editing it; summarise what you tried and what keeps failing, "
                                 "and hand back to the coordinator.")
                    rules.append("file-rewrite")
        _write(path, state)
    return Decision(WARN, "\n".join(notes), ",".join(rules)) if notes else Decision()


def _relative(target: str, root: Path) -> str:
    base = str(root).rstrip("/") + "/"
    return target[len(base):] if target.startswith(base) else target


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
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
            handle.write(json.dumps(state, separators=(",", ":")))
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
