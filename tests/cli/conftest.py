"""Every CLI test gets its own template cache, so the machine's real cache is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("template-cache")


@pytest.fixture(autouse=True)
def _private_cache(template_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_ORCHESTRATOR_CACHE", str(template_cache))
    for name in ("SO_PROJECT_DIR", "CLAUDE_PROJECT_DIR", "CURSOR_PROJECT_DIR", "SO_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
