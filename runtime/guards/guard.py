# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Destructive-command guard: judges parsed commands against the policy's rules.

Rules describe structure (verb, subcommand, flags, operands), never a regex over
the raw text, so `git commit -m "never git reset --hard"` passes while
`sudo env X=1 /bin/rm -fr src` and `bash -c "git push -f"` are caught. The
parser (shell.py) has already peeled wrappers and found nested commands; this
module only decides.

Blocking does not depend on `enforcement`: a destructive command is denied at
every level, and so is a command the guard could not finish judging (too long,
too slow, too deep). `enforcement` decides what happens when a command's verb
or a destructive argument is unknowable before it runs (strict denies, warn/off
warn), and when the guard itself cannot work (its policy is unreadable): then
strict denies and warn/off allow with a notice, unless the command names a
destructive verb, which is denied regardless. `allow-destructive-ops: true`
lifts the guard, and the banner says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.decision import DENY, WARN, Decision, cannot_judge, risky_words
from .commandrule import matches as matches_command
from .context import HookContext
from .limits import OvertimeError, clock
from .lineview import LineView
from .pathglob import as_list, glob_match
from .rulekinds import KINDS
from .shell import parse
from .shellmodel import Command, Parse

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

_GLOB_CHARS = frozenset("*?[")


class Hit:
    """One rule matching one command."""

    __slots__ = ("command", "rule")

    def __init__(self, rule: dict[str, Any], command: Command | None) -> None:
        self.rule, self.command = rule, command

    @property
    def severity(self) -> str:
        return str(self.rule["severity"])


def check_command(command: str, ctx: HookContext | None = None, parsed: Parse | None = None) -> Decision:
    """The guard's decision for one shell command line.

    The cyclic garbage collector is paused while it judges: a large command builds
    hundreds of thousands of small objects, and the collector's repeated passes over
    them cost more than the judging itself (a 100,000-command line took twice as
    long with it on). Reference counting still frees everything that is not a cycle.
    """
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return _check_command(command, ctx, parsed)
    finally:
        if paused:
            gc.enable()


def _check_command(command: str, ctx: HookContext | None, parsed: Parse | None) -> Decision:
    if ctx is not None and ctx.config.get("allow-destructive-ops"):
        return Decision()
    from . import policy as policy_mod

    root = ctx.root if ctx is not None else _root()
    cwd = str(ctx.cwd) if ctx is not None else os.getcwd()
    enforcement = ctx.enforcement if ctx is not None else "strict"
    try:
        pol = policy_mod.load(root)
    except policy_mod.PolicyError as exc:
        risky = risky_words(command)
        return cannot_judge("check this command", str(exc), enforcement, "guard-policy-unreadable",
                            "The command can run once the policy file is restored.", risky[0] if risky else "")
    parsed = parsed if parsed is not None else parse(command)
    if parsed.unjudgeable:
        return unjudgeable(parsed.unjudgeable)
    if any(note.startswith("unterminated") for note in parsed.notes):
        risky = risky_words(command)
        if risky:  # text swallowed by an unclosed quote or bracket must not hide a destructive verb
            return unjudgeable(f"it has an {parsed.notes[0]}, and the text it swallows names '{risky[0]}'")
    try:
        hits = evaluate(parsed, command, pol.rules, root, cwd)
        decision = decide(hits, parsed)
        if not decision.denied:
            unknown = judge_unknown(parsed, pol.rules, root, cwd, enforcement)
            if unknown is not None and (unknown.denied or decision.action != WARN):
                decision = unknown
    except OvertimeError:
        return unjudgeable("the guard could not finish checking it in time")
    if pol.overlay_error and not decision.denied:
        note = Decision(WARN, f"session-orchestrator guard: {pol.overlay_error}.", "guard-overlay-invalid")
        if decision.action == WARN:
            return Decision(WARN, decision.reason + "\n" + note.reason, decision.rule + "," + note.rule)
        return note
    return decision


