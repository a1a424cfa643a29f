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

Self-protection: the vendored runtime, the guard's policy files, the runtime's
state (scope and session records), every platform's hook settings (in the
repository and at user level) and git's hooks are never writable by the agent
(tool writes and shell writes alike), at every enforcement level, `off`
included, and with or without a session. Otherwise an agent could switch its
own guard off with one edit. The Session Config's enforcement keys are guarded
in `selfprotect.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core import quickjson
from ..core.decision import DENY, WARN, Decision, cannot_judge
from .context import HookContext
from .pathglob import glob_match, resolve, temp_roots  # resolve: also imported from here by others

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

SCOPE_REL = ".orchestrator/state/scope.json"
RUNTIME_OWNED = (".orchestrator/STATE.md", ".orchestrator/metrics/", ".orchestrator/state/")
_PROTECTED_HERE = (".orchestrator/runtime/", ".orchestrator/policy/", ".orchestrator/state/", ".git/hooks/",
                   ".git/config")
_PROTECTED: list[tuple[str, ...]] = []  # filled on first use: the platforms' hook settings files


def protected_paths() -> tuple[str, ...]:
    """The runtime, its policy and state, git's hooks and configuration, and every platform's hook
    settings: an agent that edits them can unhook the guard. The platform part is looked up once per
    process, only when a path is checked."""
    if not _PROTECTED:
        from ..platforms import protected_paths as platform_settings

        _PROTECTED.append((*_PROTECTED_HERE, *platform_settings()))
    return _PROTECTED[0]


def protected(rel: str, whole_tree: bool = False, extra: tuple[str, ...] = ()) -> bool:
    """True for the runtime, its policy and state, git's hooks and the hook settings; with `whole_tree`,
    also for a directory that contains one of them (deleting an agent's settings directory takes its
    settings along). `extra`: more protected paths of this repository (the directory core.hooksPath names)."""
    for p in (*protected_paths(), *extra):
        if rel == p.rstrip("/") or (p.endswith("/") and rel.startswith(p)):
            return True
        if whole_tree and (rel == "" or p.startswith(rel.rstrip("/") + "/")):
            return True
    return False


def _lexical(path: str, root: Path, cwd: str) -> str | None:
    full = os.path.normpath(os.path.join(cwd, os.path.expanduser(path)))
    base = os.path.normpath(str(root))
    if full == base:
        return ""
    return full[len(base) + 1:] if full.startswith(base.rstrip("/") + "/") else None


def _copy_sources(cmd: Any) -> list[str]:
    args = [a for a in cmd.args if not a.startswith("-")]
    return [a for a in args[:-1] if a and not any(ch in a for ch in "$`")] if cmd.verb in (
        "cp", "mv", "rsync", "install", "ln") else []


def _names_protected(target: str) -> bool:
    """True when some tail of `target` (whose start is unknown: `$DIR/...`, or after a dynamic `cd`)
    is a protected path, e.g. `$REPO/.orchestrator/policy/guard.json`."""
    parts = [p for p in target.replace("\\", "/").split("/") if p and p != "."]
    return any(protected("/".join(parts[k:])) for k in range(len(parts)))


def check_protected(ctx: HookContext, paths: list[str], whole_tree: list[str] | None = None,
                    how: str = "write") -> Decision:
    """Deny any agent write to the guard's own files, at every enforcement level."""
    if not paths and not whole_tree:
        return Decision()
    from .selfprotect import ASK, git_paths, outside_hit

    hits: list[str] = []
    root, cwd = ctx.root, str(ctx.cwd)
    trees = set(whole_tree or [])
    extra = tuple(p for p in git_paths(root) if not protected(p))
    elsewhere: list[str] = []  # outside the repository: only there can a user-level settings file be
    for path in [*paths, *trees]:
        rels = {resolve(path, root, cwd), _lexical(path, root, cwd)}
        if None in rels or path in trees:
            elsewhere.append(path)
        for rel in rels:
            if rel is not None and protected(rel, path in trees, extra) and path not in hits:
                hits.append(path)
    if not hits and elsewhere:
        outside = outside_hit(elsewhere, trees, root, cwd)
        hits = [outside] if outside else []
    if not hits:
        return Decision()
    return Decision(DENY, f"session-orchestrator: '{hits[0]}' belongs to the guard itself (its runtime, policy, "
                          "state, git's hooks or an agent's hook settings), and agents may not change it; the "
                          f"{how} was blocked at every enforcement level. {ASK}", "self-protection")


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
        data = quickjson.loads(text)
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
    own = check_protected(ctx, paths, how=how)
    if own.denied:
        return own
    root, cwd = ctx.root, str(ctx.cwd)
    scope, problem = load(root)
    enforcement = _stricter(str(scope.get("enforcement", "strict")), ctx.enforcement) if scope is not None \
        else ctx.enforcement
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
        return cannot_judge("check the edit scope", problem, enforcement, "scope-unreadable",
                            fix if enforcement == "strict" else "")
    if scope is None:
        return Decision()
    agent = ctx.agent_id
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


