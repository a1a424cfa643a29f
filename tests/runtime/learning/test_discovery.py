"""`discovery` on a real project from PyPI (cachetools, pinned) with gaps planted on purpose.

The project is unpacked from its sdist into a git repository, run through once as it came,
then given exactly these gaps, each committed at a known date: a source module no test names,
a TODO note in it, an unused import the real ruff reports in a real gate baseline, a module
changed in five more commits (high churn), and a Session Config path that does not exist.
Discovery must find each of them and nothing else new, and print the same twice.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import GIT_ENV
from tests.realworld.projects import PROJECTS, unpack
from tests.runtime.loop.fake_tracker import new_server
from tests.runtime.loop_support import rt

CACHETOOLS = next(p for p in PROJECTS if p.name == "cachetools")
LEDGER = "src/cachetools/ledger.py"
CHURNED = "src/cachetools/func.py"
CONFIG = ("\n## Session Config\n\n- test-command: skip\n- typecheck-command: skip\n"
          f"- lint-command: {sys.executable} -m ruff check --isolated --no-cache --select F401 "
          "--output-format=concise src\n")


def _commit(repo: Path, message: str, day: str) -> None:
    import subprocess

    stamp = f"{day}T12:00:00+00:00"
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, check=True, env=env)


def _bin_without_audit_tools(tmp: Path) -> dict[str, str]:
    """A PATH holding python3, git and gh only: pip-audit is certainly absent whatever the machine has."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    python = os.path.realpath(getattr(sys, "_base_executable", sys.executable))  # not a shell shim
    for tool, found in (("python3", python), ("git", shutil.which("git")), ("gh", shutil.which("gh"))):
        if found and not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(found)
    return {"PATH": str(bin_dir)}


