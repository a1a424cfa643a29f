# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What the entry point says when the runtime cannot run.

`__main__` catches whatever escapes a command or a hook: typically an import
that fails because a runtime file holds a merge-conflict marker or a syntax
error, or was deleted. Nothing else from the runtime can be trusted then, so
this module uses the standard library only, and `integrity` (which imports
nothing else from the runtime) if that still loads. It lives apart from
`__main__` because the entry script is compiled on every hook call, while this
module is compiled once and only ever imported on the failure path. It never
prints a traceback:
- SessionStart: the problem is printed in place of the banner;
- PreToolUse: the call is denied under `enforcement: strict` and allowed with a
  notice otherwise (docs/guards.md, "When a guard cannot judge"), except a shell
  command with a destructive word, which is denied at every level;
- any other command: one error line naming the file, and how to restore it; exit 1.
"""

from __future__ import annotations

import os
import sys

RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Kept equal to integrity.RESTORE by a test: this copy works when integrity.py is the broken file.
RESTORE = (
    "restore the runtime: copier recopy --trust --defaults --overwrite --vcs-ref=:current: "
    "-a .copier-answers.session-orchestrator.yml -x '**' -x '!.orchestrator/runtime/**'  "
    "(or, on a clean working tree: session-orchestrator update)"
)
_ENFORCEMENT = r"^\s*[-*+]?\s*enforcement\s*:\s*[`'\"]?(strict|warn|off)\b"


def _root() -> str:
    explicit = os.environ.get("SO_PROJECT_DIR")
    if explicit and os.path.isdir(explicit):
        return explicit
    parent = os.path.dirname(RUNTIME_DIR)
    return os.path.dirname(parent) if os.path.basename(parent) == ".orchestrator" else os.getcwd()


def _shown(path: str) -> str:
    return os.path.join(".orchestrator", "runtime", os.path.relpath(path, RUNTIME_DIR))


def describe(exc: BaseException) -> str:
    """Which runtime file broke and how, in one line."""
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where, line = exc.filename, exc.lineno or 0
    else:
        frames = []
        tb = exc.__traceback__
        while tb is not None:
            frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
        inside = [f for f in frames if os.path.abspath(f[0]).startswith(RUNTIME_DIR + os.sep)]
        if inside:
            where, line = inside[-1]
    if isinstance(exc, ImportError):
        # `from . import x` with x.py gone names the package, `import runtime.x` the module.
        name = exc.name or ""
        if name == "runtime" and str(exc).startswith("cannot import name '"):
            name = "runtime." + str(exc).split("'")[1]
        module = os.path.join(RUNTIME_DIR, name.partition(".")[2].replace(".", os.sep) + ".py")
        if name.startswith("runtime.") and not os.path.exists(module):
            return f"{_shown(module)} is missing ({type(exc).__name__}: {exc})"
    if not where:
        return f"{type(exc).__name__}: {exc}"
    text = ""
    try:
        with open(where, encoding="utf-8", errors="replace") as handle:
            text = handle.read().splitlines()[line - 1] if line else ""
    except (OSError, IndexError):
        pass
    marker = text.startswith(("<<<<<<<", ">>>>>>>")) or text.rstrip() == "======="
    cause = "a merge-conflict marker" if marker else f"{type(exc).__name__}: {exc}"
    return f"{_shown(where)} line {line}: {cause}"


def _integrity_lines() -> list[str]:
    try:
        from runtime.core import integrity

        return [str(problem) for problem in integrity.check_running()]
    except Exception:  # integrity.py may be the broken file; the cause line still names it
        return []


def _instruction_files(root: str) -> list[str]:
    """Where the Session Config may be: the platforms' list, or (if that module is the broken
    one) every top-level Markdown file, since reading one too many is harmless here."""
    try:
        from runtime.platforms import INSTRUCTION_FILES

        return list(INSTRUCTION_FILES)
    except Exception:
        try:
            return sorted(name for name in os.listdir(root) if name.endswith(".md"))
        except OSError:
            return []


def _enforcement(root: str) -> str:
    """The Session Config's enforcement, read without config.py (which may be the broken file)."""
    import re

    for name in _instruction_files(root):
        try:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                found = re.search(_ENFORCEMENT, handle.read(), re.IGNORECASE | re.MULTILINE)
        except OSError:
            continue
        if found:
            return found.group(1).lower()
    return "warn"


