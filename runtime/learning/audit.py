# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`audit`: a fixed rubric over the repository's own harness, a score out of 100 and a reason per check.

A harness decays quietly: a settings file rewritten without our hooks, a gate tool
uninstalled, CI deleted, carryover never filed. Each check here reads one such fact and
nothing else, so the same repository always gets the same score (the record's
timestamp is the only thing that changes between two runs), and breaking one thing
moves the score by that check's points. The hook probes and gate probes are doctor's
(commands/audit.py runs them and hands the results in), so the two never disagree.

| check | points | passes when |
|---|---|---|
| config | 15 | the Session Config parses (a missing section is defaults, and fails: nothing was chosen) |
| hooks-wired | 15 | every agent in `.orchestrator/install.json` has every hook it declares |
| hooks-firing | 15 | every agent's hook program answers doctor's probe like the guard |
| gates | 15 | the test gate is not skipped and every gate that is not skipped can run |
| tests | 10 | the repository has test files |
| budget | 10 | the always-on instructions are within `instruction-budget` |
| ci | 10 | a CI configuration is committed |
| carryover | 10 | the carryover list has no entry still waiting to be filed |
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FORMAT = 1
POINTS = {"config": 15, "hooks-wired": 15, "hooks-firing": 15, "gates": 15, "tests": 10, "budget": 10, "ci": 10,
          "carryover": 10}
TITLES = {"config": "Session Config valid", "hooks-wired": "every agent's hooks wired",
          "hooks-firing": "every agent's hooks answer", "gates": "gates runnable", "tests": "tests present",
          "budget": "instruction budget kept", "ci": "CI present", "carryover": "carryover list empty or filed"}
CI_FILES = (".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", "Jenkinsfile",
            ".circleci/config.yml", ".woodpecker.yml", ".drone.yml", "appveyor.yml", ".cirrus.yml")
CI_DIRS = (".github/workflows", ".woodpecker", ".buildkite", ".forgejo/workflows", ".gitea/workflows")


def _result(check: str, ok: bool, reason: str, fix: str = "") -> dict[str, Any]:
    return {"id": check, "title": TITLES[check], "ok": ok, "points": POINTS[check] if ok else 0,
            "max": POINTS[check], "reason": reason, "fix": "" if ok else fix}


def check_config(root: Path) -> tuple[dict[str, Any], Any]:
    from ..core.config import ConfigError, load

    try:
        config = load(root)
    except ConfigError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return _result("config", False, str(first).splitlines()[0] + more,
                       first.fix or "run 'python3 .orchestrator/runtime config' and fix what it names"), None
    warned = f"; {len(config.warnings)} warning(s)" if config.warnings else ""
    source = config.source.relative_to(root).as_posix() if config.source else "?"
    return _result("config", True, f"valid in {source}{warned}"), config


