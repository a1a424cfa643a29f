"""Session telemetry: an events log for everything the runtime notices.

Events are JSON lines in `.orchestrator/metrics/events.jsonl`, appended safely
under concurrent writers (see jsonl.py).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from . import jsonl
from .paths import metrics_dir


def emit(root: Path, event: str, payload: dict[str, Any] | None = None) -> None:
    record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event}
    record.update(payload or {})
    jsonl.append(metrics_dir(root) / "events.jsonl", record)
