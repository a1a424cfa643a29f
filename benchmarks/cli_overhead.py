"""How much does `session-orchestrator init` / `update` cost over bare `copier copy` / `copier update`?

    python3 benchmarks/cli_overhead.py [--runs N]
    python3 benchmarks/cli_overhead.py --smoke   (one run per side: checks it still works)

Makes a tagged git clone of this template (v1, then a v2 that changes one
command text and one runtime file, the entry point, with the runtime's manifest
regenerated as a release does), and N fresh copies of examples/python-calc
per side. Then, interleaved so machine noise hits both alike:

- bare:  `copier copy --trust --defaults --vcs-ref v1 <clone> <repo>`
         `copier update --trust --defaults -a <answers> --vcs-ref v2`
- CLI:   `session-orchestrator init <repo> --template <clone> --vcs-ref v1 --defaults -q`
         `session-orchestrator update <repo> --template <clone> --vcs-ref v2 -q`

The CLI does more than Copier: it detects defaults, checks the tree with git,
lists conflicts, restores the runtime and runs `doctor`; this measures what
that costs. Prints the medians and the ratios. Goal: at most 1.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_project import module_defining

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ANSWERS = ".copier-answers.session-orchestrator.yml"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=ENV)


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def template_clone(where: Path) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "demo", "__pycache__", ".pytest_cache", ".ruff_cache",
                                    "*.egg-info", "build", "dist")
    clone = where / "template"
    shutil.copytree(ROOT, clone, symlinks=True, ignore=ignore)
    git(clone, "init", "-q", "-b", "main")
    commit(clone, "v1")
    git(clone, "tag", "v1")
    commands = sorted((clone / "template" / "_canonical" / "commands").glob("*.md"))
    if not commands:
        raise SystemExit(f"no command texts in {clone / 'template' / '_canonical' / 'commands'}")
    commands[0].write_text(commands[0].read_text() + "\nOne more line in v2.\n")
    # The entry point is the one runtime file that never moves: the hooks and commands run the directory.
    entry = clone / "runtime" / "__main__.py"
    entry.write_text(entry.read_text() + "\n# v2\n")
    integrity = module_defining(r'^MANIFEST = "MANIFEST\.json"$', clone / "runtime")
    subprocess.run([sys.executable, "-m", integrity], cwd=clone, check=True, capture_output=True)
    commit(clone, "v2")
    git(clone, "tag", "v2")
    return clone


def fresh_repo(where: Path) -> Path:
    shutil.copytree(ROOT / "examples" / "python-calc", where,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git(where, "init", "-q", "-b", "main")
    commit(where, "initial")
    return where


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="one run per side: check it still works")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    with tempfile.TemporaryDirectory(prefix="cli-overhead-") as tmp:
        base = Path(tmp)
        clone = template_clone(base)
        env = {**ENV, "SESSION_ORCHESTRATOR_CACHE": str(base / "cache"), "COPIER_CACHE_DIR": str(base / "copier")}
        times: dict[str, list[float]] = {"copier copy": [], "init": [], "copier update": [], "update": []}
        for run in range(args.runs):
            bare = fresh_repo(base / f"bare{run}")
            ours = fresh_repo(base / f"cli{run}")
            times["copier copy"].append(timed([str(BIN / "copier"), "copy", "--trust", "--defaults", "--quiet",
                                               "--vcs-ref", "v1", str(clone), str(bare)], base, env))
            times["init"].append(timed([str(BIN / "session-orchestrator"), "init", str(ours), "--template",
                                        str(clone), "--vcs-ref", "v1", "--defaults", "-q"], base, env))
            commit(bare, "set up")
            commit(ours, "set up")
            times["copier update"].append(timed([str(BIN / "copier"), "update", "--trust", "--defaults", "--quiet",
                                                 "-a", ANSWERS, "--vcs-ref", "v2"], bare, env))
            times["update"].append(timed([str(BIN / "session-orchestrator"), "update", str(ours), "--template",
                                          str(clone), "--vcs-ref", "v2", "-q"], base, env))
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"runs: {args.runs} (medians, seconds)")
        for ours, bare in (("init", "copier copy"), ("update", "copier update")):
            ratio = medians[ours] / medians[bare]
            verdict = "ok" if ratio <= 1.5 else "over the 1.5x goal"
            print(f"  {ours:7} {medians[ours]:6.2f}   bare {bare:14} {medians[bare]:6.2f}   ratio {ratio:4.2f}x  "
                  f"({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