def discover(repo: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = rt(repo, "discovery", *args, "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


_BUILT: dict[str, tuple[Path, dict[str, Any]]] = {}


def _planted(tmp_path_factory: Any) -> tuple[Path, dict[str, Any]]:
    """The project with its gaps, built once per worker, and what discovery found before they were planted."""
    if "repo" not in _BUILT:
        base = tmp_path_factory.mktemp("discovery")
        repo = unpack(CACHETOOLS, base / "cachetools")
        (repo / "CLAUDE.md").write_text("# cachetools\n" + CONFIG, encoding="utf-8")
        _commit(repo, "session config", "2024-02-28")
        env = _bin_without_audit_tools(base)
        before = discover(repo, env, "--offline")
        (repo / LEDGER).write_text("import os\n\n\ndef balance(entries):\n"
                                   "    # TODO: reject negative entries\n    return sum(entries)\n", encoding="utf-8")
        _commit(repo, "ledger", "2024-03-01")
        for day in range(2, 7):
            with (repo / CHURNED).open("a", encoding="utf-8") as handle:
                handle.write(f"\n# revision {day}\n")
            _commit(repo, f"func revision {day}", f"2024-03-0{day}")
        with (repo / "CLAUDE.md").open("a", encoding="utf-8") as handle:
            handle.write("- prd-dir: docs/plans\n")
        _commit(repo, "plans folder", "2024-03-08")
        assert rt(repo, "session", "start", "housekeeping").returncode == 0
        gate = rt(repo, "gate", "baseline")
        assert gate.returncode in (0, 2), gate.stdout + gate.stderr
        _BUILT["repo"] = (repo, before)
    repo, before = _BUILT["repo"]
    return repo, before


@pytest.fixture
def planted(tmp_path_factory: Any, tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, str]]:
    repo, before = _planted(tmp_path_factory)
    copy = tmp_path / "cachetools"
    shutil.copytree(repo, copy, symlinks=True)
    return copy, before, _bin_without_audit_tools(tmp_path)


def test_each_planted_gap_is_found_and_nothing_else_is_new(planted: Any) -> None:
    repo, before, env = planted
    after = discover(repo, env, "--offline")
    old = {f["id"] for f in before["findings"]}
    new = sorted((f["category"], f["file"]) for f in after["findings"] if f["id"] not in old)
    assert new == [("churn", CHURNED), ("config-path", "CLAUDE.md"), ("lint", LEDGER),
                   ("recent-untested", CHURNED), ("recent-untested", LEDGER), ("todo", LEDGER),
                   ("untested", LEDGER)], new
    assert {f["id"] for f in before["findings"]} <= {f["id"] for f in after["findings"]}
    by_category = {f["category"]: f for f in after["findings"] if f["id"] not in old and f["file"] != CHURNED}
    todo = by_category["todo"]
    assert (todo["line"], todo["since"], todo["age_days"]) == (5, "2024-03-01", 7), todo
    assert "TODO since 2024-03-01" in todo["evidence"] and "reject negative entries" in todo["evidence"]
    lint = by_category["lint"]
    assert (lint["line"], "F401" in lint["title"], "the baseline gate" in lint["evidence"]) == (1, True, True), lint
    config = by_category["config-path"]
    lines = (repo / "CLAUDE.md").read_text(encoding="utf-8").splitlines()
    assert lines[config["line"] - 1] == "- prd-dir: docs/plans", config
    churn = next(f for f in after["findings"] if f["category"] == "churn" and f["file"] == CHURNED)
    assert churn["evidence"] == "changed in 6 of the last 9 commits"
    assert after["stacks"] == ["python"] and before["stacks"] == ["python"]


def test_two_runs_print_the_same(planted: Any) -> None:
    repo, _, env = planted
    first = rt(repo, "discovery", "--offline", env=env)
    second = rt(repo, "discovery", "--offline", env=env)
    assert first.returncode == 0 and first.stdout == second.stdout, first.stderr
    assert discover(repo, env, "--offline") == discover(repo, env, "--offline")
    assert "2024-03-01" in first.stdout


def test_audit_without_pip_audit_says_it_was_skipped_never_passed(planted: Any) -> None:
    repo, _, env = planted
    data = discover(repo, env, "deps", "--offline")
    assert data["probes"] == ["audit"]
    assert [(f["category"], f["title"]) for f in data["findings"]] == [
        ("audit-skipped", "dependencies not audited: pip-audit is not installed")]
    assert data["findings"][0]["evidence"].startswith("skipped, not passed")


def test_scopes_run_only_their_probes(planted: Any) -> None:
    repo, _, env = planted
    tests = discover(repo, env, "tests", "--offline")
    assert {f["category"] for f in tests["findings"]} <= {"untested", "recent-untested"}
    docs = discover(repo, env, "docs", "--offline")
    assert [f["category"] for f in docs["findings"]] == ["config-path"]
    bad = rt(repo, "discovery", "everything", env=env)
    assert bad.returncode == 1 and "unknown scope 'everything'" in bad.stderr


def test_filing_offline_lands_in_the_carryover_list_once(planted: Any) -> None:
    repo, _, env = planted
    found = discover(repo, env, "--offline")["findings"]
    target = next(f for f in found if f["category"] == "untested" and f["file"] == LEDGER)
    report = discover(repo, env, "file", target["id"][:6])
    assert report["filed"] == [] and [e["title"] for e in report["listed"]] == [f"[Discovery] {target['title']}"]
    text = (repo / ".orchestrator" / "carryover.md").read_text(encoding="utf-8")
    assert f"item={target['id']} -->" in text and "**Evidence:**" in text
    again = discover(repo, env, "file", target["id"])
    assert [k["id"] for k in again["known"]] == [target["id"]]
    assert (repo / ".orchestrator" / "carryover.md").read_text(encoding="utf-8") == text
    assert text.count("## open:") == 1
    listed = {f["id"]: f.get("known") for f in discover(repo, env, "--offline")["findings"]}
    assert listed[target["id"]] == ".orchestrator/carryover.md"
    assert sum(1 for v in listed.values() if v) == 1
    unknown = rt(repo, "discovery", "file", "dzzzzzzz", env=env)
    assert unknown.returncode == 1 and "no finding has the id dzzzzzzz" in unknown.stderr


def test_an_open_issue_that_names_a_finding_holds_it(planted: Any, tmp_path: Path) -> None:
    """The real `gh` against `fake_github_api.py` on 127.0.0.1: the GitHub server is mocked because no
    GitHub can run here (see that module's docstring)."""
    from tests.runtime.loop.fake_github_api import GitHubStandIn

    if not shutil.which("gh"):
        pytest.fail("the real GitHub CLI is needed: install Debian's package ('apt-get install gh')", pytrace=False)
    repo, _, env = planted
    found = discover(repo, env, "--offline")["findings"]
    held = next(f for f in found if f["category"] == "todo" and f["file"] == LEDGER)
    other = next(f for f in found if f["category"] == "untested" and f["file"] == LEDGER)
    import subprocess

    subprocess.run(["git", "remote", "add", "origin", "https://github.localhost/acme/cachetools.git"], cwd=repo,
                   check=True)
    with (repo / "CLAUDE.md").open("a", encoding="utf-8") as handle:
        handle.write("- vcs: github\n")
    server = new_server(tmp_path / "server.json", "github.localhost", "acme/cachetools", next=2, issues=[
        {"number": 1, "title": "Negative ledger entries", "body": f"discovery finding {held['id']}", "labels": [],
         "state": "open", "comments": []}])
    (tmp_path / "home").mkdir()
    env = {**env, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
           "GH_TOKEN": "stand-in-token", "GH_CONFIG_DIR": str(tmp_path / "gh")}
    with GitHubStandIn(server) as api:
        env["HTTP_PROXY"] = api.proxy
        data = discover(repo, env)
        marks = {f["id"]: f.get("known") for f in data["findings"]}
        assert data["dedup"] == {"tracker": "github", "why": ""}, data["dedup"]
        assert marks[held["id"]] == "#1" and marks[other["id"]] is None
        report = discover(repo, env, "file", held["id"], other["id"])
        assert [k["known"] for k in report["known"]] == ["#1"]
        assert [i["title"] for i in report["filed"]] == [f"[Discovery] {other['title']}"], report
        again = discover(repo, env, "file", other["id"])
        assert again["filed"] == [] and [k["known"] for k in again["known"]] == ["#2"], again
        assert api.unknown == []
    issues = json.loads(server.read_text())["issues"]
    assert [(i["number"], i["labels"]) for i in issues] == [(1, []), (2, ["carryover"])]
    assert f"item={other['id']} -->" in issues[1]["body"]


def test_a_long_category_is_cut_short_in_text_but_counted_whole(tmp_path: Path) -> None:
    """Twelve old TODOs: the text lists ten with the count of the rest, `--all` and `--json` have all twelve."""
    from tests.runtime.loop_support import calc_repo

    repo = calc_repo(tmp_path)
    notes = "".join(f"# TODO: note number {n}\n" for n in range(12))
    (repo / "src" / "calc" / "notes.py").write_text(notes, encoding="utf-8")
    _commit(repo, "notes", "2024-05-01")
    env = _bin_without_audit_tools(tmp_path)
    short = rt(repo, "discovery", "code", "--offline", env=env)
    assert short.returncode == 0, short.stderr
    assert "todo (12):" in short.stdout and "  ... and 2 more todo findings" in short.stdout
    assert short.stdout.count("TODO in src/calc/notes.py") == 10
    every = rt(repo, "discovery", "code", "--offline", "--all", env=env)
    assert every.stdout.count("TODO in src/calc/notes.py") == 12 and "more todo" not in every.stdout
    data = discover(repo, env, "code", "--offline")
    assert sum(f["category"] == "todo" for f in data["findings"]) == 12
