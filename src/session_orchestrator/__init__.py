"""The session-orchestrator lifecycle CLI: install, update and check the template in a repository."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__` is read from the template's runtime, the one place the version is written."""
    if name == "__version__":
        from session_orchestrator.template import template_version

        return template_version()
    raise AttributeError(name)
