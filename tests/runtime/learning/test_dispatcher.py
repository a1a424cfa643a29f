"""`dispatcher [root]` over real git repositories that differ in carryover, idleness, gate health and leases.

Real: each repository is the bundled example in git with a Session Config; gates are run by
the runtime itself (pytest on the example, one with a test broken on purpose); carryover
lists are written by the runtime's own writer; commit dates are set with git's date
variables; the sessions log line is appended by the runtime's telemetry writer. Open issues
come from the real `gh` against a stand-in GitHub API on 127.0.0.1 (a GitHub server cannot
run here). Claims race as two runtime processes started together.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from runtime.core import lease
from runtime.core.telemetry import record_session
from runtime.loop import carryover
from tests.helpers import GIT_ENV, ROOT, commit_all, copy_example, git
from tests.runtime.loop_support import rt

DAY = 86400
CONFIG = ("\n## Session Config\n\n- test-command: python3 -m pytest -q -p no:cacheprovider\n"
          "- typecheck-command: skip\n- lint-command: skip\n")


def _redate(repo: Path, days_ago: int) -> None:
    """Amend HEAD so that git says it was committed `days_ago` days ago."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - days_ago * DAY))
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", "commit", "-q", "--amend", "--no-edit", "--allow-empty"], cwd=repo, check=True, env=env)


def _repo(root: Path, name: str, days_ago: int = 0) -> Path:
    repo = copy_example(root / name)
    with (repo / "CLAUDE.md").open("a", encoding="utf-8") as handle:
        handle.write(CONFIG)
    commit_all(repo, "config")
    (repo / ".orchestrator").mkdir(exist_ok=True)
    _redate(repo, days_ago)
    return repo


def _carry(repo: Path, n: int) -> None:
    carryover.write(repo, [{"state": "open", "ref": "", "title": f"left over {i}",
                            "body": f"to do\n\n{carryover.marker('s1', f'I{i}')}",
                            "session": "s1", "item": f"I{i}"} for i in range(n)])


def _gate(repo: Path, broken: bool) -> None:
    """A real session with a real baseline gate, then paused (so nobody is working in it)."""
    if broken:
        test = repo / "tests" / "test_ops.py"
        test.write_text(test.read_text() + "\n\ndef test_broken():\n    assert False\n")
    for args in (("session", "start", "feature"), ("gate", "baseline"), ("session", "pause")):
        result = rt(repo, *args)
        assert result.returncode in (0, 2), result.stdout + result.stderr


