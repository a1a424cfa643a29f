# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Append-only JSON Lines files that stay well-formed under concurrent writers.

Each record is written with a single `write()` on an `O_APPEND` descriptor while
holding an exclusive `flock`, so two processes can never interleave halves of a
line, even for records larger than the pipe-atomic size.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import quickjson

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

try:
    import fcntl
except ImportError:  # Windows: O_APPEND alone still keeps short lines whole
    fcntl = None  # type: ignore[assignment]


def append(path: Path, record: dict[str, Any]) -> None:
    data = (quickjson.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)  # closing releases the lock


def read(path: Path) -> list[dict[str, Any]]:
    """All well-formed records; a torn or hand-edited line is skipped, not fatal."""
    import json  # here, not at the top: a hook call appends records and never reads them

    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            out.append(value)
    return out
