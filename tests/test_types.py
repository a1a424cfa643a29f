"""The project's own code type-checks under mypy (settings in pyproject.toml); part of the test command.

`runtime/` opens every module with `# mypy: ignore-errors` and `# type: ignore` so that the type checker
of the repository it is vendored into skips it. mypy has no switch that sees through either: inline
configuration outranks the configuration file, and a `# type: ignore` before the first statement silences
the whole module whatever the settings. So, as `tests/test_lint.py` does for ruff with its override flags,
we check a copy in which exactly those two pragma lines of each module's header are blanked (replaced by
an empty comment, so every reported line number is the real file's) together with `src/`.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRAGMAS = frozenset({"# mypy: ignore-errors", "# type: ignore"})
CHECKED = ("runtime", "src")

GUARD = re.compile(r"^if TYPE_CHECKING:.*$", re.MULTILINE)
ERROR = re.compile(r"^(?P<path>[^:\n]+\.py):\d+: error: ", re.MULTILINE)


def checked_copy(dest: Path) -> Path:
    """`runtime/` and `src/` under `dest`, the vendoring pragmas of each module's header blanked."""
    for name in CHECKED:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for module in (dest / "runtime").rglob("*.py"):
        lines = module.read_text(encoding="utf-8").split("\n")
        for index, line in enumerate(lines):
            if not line.startswith("#"):
                break  # the header ends at the first line that is not a comment
            if line.strip() in PRAGMAS:
                lines[index] = "#"
        module.write_text("\n".join(lines), encoding="utf-8")
    return dest


def mypy(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Caches off: a cache keyed to a temporary directory is never reused.
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--cache-dir", os.devnull, *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if ERROR.match(line)]


def test_mypy_clean(tmp_path: Path) -> None:
    result = mypy(checked_copy(tmp_path), *CHECKED)
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 2: mypy itself failed
    found = errors(result.stdout)
    assert not found, "\n".join(found)


def test_our_run_sees_through_the_vendoring_pragmas(tmp_path: Path) -> None:
    """A planted error in a hook-path module's `if TYPE_CHECKING:` block is reported by our run, not as vendored.

    It also shows mypy reads the runtime's `TYPE_CHECKING = False` idiom as true, so the annotations-only
    imports of the hook path are checked.
    """
    plant = "runtime/core/toolcall.py"
    as_vendored = tmp_path / "vendored"
    for name in CHECKED:
        shutil.copytree(ROOT / name, as_vendored / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    ours = checked_copy(tmp_path / "ours")
    for tree in (as_vendored, ours):
        module = tree / plant
        planted, count = GUARD.subn(r"\g<0>\n    planted: int = 'text'", module.read_text(encoding="utf-8"), 1)
        assert count == 1, f"{plant} no longer has an `if TYPE_CHECKING:` block; plant elsewhere"
        module.write_text(planted, encoding="utf-8")

    seen = mypy(ours, "--follow-imports", "silent", plant)
    assert [line for line in errors(seen.stdout) if "[assignment]" in line], seen.stdout + seen.stderr
    assert not errors(mypy(as_vendored, "--follow-imports", "silent", plant).stdout)
