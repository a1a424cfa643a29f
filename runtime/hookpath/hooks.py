# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Hook entry point: `python3 .orchestrator/runtime hook <platform> <event>`.

Reads the platform's JSON payload on stdin, judges it, answers in the
platform's wire format. This path runs on every tool call, so it imports only
what the event needs and never lets a traceback reach the agent.

Failure behaviour (docs/guards.md):
- pre-tool-use, empty or unreadable stdin or an internal error: under `strict`
  the call is denied with the cause and the fix; under `warn`/`off` it is
  allowed and the agent is told that the guard could not judge it, except a
  shell command that names a destructive verb, which is denied at every level
  (an error must never turn a destructive command into an allowed one).
- session-start: never blocks; a problem is printed in place of the banner.
"""

from __future__ import annotations

import sys

from ..core import quickjson
from ..core.decision import ALLOW, DENY, WARN, Decision, cannot_judge, combine, risky_words
from ..core.paths import project_root
from ..core.toolcall import DISPATCH, SHELL, WRITE
from ..guards.context import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable
    from typing import Any


def _pre_tool_use(ctx: HookContext) -> tuple[Decision, str]:
    """Guard shell commands, keep writes in scope, watch for loops.

    Each check is imported only when the call needs it: a Read pays for the
    loop guard alone, a Write adds the scope check, a shell call adds the parser.
    """
    decision = judge(ctx)
    try:
        from ..guards import loopguard

        decision = combine([decision, loopguard.observe(ctx, decision.denied)])
    except Exception as exc:  # a broken history file must not cost the call
        _log_error(ctx, exc)
    return with_held_back(ctx, decision), ""


def judge(ctx: HookContext) -> Decision:
    """The guards' decision for one call, without the loop guard's memory: `guard check` asks this too,
    so the command and the hook answer alike."""
    call = ctx.call
    assert call is not None
    decisions: list[Decision] = []
    if call.kind == SHELL and call.command:
        from ..guards import guard, scope, selfprotect, shell

        parsed = shell.parse(call.command)
        decisions.append(guard.check_command(call.command, ctx, parsed))
        if not decisions[-1].denied:
            decisions.append(selfprotect.check_commands(ctx, parsed.commands))
        if not decisions[-1].denied:
            decisions.append(scope.check_shell(ctx, parsed.commands))
        if call.paths and not decisions[-1].denied:  # files a shell call edits by other means (a patch)
            decisions.append(scope.check_paths(ctx, call.paths))
            if not decisions[-1].denied:  # a patch's result can be computed, like an edit tool's
                decisions.append(selfprotect.check_write(ctx, call))
    elif call.kind == WRITE:
        from ..guards import scope, selfprotect

        decisions.append(scope.check_paths(ctx, call.paths))
        if not decisions[-1].denied:
            decisions.append(selfprotect.check_write(ctx, call))
    elif call.kind == DISPATCH:
        from ..guards import breaker

        decisions.append(breaker.check_dispatch(ctx.root))
    return combine(decisions)


def with_held_back(ctx: HookContext, decision: Decision) -> Decision:
    """Every call says so while a weaker Session Config value waits for the next session start."""
    held = ctx.held_back
    if not held:
        return decision
    from ..guards.pinning import held_note

    note = held_note(held)
    if decision.action == ALLOW:
        return Decision(WARN, note, "enforcement-held")
    return Decision(decision.action, f"{decision.reason}\n{note}", f"{decision.rule},enforcement-held")


def _session_start(ctx: HookContext) -> tuple[Decision, str]:
    """The banner; reading the config through the context fixes this session's enforcement and
    leaves the session-start heartbeat (hookpath/pinning.py)."""
    from .banner import banner

    return Decision(), banner(ctx.root, ctx.config, ctx.config_problems, ctx.adapter.command_prefix, ctx)


HANDLERS: dict[str, Callable[[HookContext], tuple[Decision, str]]] = {
    "pre-tool-use": _pre_tool_use,
    "session-start": _session_start,
}


def _failure(ctx: HookContext, what: str,
             fix: str = "Check the hook command in your agent settings, then retry.") -> Decision:
    if ctx.event != "pre-tool-use":
        return Decision()
    call = ctx.call
    risky = risky_words(call.command) if call is not None and call.kind == SHELL and call.command else []
    return cannot_judge("judge this call", what, ctx.enforcement, "hook-failure", fix, risky[0] if risky else "")


def _record(ctx: HookContext, decision: Decision) -> None:
    """Denials and warnings are telemetry; the allow path writes nothing."""
    try:
        from ..core import telemetry

        telemetry.emit(ctx.root, f"guard.{'denied' if decision.denied else 'warned'}",
                       telemetry.guard_payload(ctx, decision))
    except Exception:  # telemetry must never change a decision
        pass


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in HANDLERS:
        sys.stderr.write(
            "usage: python3 .orchestrator/runtime hook <platform> <event>\n"
            f"events: {', '.join(HANDLERS)}\n"
        )
        return 1  # a non-blocking error: the agent's call proceeds, the user sees this line
    platform, event = argv[0], argv[1]  # (`__main__` has turned the collector off for this short-lived process)
    from ..platforms import UnknownPlatformError, get

    try:
        adapter = get(platform)
    except UnknownPlatformError as exc:
        sys.stderr.write(f"session-orchestrator: {exc}\n")
        return 1
    ctx = HookContext(project_root(env=adapter.project_env), platform, event, {}, adapter=adapter)
    text = ""
    payload: dict[str, Any] | None = None
    try:
        raw = sys.stdin.buffer.read() if sys.stdin is not None else b""  # None: the agent closed stdin
        if not raw.strip():
            raise ValueError("stdin was empty")
        payload = quickjson.loads(raw)
        if not isinstance(payload, dict):
            raise ValueError(f"expected a JSON object on stdin, got {type(payload).__name__}")
    except RecursionError:
        payload, problem = None, "hook input nests too deeply to read"
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        payload, problem = None, f"hook input is not valid JSON ({_clean(str(exc))})"
    if payload is None and event == "pre-tool-use":
        decision = _failure(ctx, problem)
    else:  # the banner needs nothing from the payload: an unreadable one must not cost the user the banner
        ctx.payload = payload or {}
        if payload is not None and adapter.guest_of and _stands_aside(ctx):
            return adapter.answer(event, Decision(), "")  # the host agent's own hooks judge this call
        try:
            if event == "pre-tool-use" and payload is not None:  # never None here: see above
                ctx.call = adapter.tool_call(payload)
            decision, text = HANDLERS[event](ctx)
        except Exception as exc:  # never a traceback in the agent's face
            if event == "session-start":  # never silent either: __main__ prints the problem instead
                _log_error(ctx, exc)
                raise
            if isinstance(exc, (SyntaxError, ImportError)):  # a runtime file is broken: name it and the way back
                from .fallback import RESTORE, describe

                decision = _failure(ctx, f"the session-orchestrator runtime cannot run: {describe(exc)}",
                                    RESTORE[0].upper() + RESTORE[1:])
            else:
                decision = _failure(ctx, f"internal error {type(exc).__name__}: {_clean(str(exc))}")
            _log_error(ctx, exc)
    if decision.action in (DENY, WARN):
        _record(ctx, decision)
    try:
        return adapter.answer(event, decision, text)
    except Exception:  # e.g. a text the encoder refuses: answer in plain ASCII rather than not at all
        return adapter.answer(event, Decision(decision.action, _clean(decision.reason), decision.rule),
                              _clean(text))


def _stands_aside(ctx: HookContext) -> bool:
    """The agent running this hook is another agent that runs ours as a guest and judges the call
    with its own hooks (one guard per call). Any doubt keeps this hook judging."""
    try:
        return bool(ctx.adapter.stands_aside(ctx.root, ctx.event, ctx.payload))
    except Exception as exc:
        _log_error(ctx, exc)
        return False


def _clean(text: str) -> str:
    """`text` safe to print anywhere: lone surrogates and other unencodable characters escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _log_error(ctx: HookContext, exc: BaseException) -> None:
    try:
        import traceback

        from ..core.paths import state_dir

        path = state_dir(ctx.root) / "hook-errors.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
            log.write("".join(traceback.format_exception(exc)))
    except Exception:  # the log is a courtesy; it must not cost the answer
        pass
