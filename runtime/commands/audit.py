# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`audit`: score the repository's harness (learning/audit.py) and append the score to the metrics.

The probes that run a real program (each agent's hook, each gate's tool) are doctor's,
run here and handed to the rubric as data, so `audit` and `doctor` never judge one thing
two ways."""

from __future__ import annotations

import json
from typing import Any


def add_arguments(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print the checks and the score as JSON")
    parser.add_argument("--no-record", action="store_true",
                        help="do not append the score to .orchestrator/metrics/audit.jsonl")


def run(args: Any) -> int:
    from ..core.config import ConfigError, load
    from ..core.paths import project_root
    from ..guards.pinning import status
    from ..learning import audit
    from ..loop.state import now_iso
    from . import doctor

    root = project_root()
    gate_checks: list[dict[str, Any]] | None = None
    lifted = False
    try:
        config = load(root)
        lifted = bool(config.get("allow-destructive-ops"))
        report = doctor.Report(echo=False)
        doctor.check_gate_commands(root, report, config)
        gate_checks = [c for c in report.checks if c["kind"] == doctor.GATE]
    except ConfigError:
        pass  # the config check fails on its own; its gates cannot be read
    agents = audit.installed(root) or {}
    answers = {name: doctor.guard_answers(root, name, lifted) for name in sorted(agents)}
    liveness = {}
    for name in sorted(agents):
        level, why = status(root, name)
        liveness[name] = (level, why)
    data = audit.evaluate(root, gate_checks, answers, liveness, now_iso())
    if not args.no_record:
        audit.record(root, data)
    print(json.dumps(data, indent=2) if args.json else audit.format_text(data))
    return 0
