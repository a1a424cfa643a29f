# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`doctor`: check the wiring a user cannot see, and say how to fix each gap.

A hook whose script is missing fails silently in most agents (exit 127 is a
non-blocking error), so "is the guard actually running?" deserves a command
that answers it by running the hook for real.

doctor only looks: `init` and `update` run it, and users run it again and again,
so ten runs must give ten identical answers and leave `.orchestrator/state/` and
`.orchestrator/metrics/` untouched. The hook probes therefore run the real hook
program against a throwaway project root that holds copies of the files the guard
reads (the Session Config and the guard overlay): their loop-guard history,
telemetry and error log land there and vanish with it.

Every check is kept as a record (level, text, fix, kind) as it is made; the terminal
lines and `--json` are two renderings of the same records, so a script reads the
checks as data instead of matching printed text (a documented, stable shape).
`kind` marks the checks a script must tell apart without reading their words:
`session-orchestrator init` and `update` count a failed gate probe (a tool this
machine lacks) and a trust step the agent asks for only once its hooks exist as
next steps, not as a failed install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..core.config import CONFIG_FILES, ConfigError, load
from ..core.paths import orch_dir, project_root
from ..loop.detect import resolve
from ..platforms import UnknownPlatformError, get

JSON_SCHEMA = 1
# The `kind` of a check, for scripts (None for every other check): a gate command's probe; the agent's own
# trust of the project or its hooks; a failed trust check the agent lets the user resolve only after the
# install (the platform's `trust_follows_install`).
GATE, TRUST, TRUST_STEP = "gate", "trust", "trust-step"


def add_arguments(parser: Any) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print the checks as one JSON object instead of lines (a documented, stable shape)")


class Report:
    """The checks made so far, as data; `echo` also prints each line as it is made (the terminal view)."""

    def __init__(self, echo: bool = True) -> None:
        self.failures = 0
        self.warnings = 0
        self.echo = echo
        self.checks: list[dict[str, Any]] = []

    def _add(self, level: str, text: str, fix: str = "", kind: str | None = None) -> None:
        self.checks.append({"level": level, "text": text, "fix": fix or None, "kind": kind})
        if self.echo:
            print(f"  {'FAIL' if level == 'fail' else level:<5} {text}" + (f"\n        fix: {fix}" if fix else ""))

    def ok(self, text: str, kind: str | None = None) -> None:
        self._add("ok", text, kind=kind)

    def warn(self, text: str, fix: str = "", kind: str | None = None) -> None:
        self.warnings += 1
        self._add("warn", text, fix, kind)

    def note(self, text: str) -> None:
        """What the user does next (how to start an agent, a trust step doctor cannot see): never counted."""
        self._add("note", text)

    def fail(self, text: str, fix: str, kind: str | None = None) -> None:
        self.failures += 1
        self._add("fail", text, fix, kind)

    def as_json(self, root: Path, version: str) -> dict[str, Any]:
        """The `--json` object: its keys are a promise to scripts, so add keys, never rename them."""
        return {"schema_version": JSON_SCHEMA, "root": str(root), "runtime_version": version,
                "ok": not self.failures, "failures": self.failures, "warnings": self.warnings,
                "summary": self.summary(), "checks": self.checks}

    def summary(self) -> str:
        """Warnings are counted apart: they never fail the run, so they must not read as failures."""
        warned = f"{self.warnings} warning{'' if self.warnings == 1 else 's'}"
        if not self.failures:
            return "all checks passed" + (f" ({warned})" if self.warnings else "")
        failed = f"{self.failures} check{'' if self.failures == 1 else 's'} failed"
        return failed + (f", {warned}" if self.warnings else "")


# What the guard reads from the project root (besides its own runtime directory).
_PROBE_INPUTS = (*CONFIG_FILES, ".orchestrator/policy/guard.json")


def _probe_root(root: Path, scratch: Path) -> Path:
    """A stand-in project root with copies of the guard's inputs; see the module docstring."""
    for name in _PROBE_INPUTS:
        source = root / name
        if source.is_file():
            target = scratch / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return scratch