def unjudgeable(why: str) -> Decision:
    """A command the guard could not judge is denied at every level: time or size must never buy a pass."""
    return Decision(DENY, f"session-orchestrator blocked this command because it could not judge it: {why}. "
                          "Split it into smaller calls: run each step separately, and write long data to a "
                          "file with the Write tool instead of putting it on the command line.",
                    "guard-unjudgeable")


def judge_unknown(parsed: Parse, rules: list[dict[str, Any]], root: Path, cwd: str,
                  enforcement: str) -> Decision | None:
    """Commands whose verb or a destructive argument is unknowable, and code the guard cannot see.

    Each command with a dynamic word is re-judged with that word replaced by what a
    rule needs there (a verb, a subcommand, a flag); if any such reading would be
    blocked, the command is unknown-destructive. Under strict that denies, otherwise
    it warns. Dynamic text piped into a shell or an interpreter counts the same.
    """
    found: list[tuple[Command, str]] = list(parsed.opaque)
    ticker = clock()
    for cmd in parsed.commands:
        ticker.tick()
        if not cmd.dynamic or not cmd.argv:
            continue
        rule = _what_if(cmd, rules, root, cwd)
        if rule:
            found.append((cmd, f"with the value it gets at run time it could match rule {rule}"))
    if not found:
        return None
    cmd, why = found[0]
    segment = _segment(cmd)
    head = "blocked this command" if enforcement == "strict" else "allowed this command with a warning"
    text = (f"session-orchestrator {head} (rule guard-unknown): part of it cannot be known before it runs.\n"
            f"Segment: {segment}\nWhy: {why}.\n"
            "Safer: write the command out literally (no variables, $(...), globs or decoded text in the verb or "
            "in a destructive argument), or save the script to a file, read it, and run that file.")
    return Decision(DENY if enforcement == "strict" else WARN, text, "guard-unknown")


def _what_if(cmd: Command, rules: list[dict[str, Any]], root: Path, cwd: str) -> str:
    import fnmatch

    verb_unknown = cmd.verb_dynamic
    pattern = cmd.argv[0].rsplit("/", 1)[-1]
    is_glob = verb_unknown and any(c in _GLOB_CHARS for c in pattern) and "$" not in pattern and "`" not in pattern
    unknown_args = [k for k, a in enumerate(cmd.argv) if k and a in cmd.dynamic and ("$" in a or "`" in a)]
    if not verb_unknown and not unknown_args:
        return ""
    for rule in rules:
        if rule["severity"] != "block":
            continue
        match = rule["match"]
        for alt in match if isinstance(match, list) else [match]:
            if alt.get("kind", "command") != "command":
                continue
            verbs = [v for v in as_list(alt.get("verb")) if not any(c in _GLOB_CHARS for c in v)]
            if verb_unknown and not set(alt) - {"verb", "kind", "via"} and \
                    not any(a.startswith("/dev/") for a in cmd.argv[1:]):
                continue  # a verb-only rule (mkfs) would make every `$X args` suspect; its args must hint at it
            if verb_unknown:
                if is_glob:
                    verbs = [v for v in verbs if fnmatch.fnmatchcase(v, pattern)]
            elif not any(glob_match(v, cmd.verb) for v in as_list(alt.get("verb"))):
                continue
            else:
                verbs = [cmd.verb]
            sub = list(alt.get("sub") or [])
            fill = [*sub, *(group[0] for group in alt.get("flags") or [])]
            for verb in verbs:
                argv = [verb]
                for k, a in enumerate(cmd.argv[1:], 1):
                    if k not in unknown_args:
                        argv.append(a)
                    elif a in cmd.splits:  # unquoted: may become several words, flags included
                        argv.extend(fill)
                    else:  # one quoted word: at most the subcommand the rule needs there
                        argv.append(sub[k - 1] if k - 1 < len(sub) else a)
                twin = Command(argv, cmd.redirects, cmd.via, cmd.depth, cmd.cwd)
                if matches_command(alt, twin, root, cwd):
                    return str(rule["id"])
    return ""


