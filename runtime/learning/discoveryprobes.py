# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The probes `discovery` runs: each reads git, the files or a tool and returns raw findings.

A probe returns dicts with `category`, `file`, `line`, `key` (what makes the finding
the same finding on the next run: never a line number, which moves with every edit
above it) and `title`/`evidence`. Everything is derived from the repository's
content and history, never from the clock, so two runs over the same repository
print the same findings. The thresholds are data (below) and documented in
docs/discovery.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.proc import run

if TYPE_CHECKING:
    from ..loop.records import Gate

# extension -> stack
SOURCE_EXT = {".py": "python", ".js": "node", ".jsx": "node", ".ts": "node", ".tsx": "node", ".mjs": "node",
              ".cjs": "node", ".go": "go", ".rs": "rust"}
TEST_DIRS = {"test", "tests", "testing", "__tests__", "spec", "specs"}
# files that are wiring or configuration, not code a unit test is expected for
NO_TEST_NEEDED = {"__init__.py", "__main__.py", "setup.py", "conftest.py", "noxfile.py", "tasks.py", "fabfile.py",
                  "manage.py", "main.go", "lib.rs", "main.rs", "mod.rs", "build.rs"}
NO_TEST_DIRS = {"docs", "doc", "examples", "example", "scripts", "benchmarks", "bench", ".orchestrator",
                "node_modules", "vendor", "third_party", "migrations"}
LARGE_LINES = 800  # a source file longer than this is reported as oversized
CHURN_WINDOW = 200  # commits of history the churn probe reads
CHURN_MIN = 5  # commits within the window that make a file high-churn
CHURN_TOP = 10  # at most this many high-churn files, the most changed first
RECENT_COMMITS = 20  # commits the recent-changes probe reads
# the marker right after a comment leader (hash, double slash, slash-star, HTML comment, a leading star or
# dashes), so the word inside a string or a sentence is not taken for a note
MARKERS = re.compile(r"(?:#|//|/\*|<!--|^\s*\*|^\s*--|^\s*;)\s*(TODO|FIXME|XXX)\b")
# in prose files a hash is a heading or text, so only an HTML comment holds a note
PROSE_MARKERS = re.compile(r"<!--\s*(TODO|FIXME|XXX)\b")
PROSE = {".md", ".markdown", ".rst", ".txt", ".html", ".htm"}
AUDIT_TIMEOUT = 120


def _git(root: Path, *args: str, timeout: float = 60) -> str:
    code, out, _ = run(["git", *args], root, timeout)
    return out if code == 0 else ""


def files(root: Path) -> list[str]:
    """Tracked and untracked non-ignored files, sorted, without the runtime's own directory."""
    out = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({p for p in out.split("\0") if p and not p.startswith(".orchestrator/") and (root / p).is_file()})


def stack_of(path: str) -> str | None:
    return SOURCE_EXT.get(Path(path).suffix)


