"""The vendored session-orchestrator runtime.

Copied into consumer repositories as `.orchestrator/runtime/` and run as
`python3 .orchestrator/runtime <command>`. Standard library only: consumer
repositories install nothing for it. Hooks run it on every tool call, so this
file stays empty of imports.
"""

__version__ = "0.2.0"
