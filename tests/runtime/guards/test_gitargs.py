"""Reading git command lines the way git does: aliases, settings, abbreviations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from runtime.guards import gitargs


@pytest.mark.parametrize(("words", "expected"), [
    (["reset", "--h"], ["reset", "--hard"]),
    (["reset", "--ha", "HEAD~1"], ["reset", "--hard", "HEAD~1"]),
    (["push", "--mir", "origin"], ["push", "--mirror", "origin"]),
    (["push", "--del", "origin", "x"], ["push", "--delete", "origin", "x"]),
    (["push", "--force-w=main"], ["push", "--force-with-lease=main"]),
    (["clean", "--f", "-d"], ["clean", "--force", "-d"]),
    (["clean", "-n", "--no-dry-run", "-f"], ["clean", "-f"]),
    (["switch", "--disc", "main"], ["switch", "--discard-changes", "main"]),
    (["checkout", "--", "--h"], ["checkout", "--", "--h"]),  # after `--` words are paths
    (["frobnicate", "--h"], ["frobnicate", "--h"]),  # unknown subcommand: left alone
])
def test_abbreviations_resolve_like_git(words: list[str], expected: list[str]) -> None:
    assert gitargs.canonical(words) == expected


def test_an_ambiguous_prefix_counts_as_every_option_it_could_mean() -> None:
    assert gitargs.canonical(["push", "--forc"]) == ["push", "--force", "--force-if-includes", "--force-with-lease"]


def _git_accepts(tmp_path: Path, *args: str) -> str:
    repo = tmp_path / "r"
    if not repo.exists():
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                        "--allow-empty", "-m", "a"], check=True)
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stderr


def test_the_option_tables_agree_with_the_installed_git(tmp_path: Path) -> None:
    """The abbreviations the tables resolve are the ones this machine's git accepts, and the
    ones it calls ambiguous are ambiguous to git too."""
    assert "ambiguous" not in _git_accepts(tmp_path, "reset", "--h")
    assert "ambiguous" in _git_accepts(tmp_path, "push", "--forc", "nowhere")
    assert "unknown option" in _git_accepts(tmp_path, "rm", "--r", "x")
    for sub, options in (("reset", "hard soft mixed merge keep"), ("push", "mirror delete prune force-with-lease"),
                         ("clean", "force dry-run"), ("switch", "discard-changes force"), ("rm", "cached force")):
        help_text = _git_accepts(tmp_path, sub, "-h") + subprocess.run(
            ["git", sub, "-h"], capture_output=True, text=True).stdout
        for option in options.split():
            assert "--" + option in help_text, (sub, option)
            assert option in gitargs._LONG[sub]


def test_alias_bodies_and_settings_are_expanded() -> None:
    exp = gitargs.expand(["-c", "alias.x=reset --hard", "x"], [])
    assert exp.argv == ["reset", "--hard"] and ["reset", "--hard"] in exp.git
    exp = gitargs.expand(["-c", "alias.x=!rm -rf src", "x", "extra"], [])
    assert "rm -rf src extra" in exp.shell
    exp = gitargs.expand(["push", "origin"], [("remote.origin.push", "+refs/heads/*:refs/heads/*")])
    assert "+refs/heads/*:refs/heads/*" in exp.argv
    exp = gitargs.expand(["-c", "clean.requireForce=false", "clean", "-d"], [])
    assert "--force" in exp.argv
    exp = gitargs.expand(["--config-env=alias.y=ENV", "y"], [])
    assert exp.unknown
    exp = gitargs.expand(["-c", "core.pager=less -R", "log"], [])
    assert exp.shell == ["less -R"] and exp.argv == ["log"]


def test_aliases_loop_is_bounded() -> None:
    exp = gitargs.expand(["-c", "alias.a=b", "-c", "alias.b=a", "a"], [])
    assert exp.argv == [] and exp.unknown


def test_line_config_reads_git_config_writes() -> None:
    got = gitargs.line_config([["config", "--global", "alias.Z", "reset --hard"], ["config", "--get", "alias.q"],
                               ["-C", "x", "config", "set", "remote.origin.mirror", "true"], ["status"]])
    assert got == [("alias.z", "reset --hard"), ("remote.origin.mirror", "true")]


def test_split_words_follows_git_quoting() -> None:
    assert gitargs.split_words("""log --format='%h %s' "a b" c\\ d""") == ["log", "--format=%h %s", "a b", "c d"]


def test_environment_settings() -> None:
    shells, injected = gitargs.env_settings("GIT_PAGER='rm -rf src' git log")
    assert shells == ["rm -rf src"] and not injected
    assert gitargs.env_settings("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=a GIT_CONFIG_VALUE_0=b git x")[1]
    assert gitargs.env_settings("MY_GIT_PAGER=x git log") == ([], False)
    assert gitargs.env_settings("git log") == ([], False)
