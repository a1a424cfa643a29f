# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The evidence ledger behind `close verify`: what each plan item really delivered.

An agent's "done" is a claim. The ledger sets beside it what the runtime can check
itself: the files each item's tasks changed since the session's start ref (from
git), the acceptance tests named for the item and how they fared in the last full
gate (from the gate's own record), and whether that gate ran on the code as it is
now (the gate's `judged` tree id against the working tree's). An item is `done`
only when all of it holds; otherwise it is `unproven`, with what is missing. When
a fact cannot be read (no start ref, a gate record without `judged`, git failing),
the ledger says so and the item stays unproven: nothing passes by default.

What stays the agent's judgement is said as such: whether the change meets the
acceptance text when no test is named for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .records import Gate, State

# git's id of the empty tree: the start ref of a repository that had no commit when the session started
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def changed_since(root: Path, start_ref: str) -> list[str]:
    """Every path that differs between the start ref and the working tree (committed or not, new, deleted),
    the runtime's own records left out. Raises TreeUnreadableError when git cannot answer."""
    from ..core.proc import run
    from ..core.treestate import TreeUnreadableError, is_runtime_record

    base = start_ref or EMPTY_TREE
    code, out, err = run(["git", "-c", "core.quotepath=off", "diff", "--no-renames", "--name-only", "-z", base, "--"],
                         root, 60)
    if code != 0:
        raise TreeUnreadableError(f"git diff {base[:12]}: {(err or out).strip() or f'exit {code}'}")
    names = set(filter(None, out.split("\0")))
    code, out, err = run(["git", "-c", "core.quotepath=off", "ls-files", "-z", "--others", "--exclude-standard"],
                         root, 60)
    if code != 0:
        raise TreeUnreadableError(f"git ls-files: {(err or out).strip() or f'exit {code}'}")
    names.update(filter(None, out.split("\0")))
    return sorted(n for n in names if not is_runtime_record(n))


def last_full_gate(state: State) -> Gate | None:
    fulls = [g for g in state.get("gates") or [] if g.get("variant") == "full"]
    return fulls[-1] if fulls else None


def gate_on_tree(root: Path, gate: Gate | None) -> dict[str, Any]:
    """{'ran', 'current' (True, False or None = cannot tell), 'why', 'blocked', 'ts', 'changed'}."""
    from ..core.treestate import TreeUnreadableError, tree_id

    if gate is None:
        return {"ran": False, "current": False, "blocked": None, "ts": None, "changed": [],
                "why": "the full gate has not run in this session"}
    out: dict[str, Any] = {"ran": True, "current": None, "blocked": bool(gate.get("blocked")), "ts": gate.get("ts"),
                           "changed": [], "why": ""}
    judged = gate.get("judged") or {}
    if not judged:
        out["why"] = "the last full gate's record does not say which code it ran on (recorded by an older runtime)"
        return out
    if judged.get("error") or not judged.get("tree_id"):
        out["why"] = f"the last full gate could not record which code it ran on: {judged.get('error') or 'no tree id'}"
        return out
    try:
        now = tree_id(root)
    except TreeUnreadableError as exc:
        out["why"] = f"git cannot read the working tree now: {exc}"
        return out
    out["current"] = now == judged["tree_id"]
    out["tree_id"] = now
    if not out["current"]:
        out["changed"] = _tree_diff(root, judged["tree_id"], now)
        named = ", ".join(out["changed"][:5]) + (" ..." if len(out["changed"]) > 5 else "")
        out["why"] = ("the code changed after the last full gate" + (f" ({named})" if named else "")
                      + "; run 'gate full' again")
    return out


def _tree_diff(root: Path, old: str, new: str) -> list[str]:
    from ..core.proc import run

    code, out, _ = run(["git", "-c", "core.quotepath=off", "diff-tree", "-r", "--name-only", "-z", old, new], root, 30)
    return sorted(filter(None, out.split("\0"))) if code == 0 else []


# --- test results --------------------------------------------------------------


def recorded_tests(check: dict[str, Any], root: Path | None = None) -> dict[str, str] | None:
    """{test id: passed|failed|skipped} when the gate recorded each test by name, else None.

    The gate keeps the names by outcome in `test_ids` (moved to `tests_file` beside the gate
    logs for a large suite, see loop/losttests.py). Also read: `tests` as {status: [ids]} or
    [{id|name, status|outcome}], or `passed_tests` beside `failed_tests`."""
    ids = check.get("test_ids")
    if ids is None and check.get("tests_file") and root is not None:
        import json

        try:
            ids = json.loads((root / str(check["tests_file"])).read_text(encoding="utf-8")).get("test_ids")
        except (OSError, ValueError, AttributeError):
            ids = None
    out: dict[str, str] = {}
    if isinstance(ids, dict):
        for status in ("passed", "skipped", "failed"):  # a name seen failing anywhere counts as failed
            for name in ids.get(status) or []:
                out[str(name)] = status
        return out
    tests = check.get("tests")
    if isinstance(tests, dict):
        for status, names in tests.items():
            if isinstance(names, list):
                for name in names:
                    out[str(name)] = _status_word(str(status))
        return out if out or any(isinstance(v, list) for v in tests.values()) else None
    if isinstance(tests, list):
        for entry in tests:
            if isinstance(entry, dict):
                name = entry.get("id") or entry.get("name")
                if name:
                    out[str(name)] = _status_word(str(entry.get("status") or entry.get("outcome") or ""))
        return out
    if isinstance(check.get("passed_tests"), list):
        out.update({str(n): "passed" for n in check["passed_tests"]})
        out.update({str(n): "failed" for n in check.get("failed_tests") or []})
        out.update({str(n): "skipped" for n in check.get("skipped_tests") or []})
        return out
    return None


def _status_word(status: str) -> str:
    status = status.lower()
    if status in ("passed", "pass", "ok", "success", "xpassed"):
        return "passed"
    if status in ("failed", "fail", "error", "errors", "failure"):
        return "failed"
    return "skipped" if status else "unknown"


def _matches(named: str, test: str) -> bool:
    """A named test matches a recorded id exactly, names its file or class (`path`, `path::Class`), or is
    a parametrized test named without its parameters (`path::test` for `path::test[case]`)."""
    return (test == named or test.startswith(named + "::") or test.startswith(named + " > ")
            or test.startswith(named + "["))


def test_result(root: Path, named: str, gate: Gate | None) -> dict[str, str]:
    """{'name', 'result': passed|failed|skipped|not run|cannot tell, 'evidence'} from the last full gate."""
    if gate is None:
        return {"name": named, "result": "cannot tell", "evidence": "no full gate ran"}
    check = (gate.get("checks") or {}).get("test") or {}
    if not check or check.get("skipped"):
        return {"name": named, "result": "cannot tell", "evidence": "the gate's test check did not run"}
    failed = [t for t in check.get("failed_tests") or [] if _matches(named, t)]
    if failed:
        return {"name": named, "result": "failed", "evidence": f"failed in the last full gate: {failed[0]}"}
    recorded = recorded_tests(check, root)
    if recorded is not None:
        hits = {t: s for t, s in recorded.items() if _matches(named, t)}
        if not hits:
            return {"name": named, "result": "not run", "evidence": "the last full gate ran no test by this name"}
        bad = [t for t, s in hits.items() if s != "passed"]
        if bad:
            return {"name": named, "result": hits[bad[0]],
                    "evidence": f"{bad[0]} was {hits[bad[0]]} in the last full gate"}
        return {"name": named, "result": "passed",
                "evidence": f"passed in the last full gate ({len(hits)} test{'s' if len(hits) != 1 else ''})"}
    # The gate kept counts and failing names only: a named test passed if the suite ran green with
    # nothing skipped and the test exists where it is named.
    counts = check.get("counts") or {}
    if not counts:
        return {"name": named, "result": "cannot tell", "evidence": "the test runner's output named no tests"}
    if not check.get("ok") or int(counts.get("failed") or 0) or int(counts.get("errors") or 0):
        return {"name": named, "result": "cannot tell",
                "evidence": "the suite did not pass and the gate did not record each test by name"}
    if int(counts.get("skipped") or 0):
        return {"name": named, "result": "cannot tell",
                "evidence": f"{counts['skipped']} tests were skipped and the gate did not record which"}
    where = _find_test(root, named)
    if where is None:
        return {"name": named, "result": "not run",
                "evidence": "no test by this name in the repository (name it as path::test)"}
    return {"name": named, "result": "passed",
            "evidence": f"the whole suite passed with nothing skipped ({counts.get('passed')} passed) and "
                        f"the test is defined in {where}"}


def _find_test(root: Path, named: str) -> str | None:
    """`path::Class::name[param]` -> the file, if it exists inside the repository and defines the last name."""
    file_part, _, rest = named.partition("::")
    path = (root / file_part).resolve()
    try:
        path.relative_to(root.resolve())
        text = path.read_text(encoding="utf-8", errors="replace")
    except (ValueError, OSError):
        return None
    if not rest:
        return file_part
    name = rest.split("::")[-1].split("[")[0]
    return file_part if re.search(rf"\b{re.escape(name)}\b", text) else None


# --- the ledger ----------------------------------------------------------------


def build(root: Path, state: State) -> dict[str, Any]:
    """The whole ledger: per item the evidence and a verdict; the emergent changes; whether it passes."""
    from ..core.treestate import TreeUnreadableError
    from ..guards.pathglob import glob_match

    start_ref = str(state.get("start_ref") or "")
    problems: list[str] = []
    try:
        changed = changed_since(root, start_ref)
    except TreeUnreadableError as exc:
        changed = []
        problems.append(f"cannot list the files changed since the start ref: {exc}")
    gate = last_full_gate(state)
    on_tree = gate_on_tree(root, gate)
    tasks = [t for w in state.get("waves") or [] for t in w.get("tasks") or []]
    results = {tid: r for w in state.get("waves") or [] for tid, r in (w.get("results") or {}).items()}
    scoped: set[str] = set()
    items = []
    for item in state.get("items") or []:
        mine = [t for t in tasks if item.get("id") in (t.get("items") or [])]
        scope = sorted({p for t in mine for p in t.get("files") or []})
        files = [p for p in changed if any(glob_match(pattern, p) for pattern in scope)]
        scoped.update(files)
        tests = [test_result(root, str(name), gate) for name in item.get("tests") or []]
        missing: list[str] = []
        claimed = str(item.get("status") or "not-started")
        if claimed != "done":
            missing.append(f"recorded as {claimed}, not done")
        if problems:
            missing.extend(problems)
        if not on_tree["ran"] or on_tree["current"] is not True:
            missing.append(on_tree["why"] or "the last full gate did not run on this code")
        elif on_tree["blocked"]:
            missing.append("the last full gate is blocked")
        if scope and not files:
            missing.append("no file in its tasks' scope changed since the start ref ("
                           + ", ".join(scope[:4]) + (" ..." if len(scope) > 4 else "") + ")")
        if not scope and not tests:
            missing.append("its tasks change no files and no acceptance test is named for it: nothing to check")
        for test in tests:
            if test["result"] != "passed":
                missing.append(f"acceptance test {test['name']}: {test['result']} ({test['evidence']})")
        judgement = "" if tests else "no acceptance test named: whether the change meets the acceptance is the " \
                                     "agent's judgement"
        items.append({
            "id": item.get("id"), "title": item.get("title", ""), "issue": item.get("issue") or "",
            "acceptance": item.get("acceptance", ""), "claimed": claimed, "note": item.get("note") or "",
            "tasks": [{"id": t.get("id"), "reported": (results.get(t.get("id")) or {}).get("status")} for t in mine],
            "scope": scope, "files": files, "tests": tests,
            "verdict": "done" if not missing else "unproven", "missing": missing, "judgement": judgement,
        })
    emergent = [p for p in changed if p not in scoped and not _in_any_scope(p, tasks)]
    gate_brief = {k: on_tree.get(k) for k in ("ran", "current", "blocked", "ts", "why", "changed")}
    return {
        "session_id": state.get("session_id"), "status": state.get("status"), "start_ref": start_ref,
        "gate": gate_brief, "items": items, "emergent": emergent, "changed": changed, "problems": problems,
        "passed": bool(items) and all(i["verdict"] == "done" for i in items),
    }


def _in_any_scope(path: str, tasks: list[dict[str, Any]]) -> bool:
    from ..guards.pathglob import glob_match

    return any(glob_match(pattern, path) for t in tasks for pattern in t.get("files") or [])


def format_text(ledger: dict[str, Any]) -> str:
    gate = ledger["gate"]
    if not gate["ran"]:
        gate_line = "full gate: not run in this session"
    elif gate["current"] is True:
        gate_line = f"full gate: ran on this code ({gate['ts']}), " + ("BLOCKED" if gate["blocked"] else "passed")
    else:
        gate_line = f"full gate: {gate['why']}"
    out = [f"Evidence ledger, session {ledger['session_id']} (start ref {(ledger['start_ref'] or 'none')[:12]})",
           gate_line]
    for problem in ledger["problems"]:
        out.append(f"problem: {problem}")
    if not ledger["items"]:
        out.append("no plan items recorded: nothing can be verified")
    for item in ledger["items"]:
        issue = f" ({item['issue']})" if item["issue"] else ""
        out.append("")
        out.append(f"{item['id']} {item['title']}{issue}: {item['verdict'].upper()} "
                   f"(recorded by the agent: {item['claimed']})")
        if item["note"]:
            out.append(f"  agent's note (a claim): {item['note']}")
        if item["scope"]:
            more = len(item["files"]) - 8
            shown = ", ".join(item["files"][:8]) + (f" +{more} more" if more > 0 else "")
            out.append(f"  files changed in its tasks' scope: {shown or 'none'}")
        else:
            out.append("  its tasks are read-only (no file scope)")
        for test in item["tests"]:
            out.append(f"  test {test['name']}: {test['result']} - {test['evidence']}")
        for reason in item["missing"]:
            out.append(f"  missing: {reason}")
        if item["judgement"] and item["verdict"] == "done":
            out.append(f"  note: {item['judgement']}")
    out.append("")
    if ledger["emergent"]:
        out.append(f"Emergent changes (outside every task's scope, {len(ledger['emergent'])}):")
        out.extend(f"  {p}" for p in ledger["emergent"][:20])
        if len(ledger["emergent"]) > 20:
            out.append(f"  ... and {len(ledger['emergent']) - 20} more")
    else:
        out.append("Emergent changes: none")
    done = sum(1 for i in ledger["items"] if i["verdict"] == "done")
    out.append(f"verdict: {done} of {len(ledger['items'])} items done with evidence"
               + ("" if ledger["passed"] else "; close verify fails"))
    return "\n".join(out)
