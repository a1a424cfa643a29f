# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The autopilot loop: whole sessions, one after another, with nobody at the keyboard.

Each iteration takes the next item (worklist.py), runs one headless agent session on it
(`/session`, `/go`, `/close` in one prompt, the agent told the run is unattended) through the
platform's headless seam, and then reads how the session really ended from the runtime's own
records (outcome.py). The next session starts only after a close the runtime recorded; a session
left open is paused and the run stops, so the next run resumes it. Before every session, and
after it, the kill-switches (killswitches.py) are asked; the first that fires ends the run, and
the reason goes to `autopilot.jsonl` (record.py) with the usage the CLI reported. Nothing is
written half-way: the runtime's state files are written atomically by the commands the agent
ran, and on a stop the session is paused (or already closed and committed).
"""

from __future__ import annotations

import os
import shlex
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .killswitches import STOP_FILE, Facts, Limits, first_stop, unenforceable

# Stops that are the planned end of a run (exit 0); every other stop exits 2.
PLANNED = ("sessions", "no-work", "stop-file", "hours", "tokens", "cost")


class AutopilotError(Exception):
    """The run cannot start (unknown agent, CLI not found, hooks not trusted, lanes missing)."""


@dataclass
class Options:
    agent: str
    limits: Limits = field(default_factory=Limits)
    work: Path | None = None
    lanes: int = 1
    dry_run: bool = False
    agent_command: str | None = None
    session_type: str = "feature"
    poll_s: float | None = None  # how often the runner looks for progress (tests shorten it)


def executable(platform: Any, agent_command: str | None, environ: dict[str, str]) -> list[str]:
    """The agent program as a list: `--agent-command` split like a shell would, else the usual name on PATH."""
    if agent_command:
        try:
            words = shlex.split(agent_command)
        except ValueError as exc:
            raise AutopilotError(f"--agent-command {agent_command!r}: {exc}") from None
        if not words:
            raise AutopilotError("--agent-command is empty")
        found = shutil.which(words[0], path=environ.get("PATH"))
        if found is None:
            raise AutopilotError(f"--agent-command: {words[0]!r} is not an executable program")
        return [found, *words[1:]]
    name = platform.headless_executable
    if not name:
        raise AutopilotError(f"{platform.name} has no headless mode: autopilot cannot drive it")
    found = shutil.which(name, path=environ.get("PATH"))
    if found is None:
        raise AutopilotError(f"{name!r} is not on PATH; install the {platform.name} CLI or give --agent-command")
    return [found]


def install_data(root: Path, agent: str) -> dict[str, Any]:
    """This agent's entry of `.orchestrator/install.json` ({} when the file or entry is missing)."""
    import json

    from ..core.paths import orch_dir

    try:
        data = json.loads((orch_dir(root) / "install.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entry = (data.get("platforms") or {}).get(agent) if isinstance(data, dict) else None
    return entry if isinstance(entry, dict) else {}


def command_file(root: Path, data: dict[str, Any], name: str) -> str | None:
    """Where the rendered command `name` is, relative to the repository (skills or flat files)."""
    folder = str(data.get("commands_dir") or "")
    if not folder:
        return None
    for rel in (f"{folder}/{name}/SKILL.md", f"{folder}/{name}.md", f"{folder}/{name}.mdc"):
        if (root / rel).is_file():
            return rel
    return None


def prompt(platform: Any, root: Path, data: dict[str, Any], item: dict[str, Any], session_type: str) -> str:
    """One prompt that runs a whole session: each command named as the user would type it, with its file,
    since not every headless mode expands a command typed in a prompt."""
    prefix = platform.command_prefix

    def step(name: str, args: str = "") -> str:
        where = command_file(root, data, name)
        typed = f"{prefix}{name}" + (f" {args}" if args else "")
        return f"`{typed}`" + (f" (its instructions: {where})" if where else "")
    if item.get("resume"):
        first = (f"{step('session', session_type)}; resume the unfinished session it reports "
                 f"({item['session_id']}) rather than starting a fresh one")
        work = f"Continue the unfinished session: {item['title']}."
    else:
        first = step("session", session_type)
        work = f"The work for this session: {item['title']} (from {item['source']})."
    return (f"This run is unattended: nobody is at the keyboard and no question will be answered. {work} "
            f"Run these commands in order, following each one's instructions: {first}, then {step('go')}, "
            f"then {step('close')}. Where an instruction says to ask the user, decide from the recorded "
            "decisions and the plan; when you cannot, record the question on the item as an open question, "
            "mark the item partial so it is carried over, and go on. Finish with the close's commit.")


def preflight(root: Path, platform: Any, data: dict[str, Any]) -> list[str]:
    """What must hold before an unattended run: the runtime installed for this agent, and the agent
    running our hooks (an agent that skips them silently would run with no guard and nobody watching)."""
    from ..core.paths import orch_dir

    problems = []
    if not data:
        problems.append(f"{orch_dir(root) / 'install.json'} does not select {platform.name}: install the "
                        "session-orchestrator for this agent first")
        return problems
    for level, text, fix in platform.trust_checks(root, data):
        if level == "fail":
            problems.append(text + (f"; {fix}" if fix else ""))
    return problems


def trust_warnings(root: Path, platform: Any, data: dict[str, Any]) -> list[str]:
    """What the agent's trust checks cannot tell (a `warn`): the run goes on, and the record says so."""
    return [f"{text} ({fix})" if fix else text for level, text, fix in platform.trust_checks(root, data)
            if level == "warn"] if data else []


def _new_run_id() -> str:
    import secrets

    return f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(2)}"


def verified_before(root: Path) -> set[str]:
    """Keys of items an earlier run verified done: a resumed run does not redo them."""
    from .record import read

    return {str(line.get("item_key")) for line in read(root)
            if line.get("kind") == "iteration" and line.get("outcome") == "verified"}


def _dirty(root: Path) -> list[str]:
    """Paths differing from HEAD outside the runtime's records: work left in the tree, paused."""
    from ..core.treestate import TreeUnreadableError, is_runtime_record, snapshot

    try:
        return sorted(p for p in snapshot(root) if not is_runtime_record(p))
    except TreeUnreadableError:
        return []


def _blocked_in_a_row(count: int, gates: list[bool]) -> int:
    for blocked in gates:
        count = count + 1 if blocked else 0
    return count


def _add(total: Any, value: Any) -> Any:
    if not isinstance(value, (int, float)):
        return total
    return (total or 0) + value


def plan_run(root: Path, options: Options, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything decided before the first session: the agent, its program, what it cannot report, the
    first item and its command line. Raises AutopilotError when the run cannot start."""
    from ..platforms import UnknownPlatformError, get

    env = dict(environ if environ is not None else os.environ)
    try:
        platform = get(options.agent)
    except UnknownPlatformError as exc:
        raise AutopilotError(str(exc)) from None
    if options.lanes < 1:
        raise AutopilotError("--lanes must be 1 or more")
    exe = executable(platform, options.agent_command, env)
    data = install_data(root, platform.name)
    problems = preflight(root, platform, data)
    if problems:
        raise AutopilotError("cannot run unattended: " + "; ".join(problems))
    notes = unenforceable(options.limits, tuple(platform.headless_reports)) + trust_warnings(root, platform, data)
    return {"platform": platform, "executable": exe, "data": data, "env": env, "notes": notes}


def run(root: Path, options: Options, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the loop until a switch fires or the work runs out; returns the run's summary."""
    from ..core.paths import state_dir
    from ..guards import breaker
    from . import outcome, runner
    from .policy import ENV, ITEM_ENV
    from .record import append
    from .worklist import next_item

    planned = plan_run(root, options, environ)
    platform, exe, data, env = planned["platform"], planned["executable"], planned["data"], planned["env"]
    if options.lanes > 1:
        return run_lanes(root, options, planned)
    skip = verified_before(root)
    if options.dry_run:
        item, why = next_item(root, options.work, skip)
        argv = platform.headless_argv(exe, prompt(platform, root, data, item, options.session_type)) if item else []
        return {"dry_run": True, "agent": platform.name, "argv": argv, "item": item, "why": why,
                "notes": planned["notes"], "limits": vars(options.limits)}
    run_id = _new_run_id()
    limits = options.limits
    append(root, run_id, "start", agent=platform.name, executable=exe, limits=vars(limits), notes=planned["notes"],
           work=str(options.work) if options.work else "carryover, then open issues",
           reports=list(platform.headless_reports))
    facts = Facts()
    started = time.monotonic()
    deadline = started + limits.max_hours * 3600 if limits.max_hours is not None else None
    stall_s = limits.stall_minutes * 60 if limits.stall_minutes is not None else None
    stop_path = root / STOP_FILE
    iterations: list[dict[str, Any]] = []
    stop: tuple[str, str] | None = None

    def observe() -> None:
        """Refresh the facts only the file system and the clock know, before the switches are asked."""
        facts.elapsed_s = time.monotonic() - started
        facts.breakers = breaker.active(root)
        facts.stop_file = stop_path.exists()
        facts.stop_text = stop_path.read_text(encoding="utf-8", errors="replace") if facts.stop_file else ""

    try:
        while stop is None:
            observe()
            stop = first_stop(limits, facts)
            if stop:
                break
            item, why = next_item(root, options.work, skip)
            if item is None:
                stop = ("no-work", why)
                break
            skip.add(item["key"])
            was = outcome.before(root)
            child_env = {**env, ENV: "1", ITEM_ENV: item["title"][:200]}
            argv = platform.headless_argv(exe, prompt(platform, root, data, item, options.session_type))
            result = runner.run(argv, root, child_env, state_dir(root) / "autopilot", f"{run_id}-{facts.sessions + 1}",
                                stall_s=stall_s, deadline=deadline, poll_s=options.poll_s)
            facts.sessions += 1
            usage = platform.read_headless(result.stdout)
            tokens = [usage.get("input_tokens"), usage.get("output_tokens")]
            for value in tokens:
                facts.tokens = _add(facts.tokens, value)
            facts.cost_usd = _add(facts.cost_usd, usage.get("cost_usd"))
            got = outcome.read(root, was)
            paused = _pause_if_open(root)
            facts.blocked_gates = _blocked_in_a_row(facts.blocked_gates, got["gates"])
            facts.items += 1
            if got["outcome"] != "verified":
                facts.carried += 1
            unreported = [k for k in ("input_tokens", "output_tokens", "cost_usd") if usage.get(k) is None]
            line = append(root, run_id, "iteration", n=facts.sessions, item=item["title"], item_key=item["key"],
                          source=item["source"], session_id=got.get("session_id"), outcome=got["outcome"],
                          why=got["why"], committed=got.get("committed"), items_planned=got.get("items_planned"),
                          items_done=got.get("items_done"), gates_blocked=sum(got["gates"]),
                          usage={k: usage.get(k) for k in ("input_tokens", "output_tokens", "cost_usd")},
                          not_reported=unreported, seconds=round(result.seconds, 2), exit=result.returncode,
                          stopped=result.stopped, paused=paused, output=result.output,
                          agent_said=str(usage.get("text") or "")[:300])
            iterations.append(line)
            observe()
            if result.stopped == "stall":
                facts.stalled_s = result.stalled_s
                stop = first_stop(limits, facts)
            elif result.stopped == "hours":
                stop = ("hours", f"the wall-clock limit of {limits.max_hours:g} hours passed during a session; "
                                 "the agent was stopped")
            elif result.stopped == "interrupted":
                stop = ("interrupted", "the run was interrupted (Ctrl-C or a stop signal); the agent was stopped")
            else:
                stop = first_stop(limits, facts)  # a tripped breaker explains an open session better than "unclosed"
            if stop is None and got["outcome"] in ("unclosed", "unverified", "no-session"):
                name = "agent-failed" if got["outcome"] == "no-session" and result.returncode else "unverified-close"
                tail = result.stderr.strip().splitlines()[-1:] if result.returncode else []
                stop = (name, got["why"] + (f"; the agent exited {result.returncode}: {tail[0][:200]}" if tail else "")
                        + "; a verified close is required before the next session")
    except KeyboardInterrupt:  # between sessions: the runner handles one during a session itself
        stop = ("interrupted", "the run was interrupted (Ctrl-C or a stop signal) between sessions")
    switch, reason = stop
    notes = []
    if switch == "stop-file":
        try:
            stop_path.unlink()
            notes.append(f"{STOP_FILE} was honoured and removed, so the next run starts")
        except OSError as exc:
            notes.append(f"{STOP_FILE} could not be removed: {exc}")
    paused = _pause_if_open(root)
    from .worklist import unfinished_session

    left = unfinished_session(root)
    summary = append(root, run_id, "stop", switch=switch, reason=reason, sessions=facts.sessions,
                     elapsed_s=round(time.monotonic() - started, 2), tokens=facts.tokens, cost_usd=facts.cost_usd,
                     items=facts.items, carried=facts.carried, paused=paused or (left or {}).get("session_id"),
                     left_in_tree=_dirty(root)[:50], notes=notes)
    summary["iterations"] = iterations
    summary["exit"] = 0 if switch in PLANNED else (130 if switch == "interrupted" else 2)
    return summary


def _pause_if_open(root: Path) -> str | None:
    """Pause a session the agent left active, so the next run resumes it; its id, or None."""
    from ..loop.session import pause
    from ..loop.state import StateError, load

    try:
        state = load(root)
    except StateError:
        return None
    if state is None or state.get("status") != "active":
        return None
    try:
        pause(root)
    except StateError:
        return None
    return str(state["session_id"])


def run_lanes(root: Path, options: Options, planned: dict[str, Any]) -> dict[str, Any]:
    """`--lanes N`: N items at once, each an independent session in its own git worktree (lanes.py),
    each merged back only after its own verified close."""
    from . import lanes

    return run_in_lanes(root, options, planned, lanes)


def run_in_lanes(root: Path, options: Options, planned: dict[str, Any], lanes: Any) -> dict[str, Any]:
    """One batch of up to N lanes: start each on its own item, run the sessions side by side, and merge back
    each lane whose close is verified (the lane's own `merge` runs the full gate on the merged result)."""
    import threading

    from ..core.paths import state_dir
    from . import outcome, runner
    from .policy import ENV, ITEM_ENV
    from .record import append
    from .worklist import next_item

    platform, exe, data, env = planned["platform"], planned["executable"], planned["data"], planned["env"]
    run_id = _new_run_id()
    limits = options.limits
    skip = verified_before(root)
    batch = []
    for n in range(options.lanes):
        item, _ = next_item(root, options.work, skip)
        if item is None or item.get("resume"):
            break
        skip.add(item["key"])
        batch.append((f"autopilot-{run_id}-{n + 1}", item))
    if options.dry_run or not batch:
        return {"dry_run": options.dry_run, "lanes": [name for name, _ in batch], "run": run_id,
                "exit": 0, "switch": "no-work", "reason": "no item to start a lane on", "iterations": []}
    append(root, run_id, "start", agent=platform.name, executable=exe, limits=vars(limits), notes=planned["notes"],
           lanes=options.lanes, reports=list(platform.headless_reports))
    results: dict[str, dict[str, Any]] = {}
    # One at a time (git's locks); each lane's overlay (its port offset and name suffix) goes to its agent, so
    # the gates it runs use the lane's ports and names, not the main checkout's.
    opened = {name: (lanes.start(root, name), item) for name, item in batch}
    started = {name: (Path(lane.path), item) for name, (lane, item) in opened.items()}
    overlays = {name: lane.env() for name, (lane, _) in opened.items()}

    def one(name: str, where: Path, item: dict[str, Any]) -> None:
        was = outcome.before(where)
        argv = platform.headless_argv(exe, prompt(platform, where, data, item, options.session_type))
        # SO_PROJECT_DIR names the lane: one inherited from the caller would send the lane's runtime calls
        # to the main checkout, where two lanes would then share one session.
        result = runner.run(argv, where, {**env, **overlays[name], "SO_PROJECT_DIR": str(where), ENV: "1",
                                          ITEM_ENV: item["title"][:200]},
                            state_dir(root) / "autopilot", name,
                            stall_s=limits.stall_minutes * 60 if limits.stall_minutes is not None else None,
                            poll_s=options.poll_s)
        results[name] = {"item": item, "result": result, "outcome": outcome.read(where, was),
                         "usage": platform.read_headless(result.stdout)}

    threads = [threading.Thread(target=one, args=(name, where, item)) for name, (where, item) in started.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged: list[str] = []
    kept: list[str] = []
    for name in started:
        got = results.get(name) or {"item": started[name][1], "result": None,
                                    "outcome": {"outcome": "no-session", "why": "the lane's session did not run"},
                                    "usage": {}}
        why = got["outcome"]["why"]
        verified = got["outcome"]["outcome"] == "verified"
        if verified:
            try:
                lanes.merge(root, name)
            except Exception as exc:  # the lanes module's refusal: the lane is kept, with its reason
                verified, why = False, f"{why}; merge refused: {exc}"
        if verified:
            try:
                lanes.clean(root, name)  # never forced: scratch the lane holds is kept for a person
            except Exception as exc:
                why = f"{why}; merged, but the lane is kept: {exc}"
        (merged if verified else kept).append(name)
        result = got["result"]
        append(root, run_id, "iteration", lane=name, item=got["item"]["title"], item_key=got["item"]["key"],
               outcome=got["outcome"]["outcome"], why=why, merged=verified,
               usage={k: got["usage"].get(k) for k in ("input_tokens", "output_tokens", "cost_usd")},
               seconds=round(result.seconds, 2) if result else 0, stopped=result.stopped if result else None)
    summary = append(root, run_id, "stop", switch="lanes-done", reason=f"{len(merged)} lane(s) merged, "
                     f"{len(kept)} kept for a person to look at", merged=merged, kept=kept)
    summary["exit"] = 0 if not kept else 2
    return summary
