"""Fixtures for driving the real agent CLIs (Claude Code, Codex CLI, Pi) against the scripted fake model.

What is real in these tests: the pinned Claude Code binary, the rendered
template (skills, agents, settings.json hooks, CLAUDE.md), the vendored runtime
the hooks call, git and the repository on disk. What is scripted: only the
model, which answers from a step list and logs what it was sent.

Claude Code exits 0 even when a tool call was denied, so tests assert on side
effects on disk and on the fake model's request log, never on exit codes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import runners
from tests.e2e.clients import ClientSetupError, ensure_claude, ensure_codex, ensure_pi, ensure_tsc
from tests.e2e.fake_model import FakeModel
from tests.e2e.runners import ClientRun, ClientTimeoutError

CLAUDE_TIMEOUT = 120  # seconds; a scripted run takes about one


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives a real agent CLI against the scripted fake model")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class ClaudeRun:
    """One finished `claude -p` run: its output and what the model was sent."""

    prompt: str
    returncode: int
    stdout: str
    stderr: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        """The final `--output-format json` object ({} when the CLI printed none)."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    return {}
        return {}

    def describe(self) -> str:
        """Enough of the run to debug a failed assertion."""
        return (f"claude -p {self.prompt!r} -> rc {self.returncode}, {len(self.requests)} model requests\n"
                f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}")


@pytest.fixture(scope="session")
def rendered_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository rendered once per run; tests get copies (a render costs over a second)."""
    from tests.helpers import copy_example, render

    return render(copy_example(tmp_path_factory.mktemp("rendered") / "calc"))


@pytest.fixture
def rendered_repo(rendered_original: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered example, git history included (overrides the suite-wide render)."""
    return Path(shutil.copytree(rendered_original, tmp_path / "calc", symlinks=True))


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    """The pinned Claude Code binary (installed on first use)."""
    try:
        return ensure_claude()
    except ClientSetupError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def fake_model(tmp_path: Path) -> Iterator[FakeModel]:
    """A fake model server for this test, with its script and request log in tmp_path."""
    with FakeModel(tmp_path / "model-script.json", tmp_path / "model-requests.jsonl") as server:
        yield server


def claude_env(claude: Path, home: Path, base_url: str, extra: dict[str, str] | None = None,
               path_prepend: tuple[str, ...] = ()) -> dict[str, str]:
    """A scrubbed environment: nothing from the caller's shell (API keys, ~/.claude) leaks in."""
    path = [*path_prepend, str(claude.parent)]
    node = shutil.which("node")
    if node:
        path.append(str(Path(node).parent))
    path += ["/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        "PATH": os.pathsep.join(dict.fromkeys(path)),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "IS_SANDBOX": "1",  # lets --dangerously-skip-permissions run as root (containers, CI)
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": "dummy",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env.update(extra or {})
    return env


RunClaude = Callable[..., ClaudeRun]


@pytest.fixture
def run_claude(claude_bin: Path, fake_model: FakeModel, tmp_path: Path) -> RunClaude:
    """Run `claude -p PROMPT` in `repo` with the model scripted by `script`.

    `path_prepend` puts directories before the scrubbed PATH, e.g. the test
    interpreter's bin directory so gate commands find the project's tools.

    Every run gets a fresh HOME (Claude keeps state in ~/.claude and ~/.claude.json)
    and its own slice of the request log, so several runs in one test stay apart.
    """
    counter = iter(range(1_000_000))

    def run(repo: Path, prompt: str, script: dict[str, Any], *, extra_env: dict[str, str] | None = None,
            extra_args: tuple[str, ...] = (), path_prepend: tuple[str, ...] = ()) -> ClaudeRun:
        n = next(counter)
        home = tmp_path / f"home-{n}"
        home.mkdir()
        fake_model.set_script(script)
        fake_model.log_path.write_text("")
        cmd = [str(claude_bin), "-p", prompt, "--output-format", "json", "--dangerously-skip-permissions",
               *extra_args]
        try:
            env = claude_env(claude_bin, home, fake_model.base_url, extra_env, path_prepend)
            out = subprocess.run(cmd, cwd=repo, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                 text=True, timeout=CLAUDE_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"claude -p {prompt!r} did not finish in {CLAUDE_TIMEOUT} s; "
                        f"model requests so far: {len(fake_model.requests())}; stderr: {exc.stderr!r}",
                        pytrace=False)
        return ClaudeRun(prompt, out.returncode, out.stdout, out.stderr, fake_model.requests())

    return run


# --- Codex CLI and Pi (tests/e2e/runners.py holds the command lines and environments) ---


@pytest.fixture(scope="session")
def codex_bin() -> Path:
    """The pinned Codex CLI binary (installed on first use)."""
    try:
        return ensure_codex()
    except ClientSetupError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def pi_bin() -> Path:
    """The pinned Pi binary (installed on first use)."""
    try:
        return ensure_pi()
    except ClientSetupError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def tsc_bin() -> Path:
    """The pinned TypeScript compiler (installed on first use, like the agent CLIs)."""
    try:
        return ensure_tsc()
    except ClientSetupError as exc:
        pytest.fail(str(exc), pytrace=False)


def _client_runner(binary: Path, fake_model: FakeModel, tmp_path: Path, name: str,
                   runner: Callable[..., ClientRun]) -> Callable[..., ClientRun]:
    counter = iter(range(1_000_000))

    def run(repo: Path, prompt: str, script: dict[str, Any], **options: Any) -> ClientRun:
        state = tmp_path / f"{name}-state-{next(counter)}"
        try:
            return runner(binary, fake_model, state, repo, prompt, script, **options)
        except ClientTimeoutError as exc:
            pytest.fail(str(exc), pytrace=False)

    return run


@pytest.fixture
def run_codex(codex_bin: Path, fake_model: FakeModel, tmp_path: Path) -> Callable[..., ClientRun]:
    """Run `codex exec --json PROMPT` in `repo` with the model scripted by `script` (fresh CODEX_HOME each run).

    Keyword options go to runners.run_codex: `extra_args`, `trust_project`, `trust_hooks`, `codex_home`.
    """
    return _client_runner(codex_bin, fake_model, tmp_path, "codex", runners.run_codex)


@pytest.fixture
def run_pi(pi_bin: Path, fake_model: FakeModel, tmp_path: Path) -> Callable[..., ClientRun]:
    """Run `pi -p --mode json PROMPT` in `repo` with the model scripted by `script` (fresh agent dir each run)."""
    return _client_runner(pi_bin, fake_model, tmp_path, "pi", runners.run_pi)
