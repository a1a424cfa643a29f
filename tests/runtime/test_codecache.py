"""The hook path's code cache (runtime/core/codecache.py), through the real entry script in a subprocess.

Every test runs the hook the way the agents' hook commands do (`python3 -S .orchestrator/runtime/__main__.py
hook ...`) in a repository with its own copy of the runtime, and checks what ran: the answer, and for the
cache itself which modules a later process is served from it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.hookpath.test_hooks import _decision, _repo

ALLOW = {"tool_name": "Bash", "tool_input": {"command": "pytest -q tests/test_a.py"}}
DENY = {"tool_name": "Bash", "tool_input": {"command": "git reset --hard HEAD~1"}}
# What a later process is served from the cache, asked the way __main__ asks for it.
SERVED = """
import sys
sys.path[0] = sys.argv[1]
from runtime.core import codecache
cache = codecache.load()
import runtime.hookpath.hooks, runtime.platforms.claude, runtime.guards.guard, runtime.core.config
print(sorted(cache.served) if cache else None)
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _repo(tmp_path, "strict")


def _hook(repo: Path, payload: dict[str, object], n: int = 0, **extra_env: str) -> str:
    tool_input = {**payload["tool_input"], "command": f"{payload['tool_input']['command']} # {n}"}  # type: ignore[dict-item]
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine
    env.update(extra_env)
    done = subprocess.run([sys.executable, "-S", str(repo / ".orchestrator/runtime/__main__.py"), "hook", "claude",
                           "pre-tool-use"], input=json.dumps({**payload, "tool_input": tool_input, "session_id": "t",
                                                              "cwd": str(repo)}),
                          capture_output=True, text=True, env=env, cwd=repo, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stderr
    return _decision(json.loads(done.stdout) if done.stdout.strip() else None)


def _cache(repo: Path) -> Path:
    found = list((repo / ".orchestrator/runtime/__pycache__").glob("hookpath.*.bin"))
    assert len(found) == 1, found
    return found[0]


def _served(repo: Path) -> list[str] | None:
    done = subprocess.run([sys.executable, "-S", "-c", SERVED, str(repo / ".orchestrator")], capture_output=True,
                          text=True, check=True, cwd=repo, env={k: v for k, v in os.environ.items()
                                                                if k != "PYTHONDONTWRITEBYTECODE"})
    return json.loads(done.stdout.replace("'", '"'))


def test_the_first_call_writes_the_cache_and_later_ones_are_served_from_it(repo: Path) -> None:
    assert not (repo / ".orchestrator/runtime/__pycache__").exists()
    assert _hook(repo, ALLOW) == "allow"
    written = _cache(repo).stat().st_mtime_ns
    assert {"runtime.hookpath.hooks", "runtime.guards.guard", "runtime.guards.shell", "runtime.platforms.claude",
            "runtime.core.config"} <= set(_served(repo) or [])
    assert _hook(repo, ALLOW, 1) == "allow"
    assert _cache(repo).stat().st_mtime_ns == written, "a call down the same path rewrote the cache"


def test_a_path_not_taken_before_adds_its_modules_and_keeps_the_rest(repo: Path) -> None:
    _hook(repo, ALLOW)
    before = _cache(repo).read_bytes()
    assert b"runtime/core/telemetry.py" not in before  # only a denial records telemetry
    assert _hook(repo, DENY) == "deny"
    after = _cache(repo).read_bytes()
    assert b"core/telemetry.py" in after and b"guards/shell.py" in after
    assert _hook(repo, DENY, 1) == "deny" and _cache(repo).read_bytes() == after


@pytest.mark.parametrize("same_size", [False, True], ids=["longer", "same-size"])
def test_an_edited_module_runs_as_edited_never_from_the_cache(repo: Path, same_size: bool) -> None:
    """The cache keeps the code of `guards/guard.py`; the file is then changed so that the guard allows
    `git reset --hard`. The edited code must be what runs (the guard is weakened), and the cache follows."""
    assert _hook(repo, DENY) == "deny"
    source = repo / ".orchestrator/runtime/guards/guard.py"
    text = source.read_text(encoding="utf-8")
    marker = "def check_command("
    assert marker in text
    planted = (text.replace(marker, "def _unused_check_command(", 1)
               + "\n\ndef check_command(command, ctx, parsed=None):\n    return Decision()\n")
    if same_size:  # the same number of bytes: only the time stamp tells the edit apart
        planted = _same_length(planted, len(text.encode()))
    source.write_text(planted, encoding="utf-8")
    assert _hook(repo, DENY, 1) == "allow", "the cached (unedited) guard ran instead of the file on disk"
    assert "runtime.guards.guard" in (_served(repo) or []), "the cache was not refreshed with the edited module"
    assert _hook(repo, DENY, 2) == "allow"


def _same_length(text: str, length: int) -> str:
    """`text` cut to `length` bytes by removing characters from its module docstring (ASCII there)."""
    start = text.index('"""') + 3
    excess = len(text.encode()) - length
    assert 0 < excess < 200
    return text[:start] + text[start + excess:]


def test_a_garbled_or_foreign_cache_is_ignored_and_replaced(repo: Path) -> None:
    _hook(repo, ALLOW)
    cache = _cache(repo)
    good = cache.read_bytes()
    middle = len(good) // 2
    garbled = good[:middle] + bytes(byte ^ 0x5A for byte in good[middle:])  # the codes, not the index
    import marshal

    def index(value: object) -> bytes:  # a well-made file whose index is not what `save` writes
        head = marshal.dumps(value)
        return good[:4] + len(head).to_bytes(4, "little") + head

    shapes = [index([1, 2]), index({"runtime.guards.guard": ("guards/guard.py", False, 1)}),
              index({"runtime.guards.guard": ("guards/guard.py", False, "x", 1, 0, 5)}),
              index({"runtime.guards.guard": ("guards/guard.py", False, 1, 1, -4, 5)})]
    for n, bad in enumerate((b"", good[:40], b"\x00" * 64, b"junk" + good[4:], good[:middle], garbled, *shapes)):
        cache.write_bytes(bad)
        assert _hook(repo, DENY, n) == "deny"
        assert _hook(repo, ALLOW, n + 1) == "allow"
        assert cache.read_bytes()[:4] == good[:4] and len(cache.read_bytes()) > 1000


def test_a_runtime_where_nothing_can_be_written_answers_all_the_same(repo: Path) -> None:
    """`__pycache__` is a file here, so neither Python's bytecode nor the cache can be written (a read-only
    directory would not stop a test run as root)."""
    blocker = repo / ".orchestrator/runtime/__pycache__"
    blocker.write_text("not a directory\n")
    assert _hook(repo, DENY) == "deny" and _hook(repo, ALLOW) == "allow" and _hook(repo, DENY, 1) == "deny"
    assert blocker.read_text() == "not a directory\n"
    assert not list(repo.glob(".orchestrator/runtime/**/hookpath.*"))


def test_a_module_served_from_the_cache_is_the_module_imported_from_its_file(repo: Path) -> None:
    """`__file__`, `__name__`, `__package__` and `__path__` as the import system gives them, so code that finds
    the runtime from `__file__` (the project root, the shipped policy) works the same."""
    _hook(repo, ALLOW)
    probe = ("import sys\nsys.path[0] = sys.argv[1]\nfrom runtime.core import codecache\n"
             "cache = codecache.load() if sys.argv[2] == 'cache' else None\n"
             "import runtime.guards.policy as p, runtime.guards as g\n"
             "print(p.__file__, p.__name__, p.__package__, list(g.__path__), p.FLOOR_PATH, "
             "type(p.__loader__).__name__)")
    rows = []
    for mode in ("cache", "files"):
        done = subprocess.run([sys.executable, "-S", "-c", probe, str(repo / ".orchestrator"), mode],
                              capture_output=True, text=True, check=True, cwd=repo)
        rows.append(done.stdout.split())
    assert rows[0][:-1] == rows[1][:-1]
    assert rows[0][-1] == "CodeCache" and rows[1][-1] == "SourceFileLoader"


def test_the_shipped_policy_is_checked_again_once_it_changes(repo: Path) -> None:
    """The checked floor rules are kept with the code; a rule broken by an edit of the same size (only the time
    stamp differs) is refused on the next call, naming the rule, exactly as without the cache."""
    assert _hook(repo, DENY) == "deny"
    assert "data:guards/policy.json" in (_served_after_policy(repo) or [])
    floor = repo / ".orchestrator/runtime/guards/policy.json"
    text = floor.read_text(encoding="utf-8")
    broken = text.replace('"severity": "block"', '"severity": "blokk"', 1)
    assert broken != text and len(broken) == len(text)
    floor.write_text(broken, encoding="utf-8")
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    done = subprocess.run([sys.executable, "-S", str(repo / ".orchestrator/runtime/__main__.py"), "hook", "claude",
                           "pre-tool-use"], input=json.dumps({**ALLOW, "session_id": "t", "cwd": str(repo)}),
                          capture_output=True, text=True, env=env, cwd=repo, timeout=120)
    reason = json.loads(done.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert "policy.json: rules[" in reason and "severity" in reason, reason
    floor.write_text(text, encoding="utf-8")
    assert _hook(repo, ALLOW, 5) == "allow"


def _served_after_policy(repo: Path) -> list[str] | None:
    probe = SERVED.replace("print(", "from runtime.guards import policy\npolicy.load(__import__('pathlib').Path("
                                     "sys.argv[1]).parent)\nprint(", 1)
    done = subprocess.run([sys.executable, "-S", "-c", probe, str(repo / ".orchestrator")], capture_output=True,
                          text=True, check=True, cwd=repo)
    return json.loads(done.stdout.replace("'", '"'))


def test_where_python_writes_no_bytecode_the_cache_is_not_written_either(repo: Path) -> None:
    assert _hook(repo, DENY, PYTHONDONTWRITEBYTECODE="1") == "deny"
    assert _hook(repo, ALLOW, PYTHONDONTWRITEBYTECODE="1") == "allow"
    assert not list(repo.glob(".orchestrator/runtime/**/hookpath.*"))
    assert _hook(repo, ALLOW, 1) == "allow"
    _cache(repo)  # and it is written once Python may write bytecode again


def test_a_system_without_positioned_reads_imports_as_usual(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no `os.pread`: a cache written elsewhere is not read there, and none is written."""
    from runtime.core import codecache

    _hook(repo, ALLOW)
    monkeypatch.setattr(codecache, "_RUNTIME", str(repo / ".orchestrator/runtime"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as on a user's machine
    opened = codecache._open()
    assert opened is not None and opened.entries  # the cache the hook wrote, read here
    opened.close()
    monkeypatch.delattr(os, "pread")
    assert codecache._open() is None
    cache = _cache(repo)
    before = cache.read_bytes()
    fresh = codecache.CodeCache({})
    fresh.fresh["data:guards/policy.json"] = ("guards/policy.json", False, 1, 1, b"N")  # a save would write this
    codecache.save(fresh)
    assert cache.read_bytes() == before
