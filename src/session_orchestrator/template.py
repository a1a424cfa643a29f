"""Where the template comes from, and driving Copier and git for the CLI.

The installed package carries the template (see setup.py). Copier can only
update from a git repository with tags, so the CLI keeps a small tagged git
repository of the bundled template in the user's cache and points Copier at it.

The answers file must name a source a teammate can use, never a path on this
machine. So Copier is always given a URL (the public one, or the template
clone's own `origin`), and git is told for the duration of the call to fetch
that URL from the local repository instead (`url.<path>.insteadOf`, set through
`GIT_CONFIG_*` variables). Nothing is written to any git configuration file.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import git
import yaml

from session_orchestrator import terminal
from session_orchestrator.errors import CliError

ANSWERS_FILE = ".copier-answers.session-orchestrator.yml"
# The public home of the template. Release tags are `v<version>` (PEP 440 with a `v`).
PUBLIC_SOURCE = "gh:example-org/session-orchestrator"
RUNTIME_DIR = ".orchestrator/runtime"
_COPIED = ("copier.yml", "template", "platforms", "migrations")
_SKIP = shutil.ignore_patterns("__pycache__", "*.py[co]", ".pytest_cache", ".ruff_cache")
_IDENTITY = {"GIT_AUTHOR_NAME": "session-orchestrator", "GIT_AUTHOR_EMAIL": "cli@session-orchestrator.invalid",
             "GIT_COMMITTER_NAME": "session-orchestrator", "GIT_COMMITTER_EMAIL": "cli@session-orchestrator.invalid"}
_URL_RE = re.compile(r"^(gh:|gl:|git@|git\+|[a-z][a-z0-9+.-]*://)")


# --- the bundled template -------------------------------------------------------------------------


def bundle_root() -> Path:
    """The template files this installation carries: package data in a wheel, the checkout otherwise."""
    here = Path(__file__).resolve().parent
    if (here / "_bundle" / "copier.yml").is_file():
        return here / "_bundle"
    checkout = here.parents[1]
    if (checkout / "copier.yml").is_file() and (checkout / "template").is_dir():
        return checkout
    raise CliError("this installation carries no template (a broken install?); "
                   "reinstall with 'pipx install --force session-orchestrator' or pass --template <URL>")


def template_version(root: Path | None = None) -> str:
    """The one version number: `__version__` of the runtime the template vendors."""
    init = (root or bundle_root()) / "template" / ".orchestrator" / "runtime" / "__init__.py"
    found = re.search(r'^__version__ = "([^"]+)"', init.read_text(encoding="utf-8"), re.MULTILINE)
    if not found:
        raise CliError(f"{init}: no __version__ line")
    return found.group(1)


def release_tag(version: str) -> str:
    return f"v{version}"


def cache_dir() -> Path:
    override = os.environ.get("SESSION_ORCHESTRATOR_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "session-orchestrator"


def packaged_template() -> tuple[Path, str]:
    """A tagged git repository holding the bundled template; returns it and its release tag.

    One repository collects every version this machine has installed, so an
    update from an older release finds the old version for its 3-way merge.
    A source checkout with uncommitted edits commits them there and moves the
    tag: fine for development, and a release's content never changes.
    """
    root = bundle_root()
    tag = release_tag(template_version(root))
    repo_dir = cache_dir() / "template"
    repo_dir.mkdir(parents=True, exist_ok=True)
    digest = _bundle_digest(root)
    stamp = repo_dir / ".git" / "session-orchestrator-bundle"
    with (cache_dir() / "template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text() == f"{tag} {digest}":
            return repo_dir, tag  # this exact bundle is already committed and tagged
        repo = git.Repo(repo_dir) if (repo_dir / ".git").exists() else git.Repo.init(repo_dir, initial_branch="main")
        for entry in repo_dir.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        for name in _COPIED:
            source = root / name
            if source.is_dir():
                shutil.copytree(source, repo_dir / name, symlinks=False, ignore=_SKIP)
            else:
                shutil.copy2(source, repo_dir / name)
        repo.git.add("-A")
        has_head = repo.head.is_valid()
        changed = not has_head or bool(repo.index.diff("HEAD"))
        tagged = tag in repo.tags and has_head and repo.tags[tag].commit == repo.head.commit
        if changed or not tagged:
            with repo.git.custom_environment(**_IDENTITY):
                if changed:
                    repo.git.commit("-q", "--no-verify", "-m", f"session-orchestrator {tag}")
                repo.git.tag("-f", tag)
        stamp.write_text(f"{tag} {digest}")
    return repo_dir, tag


def _bundle_digest(root: Path) -> str:
    """A hash of the bundled files, so an unchanged bundle skips the copy and the commit."""
    import hashlib

    digest = hashlib.sha256()
    for name in _COPIED:
        base = root / name
        paths = [base]
        if base.is_dir():  # os.walk follows the checkout's runtime symlink; Path.rglob would not
            paths = sorted(Path(top) / f for top, _, files in os.walk(base, followlinks=True) for f in files)
        for path in paths:
            if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# --- sources --------------------------------------------------------------------------------------


@dataclass
class Source:
    """`url` is what Copier records; `fetch` is where git really fetches it from (None: `url` itself).

    `fetch` is a local repository, or another URL when the template moved.
    """

    url: str
    fetch: str | None
    ref: str | None

    def describe(self) -> str:
        return f"{self.url} (from {self.fetch})" if self.fetch else self.url


def is_url(text: str) -> bool:
    return bool(_URL_RE.match(text))


def _origin_url(repo: git.Repo) -> str | None:
    with contextlib.suppress(ValueError, AttributeError):
        url = repo.remotes.origin.url
        if is_url(url):
            return url
    return None


def _local_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path)
    except (git.NoSuchPathError, git.InvalidGitRepositoryError):
        raise CliError(f"--template {path}: not a git repository with the template (copier needs its tags); "
                       f"clone it with 'git clone <URL> {path}' or pass the URL") from None


def init_source(template: str | None, vcs_ref: str | None) -> Source:
    if not template:
        local, tag = packaged_template()
        return Source(PUBLIC_SOURCE, str(local), vcs_ref or tag)
    if is_url(template):
        return Source(template, None, vcs_ref)
    path = Path(template).expanduser().absolute()
    repo = _local_repo(path)
    return Source(_origin_url(repo) or PUBLIC_SOURCE, str(path), vcs_ref)


def read_answers(dest: Path) -> dict[str, Any]:
    path = dest / ANSWERS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(f"{path} not found; set the repository up with 'session-orchestrator init {dest}'") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise CliError(f"{ANSWERS_FILE}{where}: not valid YAML; restore it with 'git checkout -- {ANSWERS_FILE}'"
                       ) from None
    if not isinstance(data, dict) or not data.get("_src_path") or not data.get("_commit"):
        raise CliError(f"{ANSWERS_FILE}: has no _src_path/_commit, so the version it was made from is unknown; "
                       f"restore it with 'git checkout -- {ANSWERS_FILE}'")
    return data


def record_source(dest: Path, url: str) -> None:
    """Put `url` in the answers file's `_src_path`, in place of whatever Copier recorded."""
    path = dest / ANSWERS_FILE
    text = path.read_text(encoding="utf-8")
    value = url if re.fullmatch(r"[\w@:/.+~-]+", url) else json.dumps(url)
    new, count = re.subn(r"^_src_path: .*$", lambda _: f"_src_path: {value}", text, count=1, flags=re.MULTILINE)
    if count:
        path.write_text(new, encoding="utf-8")