class _Decision:
    """The shape a platform's `answer` reads, without importing decision.py (it may be the broken file)."""

    def __init__(self, action: str, reason: str) -> None:
        self.action, self.reason, self.rule = action, reason, "runtime-broken"

    @property
    def denied(self) -> bool:
        return self.action == "deny"


def _command(platform: str, payload: object) -> object:
    """The call's shell command, read by the platform module when it still imports, else from the
    fields agents commonly use (`tool_input.command`, a top-level `command`)."""
    if not isinstance(payload, dict):  # every platform reads its payload as an object
        return None
    try:
        from runtime.platforms import get

        call = get(platform).tool_call(payload)
        return call.command if call is not None else None
    except Exception:
        pass
    tool_input = payload.get("tool_input")
    if isinstance(tool_input, dict) and "command" in tool_input:
        return tool_input.get("command")
    return payload.get("command")


def _risky_command(platform: str) -> str:
    """The first destructive word in the call's shell command ('' if none): blocking destructive
    commands never depends on enforcement, so a broken runtime must not let one through either.
    Read with the guard's own word scan when that module still imports; otherwise any command
    counts as risky ('*')."""
    import json

    try:
        command = _command(platform, json.loads(sys.stdin.buffer.read() or b"{}"))
    except Exception:
        return ""
    if not isinstance(command, str) or not command.strip():
        return ""
    try:
        from runtime.core.decision import risky_words
    except Exception:
        return "*"
    found = risky_words(command)
    return found[0] if found else ""


def report(argv: list[str], exc: BaseException) -> int:
    """Answer for a runtime that cannot run; see the module docstring."""
    cause = describe(exc)
    others = [line for line in _integrity_lines() if not cause.startswith(line.split(":", 1)[0])]
    problem = f"the session-orchestrator runtime cannot run: {cause}"
    fix = RESTORE[0].upper() + RESTORE[1:]
    if argv[:1] != ["hook"]:
        print(f"error: {problem}", file=sys.stderr)
        for line in others[:10]:
            print(f"  also: {line}", file=sys.stderr)
        print(f"fix: {fix}", file=sys.stderr)
        return 1
    event = argv[2] if len(argv) > 2 else ""
    if event == "session-start":
        print(f"[session-orchestrator] WARNING: {problem}. The hooks cannot judge tool calls until it is restored. "
              f"{fix}")
        return 0
    if event != "pre-tool-use":
        return 0
    enforcement = _enforcement(_root())
    risky = _risky_command(argv[1] if len(argv) > 1 else "")
    try:  # the one wording of "cannot judge" (strict denies, warn allows, destructive always denied)
        from runtime.core.decision import cannot_judge

        decision = cannot_judge("judge this call", problem, enforcement, "runtime-broken", fix, risky)
    except Exception:  # decision.py is the broken file: a bare answer, any shell command denied
        deny = enforcement == "strict" or bool(risky)
        # A stand-in with the attributes `answer` reads; it cannot be the real type, whose module is broken.
        decision = _Decision("deny" if deny else "warn",  # type: ignore[assignment]
                             f"session-orchestrator: {problem}; "
                             f"{'denied' if deny else 'allowed'} by the fallback (enforcement: {enforcement}"
                             f"{', a shell command' if risky else ''}). {fix}")
    try:
        from runtime.platforms import get

        return get(argv[1]).answer(event, decision)
    except Exception:  # the platform module is broken too: the nested JSON answer most agents read
        import json

        key = "permissionDecisionReason" if decision.denied else "additionalContext"
        inner = {"hookEventName": "PreToolUse", key: decision.reason}
        if decision.denied:
            inner["permissionDecision"] = "deny"
        print(json.dumps({"hookSpecificOutput": inner}))
        return 0
