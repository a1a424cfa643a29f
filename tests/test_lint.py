"""The project's own code is ruff-clean; part of the test command so CI enforces it.

`runtime/` carries the exemptions it needs once vendored into a user's repository: a
nested `ruff.toml` that selects no rules, and a file-top `# flake8: noqa` that ruff
also honours. Here we lint it with this project's settings regardless:
`--config pyproject.toml` replaces every nested configuration and `--ignore-noqa`
disregards the file-level pragma. The price: a line-level `# noqa` in the project's
code is ignored too, so a deliberate exception goes into `per-file-ignores`.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUR_SETTINGS = ["--no-cache", "--config", str(ROOT / "pyproject.toml"), "--ignore-noqa"]


def ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert found, "ruff is a test dependency: pip install -e '.[test]'"
    return found


def test_ruff_clean() -> None:
    result = subprocess.run([ruff(), "check", *OUR_SETTINGS, "runtime", "src", "tests", "benchmarks", "scripts"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_our_lint_still_sees_through_the_runtime_exemptions(tmp_path: Path) -> None:
    """Without the override flags the vendored exemptions would silence our own lint of `runtime/`."""
    shutil.copytree(ROOT / "runtime", tmp_path / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    banner = tmp_path / "runtime" / "hookpath" / "banner.py"
    banner.write_text(banner.read_text(encoding="utf-8") + "\nimport json\n", encoding="utf-8")

    ours = subprocess.run([ruff(), "check", *OUR_SETTINGS, "--output-format", "concise", "runtime"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert ours.returncode == 1 and "banner.py" in ours.stdout and "F401" in ours.stdout, ours.stdout

    as_vendored = subprocess.run([ruff(), "check", "--no-cache", "runtime"], cwd=tmp_path, capture_output=True,
                                 text=True)
    assert as_vendored.returncode == 0, as_vendored.stdout
