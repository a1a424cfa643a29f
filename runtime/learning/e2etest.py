# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`test [scope]`: run the project's end-to-end or integration suite and turn its failures into findings.

The suite is found by loop/e2edetect.py and run by the gate's own machinery
(loop/checkrun.py's process group, loop/gates.py's `check_result`, which tells a
suite that failed from one that could not run, and loop/testreport.py's JUnit
readers), one run at a time with the gates. There are four verdicts and only one
of them is a pass:

- `passed`: the runner ran tests and none failed;
- `failed`: tests failed; each is a finding with the runner's message and the
  file and line its report names;
- `cannot-judge`: the runner crashed, timed out, found no tests or left no result
  the runtime can read: no test is known to pass;
- `none`: the project has no such suite (or `e2e-command: skip`).

Findings are kept in `.orchestrator/state/test-findings.json` so `test file <id>...`
files the chosen ones (through discovery's path: the carryover filing, or the
carryover list offline) without running the suite again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..loop.records import Check

FORMAT = 1
SESSION = "test"  # the carryover marker's session field for the findings of /test
PREFIX = "[Test]"
VERDICTS = ("passed", "failed", "cannot-judge", "none")
STORE = "test-findings.json"
MAX_FINDINGS = 200


def finding_id(test: str) -> str:
    return "t" + hashlib.sha256(f"e2e-failure\0{test}".encode()).hexdigest()[:8]


def _reports(root: Path, runner: str) -> list[dict[str, Any]] | None:
    """Failures from the JUnit files this run wrote, or None when it wrote none that can be read."""
    from ..loop.e2edetect import report_dir
    from ..loop.testreport import read_failures, report_path

    paths = [report_path(root)] if runner in ("pytest", "") else []
    paths += sorted(report_dir(root).glob("*.xml"))
    found: list[dict[str, Any]] | None = None
    for path in paths:
        if path.is_file():
            failures = read_failures(path, root)
            if failures is not None:
                found = [*(found or []), *failures]
    return found


def _findings(check: Check, failures: list[dict[str, Any]] | None, output: str) -> list[dict[str, Any]]:
    from ..loop.failtext import first_failure

    by_test = {f["test"]: f for f in failures or []}
    names = list(dict.fromkeys([*(f["test"] for f in failures or []), *(check.get("failed_tests") or [])]))
    findings = []
    for name in names[:MAX_FINDINGS]:
        detail = by_test.get(name) or next((f for t, f in by_test.items() if t.endswith(name) or name.endswith(t)),
                                           None)
        message = (detail or {}).get("message") or ""
        if not message and len(names) == 1:
            message = " / ".join(first_failure(output, 3))
        file, line = (detail or {}).get("file"), (detail or {}).get("line")
        findings.append({"id": finding_id(name), "category": "e2e-failure", "test": name, "file": file,
                         "line": line, "title": f"end-to-end test fails: {name}",
                         "evidence": message or "the runner named this test as failing without a message"})
    return findings


