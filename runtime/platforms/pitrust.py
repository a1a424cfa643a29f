# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Pi's project trust, read from Pi's own files for `doctor` (never on the hook path).

Pi 0.79 and later load a project's `.pi/` (our guard extension with it) only from
a trusted project; print and JSON modes cannot ask, so an untrusted project runs
without the guard and without a word. Pi keeps the decisions in
`<agent dir>/trust.json` (agent dir: `$PI_CODING_AGENT_DIR`, default
`~/.pi/agent`) as `{"/canonical/path": true | false | null}`; the nearest saved
decision for the project or one of its parents applies, and without one the
global setting `defaultProjectTrust` ("ask", "always", "never") decides. A file
we cannot read says nothing either way: "cannot tell" is a warning, never an ok.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def agent_dir(env: Any) -> Path:
    configured = env.get("PI_CODING_AGENT_DIR")
    if configured:
        return Path(os.path.expanduser(configured))
    return Path(env.get("HOME") or os.path.expanduser("~")) / ".pi" / "agent"


def _read(path: Path) -> Any:
    """The file's JSON, {} when it does not exist; raises ValueError/OSError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text.lstrip("\ufeff"))


def saved_decision(trust: dict[str, Any], root: Path) -> tuple[bool, str] | None:
    """The nearest saved yes/no for `root` or a parent, as Pi looks it up, with the path it was saved for."""
    current = Path(os.path.realpath(root))
    while True:
        value = trust.get(str(current))
        if value is True or value is False:
            return value, str(current)
        if current.parent == current:
            return None
        current = current.parent


def trust_checks(root: Path, data: dict[str, Any], env: Any) -> list[tuple[str, str, str]]:
    label = data.get("label", "Pi")
    base = agent_dir(env)
    store = base / "trust.json"
    real = os.path.realpath(root)
    fix = (f"start `pi` in {real} and choose to trust the project when it asks (or type /trust there), "
           f'or add "{real}": true to {store}')
    try:
        trust = _read(store)
        if not isinstance(trust, dict):
            raise ValueError("expected a JSON object")
    except (OSError, ValueError) as exc:
        return [("warn", f"{label}: cannot tell whether Pi trusts this project ({store}: {exc})",
                 f"fix {store}, then {fix}")]
    found = saved_decision(trust, Path(real))
    if found and found[0]:
        where = "this project" if found[1] == real else f"{found[1]} and what is in it"
        return [("ok", f"{label}: Pi trusts {where} ({store})", "")]
    if found:
        return [("fail", f"{label}: Pi is told not to trust {found[1]} ({store}), so version 0.79 and later "
                         "do not load the guard extension there",
                 fix.replace(f'add "{real}": true', f'set "{found[1]}" to true'))]
    try:
        settings = _read(base / "settings.json")
    except (OSError, ValueError):
        settings = {}
    default = settings.get("defaultProjectTrust") if isinstance(settings, dict) else None
    if default == "always":
        return [("ok", f"{label}: Pi trusts every project (defaultProjectTrust: always in {base / 'settings.json'})",
                 "")]
    return [("warn", f"{label}: Pi has no trust decision saved for this project ({store}); version 0.79 and later "
                     "ask at the first start, and runs with -p skip the guard extension until it is trusted", fix)]
