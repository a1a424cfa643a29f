# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`config`: validate the Session Config and show every resolved value."""

from __future__ import annotations

import json
import sys
from typing import Any

from ..core.config import SCHEMA, ConfigError, format_problems, format_value, load
from ..core.paths import project_root
from ..loop.detect import resolve


def add_arguments(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print the validated values as JSON")


def run(args: Any) -> int:
    root = project_root()
    try:
        config = load(root)
    except ConfigError as exc:
        print("Session Config is invalid:", file=sys.stderr)
        print(format_problems(exc.problems), file=sys.stderr)
        return 1
    from ..core.configcopies import disagreements

    copies = disagreements(root, config)
    resolved = {
        kind: resolve(kind, config[f"{kind}-command"], root) for kind in ("test", "typecheck", "lint")
    }
    if args.json:
        data = dict(config.values)
        data["_resolved"] = {k: {"command": c, "source": s} for k, (c, s) in resolved.items()}
        data["_source"] = str(config.source)
        data["_other_copies"] = [{"file": p.file, "line": p.line, "message": p.message, "fix": p.fix} for p in copies]
        print(json.dumps(data, indent=2))
        return 0
    source = config.source.name if config.source else "?"
    print(f"Session Config from {source}: valid")
    width = max(len(k) for k in SCHEMA)
    for name in SCHEMA:
        value = config.values[name]
        line = config.lines.get(name)
        origin = f"line {line}" if line else "default"
        shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if SCHEMA[name].subkeys else format_value(value)
        extra = ""
        kind = name.removesuffix("-command")
        if kind in resolved:
            command, why = resolved[kind]
            extra = f"  -> {command} ({why})" if command != value else ""
        print(f"  {name:<{width}}  {shown}{extra}   [{origin}]")
    if config.warnings or copies:
        print(format_problems(config.warnings + copies))
    return 0