def update_source(dest: Path, template: str | None, vcs_ref: str | None) -> Source:
    answers = read_answers(dest)
    recorded, old = str(answers["_src_path"]), str(answers["_commit"])
    if not is_url(recorded):
        if Path(recorded).is_dir():
            return Source(recorded, None, vcs_ref)
        raise CliError(f"the template recorded in {ANSWERS_FILE} ({recorded}) no longer exists; set _src_path "
                       f"there to '{PUBLIC_SOURCE}' (or your clone's URL), commit, then run the update again")
    if template:
        if is_url(template):
            return Source(recorded, None if template == recorded else template, vcs_ref)
        path = Path(template).expanduser().absolute()
        _local_repo(path)
        return Source(recorded, str(path), vcs_ref)
    if recorded != PUBLIC_SOURCE:
        return Source(recorded, None, vcs_ref)
    local, tag = packaged_template()
    if old not in git.Repo(local).tags and not _is_commit(local, old):
        raise CliError(f"this repository uses template {old}, which this installation does not carry; run "
                       f"'session-orchestrator update --template {PUBLIC_SOURCE}' (fetches it) or install {old}")
    return Source(recorded, str(local), vcs_ref or tag)


def _is_commit(local: Path, ref: str) -> bool:
    try:
        git.Repo(local).commit(ref)
    except (git.BadName, ValueError):
        return False
    return True


