"""What the git backstop adds to every `git commit`, against a commit with no hook at all.

Run:  .venv/bin/python benchmarks/backstop_latency.py [--runs 15] [--files 2000]
      .venv/bin/python benchmarks/backstop_latency.py --smoke   (2 runs, 20 files: checks it still works)

Builds a repository with `--files` tracked files and the runtime vendored, installs
the backstop with the runtime's own command, and times real `git commit`s of a
one-file change, interleaved so machine noise hits every variant alike:

- no hook: `git -c core.hooksPath=<empty dir> commit`, the floor;
- backstop, no session: the path every commit between sessions takes (one file read);
- backstop, active session with a wave's scope: the full check (git diff of the index,
  the scope match, the protected list);
- `sh -c 'python3 -S -c pass'`: the interpreter's own start, for scale.

Prints the median and p90 of each, and the backstop variants minus the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def _run(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def build(base: Path, files: int) -> Path:
    repo = base / "repo"
    for i in range(files):
        path = repo / "src" / f"d{i % 50}" / f"m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"VALUE = {i}\n", encoding="utf-8")
    (repo / ".gitignore").write_text(".orchestrator/state/\n", encoding="utf-8")
    (repo / "CLAUDE.md").write_text("## Session Config\n\n- enforcement: strict\n", encoding="utf-8")
    shutil.copytree(ROOT / "runtime", repo / ".orchestrator" / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=ENV)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=ENV)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=repo, check=True, env=ENV)
    subprocess.run(["python3", ".orchestrator/runtime", "backstop", "install"], cwd=repo, check=True, env=ENV,
                   capture_output=True)
    subprocess.run(["python3", "-m", "compileall", "-q", ".orchestrator/runtime"], cwd=repo, check=True)
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true", help="2 runs in a 20-file repository: check it still works")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.files = 2, 20
    with tempfile.TemporaryDirectory(prefix="so-backstop-bench-") as tmp:
        base = Path(tmp)
        repo = build(base, args.files)
        empty = base / "no-hooks"
        empty.mkdir()
        state = repo / ".orchestrator" / "state"
        state.mkdir(exist_ok=True)
        times: dict[str, list[float]] = {"no hook": [], "backstop, no session": [], "backstop, active wave": [],
                                         "sh -c 'python3 -S -c pass'": []}
        counter = 0
        for _ in range(args.runs):
            for name in times:
                if name.startswith("sh "):
                    times[name].append(_run(["sh", "-c", "python3 -S -c pass"], repo))
                    continue
                counter += 1
                (repo / "src" / "d0" / "m0.py").write_text(f"VALUE = {counter}\n", encoding="utf-8")
                subprocess.run(["git", "add", "src/d0/m0.py"], cwd=repo, check=True, env=ENV)
                if name == "backstop, active wave":
                    (state / "session.json").write_text('{"status": "active"}\n', encoding="utf-8")
                    (state / "scope.json").write_text(json.dumps({"wave": 2, "allowed": ["src/d0/"],
                                                                  "enforcement": "strict"}), encoding="utf-8")
                else:
                    for record in ("session.json", "scope.json"):
                        (state / record).unlink(missing_ok=True)
                cmd = ["git", "commit", "-qm", "x"]
                if name == "no hook":
                    cmd = ["git", "-c", f"core.hooksPath={empty}", "commit", "-qm", "x"]
                times[name].append(_run(cmd, repo))
        floor = statistics.median(times["no hook"])
        print(f"{args.files} tracked files, {args.runs} runs each (interleaved)")
        for name, values in times.items():
            values.sort()
            median = statistics.median(values)
            p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
            extra = f"  ({(median - floor) * 1000:+.1f} ms over no hook)" if name.startswith("backstop") else ""
            print(f"  {name:<30} median {median * 1000:6.1f} ms   p90 {p90 * 1000:6.1f} ms{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