def dispatch(cwd: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = rt(cwd, "dispatcher", *args, "--json", env=env)
    assert result.returncode in (0, 3), result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six repositories in five states, and places the search must not enter or count."""
    root = tmp_path_factory.mktemp("fleet")
    _carry(_repo(root, "alpha"), 3)  # 3 carryover items, no gate yet: 3 + 1
    _carry(_repo(root, "alpha-twin"), 3)  # the same score: the path breaks the tie
    _gate(_repo(root, "bravo"), broken=True)  # the last gate failed: 5
    _gate(_repo(root / "group", "green"), broken=False)  # passed, fresh, nothing waiting: 0
    _repo(root, "charlie", days_ago=60)  # idle 60 days: 8 (capped) + 1
    quiet = _repo(root, "delta", days_ago=40)  # committed long ago, but a session ended yesterday: 0 + 1
    record_session(quiet, {"id": "s9", "ended": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - DAY))})
    assert lease.claim(_repo(root, "echo") / ".orchestrator" / "state" / "lease", "someone", 600)[0]  # busy
    assert lease.claim(_repo(root, "foxtrot") / ".orchestrator" / "state" / "lease", "gone", -1)[0]  # expired: free
    rt(_repo(root, "golf"), "session", "start", "feature")  # a live session: busy
    _repo(root / "node_modules", "hidden")  # heavy directories are not searched
    _repo(root / "a" / "b" / "c", "deep")  # below the depth
    plain = root / "plain"  # a git repository that does not use the runtime
    plain.mkdir()
    git(plain, "init", "-q")
    return root


def test_the_ranking_orders_free_repositories_by_work_gate_and_idleness(fleet: Path) -> None:
    data = dispatch(fleet / "alpha", str(fleet), "--offline")
    ranked = [(e["name"], e["score"]) for e in data["free"]]
    assert ranked == [("charlie", 9), ("bravo", 5), ("alpha", 4), ("alpha-twin", 4), ("delta", 1), ("foxtrot", 1),
                      ("group/green", 0)], ranked
    assert sorted((e["name"], e["busy"].split(" ")[0]) for e in data["busy"]) == [("echo", "leased"),
                                                                               ("golf", "session")]
    assert data["recommended"] == (fleet / "charlie").resolve().as_posix()
    by = {e["name"]: e for e in data["free"]}
    assert by["bravo"]["gate"]["health"] == "failed" and by["group/green"]["gate"]["health"] == "passed"
    assert "the last gate failed (the baseline gate of session" in "; ".join(by["bravo"]["reasons"])
    assert by["alpha"]["reasons"][0] == "3 carryover items waiting"
    assert by["bravo"]["reasons"][-1].startswith("session ") and " is paused (updated " in by["bravo"]["reasons"][-1]
    assert by["charlie"]["idle_days"] == 60 and by["delta"]["idle_days"] == 1
    assert by["foxtrot"]["lease"]["status"] == "expired" and "the lease of gone expired" in by["foxtrot"]["reasons"][-1]
    assert all("open issues not read: not asked (--offline)" in e["notes"] for e in data["free"])
    assert dispatch(fleet / "alpha", str(fleet), "--offline") == data  # deterministic


def test_the_text_recommends_one_with_its_reasons_and_the_default_root_is_the_parent(fleet: Path) -> None:
    result = rt(fleet / "bravo", "dispatcher", "--offline")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"dispatcher: 9 repositories under {fleet.resolve()} use the runtime; 7 free, 2 busy"
    assert lines[1].startswith("  1. charlie  (score 9)")
    assert lines[-1].startswith("recommended: charlie (") and "last commit or session 60 days ago" in lines[-1]
    assert "  busy: echo: leased by someone until " in result.stdout


def test_without_offline_open_issues_are_read_through_the_tracker_or_the_reason_is_said(fleet: Path,
                                                                                          tmp_path: Path) -> None:
    from tests.runtime.loop.fake_github_api import GitHubStandIn
    from tests.runtime.loop.fake_tracker import new_server

    root = tmp_path / "root"
    tracked = _repo(root, "tracked")
    git(tracked, "remote", "add", "origin", "https://github.localhost/acme/tracked.git")
    with (tracked / "CLAUDE.md").open("a", encoding="utf-8") as handle:
        handle.write("- vcs: github\n")
    _repo(root, "local")
    issues = [{"number": n, "title": f"issue {n}", "body": "", "labels": [], "state": "open", "comments": []}
              for n in (1, 2, 3, 4, 5, 6, 7)]
    server = new_server(tmp_path / "server.json", "github.localhost", "acme/tracked", next=8, issues=issues)
    (tmp_path / "home").mkdir()
    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "GH_TOKEN": "stand-in-token",
           "GH_CONFIG_DIR": str(tmp_path / "gh")}
    with GitHubStandIn(server) as api:
        data = dispatch(root / "local", str(root), env={**env, "HTTP_PROXY": api.proxy})
        assert api.unknown == []
    by = {e["name"]: e for e in data["free"]}
    assert by["tracked"]["issues"] == 7 and by["tracked"]["reasons"][0] == "7 open issues waiting"
    assert [e["name"] for e in data["free"]] == ["tracked", "local"]
    assert by["local"]["issues"] is None
    assert by["local"]["notes"] == ["open issues not read: the repository has no remote"]


def test_two_dispatchers_started_together_claim_different_repositories(tmp_path: Path) -> None:
    """Every round two runtime processes claim from the same ranking at once: each gets its own repository."""
    root = tmp_path / "root"
    first, second = _repo(root, "one"), _repo(root, "two")
    program = ROOT / "runtime"
    env = {**os.environ, **GIT_ENV, "SO_PROJECT_DIR": str(first)}
    for round_ in range(8):
        procs = [subprocess.Popen(["python3", str(program), "dispatcher", str(root), "--offline", "--claim", "--json",
                                   "--holder", who], cwd=first, env=env, stdout=subprocess.PIPE, text=True)
                 for who in ("east", "west")]
        claimed = [json.loads(p.communicate(timeout=60)[0])["claimed"] for p in procs]
        assert sorted(claimed) == sorted(p.resolve().as_posix() for p in (first, second)), (round_, claimed)
        for who, path in zip(("east", "west"), claimed, strict=True):
            assert lease.read(Path(path) / ".orchestrator" / "state" / "lease")["holder"] == who
            assert rt(Path(path), "dispatcher", "--release", "--holder", who).returncode == 0
    third = subprocess.run(["python3", str(program), "dispatcher", str(root), "--offline", "--claim"], cwd=first,
                           env=env, capture_output=True, text=True)
    assert third.returncode == 0 and "claimed: " + (root / "one").resolve().as_posix() in third.stdout
