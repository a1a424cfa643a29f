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
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .config import ConfigError, load
from .detect import resolve
from .paths import orch_dir, project_root


def add_arguments(parser: Any) -> None:
    pass


class Report:
    def __init__(self) -> None:
        self.failures = 0

    def ok(self, text: str) -> None:
        print(f"  ok    {text}")

    def warn(self, text: str, fix: str = "") -> None:
        print(f"  warn  {text}" + (f"\n        fix: {fix}" if fix else ""))

    def fail(self, text: str, fix: str) -> None:
        self.failures += 1
        print(f"  FAIL  {text}\n        fix: {fix}")


def _hook(root: Path, platform: str, payload: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SO_PROJECT_DIR": str(root)}
    return subprocess.run([sys.executable, str(orch_dir(root) / "runtime"), "hook", platform, "pre-tool-use"],
                          input=json.dumps(payload), capture_output=True, text=True, timeout=20, env=env)


def check_hooks(root: Path, report: Report, guard_lifted: bool = False) -> None:
    manifest_path = orch_dir(root) / "install.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.fail(f"{manifest_path.relative_to(root)} unreadable ({exc})", "re-render with 'copier update'")
        return
    for name, data in manifest.get("platforms", {}).items():
        settings = root / data["settings_file"]
        try:
            wired = json.loads(settings.read_text(encoding="utf-8")).get("hooks", {})
        except (OSError, ValueError):
            report.fail(f"{data['settings_file']} missing or not JSON", "run 'python3 .orchestrator/runtime install'")
            continue
        missing = [event for event in data.get("hooks", {})
                   if not any(".orchestrator/runtime" in h.get("command", "")
                              for group in wired.get(event, []) for h in group.get("hooks", []))]
        if missing:
            report.fail(f"{data['label']}: hooks not wired for {', '.join(missing)}",
                        "run 'python3 .orchestrator/runtime install'")
        else:
            report.ok(f"{data['label']}: hooks wired in {data['settings_file']} ({', '.join(data.get('hooks', {}))})")
        allowed = _hook(root, name, {"tool_name": "Bash", "tool_input": {"command": "ls"}})
        denied = _hook(root, name, {"tool_name": "Bash", "tool_input": {"command": "rm -rf ./build"}})
        deny_ok = '"permissionDecision": "deny"' in denied.stdout
        if guard_lifted and allowed.returncode == 0 and not denied.stdout.strip():
            report.warn(f"{data['label']}: the destructive-command guard is OFF (allow-destructive-ops: true)",
                        "remove allow-destructive-ops from the Session Config when the session is done")
        elif allowed.returncode == 0 and not allowed.stdout.strip() and deny_ok:
            report.ok(f"{data['label']}: guard answers (allows 'ls', denies 'rm -rf ./build')")
        else:
            report.fail(f"{data['label']}: the guard did not answer as expected "
                        f"(allow rc={allowed.returncode}, deny output={denied.stdout.strip()[:80]!r})",
                        "see .orchestrator/state/hook-errors.log")


def check_config(root: Path, report: Report) -> bool:
    """Check the Session Config; True when it lifts the destructive-command guard."""
    try:
        config = load(root)
    except ConfigError as exc:
        for problem in exc.problems:
            report.fail(str(problem).splitlines()[0], problem.fix or "see docs/session-config.md")
        return False
    report.ok(f"Session Config in {config.source.name if config.source else '?'} is valid")
    for warning in config.warnings:
        report.warn(str(warning).splitlines()[0], warning.fix)
    check_gate_commands(root, report, config)
    return bool(config.get("allow-destructive-ops"))


def check_gate_commands(root: Path, report: Report, config: Any) -> None:
    """Prove each configured check can run, by running a cheap probe of the real tool.

    "The command exists" is not enough: a python3 without pytest exists, and a gate
    built on it records nothing but errors. The probes write no session state.
    """
    from .gates import probe

    for kind in ("test", "typecheck", "lint"):
        command, why = resolve(kind, config[f"{kind}-command"], root)
        if command == "skip":
            report.warn(f"{kind} gate is skipped ({why})", f"set {kind}-command in the Session Config")
            continue
        status, detail, fix = probe(kind, command, root)
        if status == "ok":
            report.ok(f"{kind} gate: {command} ({why}); probe {detail}")
        else:
            report.fail(f"{kind} gate cannot run: {command} ({why}): {detail}",
                        f"{fix}; or set {kind}-command in the Session Config")


def run(args: Any) -> int:
    from . import __version__

    root = project_root()
    report = Report()
    print(f"session-orchestrator doctor: {root}")
    report.ok(f"Python {sys.version.split()[0]}, runtime {__version__}")
    if not (root / ".git").exists():
        report.warn("not a git repository", "run 'git init': sessions commit their work and gates compare refs")
    check_hooks(root, report, guard_lifted=check_config(root, report))
    print("all checks passed" if not report.failures else f"{report.failures} check(s) failed")
    return 1 if report.failures else 0
