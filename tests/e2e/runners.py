"""Run the real Codex CLI and Pi headless against the scripted fake model.

Both runners mirror the Claude one in conftest.py: a scrubbed environment (no
API key, config dir or HOME from the caller's shell can leak in), a fresh
state directory per run, stdin closed, a timeout, and a result that carries
the parsed JSONL events and the model's request log. The clients exit 0 even
when a tool call was blocked, so tests assert on side effects and on the
requests, never on the exit code alone.

Flags, and why each one is there (measured with codex-cli 0.169.0/0.171.0 and pi 0.73.1/1.6.0):
- Codex is pointed at the fake model through `-c` overrides, because a
  project's `.codex/config.toml` may not define model providers; `wire_api`
  must be "responses" (the Chat Completions wire is refused). Project hooks run
  only when the project is trusted *and* the hooks are trusted, and otherwise
  are skipped silently: the project trust is passed as a `-c projects=...`
  override (nothing is written to CODEX_HOME) and hook trust is bypassed with
  `--dangerously-bypass-hook-trust`. `--dangerously-bypass-approvals-and-sandbox`
  lets commands run as root in a container without prompting.
- Pi finds the fake model through `models.json` in its agent directory
  (`PI_CODING_AGENT_DIR`); `--offline` stops the update check, `--no-session`
  keeps session files out of the test's HOME, `--mode json` prints events.
  Pi 0.79 and later load a project's `.pi/` only once it is trusted, and print
  mode cannot ask: each run saves the decision a user would (`trust_pi_project`),
  or passes `--approve`, or neither, as the test asks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.fake_model import FakeModel

CLIENT_TIMEOUT = 120  # seconds; a scripted run takes one or two


class ClientTimeoutError(RuntimeError):
    """A client run did not finish in time (the message says how far it got)."""


@dataclass
class ClientRun:
    """One finished headless client run: its output and what the model was sent."""

    client: str
    prompt: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The JSONL events on stdout (lines that are not JSON objects are skipped)."""
        found = []
        for line in self.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return found

    def describe(self) -> str:
        """Enough of the run to debug a failed assertion."""
        return (f"{self.client} {self.prompt!r} -> rc {self.returncode} in {self.seconds:.2f} s, "
                f"{len(self.requests)} model requests\nstdout: {self.stdout[-3000:]}\nstderr: {self.stderr[-3000:]}")


