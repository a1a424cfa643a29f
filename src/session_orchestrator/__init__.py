"""The session-orchestrator lifecycle CLI: install, update and check the template in a repository."""

__version__ = "0.1.0"
