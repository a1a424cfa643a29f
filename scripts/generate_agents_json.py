"""Write the runtime's agent list (`agents.json` beside the runtime's roles module) from the template's catalog.

    .venv/bin/python scripts/generate_agents_json.py           # write it
    .venv/bin/python scripts/generate_agents_json.py --check   # exit 1 when the committed file is stale

The catalog (`template/_canonical/catalog.yml`) is the one place the agents are
defined, but the vendored runtime reads no YAML and the catalog is never rendered
into a repository; so the runtime carries this generated copy, and a test fails
when the two drift apart. After writing, regenerate the runtime's manifest
as after any change to a runtime file (the script prints the command).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "template" / "_canonical" / "catalog.yml"
WRITE_TOOLS = {"edit", "write"}


def runtime_module(marker: str) -> str:
    """The dotted name of the one runtime module whose source has a line starting with `marker`: modules
    move between the runtime's packages, what they define does not."""
    found = [path for path in sorted((ROOT / "runtime").rglob("*.py"))
             if "__pycache__" not in path.parts and f"\n{marker}" in path.read_text(encoding="utf-8")]
    if len(found) != 1:
        raise SystemExit(f"expected one runtime module with a line starting {marker!r}, found {len(found)}")
    return ".".join(found[0].relative_to(ROOT).with_suffix("").parts)


def agents_file() -> Path:
    """Where the runtime reads the list: its roles module says (`AGENTS_FILE`), wherever that module lives."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return Path(importlib.import_module(runtime_module("AGENTS_FILE = ")).AGENTS_FILE)


def expected_agents_file() -> str:
    """agents.json as the catalog defines it: each agent's name, and read-only when it cannot edit or write."""
    agents = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["catalog"]["default"]["agents"]
    entries = [{"name": a["name"], "read_only": not WRITE_TOOLS & set(a.get("tools") or [])} for a in agents]
    return json.dumps({"generated_from": CATALOG.relative_to(ROOT).as_posix(), "agents": entries}, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file differs")
    args = parser.parse_args(argv)
    target, text = agents_file(), expected_agents_file()
    shown = target.relative_to(ROOT)
    if args.check:
        if target.read_text(encoding="utf-8") != text:
            print(f"{shown} is stale: run .venv/bin/python scripts/generate_agents_json.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    manifest = runtime_module('MANIFEST = "MANIFEST.json"')
    print(f"wrote {shown}; now regenerate the runtime's manifest: python3 -m {manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
