"""Self-protection, the session's fixed enforcement and the loop guard cost an ordinary call no heavy import:
no process is started, no digest library is loaded, the working tree is not read (that happens only when a
call repeats). Measured with `-X importtime` on the real hook, run as the agents run it (`python3 -S`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime import platforms
from tests.helpers import init_repo
from tests.runtime.test_stdlib_only import RUNTIME, imported_modules

HEAVY = {"subprocess", "hashlib", "runtime.core.treestate", "runtime.core.proc", "tempfile", "difflib"}


@pytest.mark.parametrize("payload", [
    {"tool_name": "Bash", "tool_input": {"command": "pytest -q tests/test_a.py"}},
    {"tool_name": "Write", "tool_input": {"file_path": "src/new.py", "content": "x = 1\n"}},
    {"tool_name": "Edit", "tool_input": {"file_path": "CLAUDE.md", "old_string": "strict", "new_string": "warn"}},
    {"tool_name": "Agent", "tool_input": {"subagent_type": "implementer", "prompt": "go"}},
], ids=["bash", "write", "edit-config", "dispatch"])
def test_an_ordinary_call_stays_light(tmp_path: Path, payload: dict) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text("# R\n\n## Session Config\n\n- enforcement: strict\n")
    for event, extra in (("session-start", {"source": "startup"}), ("pre-tool-use", payload)):
        names, result = imported_modules(repo, event, {"session_id": "s1", "cwd": str(repo), **extra})
        assert result.returncode == 0, result.stderr[-2000:]
    assert "runtime.guards.pinning" in names  # the session's values were applied
    assert not HEAVY & names, sorted(HEAVY & names)


# What an agent's pre-tool hook does not import, allowing or denying a shell command: each costs every tool call
# a millisecond or more of a budget measured against the interpreter's bare start (benchmarks/hook_latency.py).
# `json` brings `re` and `enum` and compiles six patterns; `core/quickjson` drives its C accelerator instead.
# `urllib.parse` (with `ipaddress`), `re` (with `enum`), `fnmatch`, `ntpath` and `functools` (with `collections`,
# `operator`, `keyword` and `reprlib`) come with `pathlib` for URIs, globs, Windows paths and caching its glob helpers,
# which no hook call needs; `core/lightpath` defers them. The Session Config, the policy and the
# shell lexer are read by string checks that accept what their patterns accepted (test_hookpath_matchers.py).
HOOK_PATH_HEAVY = HEAVY | {"json", "json.decoder", "json.encoder", "json.scanner", "urllib.parse", "ipaddress",
                           "re", "enum", "fnmatch", "ntpath", "functools", "collections", "operator", "keyword",
                           "reprlib", "warnings"}


@pytest.mark.parametrize("platform", platforms.known())
@pytest.mark.parametrize("command", ["pytest -q tests/test_a.py", "git reset --hard HEAD~1"], ids=["allow", "deny"])
def test_every_agents_pre_tool_hook_stays_light(tmp_path: Path, platform: str, command: str) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text("# R\n\n## Session Config\n\n- enforcement: strict\n")
    adapter = platforms.get(platform)
    names, result = imported_modules(repo, "pre-tool-use", adapter.probe(command), platform)
    assert result.returncode in (0, 2), result.stderr[-2000:]
    answer = adapter.denies if command.startswith("git reset") else adapter.allows
    assert answer(result.stdout, result.returncode), (result.stdout, result.stderr[-2000:])
    assert "runtime.guards.shell" in names  # the command was parsed: the path measured is the real one
    assert not HOOK_PATH_HEAVY & names, sorted(HOOK_PATH_HEAVY & names)


def test_path_without_urllib_is_pathlib_all_the_same() -> None:
    """The modules `core/lightpath` defers are the real ones once asked for, and what `pathlib` needs them for
    (a URI, a glob, a Windows path) still works."""
    probe = ("import sys; from runtime.core.lightpath import Path; import pathlib; "
             "print(Path is pathlib.Path, sorted(set(sys.modules) & {'urllib.parse', 'ipaddress', 're', 'enum', "
             "'fnmatch', 'ntpath', 'functools', 'collections', 'operator', 'warnings'})); "
             "print(Path('/tmp/a b').as_uri(), Path('a/b.py').match('*.py'), "
             "pathlib.PureWindowsPath('C:/x/y').parent); "
             "import urllib.parse, re; print(urllib.parse.urlsplit('http://h/p').netloc, re is sys.modules['re']); "
             "import functools; print(sorted(p.name for p in Path('runtime/core').glob('light*.py')), "
             "sorted(p.name for p in Path('runtime').rglob('lightpath.py')), "
             "functools is sys.modules['functools'], functools.lru_cache(maxsize=2)(len)('ab'))")
    done = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, cwd=RUNTIME.parent,
                          check=True)
    assert done.stdout.split("\n")[:4] == ["True []", "file:///tmp/a%20b True C:\\x", "h True",
                                           "['lightpath.py'] ['lightpath.py'] True 2"], done.stdout


# Runs the hook the way `python3 -S <runtime>` does, recording which runtime file compiles each regular
# expression (a cache miss in `re`): json's and pathlib's own patterns are the standard library's business.
_COMPILE_TRACE = """
import atexit, json, os, re, runpy, sys
runtime = sys.argv[1]
seen = set()
original = re._compile
def _compile(pattern, flags):
    if isinstance(pattern, str) and (type(pattern), pattern, flags) not in re._cache:
        frame = sys._getframe(1)
        while frame and os.path.dirname(frame.f_code.co_filename) == os.path.dirname(re.__file__):
            frame = frame.f_back
        name = frame.f_code.co_filename if frame else ""
        if name.startswith(runtime + os.sep):
            seen.add((os.path.relpath(name, runtime).replace(os.sep, "/"), pattern))
    return original(pattern, flags)
