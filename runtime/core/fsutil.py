# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Crash-safe file writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _temp_name(path: Path) -> Path:
    # pid + a nanosecond clock is unique among writers on one machine; O_EXCL below
    # turns the impossible collision into an error instead of a shared file. (Not
    # tempfile: it imports random and hashlib, a cost every state write would pay.)
    return path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same directory, fsync, then rename over `path` (text as UTF-8,
    bytes as they are)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
