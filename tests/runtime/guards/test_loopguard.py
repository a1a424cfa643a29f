"""The loop guard notices repeats and rewrites; the breaker records them."""

from __future__ import annotations

from pathlib import Path

from runtime.core.toolcall import WRITE, ToolCall
from runtime.guards import breaker, loopguard
from runtime.guards.context import HookContext


def _ctx(root: Path, call: ToolCall, session: str = "s1") -> HookContext:
    return HookContext(root, "claude", "pre-tool-use", {"session_id": session, "cwd": str(root)}, call)


def _bash(command: str) -> ToolCall:
    return ToolCall("shell", "Bash", {"command": command}, command=command)


def test_same_call_three_times_with_nothing_written_is_denied(tmp_path: Path) -> None:
    seen = [loopguard.observe(_ctx(tmp_path, _bash("pytest"))) for _ in range(3)]
    assert [d.action for d in seen] == ["allow", "allow", "deny"]
    assert seen[-1].rule == "loop-repeat" and "nothing written in between" in seen[-1].reason
    assert loopguard.observe(_ctx(tmp_path, _bash("pytest"))).action == "deny"  # still nothing changed


def test_repeats_spread_beyond_the_window_do_not_warn(tmp_path: Path) -> None:
    actions = []
    for other in ("a", "b", "c", "d", "e", "f"):
        actions.append(loopguard.observe(_ctx(tmp_path, _bash("pytest"))).action)
        for filler in (other, other + "2", other + "3"):
            actions.append(loopguard.observe(_ctx(tmp_path, _bash(filler))).action)
    assert "warn" not in actions


def test_config_threshold_and_window(tmp_path: Path) -> None:
    (tmp_path / "CLAUDE.md").write_text("## Session Config\n\n- loop-guard:\n  - threshold: 2\n  - window: 3\n")
    assert [loopguard.observe(_ctx(tmp_path, _bash("ls"))).action for _ in range(2)] == ["allow", "deny"]


def test_sessions_are_separate(tmp_path: Path) -> None:
    for session in ("a", "b"):
        for _ in range(2):
            loopguard.observe(_ctx(tmp_path, _bash("ls"), session))
    assert loopguard.observe(_ctx(tmp_path, _bash("ls"), "a")).action == "deny"


def test_file_rewrites_trip_the_breaker_once(tmp_path: Path) -> None:
    actions = []
    for n in range(9):
        call = ToolCall(WRITE, "Edit", {"file_path": str(tmp_path / "a.py"), "new_string": str(n)},
                        paths=[str(tmp_path / "a.py")])
        actions.append(loopguard.observe(_ctx(tmp_path, call)))
    assert [d.rule for d in actions].count("file-rewrite") == 1
    assert actions[loopguard.REWRITE_LIMIT].rule == "file-rewrite"
    tripped = breaker.active(tmp_path)
    assert len(tripped) == 1 and tripped[0]["kind"] == "file-rewrite" and tripped[0]["path"] == "a.py"
    assert "a.py was written 7 times" in tripped[0]["reason"]


def test_corrupt_history_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / ".orchestrator/state/loopguard/s1.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ torn")
    assert loopguard.observe(_ctx(tmp_path, _bash("ls"))).action == "allow"
    assert path.read_text().startswith("{")
    path.write_text('{"recent": 5, "writes": [], "tripped": "x"}')
    assert loopguard.observe(_ctx(tmp_path, _bash("ls"))).action == "allow"


def test_history_holds_hashes_not_commands(tmp_path: Path) -> None:
    loopguard.observe(_ctx(tmp_path, _bash("echo s3cr3t-token")))
    text = (tmp_path / ".orchestrator/state/loopguard/s1.json").read_text()
    assert "s3cr3t" not in text


def test_tripped_breaker_is_in_the_banner(tmp_path: Path) -> None:
    from runtime.core.config import load_or_defaults
    from runtime.hookpath.banner import banner

    for n in range(loopguard.REWRITE_LIMIT + 1):
        call = ToolCall(WRITE, "Write", {"file_path": "b.py", "content": str(n)}, paths=["b.py"])
        loopguard.observe(_ctx(tmp_path, call))
    config, problems = load_or_defaults(tmp_path)
    assert "circuit breaker tripped (file-rewrite): b.py was written 7 times" in banner(tmp_path, config, problems)


def _edit(root: Path, n: int) -> ToolCall:
    path = str(root / "src.py")
    return ToolCall(WRITE, "Edit", {"file_path": path, "old_string": str(n), "new_string": str(n + 1)}, paths=[path])


def test_edit_test_cycle_passes(tmp_path: Path) -> None:
    """edit -> test -> edit -> test -> edit -> test: the code changed before every test run."""
    actions = []
    for n in range(3):
        actions.append(loopguard.observe(_ctx(tmp_path, _edit(tmp_path, n))).action)
        actions.append(loopguard.observe(_ctx(tmp_path, _bash("pytest -q"))).action)
    assert actions == ["allow"] * 6


def test_a_write_no_guard_sees_is_found_in_the_tree(tmp_path: Path) -> None:
    """A script changes the code between test runs: the working tree differs, so the run is no repeat."""
    from tests.helpers import init_repo

    repo = init_repo(tmp_path / "repo")
    (repo / "code.py").write_text("x = 0\n")
    actions = []
    for n in range(4):
        actions.append(loopguard.observe(_ctx(repo, _bash("pytest -q"))).action)
        (repo / "code.py").write_text(f"x = {n + 1}\n")  # as `python3 fix.py` would
    assert actions == ["allow"] * 4
    # the last edit came before the fifth run: the fifth, sixth and seventh run see one tree
    assert [loopguard.observe(_ctx(repo, _bash("pytest -q"))).action for _ in range(3)] == ["allow", "allow", "deny"]


def test_waiting_on_a_detached_gate_is_polling_not_a_loop(tmp_path: Path) -> None:
    """`gate wait` is meant to be called again until the gate ends; a long suite needs many calls."""
    wait = "python3 .orchestrator/runtime gate wait --max 8"
    assert [loopguard.observe(_ctx(tmp_path, _bash(wait))).action for _ in range(6)] == ["allow"] * 6
    status = "python3 .orchestrator/runtime session status --json"
    assert [loopguard.observe(_ctx(tmp_path, _bash(status))).action for _ in range(4)] == ["allow"] * 4


def test_a_poll_does_not_cover_a_command_chained_to_it(tmp_path: Path) -> None:
    chained = "pytest -q; python3 .orchestrator/runtime gate wait"
    assert not loopguard.polls(chained)
    assert not loopguard.polls("python3 .orchestrator/runtime gate full")
    assert [loopguard.observe(_ctx(tmp_path, _bash(chained))).action for _ in range(3)] == ["allow", "allow", "deny"]