re._compile = _compile
def report():
    sys.stderr.write("COMPILED " + json.dumps(sorted(seen)) + "\\n")
    sys.stderr.flush()
atexit.register(report)
leave = os._exit  # a hook call leaves without the interpreter's teardown, so atexit would not run
def _exit(code):
    report()
    leave(code)
os._exit = _exit
sys.argv = [runtime, *sys.argv[2:]]
runpy.run_path(runtime, run_name="__main__")
"""


@pytest.mark.parametrize("payload", [
    {"tool_name": "Bash", "tool_input": {"command": "pytest -q tests/test_a.py"}},
    {"tool_name": "Bash", "tool_input": {"command": "bash -c 'git reset --hard HEAD~1'"}},
    {"tool_name": "Read", "tool_input": {"file_path": "README.md"}},
], ids=["allow-bash", "deny-bash", "allow-read"])
def test_a_call_compiles_no_pattern_it_does_not_use(tmp_path: Path, payload: dict) -> None:
    """No runtime file compiles a pattern on a call that reads a well-formed config and a short command: the
    platform name, the Session Config, the policy's ids and the lexer's plain runs are read by string checks,
    and each compiled pattern would cost a fraction of a millisecond on every tool call."""
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text("# R\n\n## Session Config\n\n- enforcement: strict\n")
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    result = subprocess.run(
        [sys.executable, "-S", "-c", _COMPILE_TRACE, str(RUNTIME), "hook", "claude", "pre-tool-use"],
        input=json.dumps({"session_id": "s1", "cwd": str(repo), **payload}), capture_output=True, text=True,
        env=env, cwd=repo,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(x for x in result.stderr.splitlines() if x.startswith("COMPILED "))
    compiled = {(name, pattern) for name, pattern in json.loads(line.removeprefix("COMPILED "))}
    assert not compiled, sorted(compiled)  # a well-formed config, the policy and a short command: no pattern
