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
every level. `enforcement` only decides what happens when the guard itself
cannot work (its policy is unreadable): strict denies, warn/off allow with a
notice. `allow-destructive-ops: true` lifts the guard, and the banner says so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .context import HookContext
from .decision import DENY, WARN, Decision
from .scope import glob_match
from .shell import Command, Parse, parse, write_targets

_GIT_VALUE_OPTS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix",
                             "--config-env", "--exec-path"})
_FORK_BOMB = re.compile(r"([\w:.-]+)\(\)\{\1\|\1&|function([\w:.-]+)(?:\(\))?\{\2\|\2&")


class Hit:
    """One rule matching one command."""

    __slots__ = ("command", "rule")

    def __init__(self, rule: dict[str, Any], command: Command | None) -> None:
        self.rule, self.command = rule, command

    @property
    def severity(self) -> str:
        return str(self.rule["severity"])


def check_command(command: str, ctx: HookContext | None = None, parsed: Parse | None = None) -> Decision:
    """The guard's decision for one shell command line."""
    if ctx is not None and ctx.config.get("allow-destructive-ops"):
        return Decision()
    from . import policy as policy_mod

    root = ctx.root if ctx is not None else _root()
    cwd = str(ctx.cwd) if ctx is not None else os.getcwd()
    try:
        pol = policy_mod.load(root)
    except policy_mod.PolicyError as exc:
        enforcement = ctx.enforcement if ctx is not None else "strict"
        if enforcement == "strict":
            return Decision(DENY, f"session-orchestrator cannot check this command: {exc}. Denied because "
                                  "enforcement is strict; the command can run once the policy file is restored.",
                            "guard-policy-unreadable")
        return Decision(WARN, f"session-orchestrator could not check this command: {exc}. It was allowed "
                              f"(enforcement: {enforcement}).", "guard-policy-unreadable")
    parsed = parsed if parsed is not None else parse(command)
    decision = decide(evaluate(parsed, command, pol.rules, root, cwd), parsed)
    if pol.overlay_error and not decision.denied:
        note = Decision(WARN, f"session-orchestrator guard: {pol.overlay_error}.", "guard-overlay-invalid")
        if decision.action == WARN:
            return Decision(WARN, decision.reason + "\n" + note.reason, decision.rule + "," + note.rule)
        return note
    return decision


def _root() -> Path:
    from .paths import project_root

    return project_root()


def decide(hits: list[Hit], parsed: Parse) -> Decision:
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


def explain(hit: Hit, blocked: bool = True) -> str:
    """The reason the agent reads: rule, offending segment, why, and the safer route."""
    rule = hit.rule
    head = "blocked this command" if blocked else "allowed this command with a warning"
    segment = hit.command.text() if hit.command is not None else "(the command line as a whole)"
    if len(segment) > 300:
        segment = segment[:297] + "..."
    via = f" (run through {hit.command.via})" if hit.command is not None and hit.command.via else ""
    return (f"session-orchestrator {head} (rule {rule['id']}).\n"
            f"Segment: {segment}{via}\n"
            f"Why: {rule['why']}\n"
            f"Safer: {rule['safer']}")


def evaluate(parsed: Parse, raw: str, rules: list[dict[str, Any]], root: Path, cwd: str) -> list[Hit]:
    hits: list[Hit] = []
    for rule in rules:
        match = rule["match"]
        for alt in match if isinstance(match, list) else [match]:
            kind = alt.get("kind", "command")
            if kind == "fork-bomb":
                if _FORK_BOMB.search(re.sub(r"\s+", "", _skeleton(raw))):
                    hits.append(Hit(rule, None))
                continue
            for cmd in parsed.commands:
                if (kind == "command" and _match_command(alt, cmd, root, cwd)) or \
                        (kind == "sql" and _match_sql(alt, cmd)) or \
                        (kind == "truncate" and _match_truncate(alt, cmd, root, cwd)):
                    hits.append(Hit(rule, cmd))
                    break
            else:
                continue
            break
    return hits


def _skeleton(raw: str) -> str:
    from .shell import skeleton

    return skeleton(raw)


# --------------------------------------------------------------------------- command rules

def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _match_command(alt: dict[str, Any], cmd: Command, root: Path, cwd: str) -> bool:
    verb = cmd.verb
    if not verb or not any(glob_match(v, verb) for v in _as_list(alt["verb"])):
        return False
    via = alt.get("via")
    if via is not None and not glob_match(via, cmd.via.split(" ", 1)[0] if cmd.via else ""):
        return False
    args = _git_args(cmd.args) if verb == "git" else cmd.args
    sub = alt.get("sub") or []
    if args[:len(sub)] != sub:
        return False
    rest = args[len(sub):]
    flags, operands, after_dd = _split(rest)
    for group in alt.get("flags") or []:
        if not any(_has_flag(flags, f) for f in group):
            return False
    if any(_has_flag(flags, f) for f in alt.get("not_flags") or []):
        return False
    for group in alt.get("args") or []:
        if not any(glob_match(p, a) for a in rest for p in group):
            return False
    if any(glob_match(p, a) for a in rest for p in alt.get("not_args") or []):
        return False
    for group in alt.get("operands") or []:
        if not any(glob_match(p, a) for a in operands for p in group):
            return False
    if any(glob_match(p, a) for a in operands for p in alt.get("not_operands") or []):
        return False
    if alt.get("after_dashdash") and not after_dd:
        return False
    if not operands or not (alt.get("allow_temp") or alt.get("allow_paths")):
        return True
    return not all((alt.get("allow_temp") and is_temp_path(op, root, cwd)) or
                   _in_allowlist(op, alt.get("allow_paths") or [], root, cwd) for op in operands)


