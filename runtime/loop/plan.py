# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`plan template|set|show|item`: the agreed plan, checked before it is recorded.

Validation happens here, once, so that every later step (scope, briefs, the
close report) can trust the plan: each error names the wave, task and field and
says what to change, because the agent fixing it only sees this message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.words import count
from .records import Item, State, Task

ITEM_STATUSES = ("done", "partial", "not-started")
# the skeleton's example values; a plan still holding one was not filled in
EXAMPLE_TASK = "what this agent does, in one or two sentences"
EXAMPLE_FILES = ("path/to/file.py", "tests/test_file.py")
EXAMPLE_TITLE = "what the user gets"
EXAMPLE_ACCEPTANCE = "how we know it is done"
EXAMPLE_ISSUE = "#12 (optional)"
# Texts an agent copies from the skeleton or the command texts instead of filling
# them in; a plan holding one describes nothing, so it is refused with the field.
_FILLER = {"todo", "tbd", "fixme", "xxx", "placeholder", "fill in", "fill this in", "...", "\u2026", "n/a",
           "the filled-in plan", "one line", "one line why"}
# `<...>` placeholders of the command texts (and the usual ones): refused wherever they appear.
_ANGLE_WORDS = ("goal", "id", "title", "type", "path", "file", "files", "status", "body", "note", "item", "task",
                "description", "summary", "issue", "number", "name", "text", "feature")


def placeholder(text: str) -> str | None:
    """Why `text` is a placeholder rather than content, or None."""
    import re

    stripped = " ".join(text.split())
    lowered = stripped.lower().rstrip(".:!")
    if stripped and (lowered in _FILLER or stripped.lower() in _FILLER or lowered.strip("<>[]{}() ") in _FILLER
                     or not lowered.strip("<>[]{}()._-\u2026 ")):
        return f"{stripped!r} is a placeholder"
    if stripped in (EXAMPLE_TITLE, EXAMPLE_TASK, EXAMPLE_ACCEPTANCE, EXAMPLE_ISSUE):
        return f"{stripped!r} is still the template's example"
    if re.fullmatch(r"<[^<>]+>|\[[^\[\]]+\]|\{[^{}]*\}", stripped):
        return f"{stripped!r} is a placeholder to replace"
    found = re.search(r"<(?:[^<>]* [^<>]*|" + "|".join(_ANGLE_WORDS) + r")>", stripped, re.IGNORECASE)
    if found:
        return f"{found.group(0)!r} is a placeholder to replace"
    if re.match(r"(?:todo|tbd|fixme)\b", lowered):
        return f"{stripped[:40]!r} is a placeholder (it starts with {stripped.split()[0]!r})"
    return None


def template(state: State) -> dict[str, Any]:
    """A skeleton for this session's layout, with example entries to replace."""
    from .roles import default_agents, read_only_agents

    waves = []
    for wave in state["waves"]:
        read_only = bool(wave.get("read_only"))
        names = default_agents(wave.get("roles") or [wave["role"]], read_only)[:max(1, int(wave["max_agents"]))]
        tasks = []
        for position, agent in enumerate(names):
            writes = not read_only and agent not in read_only_agents()
            tasks.append({
                "id": f"T{wave['wave']}" + (chr(ord("a") + position) if len(names) > 1 else ""),
                "agent": agent,
                "items": ["I1"],
                "task": EXAMPLE_TASK,
                "files": list(EXAMPLE_FILES) if writes else [],
            })
        waves.append({"wave": wave["wave"], "role": wave["role"], "max_agents": wave["max_agents"], "tasks": tasks})
    return {"items": [{"id": "I1", "title": EXAMPLE_TITLE, "issue": EXAMPLE_ISSUE,
                       "acceptance": EXAMPLE_ACCEPTANCE}], "waves": waves}


class PlanError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _inside(root: Path, path: str) -> bool:
    candidate = Path(path)
    candidate = (candidate if candidate.is_absolute() else root / candidate).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _normal(root: Path, path: str) -> str:
    """Repository-relative, forward slashes; a trailing '/' marks a directory and is kept."""
    text = path.strip().replace("\\", "/")
    if Path(text).is_absolute():
        tail = "/" if text.endswith("/") else ""
        text = Path(text).resolve().relative_to(root.resolve()).as_posix() + tail
    while text.startswith("./"):
        text = text[2:]
    return text


