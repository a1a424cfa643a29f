"""`init` wherever a user or a script starts it: no stdin, /dev/null, a pipe to a log, a real terminal.

Every run is the installed command in a subprocess (or a pseudo-terminal), so stdin and stderr are
what the operating system hands it, not a test harness's stand-ins.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from session_orchestrator.template import ANSWERS_FILE
from tests.cli.test_init_prompts import drive
from tests.helpers import GIT_ENV, copy_example

ESC = "\x1b"


def cli(args: list[str], cwd: Path, stdin: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI with stdin `closed` (as some CI runners and editor tasks start it), `devnull` or `pipe`."""
    command = [sys.executable, "-m", "session_orchestrator", *args]
    full_env = {**os.environ, **GIT_ENV, **(env or {})}
    full_env.pop("NO_COLOR", None)
    if stdin == "closed":
        command = ["sh", "-c", 'exec "$@" <&-', "sh", *command]
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=full_env, timeout=300)
    source = subprocess.DEVNULL if stdin == "devnull" else subprocess.PIPE
    return subprocess.run(command, cwd=cwd, stdin=source, capture_output=True, text=True, env=full_env,
                          timeout=300, **({"input": ""} if stdin == "pipe" else {}))


@pytest.mark.parametrize("stdin", ["closed", "devnull"])
def test_init_without_a_terminal_takes_the_defaults_and_logs_plain_text(tmp_path: Path, stdin: str) -> None:
    repo = copy_example(tmp_path / "calc")
    result = cli(["init", str(repo)], cwd=tmp_path, stdin=stdin)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "isatty" not in output and "Traceback" not in output
    assert (repo / ANSWERS_FILE).is_file()
    assert "create  .orchestrator/runtime" in result.stderr  # Copier's progress lines are kept...
    assert ESC not in output  # ...without the colour codes a log file would show raw


def test_init_at_a_terminal_asks(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    code, output = drive(["init", str(repo)], cwd=tmp_path)
    assert code == 0, output
    assert "Which coding agents should get the session loop?" in output
    assert "How many waves /go runs" in output
    assert (repo / ANSWERS_FILE).is_file()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("agents_per_wave=abc", "agents_per_wave: 'abc' is not a whole number; agents_per_wave (The most "
                                "subagents one wave may run in parallel (at least 2).) takes one, e.g. "
                                "-d agents_per_wave=6"),
        ("persistence=maybe", "persistence: 'maybe' is not a yes/no answer; persistence (Keep STATE.md and "
                              "session metrics so a crashed or paused session can resume?) takes true or false "
                              "(also yes/no, on/off, 1/0), e.g. -d persistence=true"),
        ("vcs=svn", "vcs: 'svn' is not one of the choices; vcs takes auto, github, gitlab or none, e.g. -d vcs=auto"),
    ],
    ids=["int", "bool", "choice"],
)
def test_a_bad_answer_names_the_question_and_what_it_accepts(tmp_path: Path, answer: str, expected: str) -> None:
    repo = copy_example(tmp_path / "calc")
    result = cli(["init", str(repo), "-d", answer], cwd=tmp_path, stdin="devnull")
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {expected}"], result.stderr
    assert not (repo / ANSWERS_FILE).exists() and not (repo / ".orchestrator").exists()


@pytest.mark.parametrize(("answer", "recorded"), [("persistence=no", False), ("persistence=ON", True),
                                                  ("agents_per_wave= 4", 4)])
def test_good_answers_are_recorded_in_the_questions_type(tmp_path: Path, answer: str, recorded: object) -> None:
    repo = copy_example(tmp_path / "calc")
    result = cli(["init", str(repo), "-d", answer], cwd=tmp_path, stdin="devnull")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert answers[answer.split("=")[0]] == recorded


@pytest.mark.parametrize("args", [["--help"], ["init", "--help"], ["update", "--help"], ["demo", "--help"]])
def test_help_shows_flags_as_flags(tmp_path: Path, args: list[str]) -> None:
    result = cli(args, cwd=tmp_path, stdin="devnull", env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout and "list[str]" not in result.stdout, result.stdout
    assert ESC not in result.stdout
    if args == ["init", "--help"]:
        assert "--data      -d      <key=value>" in result.stdout