def run(root: Path, scope: str = "", timeout: float | None = None, progress: float = 0.0) -> dict[str, Any]:
    """Find the suite, run it, judge it: the versioned document `test --json` prints (see the docstring)."""
    import shutil
    import threading

    from ..loop.checkrun import OneGate, Owned, Running, wait_all
    from ..loop.e2edetect import detect, report_dir, with_scope
    from ..loop.gates import check_result
    from ..loop.state import session_config
    from ..loop.testreport import capturing

    config = session_config(root)
    found = detect(root, str(config.get("e2e-command", "auto")))
    data: dict[str, Any] = {"format": FORMAT, "scope": scope, "suite": None, "verdict": "none", "reason": "",
                            "counts": None, "findings": [], "looked": found["looked"]}
    if not found["command"]:
        data["reason"] = found["why"]
        return data
    command = with_scope(found, scope)
    limit = float(timeout if timeout is not None else config.get("gate-timeout", 1800))
    data["suite"] = {"command": command, "runner": found["runner"], "why": found["why"]}
    shutil.rmtree(report_dir(root), ignore_errors=True)
    report_dir(root).mkdir(parents=True, exist_ok=True)
    done = threading.Event()
    from ..core.proc import EnvOverlay

    # The runner's own report variables, set in this process so the check inherits them.
    with EnvOverlay(found.get("env") or {}), OneGate(root), capturing(root):
        job = Running("e2e", command, root, done)
        with Owned([job]):
            wait_all([job], limit, done, progress, "test")
        result = job.finish(limit)
    check = check_result("test", command, found["why"], result, limit, root)
    failures = _reports(root, str(check.get("runner") or found["runner"]))
    output = result[1]
    data["exit"] = result[0]
    data["log"] = job.log.relative_to(root).as_posix()
    data["counts"] = check.get("counts")
    findings = _findings(check, failures, output)
    broken = check.get("status") == "broken"
    if broken and failures and not check.get("runner") and not result[3] and result[0] not in (126, 127):
        # a runner whose printed summary the gate does not parse (Playwright, Cypress) but whose own
        # report names failing tests did run; a parsed runner the gate calls broken (pytest's collection
        # error, say) stays broken even though its report lists the error as a test case
        broken = False
    if broken:
        data["verdict"] = "cannot-judge"
        data["reason"] = f"{check['cause']}; fix: {check['fix']}"
        data["tail"] = check.get("tail") or []
    elif findings:
        data["verdict"] = "failed"
        data["findings"] = findings
        data["reason"] = f"{len(findings)} failing test{'' if len(findings) == 1 else 's'}"
    elif result[0] == 0 and (check.get("counts") or failures is not None):
        data["verdict"] = "passed"
        counts = check.get("counts") or {}
        data["reason"] = (f"{counts.get('passed', 0)} passed" if counts
                          else "the runner's own report names no failing test")
    elif result[0] == 0:  # exit 0 with no summary and no report: nothing says a test ran
        data["verdict"] = "cannot-judge"
        data["reason"] = ("exit 0 but neither a test summary nor a JUnit report the runtime can read; fix: make "
                          "the runner print its summary or write a JUnit report, or name such a command in e2e-command")
        data["tail"] = [line[:200] for line in output.rstrip().splitlines()[-20:]]
    else:
        data["verdict"] = "cannot-judge"
        data["reason"] = f"exit {result[0]} but no failing test could be named from the output or a report"
        data["tail"] = check.get("tail") or []
    return data


def save(root: Path, data: dict[str, Any]) -> None:
    """Keep the last run's findings for `test file`."""
    from ..core.fsutil import write_atomic
    from ..core.paths import state_dir

    write_atomic(state_dir(root) / STORE, json.dumps(data, indent=1, sort_keys=True))


def load_last(root: Path) -> dict[str, Any] | None:
    from ..core.paths import state_dir

    try:
        data = json.loads((state_dir(root) / STORE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def format_text(data: dict[str, Any]) -> str:
    verdict = data["verdict"]
    suite = data.get("suite") or {}
    if verdict == "none":
        return (f"test: no end-to-end or integration suite: {data['reason']}\n"
                f"looked for: {'; '.join(data['looked']) or '-'}\n"
                "set e2e-command in the Session Config to the command that runs it")
    out = [f"test: {suite['command']} ({suite['why']})"]
    if verdict == "passed":
        out.append(f"passed: {data['reason']}")
    elif verdict == "cannot-judge":
        out.append(f"CANNOT JUDGE (not a pass): {data['reason']}")
        out.extend(f"  | {line}" for line in data.get("tail") or [])
        out.append(f"full output: {data.get('log')}")
    else:
        new = [f for f in data["findings"] if not f.get("known")]
        out.append(f"FAILED: {data['reason']}, {len(new)} not yet in an issue or the carryover list")
        for finding in data["findings"]:
            where = finding.get("file") or ""
            if where and finding.get("line"):
                where += f":{finding['line']}"
            held = f" (known: {finding['known']})" if finding.get("known") else ""
            out.append(f"  {finding['id']}  {finding['test']}{held}")
            out.append(f"            {where + ': ' if where else ''}{finding['evidence']}")
        if new:
            out.append("file the ones to keep with: test file <id>...")
    dedup = data.get("dedup") or {}
    if data["findings"] and dedup.get("why"):
        out.append(f"note: open issues not read ({dedup['why']}); deduplicated against the carryover list only")
    return "\n".join(out)
