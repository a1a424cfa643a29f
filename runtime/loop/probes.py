# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`doctor`'s proof that each configured check can run, one probe per runner.

A probe must never fail a check the gate runs fine: a FAIL for `npm test` on a
vitest project (because jest's `--listTests` was appended to every npm script)
teaches users to ignore doctor. So the probe asks the runner the project really
uses, found from the command and, for a package script, from package.json:

- pytest: collect without running (`--collect-only`);
- jest: `--listTests`; vitest: `vitest list`; mocha: `--dry-run`;
- go: `go vet`; cargo: `cargo test --no-run`;
- a slow type checker or linter: its version, then a real run of at most 30 s;
- anything else (`node --test`, tape, an unknown script): the command itself, for at
  most 30 s, judged the way the gate judges it (failing tests are not "cannot run").

When a tool cannot run, its own first error line is part of the answer: "exit 2"
alone tells the user nothing.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

_VERSION_ONLY = ("mypy", "pyright", "flake8", "eslint", "tsc", "tox", "nox", "pylint", "black")
_PACKAGE_MANAGERS = ("npm", "pnpm", "yarn")


def _script_words(command: str, root: Path | None) -> tuple[list[str], str]:
    """(the words of the package.json script a `npm test`-style command runs, how extra args are passed)."""
    words = command.split()
    if not words or words[0] not in _PACKAGE_MANAGERS or root is None:
        return [], ""
    rest = words[1:]
    if rest[:1] == ["run"]:
        rest = rest[1:]
    name = {"t": "test"}.get(rest[0], rest[0]) if rest else ""
    from .detect import package_scripts

    script = str(package_scripts(root).get(name) or "")
    tokens = [w for w in script.split() if not re.match(r"^[A-Z_][A-Z0-9_]*=", w)]  # FOO=bar before the tool
    if tokens[:1] == ["cross-env"]:
        tokens = [w for w in tokens[1:] if "=" not in w]
    return tokens, ("" if words[0] == "yarn" else "-- ")


def _runner(words: list[str]) -> tuple[str, list[str]]:
    """(runner name, its arguments) for a command's words, looking through npx and node."""
    if words[:1] in (["npx"], ["pnpx"]) or words[:2] in (["pnpm", "exec"], ["yarn", "exec"], ["npm", "exec"]):
        words = words[2:] if words[0] in _PACKAGE_MANAGERS else words[1:]
        words = [w for w in words if not w.startswith("--yes") and w != "-y"]
    if not words:
        return "", []
    name = words[0].rsplit("/", 1)[-1]
    if name == "node" and "--test" in words:
        return "node --test", words[1:]
    return name, words[1:]


def probe_command(kind: str, command: str, root: Path | None = None) -> tuple[str, str]:
    """(cheap command that proves `command` can run, what it proves); see the module docstring."""
    words = command.split()
    if kind == "test" and "pytest" in command and "tox" not in words:
        return f"{command} --collect-only -q -p no:cacheprovider", "collects tests"
    if words[:2] == ["go", "test"]:
        return "go vet " + " ".join(words[2:] or ["./..."]), "builds and vets"
    if words[:2] == ["cargo", "test"]:
        return f"{command} --no-run", "builds the tests"
    if kind == "test":
        script, passing = _script_words(command, root)
        runner, args = _runner(script or words)
        if runner == "jest":
            return (f"{command} {passing}--listTests" if script else f"{command} --listTests"), "lists tests (jest)"
        if runner == "vitest":
            kept = [w for w in args if w not in ("run", "watch", "--run", "--watch", "dev", "--coverage")]
            return "npx vitest list " + " ".join(kept) if kept else "npx vitest list", "lists tests (vitest)"
        if runner == "mocha":
            return (f"{command} {passing}--dry-run" if script else f"{command} --dry-run"), "lists tests (mocha)"
        return command, f"runs ({runner})" if runner else "runs"
    for index, word in enumerate(words):
        name = word.rsplit("/", 1)[-1]
        if name == "ruff":
            return command, "runs"
        if name in _VERSION_ONLY:
            return " ".join(words[:index + 1]) + " --version", "starts (version only: a full run is slow)"
    return command, "runs"


def _run_probe(command: str, root: Path, timeout: float) -> tuple[int | None, str, float, bool]:
    import subprocess

    from .checkrun import check_env, plain

    started = time.monotonic()
    try:
        done = subprocess.run(command, shell=True, cwd=root, capture_output=True, text=True, errors="replace",
                              stdin=subprocess.DEVNULL, timeout=timeout, start_new_session=True, env=check_env())
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return None, plain(partial), time.monotonic() - started, True
    return done.returncode, plain(done.stdout + done.stderr), time.monotonic() - started, False


def _with_output(cause: str, output: str) -> str:
    """The cause, followed by the tool's own first error line when the cause does not already quote it."""
    from .failtext import first_error_line

    said = first_error_line(output)
    return cause if not said or said[:60] in cause else f"{cause}; it said: {said}"


def _judged(kind: str, command: str, proves: str, result: tuple[int | None, str, float, bool],
            limit: float, root: Path) -> tuple[str, str, str]:
    """A real run (cut at `limit` seconds), judged as the gate judges it."""
    from .gates import check_result

    output, timed_out = result[1], result[3]
    if timed_out:
        return "ok", f"{proves}; a full run takes over {limit:g}s, so the doctor did not wait for it", ""
    checked = check_result(kind, command, "", result, limit, root)
    if checked["status"] == "broken":
        return "broken", _with_output(str(checked["cause"]), output), str(checked["fix"])
    found_n = checked.get("problems")
    counts = checked.get("counts") or {}
    told = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "skipped") if counts.get(k))
    return "ok", proves + (f": {found_n} findings" if found_n else "") + (f": {told}" if told else ""), ""


