"""The guard against whole families of evasions, and the ordinary commands it must let through.

evasion_corpus.tsv holds one command per line with its family, the expected outcome and, for a
block, the rule that must fire ("-" when any denial will do). Every line is judged by the real
runtime (`guard.check_command`, as the hook calls it) under `enforcement: strict`, in a real git
repository whose files the families depend on: ignored build output, a directory that is ignored
but holds a tracked file, a symlink to the sources, package.json scripts and a Makefile.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from runtime.guards import guard
from runtime.guards.context import HookContext

CORPUS = Path(__file__).with_name("evasion_corpus.tsv")
SCRIPTS = {
    "clean": "rm -rf src",
    "build": "tsc -p .",
    "test": "node --test",
    "lint": "eslint .",
    "wipe": "rimraf src",
    "prestart": "git clean -fdx",
    "start": "node server.js",
    "tidy": "rimraf dist",
    "nuke": "npm run clean",
    "fmt": "prettier --write .",
}
MAKEFILE = """\
all: build

build:
\tpython -m build

clean:
\trm -rf src

distclean: clean

tidy:
\trm -rf build dist

test:
\tpytest -q
"""
IGNORED = ["build/", "dist/", "*.egg-info/", "node_modules/", "__pycache__/", "*.pyc", "coverage/", ".cache/",
           "vendor/", "out"]


def _load() -> list[tuple[str, str, str, str, int]]:
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        category, expected, rule, command = line.split("\t", 3)
        rows.append((category, expected, rule, command.replace("<NL>", "\n").replace("<TAB>", "\t"), number))
    return rows


ROWS = _load()


def _git(root: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("evasion") / "repo")


def build_repo(root: Path) -> Path:
    """The repository every corpus line is judged in (also used to count how an older runtime fares)."""
    files = {
        "CLAUDE.md": "# P\n\n## Session Config\n\n- enforcement: strict\n",
        "README.md": "readme\n",
        "setup.py": "from setuptools import setup\n",
        "src/app.py": "x = 1\n",
        "src/lib/util.py": "y = 2\n",
        "package.json": json.dumps({"name": "p", "version": "1.0.0", "scripts": SCRIPTS}, indent=2) + "\n",
        "Makefile": MAKEFILE,
        ".gitignore": "\n".join(IGNORED) + "\n",
        "build/lib/x.o": "o\n",
        "dist/pkg.whl": "w\n",
        "mypkg.egg-info/PKG-INFO": "i\n",
        "node_modules/left-pad/index.js": "m\n",
        "src/__pycache__/app.cpython-311.pyc": "c\n",
        "coverage/index.html": "c\n",
        ".cache/x": "c\n",
        "vendor/f": "tracked although ignored\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "out").symlink_to("src")
    _git(root, "init", "-q")
    _git(root, "add", "CLAUDE.md", "README.md", "setup.py", "src/app.py", "src/lib/util.py", "package.json", "Makefile",
         ".gitignore")
    _git(root, "add", "-f", "vendor/f")
    _git(root, "commit", "-qm", "init")
    return root


def test_every_family_has_ten_of_each() -> None:
    for category in {r[0] for r in ROWS}:
        blocks = sum(1 for r in ROWS if r[0] == category and r[1] == "block")
        passes = sum(1 for r in ROWS if r[0] == category and r[1] == "allow")
        assert blocks >= 10 and passes >= 10, (category, blocks, passes)


@pytest.mark.parametrize(("category", "expected", "rule", "command", "line"), ROWS,
                         ids=[f"{r[0]}-L{r[4]}-{r[1]}" for r in ROWS])
def test_evasion_corpus(repo: Path, category: str, expected: str, rule: str, command: str, line: int) -> None:
    ctx = HookContext(repo, "claude", "pre-tool-use", {"cwd": str(repo)})
    decision = guard.check_command(command, ctx)
    got = "block" if decision.denied else "allow"
    assert got == expected, f"line {line}: {command!r} -> {decision!r}"
    if expected == "allow":
        assert decision.action == "allow", f"line {line}: {command!r} -> {decision!r}"
    if rule != "-":
        assert decision.rule.split(",")[0] == rule, f"line {line}: {command!r} -> {decision!r}"


def test_a_build_script_that_clears_absent_ignored_output_passes(tmp_path: Path) -> None:
    """`"build": "rm -rf dist && tsc"` before the first build: dist does not exist yet, so the delete
    removes nothing; the same script over tracked sources, or after a link was made, stays blocked."""
    root = build_repo(tmp_path / "repo")
    (root / "dist" / "pkg.whl").unlink()
    (root / "dist").rmdir()
    scripts = dict(SCRIPTS, build="rm -rf dist coverage && tsc -p .", bad="rm -rf dist src && tsc")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": scripts}))
    ctx = HookContext(root, "claude", "pre-tool-use", {"cwd": str(root)})
    assert guard.check_command("npm run build", ctx).action == "allow"
    assert guard.check_command("npm run bad", ctx).denied
    assert guard.check_command("ln -s src dist && npm run build", ctx).denied
    assert guard.check_command("rm -rf /srv/absent-here", ctx).denied  # absent, but outside the repository
