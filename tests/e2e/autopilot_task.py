"""One small real task, run unattended through `autopilot` and by the bare agent CLI alone.

The end-to-end autopilot tests (`test_autopilot_clients.py`) and the overhead benchmark
(`benchmarks/autopilot_overhead.py`) share this, so what the benchmark measures is what the
tests prove works. The repository is six 1.17.0 from its pinned PyPI sdist (one module, one
test module, about 200 tests that run in a second or two); the task adds `six.ensure_tuple`
with a test.

- **Orchestrated:** six rendered with `copier copy` for one agent, committed, and
  `python3 .orchestrator/runtime autopilot --agent X --work FILE --max-sessions 1
  --agent-command "<the pinned CLI> <the harness' flags>"`. Autopilot adds the CLI's own
  headless flags and the prompt; the scripted model then does what the prompt and the
  command texts ask: reads each command's instructions, starts the session, records the
  baseline and the plan, runs the waves with their gates, and closes (item, full gate,
  ledger, close, commit).
- **Bare:** six as unpacked, without the harness; the same CLI command line (harness
  flags plus the CLI's headless flags), the task as the prompt; the scripted model makes
  the same edit, runs the tests once and commits.

The model reports usage from what it is sent (`"usage": "estimate"` in fake_model.py), so
the two runs' token counts differ by what the orchestration added to the conversation:
the command texts, the runtime's answers, the extra turns.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runtime.platforms import get
from tests.e2e import runners
from tests.e2e.clients import ensure_claude, ensure_codex, ensure_pi
from tests.e2e.fake_model import FakeModel
from tests.helpers import commit_all, git, render
from tests.realworld.projects import SIX, unpack

AGENTS = ("claude", "codex", "pi")
TASK = "Add six.ensure_tuple(value): any iterable as a tuple, with a test"
TEST_ID = "test_six.py::test_ensure_tuple"
# The interpreter by its full path: Codex runs commands in a login shell, which resets PATH.
TEST_COMMAND = f"{sys.executable} -m pytest -q -p no:cacheprovider test_six.py"
RT = "python3 .orchestrator/runtime"
TIMEOUT = 300  # seconds for one whole unattended session (it takes 20-60 on a busy two-core machine)

CODE = '''

def ensure_tuple(value):
    """Any iterable as a tuple."""
    return tuple(value)
'''
TEST = '''

def test_ensure_tuple():
    assert six.ensure_tuple([1, 2]) == (1, 2)
    assert six.ensure_tuple(iter("ab")) == ("a", "b")
'''
# The plan the model records; waves=3 gives [Discovery, Impl-Core], [Impl-Polish, Quality], [Finalization].
PLAN = {
    "items": [{"id": "I1", "title": "six.ensure_tuple", "acceptance": "six.ensure_tuple([1, 2]) == (1, 2)",
               "tests": [TEST_ID]}],
    "waves": [
        {"wave": 1, "role": "Discovery+Impl-Core", "tasks": [
            {"id": "T1", "agent": "implementer", "items": ["I1"], "task": "Add six.ensure_tuple with a test.",
             "files": ["six.py", "test_six.py"]}]},
        {"wave": 2, "role": "Impl-Polish+Quality", "tasks": []},
        {"wave": 3, "role": "Finalization", "tasks": []},
    ],
}
WAVE_GATES = {1: "incremental", 2: "full", 3: None}


def _append(path: str, text: str) -> dict[str, Any]:
    return {"shell": f"cat >> {path} <<'EOF'{text}EOF"}


def _edit_steps() -> list[dict[str, Any]]:
    """The task itself, the same both ways: look at the neighbours, add the function and its test."""
    return [{"shell": "grep -n '^def ensure_' six.py"}, _append("six.py", CODE), _append("test_six.py", TEST)]


def session_steps(instructions: list[str]) -> list[dict[str, Any]]:
    """The whole unattended session, one tool call per step, in the order the command texts give.

    `instructions`: the command files (session, go, close) the prompt names; the model reads each
    before following it, as a model that is not handed the text does (empty: the CLI expanded them).
    """
    names = ("session", "go", "close")
    read = {name: [{"shell": f"cat {path}"}] for name, path in zip(names, instructions, strict=False)}
    steps: list[dict[str, Any]] = [
        *read.get("session", []),
        {"shell": f"{RT} session status"},
        {"shell": f"{RT} session start feature"},
        {"shell": f"{RT} gate baseline"},
        {"shell": f"{RT} plan set - <<'PLAN'\n{json.dumps(PLAN, indent=1)}\nPLAN"},
        *read.get("go", []),
    ]
    for wave, gate in WAVE_GATES.items():
        steps.append({"shell": f"{RT} wave start {wave}"})
        if wave == 1:
            steps += _edit_steps()
        steps.append({"shell": f"{RT} wave done {wave}" + (" --task 'T1=done:ensure_tuple and its test'"
                                                             if wave == 1 else "")})
        if gate:
            steps.append({"shell": f"{RT} gate {gate}"})
    steps += [
        *read.get("close", []),
        {"shell": f"{RT} plan item I1 --status done --note 'six.ensure_tuple([1, 2]) == (1, 2); {TEST_ID} passes'"},
        {"shell": f"{RT} gate full"},
        {"shell": f"{RT} close verify"},
        {"shell": f"{RT} close carryover"},
        {"shell": f"{RT} session close --outcome completed"},
        {"shell": f"{RT} close commit"},
        {"text": "Closed: six.ensure_tuple added with its test; the ledger passes and the close is committed."},
    ]
    return steps


def bare_steps() -> list[dict[str, Any]]:
    """The same task by the bare CLI: the same edit, the tests once, a commit."""
    return [*_edit_steps(), {"shell": TEST_COMMAND},
            {"shell": "git add six.py test_six.py && git commit -q -m 'Add six.ensure_tuple'"},
            {"text": "Added six.ensure_tuple with a test; the suite passes and the change is committed."}]


def six_repo(dest: Path, agent: str | None) -> Path:
    """six from its pinned sdist as a git repository; with `agent`, rendered for it and committed."""
    repo = unpack(SIX, dest)
    if agent:
        render(repo, platforms=[agent], test_command=TEST_COMMAND, typecheck_command="skip", lint_command="skip",
               waves=3, vcs="none")
        commit_all(repo, "Add session-orchestrator")
    return repo


def binary(agent: str) -> Path:
    return {"claude": ensure_claude, "codex": ensure_codex, "pi": ensure_pi}[agent]()


@dataclass
class Client:
    """A pinned CLI set up for one run against the fake model: its program with the harness' flags
    (what `--agent-command` gets) and a scrubbed environment with a fresh home of its own."""

    agent: str
    command: list[str]
    env: dict[str, str]


def client(agent: str, fake_model: FakeModel, state: Path, repo: Path) -> Client:
    """The flags and environment tests/e2e/runners.py uses for this CLI, with the project trusted
    the way a user trusts it (Codex and Pi run a project's hooks only then)."""
    program = binary(agent)
    home = state / "home"
    home.mkdir(parents=True)
    env = runners._base_env(program, home)
    command = [str(program)]
    if agent == "claude":
        env.update({"IS_SANDBOX": "1", "ANTHROPIC_BASE_URL": fake_model.base_url, "ANTHROPIC_API_KEY": "dummy",
                    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_TELEMETRY": "1",
                    "DISABLE_AUTOUPDATER": "1"})
    elif agent == "codex":
        codex_home = home / ".codex"
        runners.trust_like_a_user(program, codex_home, repo)
        env.update({"CODEX_HOME": str(codex_home), "MOCK_API_KEY": "dummy"})
        command += runners.codex_provider_args(fake_model.base_url)
    elif agent == "pi":
        agent_dir = state / "pi-agent"
        agent_dir.mkdir()
        (agent_dir / "models.json").write_text(json.dumps(runners.pi_models(fake_model.base_url)), encoding="utf-8")
        runners.trust_pi_project(agent_dir, repo)
        env.update({"PI_CODING_AGENT_DIR": str(agent_dir), "PI_OFFLINE": "1"})
        command += runners.PI_MOCK_ARGS
    else:
        raise ValueError(f"no scripted setup for {agent!r}")
    return Client(agent, command, env)


def command_files(repo: Path, agent: str) -> list[str]:
    """The session, go and close instruction files the autopilot prompt names for this agent."""
    from runtime.unattended.autopilot import command_file, install_data

    data = install_data(repo, agent)
    return [path for name in ("session", "go", "close") if (path := command_file(repo, data, name))]


@dataclass
class Outcome:
    """One run: the wall time of the whole command, what the CLI reported, the model's request log."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    usage: dict[str, Any]
    requests: list[dict[str, Any]]

    def describe(self) -> str:
        return (f"rc {self.returncode} in {self.seconds:.1f} s, {len(self.requests)} model requests\n"
                f"stdout: {self.stdout[-3000:]}\nstderr: {self.stderr[-3000:]}")


def run_autopilot(agent: str, fake_model: FakeModel, base: Path, *, read_instructions: bool | None = None
                  ) -> tuple[Path, Outcome]:
    """One unattended iteration on a fresh rendered six; the outcome's usage is the iteration's line."""
    repo = six_repo(base / f"{agent}-orchestrated", agent)
    setup = client(agent, fake_model, base / f"{agent}-orchestrated-state", repo)
    if read_instructions is None:
        read_instructions = agent != "codex"  # codex exec expands a `$name` mention: the texts arrive in full
    fake_model.set_script({"steps": session_steps(command_files(repo, agent) if read_instructions else []),
                           "usage": "estimate"})
    fake_model.log_path.write_text("")
    work = base / f"{agent}-work.txt"
    work.write_text(TASK + "\n", encoding="utf-8")
    argv = [sys.executable, ".orchestrator/runtime", "autopilot", "--agent", agent, "--work", str(work),
            "--max-sessions", "1", "--agent-command", shlex.join(setup.command), "--json"]
    start = time.monotonic()
    done = subprocess.run(argv, cwd=repo, env=setup.env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=TIMEOUT)
    seconds = time.monotonic() - start
    iterations = [line for line in autopilot_lines(repo) if line.get("kind") == "iteration"]
    usage = iterations[-1] if iterations else {}
    return repo, Outcome(seconds, done.returncode, done.stdout, done.stderr, usage, fake_model.requests())


def run_bare(agent: str, fake_model: FakeModel, base: Path) -> tuple[Path, Outcome]:
    """The same task by the bare CLI in six without the harness, with the same command line autopilot runs."""
    repo = six_repo(base / f"{agent}-bare", None)
    setup = client(agent, fake_model, base / f"{agent}-bare-state", repo)
    platform = get(agent)
    fake_model.set_script({"steps": bare_steps(), "usage": "estimate"})
    fake_model.log_path.write_text("")
    argv = platform.headless_argv(setup.command, TASK)
    start = time.monotonic()
    done = subprocess.run(argv, cwd=repo, env=setup.env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=TIMEOUT)
    seconds = time.monotonic() - start
    return repo, Outcome(seconds, done.returncode, done.stdout, done.stderr, platform.read_headless(done.stdout),
                         fake_model.requests())


def autopilot_lines(repo: Path) -> list[dict[str, Any]]:
    """autopilot.jsonl as written, one dict a line."""
    path = repo / ".orchestrator" / "metrics" / "autopilot.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def head_files(repo: Path) -> list[str]:
    return sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split())