def probe(kind: str, command: str, root: Path, timeout: float = 120, full_run: float = 30) -> tuple[str, str, str]:
    """('ok' | 'broken', detail, fix) for one configured check, without touching session state.

    It runs outside the gate on purpose: no gate log, no telemetry, nothing under
    `.orchestrator/state/`, so `doctor` can be run any number of times with the same answer.
    A linter or type checker that starts may still be unable to check the project (a
    config error, a module found twice), so after its version it also runs for real,
    for at most `full_run` seconds; a longer run is reported as not proved, not as broken.
    """
    from .gates import diagnose

    cheap, proves = probe_command(kind, command, root)
    if cheap == command:  # the command itself, judged as the gate would; a long run is not a failure
        return _judged(kind, command, proves, _run_probe(command, root, full_run), full_run, root)
    code, output, _, timed_out = _run_probe(cheap, root, timeout)
    if "--collect-only" in cheap and code == 0:
        # -q prints "N tests collected", -qq one "file.py: N" line per file, plain output "collected N items"
        found = re.search(r"(\d+) tests? collected|collected (\d+) items?", output)
        per_file = [int(n) for n in re.findall(r"(?m)^\S+\.py: (\d+)$", output)]
        count = int(next(g for g in found.groups() if g)) if found else sum(per_file) or len(
            [line for line in output.splitlines() if "::" in line])
        if count == 0:
            return "broken", "pytest collected no tests", "check testpaths and the test command"
        return "ok", f"{proves}: {count} tests", ""
    if code == 0 and proves.startswith("lists tests ("):
        listed = [line for line in output.splitlines() if line.strip()]
        return "ok", f"{proves}: {len(listed)} listed", ""
    cause = diagnose(kind, command, code, output, None if code else {"runner": "", "passed": 1}, timed_out, timeout)
    if cause is None and code != 0:
        from .failtext import first_error_line

        cause = (f"the probe '{cheap}' exited {code}: {first_error_line(output)[:160]}",
                 f"run '{cheap}' by hand and fix what it reports")
    if cause:
        return "broken", _with_output(cause[0], output), cause[1]
    if kind != "test":
        return _judged(kind, command, "runs", _run_probe(command, root, full_run), full_run, root)
    return "ok", proves, ""
