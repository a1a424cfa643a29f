"""Build hook: the wheel carries the template, so the CLI works with no checkout and no network.

`template/.orchestrator/runtime` is a symlink into `runtime/` in the source tree; a
wheel cannot hold symlinks, so the build copies the template with every link
resolved into `session_orchestrator/_bundle/`. The version is read from
`runtime/__init__.py`, the one place it is written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("copier.yml", "template", "platforms", "migrations", "examples", "CHANGELOG.md")
SKIP = shutil.ignore_patterns("__pycache__", "*.py[co]", ".pytest_cache", ".ruff_cache", ".venv", "*.egg-info")


def read_version() -> str:
    text = (ROOT / "runtime" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not found:
        raise RuntimeError("runtime/__init__.py has no __version__ line")
    return found.group(1)


class BuildWithBundle(build_py):
    """Copies the template next to the package; editable installs read the checkout instead."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        bundle = Path(self.build_lib) / "session_orchestrator" / "_bundle"
        if bundle.exists():
            shutil.rmtree(bundle)
        bundle.mkdir(parents=True)
        for name in BUNDLED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, bundle / name, symlinks=False, ignore=SKIP)
            elif source.is_file():
                shutil.copy2(source, bundle / name)


setup(version=read_version(), cmdclass={"build_py": BuildWithBundle})
