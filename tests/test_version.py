"""One version number, written once (runtime/__init__.py) and derived everywhere else."""

from __future__ import annotations

import json
import re
import subprocess

import session_orchestrator
from runtime import __version__
from tests.helpers import ROOT

# A literal version assignment or field, in any file the project keeps under version control.
VERSION_LITERAL = re.compile(r"""(?:__version__|\bversion)\s*[=:]\s*["'](\d+\.\d+\.\d+[^"']*)["']""")


def test_the_version_is_written_in_one_file() -> None:
    files = subprocess.run(["git", "ls-files", "*.py", "*.toml", "*.cfg", "*.yml", "*.yaml", "*.jinja", "*.json"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    written = [name for name in files
               if not name.startswith(("examples/", "tests/")) and name != "runtime/MANIFEST.json"
               and (ROOT / name).is_file() and not (ROOT / name).is_symlink()
               and VERSION_LITERAL.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))]
    assert written == ["runtime/__init__.py"]


def test_the_package_the_build_and_the_manifest_derive_it() -> None:
    assert session_orchestrator.__version__ == __version__
    namespace: dict[str, object] = {"__file__": str(ROOT / "setup.py")}
    source = (ROOT / "setup.py").read_text(encoding="utf-8")
    exec(compile(source.split("\nsetup(", 1)[0], "setup.py", "exec"), namespace)  # everything but the call
    assert namespace["read_version"]() == __version__  # type: ignore[operator]
    manifest = json.loads((ROOT / "runtime" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["runtime"] == __version__


def test_the_changelog_names_the_current_version_as_the_latest_release() -> None:
    headings = re.findall(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    releases = [h for h in headings if h.lower() != "unreleased"]
    assert releases and releases[0] == __version__
