# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Edit-scope enforcement: during a wave, writes must stay inside the wave's paths.

The loop engine writes `.orchestrator/state/scope.json` when a wave starts;
while it exists every Write/Edit (and, under strict, every shell write) is
checked against it. Paths are resolved the way the kernel will resolve them
(symlinks, `..`, relative to the call's cwd) before matching, so neither a
symlink nor a `../` walks out of scope. The runtime's own records are never
writable through the agent's tools; the runtime writes them from Python.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .context import HookContext
from .decision import DENY, WARN, Decision

SCOPE_REL = ".orchestrator/state/scope.json"
RUNTIME_OWNED = (".orchestrator/STATE.md", ".orchestrator/metrics/", ".orchestrator/state/")
_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_match(pattern: str, path: str) -> bool:
    """Scope pattern semantics: trailing '/' is a directory prefix, '**' any depth,
    '*' one path segment, '?' one character, '\\' makes the next character literal;
    anything else is an exact path."""
    regex = _GLOB_CACHE.get(pattern)
    if regex is None:
        body, prefix = (pattern[:-1], True) if pattern.endswith("/") and len(pattern) > 1 else (pattern, False)
        out, i = [], 0
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):  # a literal character, e.g. '\\*'
                out.append(re.escape(body[i + 1]))
                i += 2
            elif body.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif body.startswith("**", i):
                out.append(".*")
                i += 2
            elif body[i] == "*":
                out.append("[^/]*")
                i += 1
            elif body[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(body[i]))
                i += 1
        regex = re.compile("".join(out) + ("(?:/.*)?" if prefix else "") + r"\Z", re.DOTALL)
        _GLOB_CACHE[pattern] = regex
    return regex.match(path) is not None


def resolve(path: str, root: Path, cwd: str) -> str | None:
    """`path` relative to the project root after resolving symlinks and `..`; None if outside.

    Works for files and directories that do not exist yet: the existing part of
    the path is resolved and the rest is kept as written.
    """
    if path.startswith("~"):
        path = os.path.expanduser(path)
    real = os.path.realpath(os.path.join(cwd, path))
    base = os.path.realpath(root)
    if real == base:
        return ""
    if real.startswith(base.rstrip("/") + "/"):
        return real[len(base.rstrip("/")) + 1:]
    return None


def runtime_owned(rel: str) -> bool:
    return any(rel == p.rstrip("/") or (p.endswith("/") and rel.startswith(p)) for p in RUNTIME_OWNED)


def load(root: Path) -> tuple[dict[str, Any] | None, str]:
    """(scope, '') while a wave runs; (None, '') outside one; (None, problem) if the file is broken."""
    path = root / SCOPE_REL
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, ""
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{SCOPE_REL}: cannot be read ({getattr(exc, 'strerror', None) or exc})"
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, f"{SCOPE_REL}:{getattr(exc, 'lineno', 0)}: is not valid JSON ({getattr(exc, 'msg', exc)})"
    if not isinstance(data, dict):
        return None, f"{SCOPE_REL}:1: must be a JSON object"
    allowed = data.get("allowed", [])
    agents = data.get("agents") or {}
    if not isinstance(allowed, list) or not all(isinstance(p, str) for p in allowed):
        return None, f"{SCOPE_REL}: \"allowed\" must be a list of path patterns"
    if not isinstance(agents, dict) or not all(isinstance(v, list) for v in agents.values()):
        return None, f"{SCOPE_REL}: \"agents\" must map agent names to lists of path patterns"
    if data.get("enforcement", "strict") not in ("strict", "warn", "off"):
        return None, f"{SCOPE_REL}: \"enforcement\" must be strict, warn or off"
    return data, ""