def validate(plan: Any, state: State, root: Path) -> dict[str, Any]:
    """A normalised plan, or PlanError listing every problem."""
    from .roles import canonical_role, known_agents, read_only_agents, writing_agents

    problems: list[str] = []
    if not isinstance(plan, dict):
        raise PlanError(["the plan must be a JSON object with 'items' and 'waves'"])
    items = plan.get("items")
    if not isinstance(items, list) or not items:
        problems.append("'items' must be a non-empty list of {\"id\", \"title\", \"acceptance\"}")
        items = []
    item_ids: list[str] = []
    clean_items: list[Item] = []
    for index, item in enumerate(items, start=1):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        ident = str(item.get("id") or "").strip()
        if not ident:
            problems.append(f"{where}: 'id' is missing; give it a short id such as 'I{index}'")
        elif ident in item_ids:
            problems.append(f"{where}: id {ident!r} is used twice; give each item its own id")
        for field in ("title", "acceptance"):
            if not str(item.get(field) or "").strip():
                problems.append(f"{where} ({ident or '?'}): '{field}' is missing or empty")
        for field in ("title", "acceptance", "issue"):
            why = placeholder(str(item.get(field) or ""))
            if why:
                problems.append(f"{where} ({ident or '?'}): '{field}': {why}; "
                                + ("give the issue reference or leave it out" if field == "issue"
                                   else "describe the item in your own words"))
        tests = item.get("tests") or []
        if not isinstance(tests, list) or not all(isinstance(t, str) and t.strip() for t in tests):
            problems.append(f"{where} ({ident or '?'}): 'tests' must be a list of test ids, e.g. "
                            "[\"tests/test_ops.py::test_power\"]")
            tests = []
        for test in tests:
            why = placeholder(test)
            if why:
                problems.append(f"{where} ({ident or '?'}): 'tests': {why}; name a real test as path::name")
        item_ids.append(ident)
        clean: Item = {"id": ident, "title": str(item.get("title") or ""), "issue": item.get("issue") or "",
                 "acceptance": str(item.get("acceptance") or ""), "status": "not-started", "note": ""}
        if tests:  # acceptance tests `close verify` looks up in the last full gate
            clean["tests"] = [t.strip() for t in tests]
        clean_items.append(clean)
    waves = plan.get("waves")
    layout = state["waves"]
    if not isinstance(waves, list):
        raise PlanError([*problems, "'waves' must be a list with one entry per wave"])
    if len(waves) != len(layout):
        roles = ", ".join(f"{w['wave']}={w['role']}" for w in layout)
        problems.append(f"the plan has {count(len(waves), 'wave')} but this session has {len(layout)} ({roles}); "
                        "give one entry per wave (a wave may have an empty 'tasks' list)")
    covered: set[str] = set()
    task_ids: set[str] = set()
    clean_waves: list[list[Task]] = [[] for _ in layout]
    for index, wave in enumerate(waves, start=1):
        if not isinstance(wave, dict):
            problems.append(f"waves[{index}] must be an object")
            continue
        number = wave.get("wave", index)
        if number != index:
            problems.append(f"waves[{index}]: 'wave' is {number!r}, expected {index}; list the waves in order")
        if index > len(layout):
            continue
        expected = layout[index - 1]
        role = canonical_role(str(wave.get("role") or ""))
        if role != expected["role"]:
            problems.append(f"wave {index}: role {wave.get('role')!r} does not match this session's layout; "
                            f"wave {index} is {expected['role']!r}")
        tasks = wave.get("tasks") or []
        if not isinstance(tasks, list):
            problems.append(f"wave {index}: 'tasks' must be a list")
            continue
        if len(tasks) > expected["max_agents"]:
            cap = count(expected["max_agents"], "agent")
            problems.append(f"wave {index} ({expected['role']}): {len(tasks)} tasks, but this {state['type']} "
                            f"session allows at most {cap} in it; merge tasks or move some to another wave")
        owners: dict[str, str] = {}
        for position, task in enumerate(tasks, start=1):
            where = f"wave {index} task {position}"
            if not isinstance(task, dict):
                problems.append(f"{where} must be an object")
                continue
            ident = str(task.get("id") or "").strip()
            where = f"wave {index} task {ident or position}"
            if not ident:
                problems.append(f"{where}: 'id' is missing")
            elif ident in task_ids:
                problems.append(f"{where}: task id {ident!r} is used twice; task ids are unique across waves")
            task_ids.add(ident)
            agent = str(task.get("agent") or "").strip()
            if agent not in known_agents():
                problems.append(f"{where}: agent {agent!r} is unknown; use one of {', '.join(known_agents())}")
            if not str(task.get("task") or "").strip():
                problems.append(f"{where}: 'task' (what the agent does) is missing")
            elif placeholder(str(task.get("task"))):
                problems.append(f"{where}: 'task': {placeholder(str(task.get('task')))}; say what the agent does")
            refs = task.get("items") or []
            if not isinstance(refs, list) or not refs:
                problems.append(f"{where}: 'items' must list the plan items it serves, e.g. [\"I1\"]")
                refs = []
            for ref in refs:
                if ref not in item_ids:
                    problems.append(f"{where}: item {ref!r} is not in 'items'")
                covered.add(ref)
            files = task.get("files") or []
            if not isinstance(files, list):
                problems.append(f"{where}: 'files' must be a list of paths")
                files = []
            if files and (expected.get("read_only") or agent in read_only_agents()):
                why = "the Discovery wave is read-only" if expected.get("read_only") else f"{agent} is read-only"
                problems.append(f"{where}: has files {files} but {why}; remove 'files' or move the task "
                                "to an implementation wave")
            elif not files and not expected.get("read_only") and agent in writing_agents():
                problems.append(f"{where}: agent {agent} writes files but the task lists none; give it the files it "
                                f"may change, or use a read-only agent ({', '.join(read_only_agents())})")
            clean_files = []
            for path in files:
                if not isinstance(path, str) or not path.strip():
                    problems.append(f"{where}: file entry {path!r} is not a path")
                    continue
                if path.strip() in EXAMPLE_FILES or placeholder(path):
                    problems.append(f"{where}: file {path!r} is the template's example or a placeholder; "
                                    "list the real files")
                    continue
                if not _inside(root, path.strip()):
                    problems.append(f"{where}: file {path!r} is outside the repository; use a path relative "
                                    "to the repository root")
                    continue
                normal = _normal(root, path)
                if normal in owners and owners[normal] != ident:
                    problems.append(f"{where}: file {normal!r} is also in task {owners[normal]} of the same wave; "
                                    "two agents in one wave may not share a file: give it to one task or move one "
                                    "task to another wave")
                owners[normal] = ident
                clean_files.append(normal)
            clean_waves[index - 1].append({"id": ident, "agent": agent, "items": refs,
                                           "task": str(task.get("task") or ""), "files": clean_files})
    for ident in item_ids:
        if ident and ident not in covered:
            problems.append(f"item {ident!r} is not served by any task; add it to a task's 'items' or drop the item")
    if problems:
        raise PlanError(problems)
    return {"items": clean_items, "waves": clean_waves}


