"""The repository's `doctor`, read as data: whether an install or update worked.

`init` and `update` end by running the vendored runtime's `doctor --json` (a documented shape: see
"Troubleshooting" in docs/user-guide.md) and judge its checks by their `level` and `kind`, never by
their words. Two failures do not fail an install: a gate probe that fails (a tool this machine lacks,
`kind: gate`) and a trust step the agent lets the user take only once its hooks exist (`kind:
trust-step`); they are printed as warnings. The checks are shown in doctor's own terminal layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from session_orchestrator import console, repo_runtime
from session_orchestrator.errors import EXIT_FAILED, EXIT_OK

# Failed checks that leave the install itself sound: the user's next step, not a broken result.
NEXT_STEPS = frozenset({"gate", "trust-step"})
FIX_DOCTOR = "fix them, then run 'python3 .orchestrator/runtime doctor'"


@dataclass(frozen=True)
class Check:
    level: str  # ok, warn, fail or note
    text: str
    fix: str | None
    kind: str | None


@dataclass(frozen=True)
class Report:
    """One `doctor --json` run: its checks, and what the process itself returned."""

    root: str
    checks: tuple[Check, ...]
    summary: str
    returncode: int
    stderr: str

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.level == "fail"]

    def install_worked(self) -> bool:
        """Nothing failed, or only what the user does next (see NEXT_STEPS)."""
        failed = self.failed
        return self.returncode == 0 or (bool(failed) and all(check.kind in NEXT_STEPS for check in failed))

    def render(self) -> str:
        """The checks as doctor prints them at a terminal: a header, one line per check with its fix, the sum."""
        lines = [f"session-orchestrator doctor: {self.root}"]
        for check in self.checks:
            lines.append(f"  {'FAIL' if check.level == 'fail' else check.level:<5} {check.text}")
            if check.fix:
                lines.append(f"        fix: {check.fix}")
        lines.append(self.summary)
        return "\n".join(lines)


def parse(stdout: str, returncode: int, stderr: str) -> Report | None:
    """The report `doctor --json` printed; None when stdout is not that object (a runtime too old for it)."""
    try:
        data: Any = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
        return None
    checks = tuple(Check(str(item.get("level")), str(item.get("text")), item.get("fix"), item.get("kind"))
                   for item in data["checks"] if isinstance(item, dict))
    return Report(str(data.get("root", "")), checks, str(data.get("summary", "")), returncode, stderr)


def run(dest: Path) -> Report | None:
    result = repo_runtime.run(dest, "doctor", "--json")
    return parse(result.stdout, result.returncode, result.stderr)


def after_install(dest: Path, quiet: bool) -> int:
    """Check what `init` or `update` left; print the checks (only the failed ones' lines when quiet)."""
    report = run(dest)
    if report is None:  # a runtime without `doctor --json`: its own lines and its exit code
        result = repo_runtime.run(dest, "doctor")
        if result.returncode == 0:
            if not quiet:
                console.show(result)
            return EXIT_OK
        console.show(result)
        console.error(f"the result has problems (listed above); {FIX_DOCTOR}")
        return EXIT_FAILED
    failed = report.failed
    if report.install_worked():
        if not quiet or failed:
            console.out(report.render())
        for check in failed:
            console.warn(f"{check.text} (the install itself worked)")
        return EXIT_OK
    console.out(report.render())
    if report.stderr.strip():
        console.out_err(report.stderr.rstrip())
    console.error(f"the result has problems (listed above); {FIX_DOCTOR}")
    return EXIT_FAILED