def _root() -> Path:
    from ..core.paths import project_root

    return project_root()


def decide(hits: list[Hit], parsed: Parse) -> Decision:
    if parsed.unjudgeable:
        return unjudgeable(parsed.unjudgeable)
    blocks = [h for h in hits if h.severity == "block"]
    if parsed.exhausted and not blocks:
        return Decision(DENY, "session-orchestrator blocked this command: it nests shells, substitutions or eval "
                              "too deeply to check. Run the inner commands directly, one per call.",
                        "too-deeply-nested")
    if blocks:
        first = blocks[0]
        others = sorted({h.rule["id"] for h in blocks[1:]} - {first.rule["id"]})
        text = explain(first)
        if others:
            text += f"\nAlso matched: {', '.join(others)}."
        return Decision(DENY, text, first.rule["id"])
    warns = [h for h in hits if h.severity == "warn"]
    if warns:
        seen: dict[str, Hit] = {}
        for hit in warns:
            seen.setdefault(hit.rule["id"], hit)
        return Decision(WARN, "\n".join(explain(h, blocked=False) for h in seen.values()), ",".join(seen))
    return Decision()


def _segment(cmd: Command) -> str:
    """The offending command as the agent reads it, clipped so a 1 MB line yields a short reason."""
    text = cmd.text()
    return text if len(text) <= 300 else text[:297] + "..."


def explain(hit: Hit, blocked: bool = True) -> str:
    """The reason the agent reads: rule, offending segment, why, and the safer route."""
    rule = hit.rule
    head = "blocked this command" if blocked else "allowed this command with a warning"
    segment = _segment(hit.command) if hit.command is not None else "(the command line as a whole)"
    via = f" (run through {hit.command.via})" if hit.command is not None and hit.command.via else ""
    return (f"session-orchestrator {head} (rule {rule['id']}).\n"
            f"Segment: {segment}{via}\n"
            f"Why: {rule['why']}\n"
            f"Safer: {rule['safer']}")


def evaluate(parsed: Parse, raw: str, rules: list[dict[str, Any]], root: Path, cwd: str) -> list[Hit]:
    """Every rule that matches some command, at most one hit per rule.

    Each alternative goes to the handler of its kind (rulekinds.KINDS). Linear in the
    number of commands: each alternative is tried only against the commands that can
    match its verb or client (an index built once), identical simple commands are
    judged once, and the parse's deadline is honoured.
    """
    hits: list[Hit] = []
    view = LineView(parsed, root, cwd, raw, skip=_repeats(parsed.commands))
    for rule in rules:
        match = rule["match"]
        for alt in match if isinstance(match, list) else [match]:
            kind = KINDS.get(alt.get("kind", "command"))
            cmd = kind.first_match(alt, view) if kind is not None else None
            if cmd is not None:
                hits.append(Hit(rule, cmd))
                break
    return hits


def _repeats(commands: list[Command]) -> set[int]:
    """Plain commands identical to an earlier one on the line: judging them again cannot change the answer."""
    seen: set[tuple[Any, ...]] = set()
    out: set[int] = set()
    for cmd in commands:
        if cmd.redirects or cmd.writes or cmd.pipe_prev is not None:
            continue
        key = (tuple(cmd.argv), cmd.via, cmd.cwd)
        if key in seen:
            out.add(id(cmd))
        else:
            seen.add(key)
    return out


def ignored_build_output(operands: list[str], root: Path, where: str) -> bool:
    """Kept for callers of the earlier name: see disposable.ignored_output."""
    from . import disposable

    return disposable.ignored_output(operands, root, where, [], True)


def is_temp_path(operand: str, root: Path, cwd: str) -> bool:
    """See disposable.is_temp_path (kept here for existing callers)."""
    from . import disposable

    return disposable.is_temp_path(operand, root, cwd)