def briefs(state: State, number: int) -> str:
    """One ready-to-paste dispatch brief per task of wave `number`."""
    wave = state["waves"][number - 1]
    items = {i["id"]: i for i in state.get("items", [])}
    out = [f"Wave {number} of {state['total_waves']}: {wave['role']}"
           + (" (read-only: change nothing)" if wave.get("read_only") else "")]
    if not wave.get("tasks"):
        out.append("  (no tasks in this wave: finish it with 'wave done "
                   f"{number}')")
    for task in wave.get("tasks", []):
        out.append("")
        out.append(f"--- brief {task['id']} for agent '{task['agent']}' ---")
        out.append(f"TASK: {task['task']}")
        for ref in task.get("items", []):
            item = items.get(ref, {})
            out.append(f"ITEM {ref}: {item.get('title', '')}" + (f" ({item['issue']})" if item.get("issue") else ""))
            out.append(f"  ACCEPTANCE: {item.get('acceptance', '')}")
            if item.get("tests"):
                out.append(f"  ACCEPTANCE TESTS (must pass in the full gate): {', '.join(item['tests'])}")
        if task.get("files"):
            out.append("FILE SCOPE (change only these; anything else is denied or flagged):")
            out.extend(f"  - {path}" for path in task["files"])
        else:
            out.append("FILE SCOPE: none - read and report only, change no file.")
        out.append("End your reply with exactly one line: STATUS: done|partial|failed - <one line why>")
    return "\n".join(out)


