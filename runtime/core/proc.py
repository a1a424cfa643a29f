# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Running git and other tools: one place for the timeout, the missing tool and the failed call.

Every caller wants the same three outcomes told apart without a traceback: the
tool ran (its exit code and output), the tool is not installed, the tool hung.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def run(args: list[str], cwd: Path, timeout: float = 10, env: dict[str, str] | None = None,
        data: str | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr); 127 when the program is missing, 124 when it timed out.

    Output that is not valid in the locale's encoding (a branch or file named in Latin-1) is kept
    byte for byte as surrogate escapes: names still reach the file system intact, and a caller
    that prints them escapes them (see hookpath.hooks), rather than the whole call failing.
    `data`, when given, is the program's standard input (git's `--stdin` path lists)."""
    try:
        out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, errors="surrogateescape",
                             timeout=timeout, env=env, input=data)
    except FileNotFoundError:
        return 127, "", f"{args[0]} is not installed"
    except subprocess.TimeoutExpired:
        return 124, "", f"{' '.join(args[:3])} did not answer within {timeout:.0f} s"
    except OSError as exc:
        return 126, "", f"{args[0]} cannot run: {exc.strerror or exc}"
    return out.returncode, out.stdout, out.stderr


def git(root: Path, *args: str, timeout: float = 20, env: dict[str, str] | None = None) -> str:
    """stdout of a git command, stripped; '' when git, the repository or the command fails."""
    code, out, _ = run(["git", *args], root, timeout, env)
    return out.strip() if code == 0 else ""


class EnvOverlay:
    """Set variables in this process's environment for a block, and put back what was there (unset stays unset).

    For work that runs a child through code reading `os.environ` (the gate's runner): the child inherits the
    overlay, and nothing leaks into what the process runs afterwards. A class, not contextlib: this module is
    on the hook path.
    """

    def __init__(self, values: dict[str, str]) -> None:
        self.values = dict(values)
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        self.saved = {key: os.environ.get(key) for key in self.values}
        os.environ.update(self.values)

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