def _in_allowlist(operand: str, patterns: list[str], root: Path, cwd: str) -> bool:
    """A regenerable path inside the repo (node_modules, caches), judged both as
    written and after resolving symlinks, so a link named node_modules cannot
    point the delete somewhere else."""
    if not patterns or any(c in operand for c in "$`*?[~"):
        return False
    from .scope import resolve

    lexical = repo_relative(operand, root, cwd)
    real = resolve(operand, root, cwd)
    return bool(lexical) and bool(real) and all(
        any(glob_match(p, rel) for p in patterns) for rel in (lexical, real))


def _git_args(args: list[str]) -> list[str]:
    """git's arguments from the subcommand on (global options such as -C dir skipped)."""
    k = 0
    while k < len(args):
        a = args[k]
        if a in _GIT_VALUE_OPTS:
            k += 2
        elif a.startswith("-"):
            k += 1
        else:
            return args[k:]
    return []


def _split(args: list[str]) -> tuple[set[str], list[str], list[str]]:
    """(flags, operands, operands after `--`). `-rf` yields -rf, -r and -f."""
    flags: set[str] = set()
    operands: list[str] = []
    after: list[str] = []
    dashdash = False
    for a in args:
        if dashdash:
            operands.append(a)
            after.append(a)
        elif a == "--":
            dashdash = True
        elif a.startswith("--"):
            flags.add(a.split("=", 1)[0])
        elif a.startswith("-") and len(a) > 1:
            flags.add(a)
            flags.update("-" + c for c in a[1:])
        else:
            operands.append(a)
    return flags, operands, after


def _has_flag(flags: set[str], wanted: str) -> bool:
    if wanted in flags:
        return True
    if wanted.startswith("--"):  # GNU getopt accepts any unambiguous prefix: --rec, --forc
        return any(f.startswith("--") and len(f) >= 5 and wanted.startswith(f) for f in flags)
    return False


def temp_roots() -> list[str]:
    roots = ["/tmp", "/var/tmp", "/private/tmp"]
    for name in ("TMPDIR", "TEMP", "TMP"):
        value = os.environ.get(name)
        if value and os.path.isabs(value):
            roots.append(os.path.normpath(value))
    return roots


def is_temp_path(operand: str, root: Path, cwd: str) -> bool:
    """True when `operand` lies strictly inside the system temp dir, lexically and after
    resolving symlinks, and not inside the project (a repo may itself live in /tmp)."""
    for prefix in ("${TMPDIR}", "$TMPDIR"):
        if operand.startswith(prefix):
            value = os.environ.get("TMPDIR")
            if not value:
                return False
            operand = value + operand[len(prefix):]
    if any(c in operand for c in "$`~") or not operand.strip("/. "):
        return False
    for i, c in enumerate(operand):
        if c in "*?[":
            operand = os.path.dirname(operand[:i]) or "."
            if operand in ("/", "."):
                return False
            break
    path = os.path.normpath(os.path.join(cwd, operand))
    real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    roots = temp_roots()
    lexical_ok = any(path.startswith(r.rstrip("/") + "/") for r in roots)
    real_ok = any(real.startswith(os.path.realpath(r).rstrip("/") + "/") for r in roots)
    if not (lexical_ok and real_ok):
        return False
    project = os.path.realpath(root)
    return not (real == project or real.startswith(project + "/") or project.startswith(real + "/"))


# --------------------------------------------------------------------------- SQL and protected files

_SQL_FEEDERS = frozenset({"echo", "printf", "cat"})


def _match_sql(alt: dict[str, Any], cmd: Command) -> bool:
    clients = _as_list(alt["clients"])
    args = cmd.args
    if not any(glob_match(c, cmd.verb) for c in clients):
        # `docker exec db psql -c ...`, `kubectl exec pod -- mysql -e ...`
        at = next((k for k, a in enumerate(args) if any(glob_match(c, a.rsplit("/", 1)[-1]) for c in clients)), None)
        if at is None:
            return False
        args = args[at + 1:]
    texts = list(args) + [r.target for r in cmd.redirects if r.mode in ("heredoc", "herestring")]
    prev, hops = cmd.pipe_prev, 0
    while prev is not None and hops < 8:
        if prev.verb in _SQL_FEEDERS:
            texts.extend(prev.args)
            texts.extend(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
        prev, hops = prev.pipe_prev, hops + 1
    pattern = re.compile("|".join(r"\b" + r"\s+".join(re.escape(w) for w in s.split()) + r"\b"
                                  for s in _as_list(alt["statements"])), re.IGNORECASE)
    return any(pattern.search(t) for t in texts)


def _match_truncate(alt: dict[str, Any], cmd: Command, root: Path, cwd: str) -> bool:
    for target, mode in write_targets(cmd):
        if mode not in ("truncate", "replace") or any(c in target for c in "$`"):
            continue
        rel = repo_relative(target, root, cwd)
        if rel is None:
            continue
        low = rel.lower()
        if any(glob_match(p.lower(), low) for p in _as_list(alt["targets"])):
            return True
    return False


def repo_relative(target: str, root: Path, cwd: str) -> str | None:
    """`target` relative to the project root (lexically normalised), or None when outside it."""
    if target.startswith("~"):
        target = os.path.expanduser(target)
    path = os.path.normpath(os.path.join(cwd, target))
    base = os.path.normpath(str(root))
    if path == base:
        return ""
    if path.startswith(base.rstrip("/") + "/"):
        return path[len(base.rstrip("/")) + 1:]
    real, real_base = os.path.realpath(path), os.path.realpath(base)
    if real.startswith(real_base.rstrip("/") + "/"):
        return real[len(real_base.rstrip("/")) + 1:]
    return None