def show(state: State, wave: int | None = None) -> str:
    if not state.get("plan_set"):
        return "no plan recorded yet; get a skeleton with 'plan template' and record it with 'plan set -'"
    if wave is not None:
        return briefs(state, wave)
    out = [f"Plan for session {state['session_id']} ({state['type']}, {state['total_waves']} waves)", "", "Items:"]
    for item in state["items"]:
        issue = f" {item['issue']}" if item.get("issue") else ""
        out.append(f"  {item['id']} [{item['status']}] {item['title']}{issue}")
        out.append(f"      acceptance: {item['acceptance']}")
        if item.get("tests"):
            out.append(f"      acceptance tests: {', '.join(item['tests'])}")
    for entry in state["waves"]:
        gate = f", then gate {entry['gate']}" if entry.get("gate") else ""
        out.append("")
        out.append(f"Wave {entry['wave']}: {entry['role']} [{entry['status']}] "
                   f"(max {count(entry['max_agents'], 'agent')}{gate})")
        for task in entry.get("tasks", []):
            files = ", ".join(task["files"]) or "read-only"
            out.append(f"  {task['id']} {task['agent']} -> {', '.join(task['items'])}: {task['task']}")
            out.append(f"      files: {files}")
    return "\n".join(out)


# --- recording ---------------------------------------------------------------


def record(root: Path, data: Any) -> dict[str, Any]:
    """Validate `data` against the active session and record it; returns the plan as recorded.

    Raises PlanError with every problem found, or StateError when a started wave's tasks would change
    (a started wave keeps the tasks it was started with).
    """
    from ..core import telemetry
    from .state import StateError, load, locked, require_active, save

    with locked(root):
        state = require_active(load(root))
        started = [w["wave"] for w in state["waves"] if w["status"] != "pending"]
        plan = validate(data, state, root)
        for number in started:
            if plan["waves"][number - 1] != state["waves"][number - 1]["tasks"]:
                raise StateError(f"wave {number} has already started; its tasks cannot change. Change only later "
                                 "waves, and record the change with 'wave done --deviation'.")
        old = {i["id"]: i for i in state.get("items", [])}
        for item in plan["items"]:
            if item["id"] in old:
                item["status"], item["note"] = old[item["id"]]["status"], old[item["id"]].get("note", "")
        state["items"] = plan["items"]
        for entry, tasks in zip(state["waves"], plan["waves"], strict=True):
            entry["tasks"] = tasks
        state["plan_set"] = True
        save(root, state)
    tasks = sum(len(t) for t in plan["waves"])
    telemetry.emit(root, "plan.recorded", {"session_id": state["session_id"], "items": len(plan["items"]),
                                           "tasks": tasks})
    return plan


def set_item(root: Path, ident: str, status: str, note: str) -> None:
    """Record the outcome of plan item `ident`; raises StateError naming what is wrong."""
    from .state import StateError, update

    why = placeholder(note) if note.strip() else None
    if why:
        raise StateError(f"--note: {why}; write the evidence, or what is missing, in your own words")

    def change(state: State) -> None:
        if state.get("status") == "completed":
            raise StateError(f"session {state['session_id']} is completed; its items can no longer change")
        for item in state.get("items", []):
            if item["id"] == ident:
                item["status"], item["note"] = status, note
                return
        known = ", ".join(i["id"] for i in state.get("items", [])) or "(no plan recorded)"
        raise StateError(f"there is no plan item {ident!r}; the items are {known}")

    update(root, change)