def _hook(root: Path, probe_root: Path, platform: str,
          payload: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SO_PROJECT_DIR": str(probe_root)}
    return subprocess.run([sys.executable, str(orch_dir(root) / "runtime"), "hook", platform, "pre-tool-use"],
                          input=json.dumps(payload), capture_output=True, text=True, timeout=20, env=env,
                          cwd=probe_root)


def check_hooks(root: Path, report: Report, guard_lifted: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="so-doctor-") as scratch:
        _check_hooks(root, _probe_root(root, Path(scratch)), report, guard_lifted)


def _check_hooks(root: Path, probe_root: Path, report: Report, guard_lifted: bool) -> None:
    manifest_path = orch_dir(root) / "install.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.fail(f"{manifest_path.relative_to(root)} unreadable ({exc})", "re-render with 'copier update'")
        return
    for name, data in manifest.get("platforms", {}).items():
        label = data.get("label", name)
        try:
            platform = get(name)
        except UnknownPlatformError as exc:
            report.fail(f"{label}: {exc} in this runtime", "re-render with 'copier update'")
            continue
        where = data.get("settings_file", "its settings")
        missing = platform.missing_hooks(root, data)
        if missing is None:
            report.fail(f"{where} missing or unreadable", "run 'python3 .orchestrator/runtime install'")
            continue
        if missing:
            report.fail(f"{label}: hooks not wired for {', '.join(missing)}",
                        "run 'python3 .orchestrator/runtime install'")
        else:
            report.ok(f"{label}: hooks wired in {where} ({', '.join(data.get('hooks', {}))})")
        for level, text, fix in platform.trust_checks(root, data):
            if level == "ok":
                report.ok(text, TRUST)
            elif level == "fail":
                report.fail(text, fix, TRUST_STEP if platform.trust_follows_install else TRUST)
            else:
                report.warn(text, fix, TRUST)
        allowed = _hook(root, probe_root, name, platform.probe("ls"))
        denied = _hook(root, probe_root, name, platform.probe("rm -rf ./build"))
        deny_ok = platform.denies(denied.stdout, denied.returncode)
        if guard_lifted and platform.allows(denied.stdout, denied.returncode):
            report.warn(f"{label}: the destructive-command guard is OFF (allow-destructive-ops: true)",
                        "remove allow-destructive-ops from the Session Config when the session is done")
        elif platform.allows(allowed.stdout, allowed.returncode) and deny_ok:
            report.ok(f"{label}: guard answers (allows 'ls', denies 'rm -rf ./build')")
        else:
            log = probe_root / ".orchestrator" / "state" / "hook-errors.log"
            detail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] if log.exists() else []
            report.fail(f"{label}: the guard did not answer as expected "
                        f"(allow rc={allowed.returncode}, deny output={denied.stdout.strip()[:80]!r}"
                        + (f", error: {detail[0][:160]}" if detail else "") + ")",
                        "run 'python3 .orchestrator/runtime doctor' after fixing the error above")
        _check_liveness(root, name, label, not missing, report)
        for key in ("start", "trust"):  # optional platform data: the steps only the user can take
            if data.get(key):
                report.note(f"{label}: {data[key]}")
        for level, text, fix in platform.checkup(root, data, manifest.get("platforms", {})):
            if level == "warn":
                report.warn(f"{label}: {text}", fix)
            else:
                report.ok(f"{label}: {text}")


def _check_liveness(root: Path, name: str, label: str, wired: bool, report: Report) -> None:
    """Whether the agent really ran our hooks in its latest session here (their heartbeat), which the
    probes above cannot tell: an agent may skip hooks (an untrusted workspace, hooks disabled, a bare run)."""
    from ..guards.pinning import ENFORCED, NOT_FIRING, status

    level, why = status(root, name, wired=wired)
    if level == ENFORCED:
        report.ok(f"{label}: enforcement {level} ({why})")
    elif level == NOT_FIRING:
        report.warn(f"{label}: enforcement {level} ({why})",
                    f"start {label} in this repository; if its hooks still do not fire, check that the workspace "
                    "is trusted, that hooks are not disabled in its user or project settings, and that it is "
                    "not started in a mode that skips hooks")
    else:
        report.warn(f"{label}: enforcement {level} ({why})", "run 'python3 .orchestrator/runtime install', then "
                    f"start a new {label} session")


def check_config(root: Path, report: Report) -> bool:
    """Check the Session Config; True when it lifts the destructive-command guard."""
    try:
        config = load(root)
    except ConfigError as exc:
        for problem in exc.problems:
            report.fail(str(problem).splitlines()[0],
                        problem.fix or "'python3 .orchestrator/runtime config' shows every key")
        return False
    report.ok(f"Session Config in {config.source.name if config.source else '?'} is valid")
    from ..core.configcopies import disagreements

    for warning in config.warnings + disagreements(root, config):
        report.warn(str(warning).splitlines()[0], warning.fix)
    check_gate_commands(root, report, config)
    return bool(config.get("allow-destructive-ops"))


def check_gate_commands(root: Path, report: Report, config: Any) -> None:
    """Prove each configured check can run, by running a cheap probe of the real tool.

    "The command exists" is not enough: a python3 without pytest exists, and a gate
    built on it records nothing but errors. The probes write no session state.
    """
    from ..loop.probes import probe

    for kind in ("test", "typecheck", "lint"):
        command, why = resolve(kind, config[f"{kind}-command"], root)
        if command == "skip":
            report.warn(f"{kind} gate is skipped ({why})", f"set {kind}-command in the Session Config", GATE)
            continue
        status, detail, fix = probe(kind, command, root)
        if status == "ok":
            report.ok(f"{kind} gate: {command} ({why}); probe {detail}", GATE)
        else:
            also = "" if f"{kind}-command" in fix else f"; or set {kind}-command in the Session Config"
            report.fail(f"{kind} gate cannot run: {command} ({why}): {detail}", f"{fix}{also}", GATE)


