# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The instruction budget: how much always-on text the selected agents load.

Every agent reads some files into every session before the first prompt
(the instruction file, rule files, the descriptions of every command). They grow a line at a
time and nobody notices until the context is crowded. At each session start
this measures them, compares with the measurement of the previous start
(`.orchestrator/state/instruction-budget.json`) and warns when the total is over
`instruction-budget` characters or grew by more than `instruction-growth`
percent, naming the files that grew.

Which files count is platform data (`always_on`, `skill_descriptions` in
`platforms/<name>.yml`), read from the rendered `.orchestrator/install.json`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..core.paths import orch_dir, state_dir
from ..platforms import INSTRUCTION_FILES

STORE = "instruction-budget.json"
# Without an install manifest (a hand-copied runtime) the config files are all we know of.
FALLBACK = {"default": {"always_on": list(INSTRUCTION_FILES)}}


def platforms(root: Path) -> dict[str, dict[str, Any]]:
    """name -> platform data of the agents this repository was rendered for."""
    try:
        data = json.loads((orch_dir(root) / "install.json").read_text(encoding="utf-8"))
        found = data.get("platforms")
    except (OSError, ValueError):
        return FALLBACK
    return found if isinstance(found, dict) and found else FALLBACK


def _description(text: str) -> str:
    """The `description:` of a frontmatter block, folded (`>-`) or inline."""
    if not text.startswith("---"):
        return ""
    head = text[3:].split("\n---", 1)[0]
    lines = head.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("description:"):
            value = line[len("description:"):].strip()
            if value and value[0] not in ">|":
                return value.strip("'\"")
            body = []
            for follow in lines[index + 1:]:
                if follow and not follow[0].isspace():
                    break
                body.append(follow.strip())
            return " ".join(b for b in body if b)
    return ""


_IMPORT_RE = re.compile(r"(?<![\w`])@([\w./~-]+)")


def _imports(text: str) -> list[str]:
    """`@path` imports outside code spans and fences (how some agents pull one file into another)."""
    found, in_fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            found.extend(_IMPORT_RE.findall(re.sub(r"`[^`]*`", "", line)))
    return found


def _add(root: Path, file: Path, sizes: dict[str, int], follow: int) -> None:
    """Measure `file` and, `follow` hops deep, the files it imports (inside the repository only)."""
    try:
        rel = file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return
    if rel in sizes or not file.is_file():
        return
    text = file.read_text(encoding="utf-8", errors="replace")
    sizes[rel] = len(text)
    if follow > 0:
        for target in _imports(text):
            if not target.startswith("~"):
                _add(root, file.parent / target, sizes, follow - 1)


def measure(root: Path) -> dict[str, int]:
    """path (or `path#description`) -> characters, for every always-on file that exists,
    with the files they import when the platform data says `imports` (a hop limit)."""
    sizes: dict[str, int] = {}
    for data in platforms(root).values():
        follow = int(data.get("imports") or 0)
        for pattern in data.get("always_on") or []:
            for file in sorted(root.glob(str(pattern))):
                _add(root, file, sizes, follow)
        skills = data.get("skill_descriptions")
        if skills:
            for file in sorted(root.glob(str(skills))):
                rel = file.relative_to(root).as_posix() + "#description"
                if rel not in sizes:
                    sizes[rel] = len(_description(file.read_text(encoding="utf-8", errors="replace")))
    return sizes


def check(root: Path, config: Any) -> list[str]:
    """Warning lines for the banner (none when within budget), and remember this measurement."""
    budget = int(config.get("instruction-budget", 40000))
    growth = int(config.get("instruction-growth", 20))
    sizes = measure(root)
    total = sum(sizes.values())
    store = state_dir(root) / STORE
    try:
        before = json.loads(store.read_text(encoding="utf-8"))
        previous = {str(k): int(v) for k, v in (before.get("files") or {}).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        previous = None
    lines = []
    if total > budget:
        largest = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        lines.append(f"instruction budget: always-on instructions are {total} characters, over the "
                     f"instruction-budget of {budget}; largest: "
                     + ", ".join(f"{name} ({size})" for name, size in largest))
    if previous is not None:
        before_total = sum(previous.values())
        if before_total and total > before_total * (1 + growth / 100):
            grew = sorted(((name, size - previous.get(name, 0)) for name, size in sizes.items()
                           if size > previous.get(name, 0)), key=lambda kv: (-kv[1], kv[0]))
            named = ", ".join(f"{name} +{delta}{' (new)' if name not in previous else ''}" for name, delta in grew[:5])
            percent = 100 * (total - before_total) / before_total
            lines.append(f"instruction budget: always-on instructions grew {percent:.0f}% "
                         f"since the last session start ({before_total} -> {total} characters, "
                         f"instruction-growth {growth}%); grew: {named}")
    if previous != sizes:
        _write(store, {"total": total, "files": sizes})
    return lines


def _write(path: Path, data: dict[str, Any]) -> None:
    """Replace atomically; a lost update only delays a warning, so no fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