def installed(root: Path) -> dict[str, dict[str, Any]] | None:
    """The agents this repository was rendered for (install.json), or None when it cannot be read."""
    import json

    from ..core.paths import orch_dir

    try:
        data = json.loads((orch_dir(root) / "install.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = data.get("platforms")
    return found if isinstance(found, dict) else None


def check_wired(root: Path, agents: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    from ..platforms import UnknownPlatformError, get

    if not agents:
        return _result("hooks-wired", False, "no agent is installed (.orchestrator/install.json missing or empty)",
                       "render the template with 'session-orchestrator init'")
    gaps, fine = [], []
    for name in sorted(agents):
        data = agents[name]
        label = data.get("label", name)
        try:
            missing = get(name).missing_hooks(root, data)
        except UnknownPlatformError as exc:
            gaps.append(f"{label}: {exc}")
            continue
        if missing is None:
            gaps.append(f"{label}: {data.get('settings_file', 'its settings')} missing or unreadable")
        elif missing:
            gaps.append(f"{label}: not wired for {', '.join(missing)}")
        else:
            fine.append(label)
    if gaps:
        return _result("hooks-wired", False, "; ".join(gaps), "run 'python3 .orchestrator/runtime install'")
    return _result("hooks-wired", True, f"wired for {', '.join(fine)}")


def check_firing(agents: dict[str, dict[str, Any]] | None, answers: dict[str, tuple[bool, str]],
                 liveness: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """`answers`: doctor's probe per agent; `liveness`: (level, why) from the agents' heartbeats, reported
    beside it (a repository no agent has opened yet has none, which is not a fault of its wiring)."""
    if not agents:
        return _result("hooks-firing", False, "no agent is installed", "render the template first")
    parts, ok = [], True
    for name in sorted(agents):
        label = agents[name].get("label", name)
        answered, detail = answers.get(name, (False, "not probed"))
        ok = ok and answered
        level = liveness.get(name, ("", ""))[0]
        parts.append(f"{label}: {detail}" + (f" (last session: {level})" if level else ""))
    return _result("hooks-firing", ok, "; ".join(parts),
                   "run 'python3 .orchestrator/runtime doctor' and fix what it reports")


def check_gates(gate_checks: list[dict[str, Any]] | None) -> dict[str, Any]:
    """`gate_checks`: doctor's gate probes (its checks of kind 'gate', in test, typecheck, lint order);
    None when the Session Config could not be read, so no gate command is known."""
    if gate_checks is None:
        return _result("gates", False, "not probed: the Session Config cannot be read", "fix the Session Config")
    failed = [c["text"] for c in gate_checks if c["level"] == "fail"]
    skipped_test = any(c["level"] == "warn" and c["text"].startswith("test gate is skipped") for c in gate_checks)
    if failed:
        return _result("gates", False, "; ".join(failed), gate_checks[0].get("fix") or "see 'doctor'")
    if skipped_test or not gate_checks:
        return _result("gates", False, "the test gate is skipped: no gate judges a change",
                       "set test-command in the Session Config")
    ran = [c["text"].split()[0] for c in gate_checks if c["level"] == "ok"]
    skipped = [c["text"].split()[0] for c in gate_checks if c["level"] != "ok"]
    also = f"; skipped: {', '.join(skipped)}" if skipped else ""
    return _result("gates", True, f"runnable: {', '.join(ran)}{also}")


def check_tests(root: Path) -> dict[str, Any]:
    from .discoveryprobes import files, is_test, stack_of

    tests = [p for p in files(root) if is_test(p) and stack_of(p)]
    if not tests:
        return _result("tests", False, "no test file found", "add tests; a gate without tests judges nothing")
    return _result("tests", True, f"{len(tests)} test file{'' if len(tests) == 1 else 's'}")


def check_budget(root: Path, config: Any) -> dict[str, Any]:
    from .budget import measure

    limit = int(config.get("instruction-budget", 40000)) if config is not None else 40000
    total = sum(measure(root).values())
    if total > limit:
        return _result("budget", False, f"always-on instructions are {total} characters, over {limit}",
                       "shorten the instruction files or raise instruction-budget")
    return _result("budget", True, f"{total} of {limit} characters")


def check_ci(root: Path) -> dict[str, Any]:
    found = [name for name in CI_FILES if (root / name).is_file()]
    for folder in CI_DIRS:
        path = root / folder
        if path.is_dir() and any(p.is_file() for p in path.iterdir()):
            found.append(folder + "/")
    if not found:
        return _result("ci", False, "no CI configuration (" + ", ".join((CI_DIRS[0] + "/", *CI_FILES[:2])) + ", ...)",
                       "add a CI workflow that runs the tests")
    return _result("ci", True, ", ".join(sorted(found)))


def check_carryover(root: Path) -> dict[str, Any]:
    from ..loop import carryover as cfile

    try:
        waiting = cfile.pending(cfile.read(root))
    except cfile.CarryoverFileError as exc:
        return _result("carryover", False, str(exc), f"repair {cfile.REL_PATH}")
    if waiting:
        return _result("carryover", False, f"{len(waiting)} entr{'y' if len(waiting) == 1 else 'ies'} in "
                       f"{cfile.REL_PATH} not filed", "run 'python3 .orchestrator/runtime close carryover'")
    return _result("carryover", True, "nothing waiting")


def evaluate(root: Path, gate_checks: list[dict[str, Any]] | None, answers: dict[str, tuple[bool, str]],
             liveness: dict[str, tuple[str, str]], ts: str) -> dict[str, Any]:
    """The rubric's document (`audit --json`): every check in a fixed order, the score, the time."""
    config_check, config = check_config(root)
    agents = installed(root)
    checks = [config_check, check_wired(root, agents), check_firing(agents, answers, liveness),
              check_gates(gate_checks), check_tests(root), check_budget(root, config), check_ci(root),
              check_carryover(root)]
    return {"format": FORMAT, "ts": ts, "score": sum(c["points"] for c in checks), "max": sum(POINTS.values()),
            "checks": checks}


def record(root: Path, data: dict[str, Any]) -> None:
    """Append the score to the metrics, for `report`'s trend."""
    from ..loop.audittrend import append

    append(root, {"ts": data["ts"], "score": data["score"], "max": data["max"],
                  "failed": [c["id"] for c in data["checks"] if not c["ok"]]})


def format_text(data: dict[str, Any]) -> str:
    out = [f"audit: {data['score']}/{data['max']}"]
    for check in data["checks"]:
        out.append(f"  {'ok  ' if check['ok'] else 'FAIL'} {check['points']:>2}/{check['max']:<2} {check['title']}: "
                   f"{check['reason']}")
        if check["fix"]:
            out.append(f"             fix: {check['fix']}")
    return "\n".join(out)