def check_paths(ctx: HookContext, paths: list[str], how: str = "write") -> Decision:
    """Decision for the agent writing `paths` (as given: absolute or relative to the call's cwd)."""
    if not paths:
        return Decision()
    root, cwd = ctx.root, str(ctx.cwd)
    scope, problem = load(root)
    enforcement = str(scope.get("enforcement", "strict")) if scope is not None else ctx.enforcement
    if enforcement == "off":
        return Decision()
    resolved = [(p, resolve(p, root, cwd)) for p in paths]
    owned = [p for p, rel in resolved if rel is not None and runtime_owned(rel)]
    if owned:
        return Decision(DENY, f"session-orchestrator: '{owned[0]}' is a runtime record and is written only by "
                              "the runtime itself. Record progress with 'python3 .orchestrator/runtime session' "
                              "and 'wave' commands instead of editing it.", "scope-runtime-owned")
    if problem:
        fix = ("The loop engine rewrites it when the next wave starts; until then ask the user to run "
               "'python3 .orchestrator/runtime wave status' to repair it.")
        if enforcement == "strict":
            return Decision(DENY, f"session-orchestrator cannot check the edit scope: {problem}. Denied because "
                                  f"enforcement is strict. {fix}", "scope-unreadable")
        return Decision(WARN, f"session-orchestrator could not check the edit scope: {problem}. The {how} was "
                              f"allowed (enforcement: {enforcement}).", "scope-unreadable")
    if scope is None:
        return Decision()
    agent = ctx.payload.get("agent_type") if isinstance(ctx.payload, dict) else None
    agents = scope.get("agents") or {}
    allowed = list(agents[agent]) if isinstance(agent, str) and agent in agents else list(scope.get("allowed") or [])
    read_only = bool(scope.get("read_only"))
    outside = []
    for given, rel in resolved:
        if rel is None:
            outside.append(f"{given} (outside the repository)")
        elif read_only or not any(glob_match(pattern, rel) for pattern in allowed):
            outside.append(rel or ".")
    if not outside:
        return Decision()
    wave = f"wave {scope.get('wave', '?')}" + (f" ({scope['role']})" if scope.get("role") else "")
    whose = f" for agent {agent}" if isinstance(agent, str) and agent in agents else ""
    if read_only or not allowed:
        limits = f"{wave} is read-only{whose}: it may not change any file."
    else:
        limits = f"{wave} may change only{whose}: {', '.join(allowed)}."
    verb = "Blocked" if enforcement == "strict" else "Allowed with a warning"
    reason = (f"session-orchestrator scope ({enforcement}): {verb}: {how} to {', '.join(outside[:5])}"
              f"{' and more' if len(outside) > 5 else ''}.\n{limits}\n"
              "Keep to those paths. If this file really belongs to the wave, finish the rest and say so in "
              "your report so the plan can be adjusted.")
    return Decision(DENY if enforcement == "strict" else WARN, reason, "scope")


def check_shell(ctx: HookContext, commands: list[Any]) -> Decision:
    """Shell writes (>, >>, tee, sed -i, cp/mv targets, rm, touch) go through the same check.

    Scratch files named by an absolute path under the system temp dir, and device
    files, are not repository edits; a relative path that walks out of the
    repository is out of scope even when the repository itself sits in /tmp.
    """
    from .guard import temp_roots
    from .shell import write_targets

    targets: list[str] = []
    roots = tuple(r.rstrip("/") + "/" for r in temp_roots())
    root = os.path.realpath(ctx.root)
    for cmd in commands:
        for target, _mode in write_targets(cmd):
            if any(c in target for c in "$`") or target.startswith("/dev/"):
                continue  # not knowable before it runs
            written = os.path.expanduser(target)
            full = os.path.realpath(os.path.join(str(ctx.cwd), written))
            if os.path.isabs(written) and full.startswith(roots) and not full.startswith(root + "/"):
                continue  # scratch output named explicitly, e.g. `> /tmp/log.txt`
            if target not in targets:
                targets.append(target)
    return check_paths(ctx, targets, how="shell write") if targets else Decision()
