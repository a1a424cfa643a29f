"""`close verify`, `close commit`, `close carryover` and `session close`, in real git repositories.

Everything is real (git, the runtime, the gate running pytest) except the issue
trackers: `gh` and `glab` are the stand-ins of `fake_tracker.py` (its docstring
says what they check and why the real servers cannot be used here).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from runtime.loop import carryover as cfile
from runtime.loop.tracker import detect, parse_remote
from tests.helpers import git
from tests.runtime.loop import fake_tracker
from tests.runtime.loop.close_support import copy_of, head_files, ok
from tests.runtime.loop_support import rt


@pytest.fixture
def finished_repo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_of("finished", tmp_path_factory, tmp_path)


@pytest.fixture
def early_repo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_of("started", tmp_path_factory, tmp_path)


def _tracker(tmp_path: Path, repo: Path, remote: str, host: str, project: str, **state: object) -> dict[str, str]:
    """Point `origin` at `remote` and put stand-in `gh`/`glab` for that server first on PATH."""
    git(repo, "remote", "add", "origin", remote)
    server = fake_tracker.new_server(tmp_path / "server.json", host, project, **state)
    bin_dir = fake_tracker.install(tmp_path / "bin")
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_TRACKER_STATE": str(server)}


def _server(env: dict[str, str]) -> dict:
    return json.loads(Path(env["FAKE_TRACKER_STATE"]).read_text())


def _no_cli_env(tmp_path: Path) -> dict[str, str]:
    """PATH with git and python but no gh or glab."""
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    os.symlink(Path(os.popen("command -v git").read().strip()), bare / "git")
    os.symlink(Path(sys.executable).resolve(), bare / "python3")
    return {"PATH": str(bare)}


# --- remote detection ---------------------------------------------------------------


@pytest.mark.parametrize(("url", "kind", "host", "repo"), [
    ("https://github.com/acme/calc.git", "github", "github.com", "acme/calc"),
    ("https://github.com/acme/calc", "github", "github.com", "acme/calc"),
    ("git@github.com:acme/calc.git", "github", "github.com", "acme/calc"),
    ("ssh://git@github.com/acme/calc.git", "github", "github.com", "acme/calc"),
    ("ssh://git@ssh.github.com:443/acme/calc.git", "github", "github.com", "acme/calc"),
    ("https://oauth2:tok@gitlab.com/group/sub/calc.git", "gitlab", "gitlab.com", "group/sub/calc"),
    ("git@gitlab.com:group/calc.git", "gitlab", "gitlab.com", "group/calc"),
    ("ssh://git@git.example.org:2222/team/calc.git", "gitlab", "git.example.org", "team/calc"),
    ("https://git.example.org:8443/team/calc", "gitlab", "git.example.org", "team/calc"),
    ("https://bitbucket.org/acme/calc.git", "none", "bitbucket.org", "acme/calc"),
])
def test_every_remote_form_is_detected(tmp_path: Path, url: str, kind: str, host: str, repo: str) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", url)
    found = detect(tmp_path, "auto", ("git.example.org:443",))
    assert (found["kind"], found["host"], found["repo"]) == (kind, host, repo)
    assert found["cli"] == {"github": "gh", "gitlab": "glab", "none": None}[kind]


def test_self_hosted_gitlab_needs_the_config_key(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", "git@git.example.org:team/calc.git")
    assert detect(tmp_path)["kind"] == "none"
    assert "gitlab-hosts" in detect(tmp_path)["why"]
    assert detect(tmp_path, "auto", ("git.example.org",))["kind"] == "gitlab"


def test_no_remote_or_a_local_one_is_no_tracker(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    assert detect(tmp_path) == {**detect(tmp_path), "kind": "none", "cli": None}
    assert "no remote" in detect(tmp_path)["why"]
    git(tmp_path, "remote", "add", "origin", str(tmp_path / "elsewhere.git"))
    assert detect(tmp_path)["kind"] == "none" and "local path" in detect(tmp_path)["why"]
    assert parse_remote("/srv/git/calc.git") is None and parse_remote("file:///srv/calc.git") is None


def test_gitlab_hosts_is_validated(tmp_path: Path) -> None:
    from runtime.core.config import ConfigError, parse_text

    assert parse_text("## Session Config\n- gitlab-hosts: Git.Example.org, gl.internal:8443\n")["gitlab-hosts"] == (
        "git.example.org", "gl.internal:8443")
    with pytest.raises(ConfigError, match="is not a host name"):
        parse_text("## Session Config\n- gitlab-hosts: https://git.example.org/team\n")


# --- the ledger and session close ----------------------------------------------------


def test_verify_backs_done_with_evidence_and_names_what_is_missing(finished_repo: Path) -> None:
    result = rt(finished_repo, "close", "verify", "--json")
    assert result.returncode == 2, result.stdout + result.stderr
    ledger = json.loads(result.stdout)
    assert ledger["gate"]["ran"] and ledger["gate"]["current"] is True
    one, two = ledger["items"]
    assert one["verdict"] == "done" and one["missing"] == []
    assert one["files"] == ["src/calc/ops.py", "tests/test_ops.py"]
    assert one["tests"][0]["name"] == "tests/test_ops.py::test_power" and one["tests"][0]["result"] == "passed"
    assert two["verdict"] == "unproven" and two["claimed"] == "partial"
    assert any("no file in its tasks' scope changed" in m for m in two["missing"])
    text = rt(finished_repo, "close", "verify").stdout
    assert "I1 Power operation (#1): DONE" in text and "I2 Pow command in the CLI: UNPROVEN" in text


def test_a_done_claim_without_changes_or_with_a_missing_test_is_unproven(finished_repo: Path) -> None:
    ok(rt(finished_repo, "plan", "item", "I2", "--status", "done", "--note", "wired"))
    ledger = json.loads(rt(finished_repo, "close", "verify", "--json").stdout)
    assert ledger["items"][1]["verdict"] == "unproven"  # the agent says done; git shows no change in its scope
    state_file = finished_repo / ".orchestrator" / "state" / "session.json"
    state = json.loads(state_file.read_text())
    state["items"][0]["tests"] = ["tests/test_ops.py::test_cube"]
    state_file.write_text(json.dumps(state))
    ledger = json.loads(rt(finished_repo, "close", "verify", "--json").stdout)
    assert ledger["items"][0]["verdict"] == "unproven"
    assert ledger["items"][0]["tests"][0]["result"] == "not run"


def test_emergent_changes_are_listed(finished_repo: Path) -> None:
    (finished_repo / "NOTES.md").write_text("scratch\n")
    ledger = json.loads(rt(finished_repo, "close", "verify", "--json").stdout)
    assert ledger["emergent"] == ["NOTES.md"]


def test_an_edit_after_the_full_gate_is_named_and_unproven(finished_repo: Path) -> None:
    ops = finished_repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text() + "# later\n")
    ledger = json.loads(rt(finished_repo, "close", "verify", "--json").stdout)
    assert ledger["gate"]["current"] is False and ledger["gate"]["changed"] == ["src/calc/ops.py"]
    assert ledger["items"][0]["verdict"] == "unproven"


def test_a_gate_record_without_judged_code_is_cannot_tell(finished_repo: Path) -> None:
    state_file = finished_repo / ".orchestrator" / "state" / "session.json"
    state = json.loads(state_file.read_text())
    for gate in state["gates"]:
        gate.pop("judged", None)
    state_file.write_text(json.dumps(state))
    ledger = json.loads(rt(finished_repo, "close", "verify", "--json").stdout)
    assert ledger["gate"]["current"] is None and "older runtime" in ledger["gate"]["why"]
    assert all(i["verdict"] == "unproven" for i in ledger["items"])
    refused = rt(finished_repo, "close", "commit")
    assert refused.returncode == 2 and "older runtime" in refused.stderr


def test_completed_is_refused_while_an_item_is_unproven(finished_repo: Path) -> None:
    refused = rt(finished_repo, "session", "close", "--outcome", "completed")
    assert refused.returncode == 2
    assert "'close verify' does not pass: I2 (recorded as partial, not done)" in refused.stderr
    assert json.loads(rt(finished_repo, "session", "status", "--json").stdout)["session"]["status"] == "active"


def test_partial_close_at_wave_2_of_5_skips_the_rest_and_carries_over(early_repo: Path, tmp_path: Path) -> None:
    ok(rt(early_repo, "gate", "full"))
    ok(rt(early_repo, "plan", "item", "I1", "--status", "done", "--note", "power and its test"))
    carried = ok(rt(early_repo, "close", "carryover", "--json"))
    report = json.loads(carried.stdout)
    assert report["tracker"]["kind"] == "none" and [e["title"] for e in report["listed"]] == [
        "[Carryover] I2: Pow command in the CLI"]
    closed = ok(rt(early_repo, "session", "close", "--outcome", "partial", "--reason", "out of time"))
    assert "waves 3, 4, 5 were not run: recorded as skipped" in closed.stdout
    data = json.loads((early_repo / ".orchestrator" / "state" / "session.json").read_text())
    assert [w["status"] for w in data["waves"]] == ["done", "done", "skipped", "skipped", "skipped"]
    assert data["waves"][2]["skip_reason"] == "out of time"
    assert data["verdicts"] == {"I1": "done", "I2": "unproven"}
    record = json.loads((early_repo / ".orchestrator" / "metrics" / "sessions.jsonl").read_text().splitlines()[-1])
    assert record["outcome"] == "partial" and record["carryover"] == 1
    assert "- skipped: out of time" in (early_repo / ".orchestrator" / "STATE.md").read_text()
    committed = ok(rt(early_repo, "close", "commit"))
    assert ".orchestrator/carryover.md" in head_files(early_repo)
    assert "Carried over: Pow command in the CLI" in git(early_repo, "log", "-1", "--format=%B")
    assert "committed" in committed.stdout


# --- close commit ---------------------------------------------------------------------


def test_commit_holds_only_the_session_files_and_leaves_the_rest(finished_repo: Path) -> None:
    readme = finished_repo / "README.md"
    readme.write_text(readme.read_text() + "\nsomeone's edit\n")
    (finished_repo / "scratch.txt").write_text("not mine\n")
    (finished_repo / "staged.txt").write_text("staged by the user\n")
    git(finished_repo, "add", "staged.txt")
    ok(rt(finished_repo, "gate", "full"))  # the gate saw the tree with the unrelated changes in it
    ok(rt(finished_repo, "plan", "item", "I2", "--status", "partial", "--note", "not wired"))
    dry = ok(rt(finished_repo, "close", "commit", "--dry-run", "--json"))
    planned = json.loads(dry.stdout)
    assert planned["committed"] is False
    assert planned["stage"] == [".orchestrator/STATE.md", "src/calc/ops.py", "tests/test_ops.py"]
    assert planned["left_out"] == ["README.md", "scratch.txt", "staged.txt"]
    before = git(finished_repo, "rev-parse", "HEAD")
    assert git(finished_repo, "rev-parse", "HEAD") == before  # a dry run commits nothing
    ok(rt(finished_repo, "session", "close", "--outcome", "partial"))
    result = ok(rt(finished_repo, "close", "commit"))
    assert "left unstaged (3 files outside every task's scope" in result.stdout
    assert sorted(head_files(finished_repo)) == [".orchestrator/STATE.md", ".orchestrator/metrics/sessions.jsonl",
                                                 "src/calc/ops.py", "tests/test_ops.py"]
    status = git(finished_repo, "status", "--porcelain").splitlines()
    assert " M README.md" in status and "?? scratch.txt" in status and "A  staged.txt" in status
    message = git(finished_repo, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == "Power operation"
    assert "- Power operation" in message and "Closes #1" in message
    assert "Carried over: Pow command in the CLI (partial, unproven)" in message


def test_commit_refuses_code_the_full_gate_did_not_see(finished_repo: Path) -> None:
    ops = finished_repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text() + "# after the gate\n")
    head = git(finished_repo, "rev-parse", "HEAD")
    refused = rt(finished_repo, "close", "commit")
    assert refused.returncode == 2
    assert "the code changed after the last full gate (src/calc/ops.py)" in refused.stderr
    assert git(finished_repo, "rev-parse", "HEAD") == head
    assert git(finished_repo, "diff", "--cached", "--name-only") == ""  # nothing staged either


def test_commit_follows_conventional_commits_when_the_log_does(finished_repo: Path) -> None:
    for n in range(3):
        (finished_repo / f"doc{n}.txt").write_text("x\n")
        git(finished_repo, "add", f"doc{n}.txt")
        git(finished_repo, "commit", "-q", "-m", f"docs: note {n}")
    ok(rt(finished_repo, "gate", "full"))
    message = json.loads(ok(rt(finished_repo, "close", "commit", "--dry-run", "--json")).stdout)["message"]
    assert message.splitlines()[0] == "feat: power operation"


# --- close carryover ---------------------------------------------------------------------


def test_github_files_once_creates_the_label_and_closes_the_origin(finished_repo: Path, tmp_path: Path) -> None:
    env = _tracker(tmp_path, finished_repo, "git@github.com:acme/calc.git", "github.com", "acme/calc",
                   issues=[{"number": 1, "title": "Power", "body": "please", "labels": [], "state": "open",
                            "comments": []}], next=2)
    dry = json.loads(ok(rt(finished_repo, "close", "carryover", "--dry-run", "--json", env=env)).stdout)
    assert [i["title"] for i in dry["filed"]] == ["[Carryover] I2: Pow command in the CLI"]
    server = _server(env)
    assert server["labels"] == [] and len(server["issues"]) == 1 and server["issues"][0]["state"] == "open"
    first = json.loads(ok(rt(finished_repo, "close", "carryover", "--json", env=env)).stdout)
    assert first["label_created"] is True and first["filed"][0]["url"] == "https://github.com/acme/calc/issues/2"
    assert first["closed"] == [{"title": "I1: Power operation", "number": 1}]
    server = _server(env)
    filed = server["issues"][1]
    assert filed["labels"] == ["carryover"] and "session=" in filed["body"] and "item=I2 -->" in filed["body"]
    assert "**Left:** recorded as partial, not done" in filed["body"]
    assert server["issues"][0]["state"] == "closed" and "Delivered by session" in server["issues"][0]["comments"][0]
    second = json.loads(ok(rt(finished_repo, "close", "carryover", "--json", env=env)).stdout)
    assert second["filed"] == [] and second["closed"] == []
    assert len(_server(env)["issues"]) == 2  # a rerun files nothing twice
    assert not cfile.path(finished_repo).exists()  # everything reached the tracker


def test_a_missing_origin_issue_does_not_stop_the_filing(finished_repo: Path, tmp_path: Path) -> None:
    env = _tracker(tmp_path, finished_repo, "https://github.com/acme/calc", "github.com", "acme/calc")
    report = json.loads(ok(rt(finished_repo, "close", "carryover", "--json", env=env)).stdout)
    assert [i["title"] for i in report["filed"]] == ["[Carryover] I2: Pow command in the CLI"]
    assert "Could not resolve to an issue" in report["why"]
    assert [(e["state"], e["ref"]) for e in cfile.read(finished_repo)] == [("to-close", "#1"), ("filed", "#1")]


@pytest.mark.parametrize("failure", ["signed_out", "offline"])
def test_a_tracker_that_does_not_answer_loses_nothing(finished_repo: Path, tmp_path: Path, failure: str) -> None:
    state = {"signed_in": False} if failure == "signed_out" else {"offline": True}
    env = _tracker(tmp_path, finished_repo, "https://github.com/acme/calc.git", "github.com", "acme/calc", **state)
    result = ok(rt(finished_repo, "close", "carryover", env=env))
    assert "kept in .orchestrator/carryover.md" in result.stdout
    why = "not logged into any GitHub hosts" if failure == "signed_out" else "error connecting to api.github.com"
    assert why in result.stdout
    entries = cfile.read(finished_repo)
    assert [(e["state"], e["title"]) for e in entries] == [("to-close", "I1: Power operation"),
                                                           ("open", "[Carryover] I2: Pow command in the CLI")]
    # the tracker answers later: the list is filed, marked, and a rerun files nothing twice
    server = json.loads(Path(env["FAKE_TRACKER_STATE"]).read_text())
    server.update(signed_in=True, offline=False,
                  issues=[{"number": 1, "title": "Power", "body": "", "labels": [], "state": "open", "comments": []}],
                  next=2)
    Path(env["FAKE_TRACKER_STATE"]).write_text(json.dumps(server))
    ok(rt(finished_repo, "close", "carryover", env=env))
    ok(rt(finished_repo, "close", "carryover", env=env))
    assert [(e["state"], e["ref"]) for e in cfile.read(finished_repo)] == [("closed", "#1"), ("filed", "#2")]
    assert len(_server(env)["issues"]) == 2 and _server(env)["issues"][0]["state"] == "closed"


def test_self_hosted_gitlab_through_glab(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    repo = copy_of("finished", tmp_path_factory, tmp_path)
    config = tmp_path / "CLAUDE.md"  # outside the repository: editing its own would change the gated code
    config.write_text((repo / "CLAUDE.md").read_text() + "- gitlab-hosts: git.example.org\n")
    env = _tracker(tmp_path, repo, "ssh://git@git.example.org:2222/team/calc.git", "git.example.org", "team/calc",
                   labels=[{"name": "carryover"}], next=2,
                   issues=[{"number": 1, "title": "Power", "body": "", "labels": [], "state": "open", "comments": []}])
    env["SO_CONFIG_FILE"] = str(config)
    report = json.loads(ok(rt(repo, "close", "carryover", "--json", env=env)).stdout)
    assert report["tracker"] == {"kind": "gitlab", "host": "git.example.org", "repo": "team/calc", "cli": "glab"}
    assert report["why"] == "", report
    assert report["label_created"] is False, report
    assert report["filed"][0]["url"] == "https://git.example.org/team/calc/-/issues/2"
    ok(rt(repo, "close", "carryover", env=env))
    server = _server(env)
    assert len(server["issues"]) == 2 and server["issues"][1]["labels"] == ["carryover"]
    assert server["issues"][0]["state"] == "closed" and "Delivered by session" in server["issues"][0]["comments"][0]
    calls = [c[1:3] for c in server["calls"]]
    assert ["issue", "create"] in calls and ["auth", "status"] in calls


def test_no_tracker_lands_in_the_list_and_the_next_session_shows_it(early_repo: Path, tmp_path: Path) -> None:
    ok(rt(early_repo, "gate", "full"))
    ok(rt(early_repo, "plan", "item", "I1", "--status", "done", "--note", "power and its test"))
    ok(rt(early_repo, "close", "carryover", env=_no_cli_env(tmp_path) | {"HOME": str(tmp_path)}))
    ok(rt(early_repo, "session", "close", "--outcome", "partial"))
    ok(rt(early_repo, "close", "commit"))
    text = cfile.path(early_repo).read_text()
    assert text.startswith("# Carryover") and "## open: [Carryover] I2: Pow command in the CLI" in text
    research = ok(rt(early_repo, "research")).stdout
    assert "Carryover not in a tracker yet" in research and "[open] [Carryover] I2: Pow command in the CLI" in research
    assert "**Left:** recorded as not-started, not done" in research
    banner = ok(rt(early_repo, "banner")).stdout
    assert "carryover not in a tracker yet (1, .orchestrator/carryover.md):" in banner
    assert "[Carryover] I2: Pow command in the CLI - recorded as not-started" in banner
    ok(rt(early_repo, "session", "start", "feature"))  # the next session: the list outlives the first one
    assert "[Carryover] I2" in ok(rt(early_repo, "research")).stdout


def test_research_says_signed_in_only_from_auth_status(rendered_repo: Path, tmp_path: Path) -> None:
    env = _tracker(tmp_path, rendered_repo, "https://github.com/acme/calc.git", "github.com", "acme/calc",
                   signed_in=False)
    data = json.loads(ok(rt(rendered_repo, "research", "--json", env=env)).stdout)
    assert data["vcs"]["cli_available"] is True and data["vcs"]["signed_in"] is False
    assert "gh available, not signed in" in ok(rt(rendered_repo, "research", env=env)).stdout
    server = json.loads(Path(env["FAKE_TRACKER_STATE"]).read_text())
    server["signed_in"] = True
    Path(env["FAKE_TRACKER_STATE"]).write_text(json.dumps(server))
    assert "gh available, signed in" in ok(rt(rendered_repo, "research", env=env)).stdout


def test_a_damaged_list_is_named_and_never_overwritten(finished_repo: Path) -> None:
    cfile.path(finished_repo).write_text("# Carryover\n\n## open: thing\n\nno marker here\n")
    before = cfile.path(finished_repo).read_text()
    result = rt(finished_repo, "close", "carryover")
    assert result.returncode == 1 and ".orchestrator/carryover.md:3:" in result.stderr
    assert cfile.path(finished_repo).read_text() == before


# --- the real gh against a stand-in API ---------------------------------------------------


def _real_gh() -> str:
    import shutil

    found = shutil.which("gh")
    if not found:
        pytest.fail("the real GitHub CLI is needed: install Debian's package ('apt-get install gh')", pytrace=False)
    return found


def test_the_real_gh_files_once_through_a_local_api(finished_repo: Path, tmp_path: Path) -> None:
    """The real `gh`, its requests answered by `fake_github_api.py` on 127.0.0.1 (see its docstring)."""
    from tests.runtime.loop.fake_github_api import GitHubStandIn

    _real_gh()
    git(finished_repo, "remote", "add", "origin", "https://github.localhost/acme/calc.git")
    config = tmp_path / "CLAUDE.md"  # outside the repository, so the gated code stays as it was
    config.write_text((finished_repo / "CLAUDE.md").read_text() + "- vcs: github\n")
    server = fake_tracker.new_server(tmp_path / "server.json", "github.localhost", "acme/calc", next=2, issues=[
        {"number": 1, "title": "Power", "body": "please", "labels": [], "state": "open", "comments": []}])
    (tmp_path / "home").mkdir()
    env = {"SO_CONFIG_FILE": str(config), "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
           "GH_TOKEN": "", "GH_ENTERPRISE_TOKEN": "", "GITHUB_TOKEN": "", "GH_CONFIG_DIR": str(tmp_path / "gh")}
    with GitHubStandIn(server) as api:
        env["HTTP_PROXY"] = api.proxy
        signed_out = ok(rt(finished_repo, "close", "carryover", "--json", env=env))
        report = json.loads(signed_out.stdout)
        assert report["filed"] == [] and "authentication failed" in report["why"], report
        assert [e["state"] for e in cfile.read(finished_repo)] == ["to-close", "open"]
        env["GH_TOKEN"] = "stand-in-token"
        report = json.loads(ok(rt(finished_repo, "close", "carryover", "--json", env=env)).stdout)
        assert report["label_created"] is True, report
        assert report["filed"][0]["url"] == "http://github.localhost/acme/calc/issues/2", report
        assert report["closed"] == [{"title": "I1: Power operation", "number": 1}]
        again = json.loads(ok(rt(finished_repo, "close", "carryover", "--json", env=env)).stdout)
        assert again["filed"] == [] and again["closed"] == []
        assert api.unknown == []
    data = json.loads(server.read_text())
    assert [lab["name"] for lab in data["labels"]] == ["carryover"]
    assert [(i["number"], i["state"], i["labels"]) for i in data["issues"]] == [(1, "closed", []),
                                                                                (2, "open", ["carryover"])]
    assert "item=I2 -->" in data["issues"][1]["body"] and "Delivered by session" in data["issues"][0]["comments"][0]
    assert [(e["state"], e["ref"]) for e in cfile.read(finished_repo)] == [("closed", "#1"), ("filed", "#2")]


def test_commit_stages_a_deletion_in_scope_by_name(finished_repo: Path) -> None:
    (finished_repo / "tests" / "test_cli.py").unlink()  # in T3's scope
    assert rt(finished_repo, "gate", "full").returncode == 2  # its tests passed at baseline: lost until accepted
    ok(rt(finished_repo, "gate", "accept-lost", "tests/test_cli.py::test_cli_adds",
          "tests/test_cli.py::test_cli_rejects_unknown_op", "--reason", "the CLI tests move into test_ops.py"))
    ok(rt(finished_repo, "gate", "full"))
    planned = json.loads(ok(rt(finished_repo, "close", "commit", "--dry-run", "--json")).stdout)
    assert "tests/test_cli.py" in planned["stage"]
    ok(rt(finished_repo, "close", "commit"))
    assert "tests/test_cli.py" in head_files(finished_repo)
    assert git(finished_repo, "ls-files", "tests/test_cli.py") == ""
    assert git(finished_repo, "status", "--porcelain", "--", "tests") == ""


def test_open_review_findings_above_the_floor_are_carried_over(finished_repo: Path) -> None:
    review = {"verdict": "proceed", "findings": [
        {"confidence": 90, "severity": "medium", "file": "src/calc/ops.py", "line": 20,
         "summary": "power of a negative base with a fractional exponent returns a complex number"},
        {"confidence": 30, "severity": "low", "file": "src/calc/ops.py", "summary": "naming"}]}
    ok(rt(finished_repo, "review", "record", "--wave", "4", "-", stdin=json.dumps(review)))
    report = json.loads(ok(rt(finished_repo, "close", "carryover", "--json")).stdout)
    assert [e["title"] for e in report["listed"]] == [
        "[Carryover] I2: Pow command in the CLI",
        "[Carryover] review: power of a negative base with a fractional exponent returns a complex\u2026"]
    entry = cfile.read(finished_repo)[-1]
    assert entry["item"] == "review-w4-1" and "src/calc/ops.py:20" in str(entry["body"])


def test_a_parametrized_test_is_named_without_its_cases() -> None:
    """A plan names `path::test`; the gate records one id per case (`path::test[case]`), each must pass."""
    from runtime.loop.ledger import test_result

    gate = {"checks": {"test": {"ok": True, "test_ids": {
        "source": "junit", "passed": ["t.py::test_up[a-A]", "t.py::test_up[b-B]", "t.py::test_upper"],
        "failed": [], "skipped": []}}}}
    found = test_result(Path("."), "t.py::test_up", gate)  # type: ignore[arg-type]
    assert found["result"] == "passed" and "(2 tests)" in found["evidence"]
    gate["checks"]["test"]["test_ids"]["skipped"] = ["t.py::test_up[c-C]"]
    assert test_result(Path("."), "t.py::test_up", gate)["result"] == "skipped"  # type: ignore[arg-type]
