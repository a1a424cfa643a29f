"""Destructive-command guard (first cut: the walking skeleton's rules).

Decides on parsed shell words, never on substrings, so text that merely
mentions a dangerous command (a commit message, an echo) passes.
"""

from __future__ import annotations

import shlex

from .context import HookContext
from .decision import DENY, Decision

_SEPARATORS = {";", "&&", "||", "|", "&", "\n"}


def _segments(command: str) -> list[list[str]]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""
    segments: list[list[str]] = [[]]
    for word in lexer:
        if word in _SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(word)
    return [s for s in segments if s]


def _rule(words: list[str]) -> tuple[str, str] | None:
    verb, args = words[0].rsplit("/", 1)[-1], words[1:]
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    longs = {a for a in args if a.startswith("--")}
    if verb == "rm" and ("r" in flags.lower() or "--recursive" in longs) and ("f" in flags or "--force" in longs):
        return "rm-recursive-force", "Delete the specific files you mean, or move them aside with 'git mv'/'mv'."
    if verb == "git" and args:
        sub = args[0]
        if sub == "reset" and "--hard" in args:
            return "git-reset-hard", "Use 'git stash' to set work aside, or 'git reset --soft'."
        if sub == "push" and ({"--force", "-f"} & set(args) or any(a.startswith("+") for a in args[1:])):
            return "git-push-force", "Push normally, or use '--force-with-lease' after checking the remote."
        if sub == "clean" and "f" in flags:
            return "git-clean-force", "Run 'git clean -n' to see what would go, then delete files by name."
    return None


def check_command(command: str, ctx: HookContext | None = None) -> Decision:
    if ctx is not None and ctx.config.get("allow-destructive-ops"):
        return Decision()
    try:
        segments = _segments(command)
    except ValueError:
        return Decision()
    for words in segments:
        hit = _rule(words)
        if hit:
            rule, safer = hit
            return Decision(DENY, f"Blocked by session-orchestrator (rule {rule}): {' '.join(words)}\n"
                                  f"Safer: {safer}", rule)
    return Decision()