def is_test(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    if any(part in TEST_DIRS for part in parts[:-1]):
        return True
    stem = name.split(".")[0]
    return (name == "conftest.py" or stem.startswith("test_") or stem.endswith("_test") or stem == "test"
            or ".test." in name or ".spec." in name)


def stacks(root: Path, paths: list[str]) -> list[str]:
    found = {stack for stack in map(stack_of, paths) if stack}
    markers = {"pyproject.toml": "python", "setup.py": "python", "setup.cfg": "python", "package.json": "node",
               "go.mod": "go", "Cargo.toml": "rust"}
    found.update(stack for name, stack in markers.items() if (root / name).is_file())
    return sorted(found)


def _needs_test(path: str) -> bool:
    parts = path.split("/")
    return (stack_of(path) is not None and not is_test(path) and parts[-1] not in NO_TEST_NEEDED
            and not path.endswith(".d.ts") and not any(part in NO_TEST_DIRS for part in parts[:-1])
            and not re.search(r"\.config\.[cm]?[jt]s$", parts[-1]))


def _module_name(path: str) -> str:
    return Path(path).name.split(".")[0].strip("_")


def _test_index(root: Path, paths: list[str]) -> tuple[set[str], str, set[str]]:
    """(names of test files without their test_/_test/.test parts, all test text, directories holding Go tests)."""
    names: set[str] = set()
    texts: list[str] = []
    go_dirs: set[str] = set()
    for path in paths:
        if not is_test(path) or stack_of(path) is None:
            continue
        stem = Path(path).name.split(".")[0]
        names.add(re.sub(r"^test_|_test$", "", stem).strip("_"))
        if path.endswith("_test.go"):
            go_dirs.add(str(Path(path).parent))
        try:
            texts.append((root / path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return names, "\n".join(texts), go_dirs


def _is_tested(root: Path, path: str, index: tuple[set[str], str, set[str]]) -> bool:
    names, text, go_dirs = index
    module = _module_name(path)
    if not module:
        return True
    if path.endswith(".go"):
        return str(Path(path).parent) in go_dirs
    if path.endswith(".rs"):
        try:
            return "#[cfg(test)]" in (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return module in names or re.search(rf"\b{re.escape(module)}\b", text) is not None


def untested(root: Path, paths: list[str]) -> list[dict[str, Any]]:
    """Source files no test file is named after or mentions (a deliberately lenient match: never a false gap)."""
    index = _test_index(root, paths)
    out = []
    for path in paths:
        if _needs_test(path) and not _is_tested(root, path, index):
            out.append({"category": "untested", "file": path, "line": None, "key": path,
                        "title": f"no test names or imports {path}",
                        "evidence": f"no test file is named after '{_module_name(path)}' or mentions it"})
    return out


def _commits(root: Path, count: int) -> list[tuple[str, list[str]]]:
    """(sha, changed paths) of the last `count` commits on HEAD, newest first (merges left out)."""
    out = _git(root, "log", f"-n{count}", "--no-merges", "--no-renames", "--format=%x00%H", "--name-only")
    commits = []
    for block in out.split("\0")[1:]:
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if lines:
            commits.append((lines[0], lines[1:]))
    return commits


def recent_untested(root: Path, paths: list[str]) -> list[dict[str, Any]]:
    """Source files changed by recent commits that changed no test: the newest such commit is the evidence."""
    present = set(paths)
    seen: dict[str, dict[str, Any]] = {}
    for sha, changed in _commits(root, RECENT_COMMITS):
        if any(is_test(p) for p in changed):
            continue
        for path in changed:
            if path in present and path not in seen and _needs_test(path):
                seen[path] = {"category": "recent-untested", "file": path, "line": None, "key": path,
                              "title": f"{path} changed without a test change",
                              "evidence": f"commit {sha[:12]} changed it and no test file"}
    return [seen[p] for p in sorted(seen)]


def churn(root: Path, paths: list[str]) -> list[dict[str, Any]]:
    present = {p for p in paths if stack_of(p)}
    counts: dict[str, int] = {}
    commits = _commits(root, CHURN_WINDOW)
    for _, changed in commits:
        for path in set(changed):
            if path in present:
                counts[path] = counts.get(path, 0) + 1
    top = sorted((p for p, n in counts.items() if n >= CHURN_MIN), key=lambda p: (-counts[p], p))[:CHURN_TOP]
    return [{"category": "churn", "file": p, "line": None, "key": p, "title": f"{p} changes often",
             "evidence": f"changed in {counts[p]} of the last {len(commits)} commits"} for p in sorted(top)]


def oversized(root: Path, paths: list[str]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        if not stack_of(path) or is_test(path):
            continue
        try:
            lines = (root / path).read_bytes().count(b"\n")
        except OSError:
            continue
        if lines > LARGE_LINES:
            out.append({"category": "oversized", "file": path, "line": None, "key": path,
                        "title": f"{path} is {lines} lines long",
                        "evidence": f"{lines} lines; more than {LARGE_LINES} is hard to review"})
    return out


def markers(root: Path, paths: list[str]) -> list[dict[str, Any]]:
    """TODO/FIXME/XXX comments with the date `git blame` gives their line and its age at HEAD's commit."""
    wanted = set(paths)
    out = _git(root, "grep", "--untracked", "-n", "-I", "-z", "-w", "-E", "TODO|FIXME|XXX")
    hits: dict[str, list[tuple[int, str]]] = {}
    for row in out.splitlines():
        parts = row.split("\0")
        if len(parts) < 3 or parts[0] not in wanted:
            continue
        text = parts[2]
        if _marker(parts[0], text):
            hits.setdefault(parts[0], []).append((int(parts[1]), text.strip()))
    head_time = int(_git(root, "log", "-1", "--format=%ct").strip() or 0)
    found = []
    for path in sorted(hits):
        dates = _blame_times(root, path, [n for n, _ in hits[path]])
        seen: dict[str, int] = {}
        for number, text in hits[path]:
            match = _marker(path, text)
            if match is None:  # collected by the same pattern, so never; kept for the checker
                continue
            word = match.group(1)
            note = text[:160]
            seen[note] = seen.get(note, 0) + 1
            when = dates.get(number)
            if when:
                age = max(0, (head_time - when) // 86400)
                day = _day(when)
                evidence = f"{word} since {day} ({age} days before HEAD's commit): {note}"
            else:
                age, day = None, None
                evidence = f"{word}, not committed yet: {note}"
            found.append({"category": "todo", "file": path, "line": number, "key": f"{path}|{note}|{seen[note]}",
                          "title": f"{word} in {path}: {_clip(text, 70)}", "evidence": evidence, "since": day,
                          "age_days": age})
    return found


def _marker(path: str, text: str) -> re.Match[str] | None:
    """The first note on the line that is not inside a quoted string (an odd number of quotes before it)."""
    pattern = PROSE_MARKERS if Path(path).suffix.lower() in PROSE else MARKERS
    for found in pattern.finditer(text):
        before = text[:found.start()]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return found
    return None


def _day(epoch: int) -> str:
    import time

    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _blame_times(root: Path, path: str, numbers: list[int]) -> dict[int, int]:
    """Line number -> author time of the commit that wrote it; uncommitted lines are left out."""
    ranges = [arg for n in numbers for arg in ("-L", f"{n},{n}")]
    out = _git(root, "blame", "--porcelain", *ranges, "--", path)
    times: dict[int, int] = {}
    commit_time: dict[str, int] = {}
    current: tuple[str, int] | None = None
    for line in out.splitlines():
        head = re.match(r"^([0-9a-f]{40}) \d+ (\d+)", line)
        if head:
            current = (head.group(1), int(head.group(2)))
            if head.group(1) in commit_time and set(head.group(1)) != {"0"}:
                times[current[1]] = commit_time[head.group(1)]
        elif line.startswith("author-time ") and current and set(current[0]) != {"0"}:
            commit_time[current[0]] = int(line.split()[1])
            times[current[1]] = commit_time[current[0]]
    return times


def gate_debt(root: Path) -> tuple[list[dict[str, Any]], str]:
    """Lint and typecheck findings of the newest gate record, and which record that was."""
    record, where = last_gate(root)
    if record is None:
        return [], where
    out = []
    for kind in ("lint", "typecheck"):
        check = (record.get("checks") or {}).get(kind) or {}
        seen: dict[tuple[str, str, str], int] = {}
        for finding in check.get("findings") or []:
            file, line, code, message = [*list(finding), "", 0, "", ""][:4]
            ident = (str(file), str(code), str(message))
            seen[ident] = seen.get(ident, 0) + 1
            out.append({"category": kind, "file": str(file) or None, "line": int(line) if line else None,
                        "key": "|".join([*ident, str(seen[ident])]),
                        "title": f"{code} in {file}: {_clip(str(message), 60)}",
                        "evidence": f"{kind} gate ({where}): {file}:{line}: {code} {message}"})
        listed = len(check.get("findings") or [])
        problems = check.get("problems") or 0
        if problems > listed:
            out.append({"category": kind, "file": None, "line": None, "key": f"{kind}|more",
                        "title": f"{problems - listed} more {kind} findings not kept in the record",
                        "evidence": f"{kind} gate ({where}): {problems} findings, {listed} listed"})
    return out, where


def last_gate(root: Path) -> tuple[Gate | None, str]:
    """The newest gate record the repository kept (the session's, else the newest archived one) and where."""
    from ..core.paths import state_dir
    from ..loop.state import StateError, load, parse_record

    try:
        state = load(root)
    except StateError as exc:
        return None, f"the session record cannot be read: {exc}"
    if state is None:
        archive = state_dir(root) / "archive"
        paths = sorted(archive.glob("*.json"), key=lambda p: p.name) if archive.is_dir() else []
        for path in reversed(paths):
            try:
                state = parse_record(path.read_text(encoding="utf-8"), str(path))
                break
            except (OSError, StateError):
                continue
    if state is None:
        return None, "no gate has run yet"
    gates = list(state.get("gates") or [])
    record = gates[-1] if gates else state.get("baseline")
    if not record:
        return None, "no gate has run yet"
    return record, f"the {record.get('variant')} gate of session {state.get('session_id')}"


def config_paths(root: Path) -> list[dict[str, Any]]:
    """Session Config keys that name a directory or file which is not there (only keys the user set)."""
    from ..core.config import load_or_defaults, path_keys

    config, _ = load_or_defaults(root)
    where = config.source.relative_to(root).as_posix() if config.source and config.source.is_relative_to(root) \
        else (str(config.source) if config.source else None)
    out = []
    for name in sorted(path_keys()):
        if name not in config.lines:
            continue
        value = str(config.get(name))
        if not (root / value).exists():
            out.append({"category": "config-path", "file": where, "line": config.lines[name], "key": name,
                        "title": f"Session Config {name} names {value}, which does not exist",
                        "evidence": f"{name}: {value}; no such path in the repository"})
    return out


def audit(root: Path) -> list[dict[str, Any]]:
    """Known vulnerabilities from the project's own audit tool; a tool that is missing or cannot reach its
    database is a 'skipped' finding, never a clean result."""
    out: list[dict[str, Any]] = []
    if any((root / n).is_file() for n in ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt")):
        out.extend(_pip_audit(root))
    if (root / "package.json").is_file():
        out.extend(_npm_audit(root))
    return out


def _skipped(tool: str, why: str) -> dict[str, Any]:
    return {"category": "audit-skipped", "file": None, "line": None, "key": tool,
            "title": f"dependencies not audited: {tool} {why}",
            "evidence": f"skipped, not passed: {tool} {why}; the dependencies were not checked"}


def _pip_audit(root: Path) -> list[dict[str, Any]]:
    import shutil

    local = root / ".venv" / "bin" / "pip-audit"
    tool = str(local) if local.is_file() else shutil.which("pip-audit")
    if not tool:
        return [_skipped("pip-audit", "is not installed")]
    target = ["-r", "requirements.txt"] if (root / "requirements.txt").is_file() else ["."]
    code, out, err = run([tool, "-f", "json", "--progress-spinner", "off", *target], root, AUDIT_TIMEOUT)
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        first = next((ln.strip() for ln in (err or out).splitlines() if ln.strip()), f"exit {code}")
        return [_skipped("pip-audit", f"could not run (offline?): {_clip(first, 120)}")]
    found = []
    for dep in (data.get("dependencies") if isinstance(data, dict) else data) or []:
        for vuln in dep.get("vulns") or []:
            fix = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            found.append({"category": "vulnerable-dependency", "file": None, "line": None,
                          "key": f"python|{dep.get('name')}|{dep.get('version')}|{vuln.get('id')}",
                          "title": f"{dep.get('name')} {dep.get('version')}: {vuln.get('id')}",
                          "evidence": f"pip-audit: {vuln.get('id')} in {dep.get('name')} {dep.get('version')}; "
                                      f"fixed in {fix}"})
    return found


def _npm_audit(root: Path) -> list[dict[str, Any]]:
    import shutil

    if not shutil.which("npm"):
        return [_skipped("npm audit", "is not installed (no npm)")]
    if not any((root / n).is_file() for n in ("package-lock.json", "npm-shrinkwrap.json")):
        return [_skipped("npm audit", "needs a package-lock.json")]
    code, out, err = run(["npm", "audit", "--json"], root, AUDIT_TIMEOUT)
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or "error" in data or "vulnerabilities" not in data:
        detail = (data or {}).get("error", {}).get("summary") if isinstance(data, dict) else None
        first = detail or next((ln.strip() for ln in (err or out).splitlines() if ln.strip()), f"exit {code}")
        return [_skipped("npm audit", f"could not run (offline?): {_clip(str(first), 120)}")]
    found = []
    for name, vuln in sorted(data["vulnerabilities"].items()):
        ids = sorted({str(v.get("url") or v.get("title")) for v in vuln.get("via") or [] if isinstance(v, dict)})
        found.append({"category": "vulnerable-dependency", "file": "package.json", "line": None,
                      "key": f"node|{name}|{vuln.get('range')}",
                      "title": f"{name} {vuln.get('range')}: {vuln.get('severity')} severity",
                      "evidence": f"npm audit: {name} {vuln.get('range')} ({vuln.get('severity')}): "
                                  + ("; ".join(ids) or "via " + ", ".join(str(v) for v in vuln.get("via") or []))})
    return found
