"""`init` at a terminal asks the template's questions, with what it detected as the defaults.

The CLI runs in a real pseudo-terminal; the test presses Enter whenever the
output goes quiet, so every answer is the proposed default.
"""

from __future__ import annotations

import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import yaml

from tests.helpers import GIT_ENV, copy_example

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def drive(args: list[str], cwd: Path, idle: float = 0.6, limit: float = 120) -> tuple[int, str]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, as a user would start it at a terminal
        os.chdir(cwd)
        os.environ.update(GIT_ENV)
        os.execv(sys.executable, [sys.executable, "-m", "session_orchestrator", *args])
    output, last, presses = b"", time.monotonic(), 0
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output, last = output + chunk, time.monotonic()
        elif time.monotonic() - last > idle and presses < 20:
            os.write(fd, b"\r")
            presses, last = presses + 1, time.monotonic()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), ANSI.sub("", output.decode(errors="replace")).replace("\r", "")


def test_init_asks_with_detected_defaults_and_offers_only_wired_platforms(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    code, output = drive(["init", str(repo)], cwd=tmp_path)
    assert code == 0, output
    assert "Which coding agents should get the session loop?" in output
    for label in ("Claude Code", "Codex CLI", "Cursor", "Pi"):
        assert label in output[:output.index("Command that runs your test suite")], label
    assert "not wired" not in output
    question = output.index("Command that runs your test suite")
    assert "python3 -m pytest" in output[question:question + 400]  # the detected command is the default
    answers = yaml.safe_load((repo / ".copier-answers.session-orchestrator.yml").read_text())
    assert answers["platforms"] == ["claude"]
    assert "pytest" in answers["test_command"]
    assert "Traceback" not in output