def _base_env(binary: Path, home: Path) -> dict[str, str]:
    path = [str(binary.parent)]
    node = shutil.which("node")
    if node:
        path.append(str(Path(node).parent))
    path += ["/usr/local/bin", "/usr/bin", "/bin"]
    return {
        "PATH": os.pathsep.join(dict.fromkeys(path)),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def _run(client: str, cmd: list[str], repo: Path, env: dict[str, str], prompt: str,
         fake_model: FakeModel) -> ClientRun:
    start = time.monotonic()
    try:
        out = subprocess.run(cmd, cwd=repo, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise ClientTimeoutError(f"{client} {prompt!r} did not finish in {CLIENT_TIMEOUT} s; model requests so far: "
                            f"{len(fake_model.requests())}; stderr: {exc.stderr!r}") from exc
    seconds = time.monotonic() - start
    return ClientRun(client, prompt, out.returncode, out.stdout, out.stderr, seconds, fake_model.requests())


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid TOML basic string


def codex_command(codex: Path, repo: Path, base_url: str, prompt: str, extra_args: tuple[str, ...] = (), *,
                  trust_project: bool = True, trust_hooks: bool = True) -> list[str]:
    """The `codex exec` command line for a scripted run in `repo`.

    `trust_project`/`trust_hooks` exist so a test can show what a user who has
    not opened a gate gets: the project's hooks are skipped without an error.
    """
    trusted = f'{{{_toml_string(str(repo.resolve()))}={{trust_level="trusted"}}}}'
    gates = (["--dangerously-bypass-hook-trust"] if trust_hooks else []) + (
        ["-c", f"projects={trusted}"] if trust_project else [])
    return [str(codex), "exec", "--json", "--dangerously-bypass-approvals-and-sandbox", *gates,
            *codex_provider_args(base_url), *extra_args, prompt]


def codex_provider_args(base_url: str) -> list[str]:
    """The `-c` overrides that point Codex at the fake model (they go before or after `exec` alike)."""
    provider = (f'{{name="mock",base_url={_toml_string(base_url + "/v1")},env_key="MOCK_API_KEY",'
                'wire_api="responses",request_max_retries=0,stream_max_retries=0}')
    return ["-c", "model_provider=mock", "-c", "model=mock-model", "-c", f"model_providers.mock={provider}"]


def codex_hooks(codex: Path, codex_home: Path, repo: Path) -> list[dict[str, Any]]:
    """The hooks Codex finds for `repo`, with its trust key, current hash and trust status.

    Asked of `codex app-server` (JSON-RPC on stdio: initialize, then `hooks/list`), the
    interface Codex's own hook review (`/hooks`) is built on.
    """
    env = {**_base_env(codex, codex_home.parent), "CODEX_HOME": str(codex_home)}
    proc = subprocess.Popen([str(codex), "app-server"], cwd=repo, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None

    def call(ident: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
        proc.stdin.write(json.dumps({"id": ident, "method": method, "params": params}) + "\n")
        proc.stdin.flush()
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"codex app-server ended before answering {method}: {proc.stderr.read()[-2000:]}")
            message = json.loads(line)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"codex app-server {method}: {message['error']}")
                return message["result"]

    try:
        call(1, "initialize", {"clientInfo": {"name": "session-orchestrator-tests", "version": "1"},
                               "capabilities": {"experimentalApi": True}})
        proc.stdin.write(json.dumps({"method": "initialized"}) + "\n")
        result = call(2, "hooks/list", {"cwds": [str(repo.resolve())]})
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return [hook for entry in result.get("data", []) for hook in entry.get("hooks", [])]


def trust_like_a_user(codex: Path, codex_home: Path, repo: Path) -> list[dict[str, Any]]:
    """Write into CODEX_HOME/config.toml what a user's two trust steps write: the project marked
    trusted (Codex's first-start question), and each project hook's current hash (its `/hooks` review).

    Returns the hooks as Codex lists them afterwards, so a test can check they read as trusted.
    """
    codex_home.mkdir(parents=True, exist_ok=True)
    config = codex_home / "config.toml"
    lines = [f"[projects.{_toml_string(str(repo.resolve()))}]", 'trust_level = "trusted"', ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    for hook in codex_hooks(codex, codex_home, repo):
        if hook.get("source") == "project":
            lines += [f"[hooks.state.{_toml_string(hook['key'])}]",
                      f"trusted_hash = {_toml_string(hook['currentHash'])}", ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    return codex_hooks(codex, codex_home, repo)


def run_codex(codex: Path, fake_model: FakeModel, state: Path, repo: Path, prompt: str, script: dict[str, Any],
              *, extra_args: tuple[str, ...] = (), trust_project: bool = True, trust_hooks: bool = True,
              codex_home: Path | None = None) -> ClientRun:
    """`codex exec --json PROMPT` in `repo`, its model scripted by `script`; `state` must be a fresh directory.

    `codex_home`: a CODEX_HOME prepared by the test (e.g. with `trust_like_a_user`) instead of a fresh one.
    """
    home = state / "home"
    home.mkdir(parents=True)
    if codex_home is None:
        codex_home = home / ".codex"  # Codex refuses a CODEX_HOME that does not exist yet
        codex_home.mkdir()
    fake_model.set_script(script)
    fake_model.log_path.write_text("")
    env = {**_base_env(codex, home), "CODEX_HOME": str(codex_home), "MOCK_API_KEY": "dummy"}
    cmd = codex_command(codex, repo, fake_model.base_url, prompt, extra_args, trust_project=trust_project,
                        trust_hooks=trust_hooks)
    return _run("codex exec", cmd, repo, env, prompt, fake_model)


def pi_models(base_url: str) -> dict[str, Any]:
    """Pi's models.json: one provider on the fake model's Chat Completions route."""
    return {"providers": {"mock": {
        "baseUrl": base_url + "/v1", "api": "openai-completions", "apiKey": "dummy",
        # Without these Pi sends a `developer` role and reasoning options the fake model need not know.
        "compat": {"supportsDeveloperRole": False, "supportsReasoningEffort": False},
        "models": [{"id": "mock-model"}],
    }}}


def trust_pi_project(agent_dir: Path, repo: Path) -> None:
    """Save "trust this project" the way Pi's own start-up question (or `/trust`) does.

    Pi 0.79 and later load a project's `.pi/` (our extension included) only from a trusted
    project, and print mode cannot ask: it needs a saved decision, `--approve`, or the
    global `defaultProjectTrust: "always"`. The decision lives in `<agent dir>/trust.json`,
    keyed by the project's canonical path. Older Pi ignore the file.
    """
    path = agent_dir / "trust.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    saved[os.path.realpath(repo)] = True
    path.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")


def run_pi(pi: Path, fake_model: FakeModel, state: Path, repo: Path, prompt: str, script: dict[str, Any],
           *, extra_args: tuple[str, ...] = (), trust: str | None = "saved") -> ClientRun:
    """`pi -p --mode json PROMPT` in `repo`, its model scripted by `script`; `state` must be a fresh directory.

    `trust` is how the project is trusted: "saved" as a user answers Pi's question (the usual
    case), "approve" with the one-run `--approve` flag, None not at all.
    """
    home = state / "home"
    agent_dir = state / "pi-agent"
    home.mkdir(parents=True)
    agent_dir.mkdir()
    (agent_dir / "models.json").write_text(json.dumps(pi_models(fake_model.base_url)), encoding="utf-8")
    if trust == "saved":
        trust_pi_project(agent_dir, repo)
    elif trust == "approve":
        extra_args = ("--approve", *extra_args)
    elif trust is not None:
        raise ValueError(f"trust must be 'saved', 'approve' or None, not {trust!r}")
    fake_model.set_script(script)
    fake_model.log_path.write_text("")
    env = {**_base_env(pi, home), "PI_CODING_AGENT_DIR": str(agent_dir), "PI_OFFLINE": "1"}
    cmd = [str(pi), "-p", "--mode", "json", *PI_MOCK_ARGS, *extra_args, prompt]
    return _run("pi", cmd, repo, env, prompt, fake_model)


# Pi's flags for a scripted run besides print mode: no session files, no update check, the fake model.
PI_MOCK_ARGS = ("--no-session", "--offline", "--provider", "mock", "--model", "mock-model")