@contextlib.contextmanager
def fetch_from(source: Source) -> Iterator[Path]:
    """Environment for one Copier call: git fetches `source.url` from `source.local`, into a private cache.

    Yields the Copier mirror cache directory, so the caller can read the
    template's history (old and new runtime files) after the run.
    """
    from copier._vcs import get_repo
    from plumbum import local  # copier runs git through plumbum, which keeps its own copy of the environment

    with tempfile.TemporaryDirectory(prefix="session-orchestrator-") as mirrors:
        extra = {"COPIER_CACHE_DIR": mirrors}
        if source.fetch is not None:
            remote = get_repo(source.url) or source.url
            target = source.fetch if is_url(source.fetch) else (get_repo(source.fetch) or source.fetch)
            count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
            extra.update({"GIT_CONFIG_COUNT": str(count + 1), f"GIT_CONFIG_KEY_{count}": f"url.{target}.insteadOf",
                          f"GIT_CONFIG_VALUE_{count}": remote})
        saved = {key: os.environ.get(key) for key in extra}
        os.environ.update(extra)
        try:
            with local.env(**extra):
                yield Path(mirrors)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def template_dir(source: Source) -> Path | None:
    """A local copy of the template's files, to read its questions and platform data from; None for a URL."""
    if source.fetch and not is_url(source.fetch):
        return Path(source.fetch)
    return None


def render(source: Source, dest: Path, data: dict[str, Any], defaults: dict[str, Any], ask: bool,
           quiet: bool) -> None:
    """`copier copy` of `source` into `dest`; the answers file records `source.url`, never a local path."""
    from copier import run_copy

    if source.fetch and not is_url(source.fetch):
        # A local repository is cloned directly (as fast as bare copier); the answers file then
        # gets the shareable URL in place of the local path.
        with fetch_from(Source(source.fetch, None, source.ref)), terminal.plain_stderr():
            run_copy(source.fetch, str(dest), data=data, user_defaults=defaults, defaults=not ask, unsafe=True,
                     vcs_ref=source.ref, quiet=quiet)
        record_source(dest, source.url)
        return
    with fetch_from(source), terminal.plain_stderr():
        run_copy(source.url, str(dest), data=data, user_defaults=defaults, defaults=not ask, unsafe=True,
                 vcs_ref=source.ref, quiet=quiet)


def template_repo(source: Source, mirrors: Path) -> git.Repo | None:
    """The template's git history after a Copier call: the local repository, or Copier's mirror of the URL."""
    if source.fetch is not None and not is_url(source.fetch):
        return git.Repo(source.fetch)
    for mirror in sorted(mirrors.glob("*.git")):
        return git.Repo(mirror)
    if Path(source.url).is_dir():
        return git.Repo(source.url)
    return None


# --- questions --------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Reads copier.yml without following `!include` (the included parts hold no questions)."""


_Loader.add_constructor("!include", lambda loader, node: None)


def questions(template_dir: Path) -> dict[str, dict[str, Any]]:
    """The template's questions (what `-d` may set), from copier.yml; computed values are left out."""
    merged: dict[str, Any] = {}
    for doc in yaml.load_all((template_dir / "copier.yml").read_text(encoding="utf-8"), Loader=_Loader):
        if isinstance(doc, dict):
            merged.update(doc)
    return {key: value for key, value in merged.items()
            if not key.startswith("_") and isinstance(value, dict) and value.get("when") is not False}


