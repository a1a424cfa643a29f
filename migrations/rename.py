"""Move a rendered file the template renamed, keeping the user's edits (run by copier `_migrations`).

Copier alone deletes a renamed file (edits included) and creates the new one;
a plain `git mv` in a migration turns it into a whole-file conflict. This does
a real 3-way merge instead, in two stages of one update:

  before OLD NEW             the user's OLD is put aside and removed from the index,
                             so Copier's own merge never sees it
  after OLD NEW SRC          the aside copy, the old template's OLD (at the version
                             Copier updates from, $VERSION_FROM, in the template
                             repository SRC) and the new NEW are merged
                             into NEW with `git merge-file`; a conflict leaves markers

A file the template removes goes through one stage:

  removed OLD SRC            before the update: if the user's OLD differs from the
                             old template's, it is copied to .orchestrator/backup/
                             removed/OLD (and the path printed) before Copier deletes it

Files the user shares with the template (CLAUDE.md, agent settings) are never
template files, but releases before 0.2.0 rendered them in Copier's temporary
copies too, so an update from one would delete them. Two stages guard them:

  keep-before FILE...        copies each FILE aside before the update
  keep-after FILE...         puts back any FILE the update deleted, then runs the
                             new runtime's install step to merge our entries again

Works for files the template copies verbatim (no `.jinja` suffix). Standard library only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ASIDE = Path(".orchestrator/tmp/migrations")


def before(old: str, new: str) -> int:
    source = Path(old)
    if not source.is_file():
        return 0
    aside = ASIDE / new
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, aside)
    subprocess.run(["git", "rm", "-q", "-f", "--", old], check=True)
    print(f"{old}: set aside, to be merged into {new}")
    return 0


def after(old: str, new: str, src: str) -> int:
    version_from = os.environ.get("VERSION_FROM", "")
    aside = ASIDE / new
    if not aside.is_file():
        return 0
    base = subprocess.run(["git", "-C", src, "show", f"{version_from}:template/{old}"], capture_output=True)
    base_file = aside.with_name(aside.name + ".base")
    base_file.write_bytes(base.stdout if base.returncode == 0 else b"")
    target = Path(new)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(aside, target)
    else:
        theirs = target.read_bytes()
        shutil.copy2(aside, target)
        other = aside.with_name(aside.name + ".new")
        other.write_bytes(theirs)
        subprocess.run(["git", "merge-file", "-L", "before updating", "-L", "last update", "-L", "after updating",
                        "--", str(target), str(base_file), str(other)], check=False)
        other.unlink()
    base_file.unlink()
    aside.unlink()
    print(f"{old}: moved to {new} with your edits")
    return 0


def removed(old: str, src: str) -> int:
    source = Path(old)
    if not source.is_file():
        return 0
    base = subprocess.run(["git", "-C", src, "show", f"{os.environ.get('VERSION_FROM', '')}:template/{old}"],
                          capture_output=True)
    if base.returncode == 0 and base.stdout == source.read_bytes():
        return 0
    backup = Path(".orchestrator/backup/removed") / old
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, backup)
    print(f"{old}: the template no longer ships it; your version is kept in {backup}")
    return 0


def keep_before(files: list[str]) -> int:
    for name in files:
        if Path(name).is_file():
            aside = ASIDE / "keep" / name
            aside.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(name, aside)
    return 0


def keep_after(files: list[str]) -> int:
    restored = []
    for name in files:
        aside = ASIDE / "keep" / name
        if not aside.is_file():
            continue
        if not Path(name).exists():
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(aside, name)
            restored.append(name)
        aside.unlink()
    if restored:
        print(f"kept your {', '.join(restored)} (an older release rendered them as template files)")
        return subprocess.run([sys.executable, ".orchestrator/runtime", "install", "--quiet"]).returncode
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "keep-before":
        sys.exit(keep_before(sys.argv[2:]))
    if sys.argv[1] == "keep-after":
        sys.exit(keep_after(sys.argv[2:]))
    stage, *rest = sys.argv[1:]
    if stage == "before":
        sys.exit(before(*rest[:2]))
    sys.exit(after(*rest[:3]) if stage == "after" else removed(*rest[:2]))
