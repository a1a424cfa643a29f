# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The SessionStart banner: a few lines the agent sees before the first prompt."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..core.paths import state_file

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

# STATE.md's frontmatter; the kebab-case spellings are those of files written before the keys were unified.
_FRONT_RE = re.compile(r"^(session[_-]id|type|status|current[_-]wave|total[_-]waves|started):\s*(.*)$", re.MULTILINE)


def unfinished_session(root: Path) -> dict[str, str] | None:
    path = state_file(root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if not text.startswith("---"):
        return {"status": "unreadable"}
    head = text.split("\n---", 1)[0]
    fields = {k.replace("-", "_"): v.strip().strip('"') for k, v in _FRONT_RE.findall(head)}
    return fields if fields.get("status") in ("active", "paused") else None


def banner(root: Path, config: Any, problems: list[Any], prefix: str = "/", ctx: Any = None) -> str:
    """`prefix` is how the agent reading the banner runs a command (`/session`, `$session`); `ctx`,
    the session-start hook's context, names the agent and session that are starting."""
    from ..core.treestate import git_status

    branch, changes = git_status(root)
    lines = ["[session-orchestrator]"]
    lines.append(f"branch: {branch or '(not a git repository)'}; uncommitted files: {len(changes)}")
    for change in changes[:5]:
        lines.append(f"  {change}")
    if len(changes) > 5:
        lines.append(f"  ... and {len(changes) - 5} more")
    session = unfinished_session(root)
    if session:
        if session.get("status") == "unreadable":
            lines.append("unfinished session: STATE.md is unreadable; "
                         "run 'python3 .orchestrator/runtime session status'")
        else:
            lines.append(
                f"unfinished session: {session.get('session_id', '?')} ({session.get('type', '?')}), "
                f"{session.get('status')}, wave {session.get('current_wave', '?')} of {session.get('total_waves', '?')}"
                f" - {prefix}session offers to resume it"
            )
    else:
        lines.append(f"no unfinished session; start one with {prefix}session [housekeeping|feature|deep]")
    lines.extend(_carryover_lines(root))
    fixed = " (fixed for this session: a weaker value takes effect at the next session start)" if ctx else ""
    lines.append(f"enforcement: {config.get('enforcement')}{fixed}")
    if ctx is not None and ctx.held_back:
        lines.append("WARNING: the Session Config is weaker than this session's values: " + "; ".join(ctx.held_back))
    from ..guards.pinning import summary_lines

    lines.extend(summary_lines(root, ctx.platform if ctx else "", ctx.session_id if ctx else ""))
    if config.get("enforcement") == "off":
        lines.append("WARNING: enforcement is off - edits outside a wave's scope are not checked")
    if config.get("allow-destructive-ops"):
        lines.append("WARNING: allow-destructive-ops is true - the destructive-command guard is OFF")
    for problem in problems:
        lines.append(f"config {problem.level}: {str(problem).splitlines()[0]}")
    lines.extend(_guard_policy_lines(root))
    lines.extend(_breaker_lines(root))
    lines.extend(_integrity_lines())
    from ..learning.learnings import banner_lines

    lines.extend(banner_lines(root, config, changes))
    if os.environ.get("SO_UNATTENDED"):  # autopilot's run: imported only then, the usual start pays nothing
        from ..unattended.policy import notice_lines

        lines.extend(notice_lines())
    return "\n".join(lines)


def _carryover_lines(root: Path) -> list[str]:
    """Unfinished work no tracker holds yet: the list is read only when the file exists (one stat otherwise)."""
    from ..core.paths import orch_dir

    if not (orch_dir(root) / "carryover.md").is_file():
        return []
    from ..loop.carryover import summary_lines

    return summary_lines(root)


def _integrity_lines() -> list[str]:
    """One line when runtime files differ from the release: the guards may not be the ones shipped."""
    from ..core import integrity

    problems = integrity.check_running()
    return [integrity.summary(problems)] if problems else []


def _breaker_lines(root: Path) -> list[str]:
    from ..guards import breaker

    tripped = breaker.active(root)
    lines = [f"circuit breaker tripped ({b.get('kind', '?')}): {b.get('reason', '')}" for b in tripped]
    if tripped:
        lines.append(f"no wave or subagent starts until a gate passes or the user runs: {breaker.ACK}")
    return lines


def _guard_policy_lines(root: Path) -> list[str]:
    """Refused or unreadable guard overlays are said out loud, once per session start."""
    from ..guards import policy

    try:
        pol = policy.load(root)
    except policy.PolicyError as exc:
        return [f"WARNING: destructive-command guard policy unusable: {exc}"]
    out = []
    if pol.overlay_error:
        out.append(f"guard overlay ignored: {pol.overlay_error}")
    for problem in pol.rejected:
        out.append(f"guard overlay entry refused: {problem}")
    if pol.rejected or pol.overlay_error:
        try:
            from ..core import telemetry

            telemetry.emit(root, "guard.overlay_refused", {"count": len(pol.rejected),
                                                           "unreadable": bool(pol.overlay_error)})
        except OSError:
            pass
    return out