def _stricter(wave: str, session: str) -> str:
    """The wave's level, unless the session's is stricter: a user who tightens enforcement mid-wave
    is obeyed at the next tool call, not at the next `wave start`."""
    from .pinning import LEVELS

    return session if LEVELS.get(session, 1) > LEVELS.get(wave, 2) else wave


def check_shell(ctx: HookContext, commands: list[Any]) -> Decision:
    """Shell writes go through the same checks as tool writes.

    Writes are what `writeeffects.write_targets` finds (redirects, tee, sed -i, cp/mv,
    rm, touch, curl -o, wget, git mv/checkout/restore/rm, tar -x, unzip, patch,
    files an interpreter one-liner opens for writing), each resolved against the
    directory its command runs in after any `cd` earlier on the line. Scratch
    files named by an absolute path under the system temp dir, and device files,
    are not repository edits; a relative path that walks out of the repository is
    out of scope even when the repository itself sits in /tmp. A relative write
    after a `cd` to a directory only known at run time is out of scope.
    """
    from .selfprotect import outside_hit
    from .shellmodel import resolve_cwd
    from .writeeffects import write_targets

    targets: list[str] = []
    trees: list[str] = []
    unknown: list[str] = []
    roots = tuple(r.rstrip("/") + "/" for r in temp_roots())
    root = os.path.realpath(ctx.root)
    call_cwd = str(ctx.cwd)
    guessed: list[str] = []
    for cmd in commands:
        for target, mode in write_targets(cmd):
            if target.startswith("/dev/"):
                continue
            if any(c in target for c in "$`"):  # not knowable before it runs, but its tail may name a guard file
                guessed.append(target)
                continue
            written = os.path.expanduser(target)
            where = resolve_cwd(cmd, call_cwd)
            if where is None and not os.path.isabs(written):
                unknown.append(target)
                guessed.append(target)
                continue
            full_path = os.path.normpath(os.path.join(where or call_cwd, written))
            full = os.path.realpath(full_path)
            if os.path.isabs(written) and full.startswith(roots) and not full.startswith(root + "/") and \
                    not outside_hit([full_path], {full_path} if mode in ("delete", "replace") else set(), ctx.root,
                                    call_cwd):
                continue  # scratch output named explicitly, e.g. `> /tmp/log.txt` (a home in /tmp is not scratch)
            if full_path not in targets:
                targets.append(full_path)
            if mode == "delete" or (mode == "replace" and full_path != os.path.normpath(str(ctx.root))):
                trees.append(full_path)
            if mode == "replace":  # `cp -r x/.orchestrator .` lands in ./.orchestrator: the copies' own names count too
                for source in _copy_sources(cmd):
                    trees.append(os.path.join(full_path, os.path.basename(source.rstrip("/"))))
    if ctx.call is not None and (targets or guessed):
        ctx.call.writes = True
    own = check_protected(ctx, targets, trees, how="shell write")
    if own.denied:
        return own
    from .selfprotect import ASK, instruction_files, shell_instruction_write

    named = shell_instruction_write(ctx, [rel for t in targets for rel in {resolve(t, ctx.root, call_cwd),
                                                                           _lexical(t, ctx.root, call_cwd)}
                                          if rel is not None])
    if named.denied:
        return named
    suspect = next((t for t in guessed if _names_protected(t) or t.replace("\\", "/").rsplit("/", 1)[-1] in
                    instruction_files(ctx.root)), None)
    if suspect is not None:
        return Decision(DENY, f"session-orchestrator: '{suspect}' may be one of the guard's own files (its "
                              "runtime, policy, the agent's hook settings or the Session Config), and agents may "
                              f"not change them; the shell write was blocked at every enforcement level. {ASK}",
                        "self-protection")
    if unknown:
        scope, _problem = load(ctx.root)
        level = _stricter(str(scope.get("enforcement", "strict")), ctx.enforcement) if scope is not None else "off"
        if level != "off":
            strict = level == "strict"
            return Decision(DENY if strict else WARN,
                            f"session-orchestrator scope: the shell write to {unknown[0]} happens in a directory "
                            "that is only known at run time (a `cd` to a variable or substitution), so it cannot "
                            "be checked against the wave's scope. Write the directory out literally or use a "
                            "path from the repository root.", "scope")
    return check_paths(ctx, targets, how="shell write") if targets else Decision()