def check_version(root: Path, version: str, report: Report) -> None:
    """The runtime must be the version the answers file records: a runtime left behind by an
    update (or restored from an old commit) behaves unlike the docs of the installed release."""
    import re

    answers = root / ".copier-answers.session-orchestrator.yml"
    try:
        text = answers.read_text(encoding="utf-8")
    except OSError:
        return
    found = re.search(r"^_commit: ['\"]?v?([0-9][^'\"\s-]*)", text, re.MULTILINE)
    if found and found.group(1) != version:
        report.warn(f"runtime {version} but {answers.name} records template {found.group(1)}",
                    "run 'session-orchestrator update' (it restores the runtime of the recorded version)")


def run(args: Any) -> int:
    from .. import __version__

    root = project_root()
    as_json = bool(getattr(args, "json", False))
    report = Report(echo=not as_json)
    if not as_json:
        print(f"session-orchestrator doctor: {root}")
    report.ok(f"Python {sys.version.split()[0]}, runtime {__version__}")
    check_version(root, __version__, report)
    if not (root / ".git").exists():
        report.warn("not a git repository", "run 'git init': sessions commit their work and gates compare refs")
    check_integrity(report)
    check_hooks(root, report, guard_lifted=check_config(root, report))
    check_backstop(root, report)
    print(json.dumps(report.as_json(root, __version__), indent=2) if as_json else report.summary())
    return 1 if report.failures else 0


def check_integrity(report: Report) -> None:
    """The runtime doing the checking is the one the hooks run: is it the released one?"""
    from ..core import integrity

    problems = integrity.check_running()
    for problem in problems:
        report.fail(f"runtime file {problem}", problem.fix)
    if not problems:
        report.ok(f"runtime files match {integrity.MANIFEST}")


def check_backstop(root: Path, report: Report) -> None:
    """Is the git backstop where git will run it, and can it run there? It is what still stands when an
    agent's hooks do not fire, and hook managers rewrite the file it lives in (docs/guards.md, "Git backstop")."""
    from ..guards import githooks

    try:
        wanted = load(root).get("git-backstop")
    except ConfigError:
        wanted = True
    state, text = githooks.status(root)
    if wanted is False:
        if state == "installed":
            report.warn(f"{text}, but the Session Config says git-backstop: false",
                        "run 'python3 .orchestrator/runtime install' when no session is active")
        else:
            report.ok("git backstop: off (git-backstop: false)")
        return
    if state == "unavailable":
        report.warn(text, "run 'git init'")
        return
    if state == githooks.SHARED:
        report.warn(text, "run 'python3 .orchestrator/runtime backstop install' to see the lines to add by hand")
        return
    if state == "missing":
        report.warn(text, "run 'python3 .orchestrator/runtime backstop install' "
                          "('session start' and 'wave start' also put it back)")
        return
    python = shutil.which("python3")
    probe = subprocess.run([python or "python3", "-S", str(orch_dir(root) / "runtime"), "backstop", "check",
                            "--probe"], cwd=root, capture_output=True, text=True, timeout=30) if python else None
    if probe is None or probe.returncode != 0:
        detail = "python3 is not on PATH" if probe is None else (probe.stderr or probe.stdout).strip()[:160]
        report.fail(f"{text}, but it cannot run: {detail}",
                    "make python3 available to git, or fix the runtime as reported above")
        return
    report.ok(f"{text}; it runs")


def guard_answers(root: Path, name: str, guard_lifted: bool = False) -> tuple[bool, str]:
    """(answers, detail): doctor's own hook probe for one agent, as data for `audit`.

    The agent's hook program is run for real against a throwaway root, as `check_hooks` does:
    it must allow 'ls' and deny 'rm -rf ./build' (allow both when the guard is lifted)."""
    try:
        platform = get(name)
    except UnknownPlatformError as exc:
        return False, str(exc)
    with tempfile.TemporaryDirectory(prefix="so-doctor-") as scratch:
        probe_root = _probe_root(root, Path(scratch))
        allowed = _hook(root, probe_root, name, platform.probe("ls"))
        denied = _hook(root, probe_root, name, platform.probe("rm -rf ./build"))
    if not platform.allows(allowed.stdout, allowed.returncode):
        return False, f"the hook did not allow 'ls' (rc={allowed.returncode})"
    if platform.denies(denied.stdout, denied.returncode):
        return True, "allows 'ls', denies 'rm -rf ./build'"
    if guard_lifted and platform.allows(denied.stdout, denied.returncode):
        return True, "answers; the destructive-command guard is lifted (allow-destructive-ops: true)"
    said = denied.stdout.strip()[:80]
    return False, f"the hook did not deny 'rm -rf ./build' (rc={denied.returncode}, output={said!r})"
