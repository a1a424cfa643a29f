# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a hook decides about one tool call, independent of any platform."""

from __future__ import annotations

ALLOW, WARN, DENY = "allow", "warn", "deny"
_RANK = {ALLOW: 0, WARN: 1, DENY: 2}
# The words by which a reason's first line already tells a person what happened, per action.
_VERDICT = {DENY: ("Blocked: ", ("blocked", "denied")), WARN: ("Warning: ", ("allowed", "warning"))}


class Decision:
    """allow, warn (allow and tell the agent) or deny, with the reason the agent reads."""

    __slots__ = ("action", "reason", "rule")

    def __init__(self, action: str = ALLOW, reason: str = "", rule: str = "") -> None:
        self.action, self.reason, self.rule = action, reason, rule

    def __repr__(self) -> str:
        return f"Decision({self.action!r}, rule={self.rule!r}, reason={self.reason!r})"

    @property
    def denied(self) -> bool:
        return self.action == DENY

    @property
    def headline(self) -> str:
        """The one line a person sees in the agent's status line or a notice: the reason's first line,
        with "Blocked: " or "Warning: " in front only when that line does not say so already (most
        reasons do, and "Blocked: ... blocked this command" says it twice)."""
        first = self.reason.splitlines()[0] if self.reason else ""
        prefix, words = _VERDICT.get(self.action, ("", ()))
        return first if any(word in first.lower() for word in words) else prefix + first


def combine(decisions: list[Decision]) -> Decision:
    """Deny beats warn beats allow; warnings are joined so none is lost."""
    worst = max(decisions, key=lambda d: _RANK[d.action], default=Decision())
    if worst.action != WARN:
        return worst
    notes = [d.reason for d in decisions if d.action == WARN and d.reason]
    return Decision(WARN, "\n".join(notes), ",".join(d.rule for d in decisions if d.action == WARN and d.rule))


def cannot_judge(subject: str, problem: str, enforcement: str, rule: str, fix: str = "",
                 risky: str = "") -> Decision:
    """The one answer for a check that cannot run (docs/guards.md, "When a guard cannot judge").

    Under `strict` the call is denied; otherwise it is allowed and the agent is told
    why. A shell command that names a destructive verb (`risky`) is denied at every
    level: an error must never turn a destructive command into an allowed one.
    """
    head = f"session-orchestrator could not {subject}: {problem}."
    tail = f" {fix}" if fix else ""
    if risky:
        return Decision(DENY, f"{head} Denied at every enforcement level because the command names '{risky}', "
                              f"which can destroy work.{tail}", rule)
    if enforcement == "strict":
        return Decision(DENY, f"{head} Denied because enforcement is strict.{tail}", rule)
    return Decision(WARN, f"{head} It was allowed (enforcement: {enforcement}).{tail}", rule)


# Verbs that can destroy something on their own or run other commands; used only when the guard
# cannot use its rules (no policy, an internal error) to decide whether "cannot judge" may mean allow.
RISKY_VERBS = frozenset({
    "rm", "rmdir", "unlink", "shred", "git", "dd", "mkfs", "mke2fs", "mkswap", "wipefs", "find", "chmod",
    "chown", "chgrp", "truncate", "mv", "cp", "tee", "sed", "perl", "python", "python3", "node", "ruby",
    "bash", "sh", "zsh", "dash", "ksh", "eval", "exec", "xargs", "sudo", "doas", "su", "env", "psql", "mysql",
    "sqlite3", "dropdb", "kubectl", "terraform", "docker", "helm", "aws", "gcloud", "az", "ssh", "curl",
    "wget", "awk", "trap", "watch", "coproc", "source", "kill", "pkill", "killall", "reboot", "shutdown",
})


def risky_words(command: str) -> list[str]:
    """Destructive or command-running verbs named anywhere in `command`, found by a plain word split.

    The fallback when the rules cannot run: crude, linear, and biased to deny.
    """
    import re

    out: list[str] = []
    for match in re.finditer(r"[A-Za-z0-9._-]+", command):
        w = match.group()
        if w in RISKY_VERBS or w.startswith("mkfs"):
            out.append(w)
            if len(out) > 3:
                break
    return out