def platform_data(template_dir: Path) -> dict[str, dict[str, Any]]:
    """name -> data of every wired platform: `platforms/<name>.yml`, the one list copier.yml derives from."""
    found = {}
    for path in sorted((template_dir / "platforms").glob("*.yml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            for question in (doc or {}).values():
                data = question.get("default") if isinstance(question, dict) else None
                if isinstance(data, dict) and isinstance(data.get("name"), str):
                    found[data["name"]] = data
    return found


def wired_platforms(template_dir: Path) -> list[str]:
    """Platforms that render today: the ones with a data file."""
    return sorted(platform_data(template_dir))


def all_platforms(template_dir: Path) -> list[str]:
    """Wired platforms, then the planned ones copier.yml offers disabled."""
    wired = wired_platforms(template_dir)
    merged: dict[str, Any] = {}
    for doc in yaml.load_all((template_dir / "copier.yml").read_text(encoding="utf-8"), Loader=_Loader):
        if isinstance(doc, dict):
            merged.update(doc)
    planned = merged.get("planned_platforms", {}).get("default", {})
    return [*wired, *(name for name in planned.values() if name not in wired)]


def did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


# --- git in the user's repository -------------------------------------------------------------------


def open_repo(path: Path) -> git.Repo | None:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.NoSuchPathError, git.InvalidGitRepositoryError):
        return None


def dirty_files(repo: git.Repo) -> list[str]:
    """`git status --porcelain` lines: copier refuses untracked files as well as changes."""
    return [line for line in repo.git.status("--porcelain", "--untracked-files=all").splitlines() if line.strip()]


CONFLICT_START = re.compile(r"^<{7}( |$)", re.MULTILINE)


def conflicts(repo: git.Repo) -> dict[str, str]:
    """Every file the merge left unresolved, with what is wrong with it.

    Copier exits 0 even when it leaves conflicts, so this is what keeps a half
    merged file from being committed: unmerged index entries, conflict markers
    in changed or new files, and `.rej` files (rejected hunks).
    """
    root = Path(repo.working_tree_dir or ".")
    found: dict[str, str] = {}
    for path in repo.index.unmerged_blobs():
        found[str(path)] = "conflict markers (unmerged)"
    changed = {item.a_path for item in repo.index.diff(None) if item.a_path} | set(repo.untracked_files)
    for name in sorted(changed):
        target = root / name
        if name.endswith(".rej"):
            found[name] = "rejected changes the merge could not place"
            continue
        if name in found or not target.is_file():
            continue
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if CONFLICT_START.search(text) and "\n>>>>>>> " in text:
            found[name] = "conflict markers"
    return dict(sorted(found.items()))


# --- runtime files in the template's history -------------------------------------------------------


def runtime_files(repo: git.Repo, ref: str) -> dict[str, bytes]:
    """The vendored runtime as the template holds it at `ref`, relative paths to bytes.

    The source repository links `template/.orchestrator/runtime` to `runtime/`;
    the bundled copy holds real files. Both are read.
    """
    tree = repo.commit(ref).tree
    path = PurePosixPath("template") / RUNTIME_DIR
    try:
        node = tree / str(path)
    except KeyError:
        return {}
    if node.type == "blob" and node.mode == 0o120000:  # a symlink: follow it inside the repository
        target = node.data_stream.read().decode()
        resolved = os.path.normpath(str(path.parent / target))
        try:
            node = tree / resolved
        except KeyError:
            return {}
    if not isinstance(node, git.Tree):
        return {}
    files: dict[str, bytes] = {}
    for item in node.traverse():
        if not isinstance(item, git.Blob):
            continue
        name = str(item.path)
        if "__pycache__" not in name and not name.endswith((".pyc", ".pyo")):
            files[str(PurePosixPath(name).relative_to(node.path))] = item.data_stream.read()
    return files
