# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Which issue tracker holds this repository's issues, and the few calls close makes to it.

The tracker is read from the remote's URL (HTTPS or SSH, with or without a user,
a port or `.git`), never guessed from a word inside it: `github.com` is GitHub,
`gitlab.com` and the hosts listed under `gitlab-hosts` in the Session Config are
GitLab, anything else is no tracker. Calls go through the tracker's own CLI
(`gh`, `glab`), so the user's login and host settings are the ones used; "signed
in" is only ever what that CLI's `auth status` answers. Every call returns its
failure as a `TrackerError` with the CLI's first error line, so the caller can
fall back to the carryover list instead of losing an item.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

LABEL = "carryover"
LABEL_COLOR = "D93F0B"
LABEL_DESCRIPTION = "Unfinished work carried over from a closed session"
CALL_TIMEOUT = 30

_SCP = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>(?!/).+)$")
_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?:(?P<user>[^@/]+)@)?(?P<host>\[[^\]]+\]|[^:/]+)"
                  r"(?::(?P<port>\d*))?(?P<path>/.*)?$", re.IGNORECASE)


class TrackerError(Exception):
    """A tracker call failed: not installed, not signed in, no network, or the server refused."""


def parse_remote(url: str) -> tuple[str, str] | None:
    """(host, project path) of a remote URL, lower-case host, no `.git`; None for a local path.

    Forms: `https://host/owner/repo(.git)`, `https://user:token@host:8443/group/sub/repo`,
    `ssh://git@host:2222/owner/repo.git`, `git@host:owner/repo.git`."""
    text = url.strip()
    if not text:
        return None
    match = _URL.match(text)
    if match:
        if match.group("scheme").lower() == "file":
            return None
        host, path = match.group("host"), (match.group("path") or "")
    else:
        match = _SCP.match(text)
        if not match or "/" in match.group("host") or text.startswith(("/", ".", "~")):
            return None
        host, path = match.group("host"), match.group("path")
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    path = path.rstrip("/")
    if not host or "/" not in path:
        return None
    return host.lower(), path


def kind_of(host: str, gitlab_hosts: list[str] | tuple[str, ...] = ()) -> str:
    """'github', 'gitlab' or 'none' for a remote host (ports are ignored: SSH and HTTPS differ)."""
    name = host.split(":")[0].lower()
    if name in ("github.com", "www.github.com", "ssh.github.com"):
        return "github"
    if name in ("gitlab.com", "www.gitlab.com", "altssh.gitlab.com"):
        return "gitlab"
    if name in {h.split(":")[0].lower() for h in gitlab_hosts}:
        return "gitlab"
    return "none"


def remote_url(root: Path) -> str:
    """`origin`'s URL, else the only remote's; '' when there is none."""
    from ..core.proc import run

    code, out, _ = run(["git", "remote", "get-url", "origin"], root, 5)
    if code == 0 and out.strip():
        return out.strip()
    code, out, _ = run(["git", "remote"], root, 5)
    names = out.split() if code == 0 else []
    if len(names) == 1:
        code, out, _ = run(["git", "remote", "get-url", names[0]], root, 5)
        return out.strip() if code == 0 else ""
    return ""


def detect(root: Path, configured: str = "auto", gitlab_hosts: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """{'kind', 'host', 'repo', 'remote', 'cli', 'why'}: where issues go, or why nowhere."""
    url = remote_url(root)
    parsed = parse_remote(url) if url else None
    info: dict[str, Any] = {"kind": "none", "host": None, "repo": None, "remote": url or None, "cli": None, "why": ""}
    if configured == "none":
        info["why"] = "vcs is 'none' in the Session Config"
        return info
    if parsed is None:
        info["why"] = ("the remote is a local path, not a hosted repository" if url
                       else "the repository has no remote")
        return info
    host, repo = parsed
    kind = kind_of(host, gitlab_hosts)
    if configured in ("github", "gitlab"):
        kind = configured  # the user said so: a GitHub Enterprise or GitLab host we could not know
    name = host.split(":")[0]
    # the SSH-over-443 hosts serve the same repositories as the web host the CLIs know
    name = {"ssh.github.com": "github.com", "www.github.com": "github.com", "altssh.gitlab.com": "gitlab.com",
            "www.gitlab.com": "gitlab.com"}.get(name, name)
    info.update(host=name if kind != "none" else host, repo=repo)
    if kind == "none":
        info["why"] = (f"the remote's host {host} is neither GitHub nor GitLab; a self-hosted GitLab goes "
                       "under gitlab-hosts in the Session Config")
        return info
    info.update(kind=kind, cli="gh" if kind == "github" else "glab")
    return info


# --- calling the CLI ---------------------------------------------------------


class Tracker:
    """One repository on one tracker, reached through its CLI."""

    def __init__(self, info: dict[str, Any], root: Path) -> None:
        self.kind, self.host, self.repo, self.cli = info["kind"], info["host"], info["repo"], info["cli"]
        self.root = root

    # The repository argument each CLI documents: gh takes [HOST/]OWNER/REPO, glab takes
    # OWNER/REPO or GROUP/NAMESPACE/REPO and the host from GITLAB_HOST.
    def _repo_args(self) -> list[str]:
        if self.kind == "github":
            return ["--repo", self.repo if self.host == "github.com" else f"{self.host}/{self.repo}"]
        return ["--repo", self.repo]

    def _env(self) -> dict[str, str]:
        import os

        env = dict(os.environ)
        env.setdefault("NO_COLOR", "1")
        env["GH_PROMPT_DISABLED"] = "1"
        env["GLAB_NO_PROMPT"] = "1"
        if self.kind == "github" and self.host != "github.com":
            env["GH_HOST"] = self.host
        if self.kind == "gitlab":
            env["GITLAB_HOST"] = self.host
        return env

    def call(self, *args: str) -> str:
        from ..core.proc import run

        code, out, err = run([self.cli, *args], self.root, CALL_TIMEOUT, env=self._env())
        if code != 0:
            lines = [line.strip() for line in (err or out).splitlines() if line.strip()]
            raise TrackerError(f"{self.cli} {args[0]} {args[1] if len(args) > 1 else ''}".rstrip()
                               + f" failed (exit {code}): {lines[0] if lines else 'no output'}")
        return out

    def _json(self, *args: str) -> Any:
        out = self.call(*args)
        try:
            return json.loads(out or "null")
        except json.JSONDecodeError as exc:
            raise TrackerError(f"{self.cli} {args[0]} {args[1]} printed something that is not JSON: {exc}") from None

    def signed_in(self) -> tuple[bool, str]:
        """(signed in, why not) from the CLI's own `auth status` for this host."""
        from ..core.proc import run

        code, out, err = run([self.cli, "auth", "status", "--hostname", self.host], self.root, CALL_TIMEOUT,
                             env=self._env())
        if code == 0:
            return True, ""
        if code == 127:
            return False, f"{self.cli} is not installed"
        # both CLIs print the host alone on the first line, then what is wrong with it
        lines = [line.strip().lstrip("Xx!- \u2717").strip() for line in (err or out).splitlines()
                 if line.strip() and line.strip() != self.host]
        return False, f"{self.cli} auth status: {lines[0] if lines else f'exit {code}'}"

    # --- labels ---

    def ensure_label(self) -> bool:
        """True when the label had to be created (a repository starts without it)."""
        if self.kind == "github":
            labels = self._json("label", "list", *self._repo_args(), "--json", "name", "--limit", "1000")
            names = {str(label.get("name", "")).lower() for label in labels or []}
            if LABEL in names:
                return False
            self.call("label", "create", LABEL, *self._repo_args(), "--color", LABEL_COLOR,
                      "--description", LABEL_DESCRIPTION)
            return True
        labels = self._json("label", "list", *self._repo_args(), "--output", "json", "--per-page", "100")
        names = {str(label.get("name", "")).lower() for label in labels or []}
        if LABEL in names:
            return False
        self.call("label", "create", *self._repo_args(), "--name", LABEL, "--color", f"#{LABEL_COLOR}",
                  "--description", LABEL_DESCRIPTION)
        return True

    # --- issues ---

    def carryover_issues(self) -> list[dict[str, Any]]:
        """Every issue with the label, open or closed: [{'number', 'url', 'body', 'state'}]."""
        if self.kind == "github":
            raw = self._json("issue", "list", *self._repo_args(), "--label", LABEL, "--state", "all",
                             "--limit", "1000", "--json", "number,url,body,state")
            return [{"number": i.get("number"), "url": i.get("url", ""), "body": i.get("body") or "",
                     "state": str(i.get("state", "")).lower()} for i in raw or []]
        raw = self._json("issue", "list", *self._repo_args(), "--label", LABEL, "--all", "--output", "json",
                         "--per-page", "100")
        return [{"number": i.get("iid"), "url": i.get("web_url", ""), "body": i.get("description") or "",
                 "state": str(i.get("state", "")).lower()} for i in raw or []]

    def open_issues(self) -> list[dict[str, Any]]:
        """Every open issue, any label: [{'number', 'title', 'body'}] (what discovery deduplicates against)."""
        if self.kind == "github":
            raw = self._json("issue", "list", *self._repo_args(), "--state", "open", "--limit", "1000",
                             "--json", "number,title,body")
            return [{"number": i.get("number"), "title": i.get("title") or "", "body": i.get("body") or ""}
                    for i in raw or []]
        raw = self._json("issue", "list", *self._repo_args(), "--output", "json", "--per-page", "100")
        return [{"number": i.get("iid"), "title": i.get("title") or "", "body": i.get("description") or ""}
                for i in raw or []]

    def create_issue(self, title: str, body: str) -> dict[str, Any]:
        """{'number', 'url'} of the new issue, read from the URL the CLI prints."""
        if self.kind == "github":
            import tempfile

            with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".md", delete=False) as handle:
                handle.write(body)
            try:
                out = self.call("issue", "create", *self._repo_args(), "--title", title, "--body-file", handle.name,
                                "--label", LABEL)
            finally:
                Path(handle.name).unlink(missing_ok=True)
        else:
            out = self.call("issue", "create", *self._repo_args(), "--title", title, "--description", body,
                            "--label", LABEL, "--yes")
        found = re.findall(r"https?://\S+/issues/(\d+)", out)
        if not found:
            raise TrackerError(f"{self.cli} issue create printed no issue URL: {out.strip()[:200]!r}")
        url = re.findall(r"https?://\S+/issues/\d+", out)[-1]
        return {"number": int(found[-1]), "url": url}

    def issue_state(self, number: int) -> str:
        """'open' or 'closed'."""
        if self.kind == "github":
            data = self._json("issue", "view", str(number), *self._repo_args(), "--json", "state")
            return str((data or {}).get("state", "")).lower()
        data = self._json("issue", "view", str(number), *self._repo_args(), "--output", "json")
        state = str((data or {}).get("state", "")).lower()
        return "open" if state == "opened" else state

    def close_issue(self, number: int, comment: str) -> None:
        """Comment on the issue, then close it as completed."""
        if self.kind == "github":
            self.call("issue", "close", str(number), *self._repo_args(), "--reason", "completed",
                      "--comment", comment)
            return
        self.call("issue", "note", str(number), *self._repo_args(), "--message", comment)
        self.call("issue", "close", str(number), *self._repo_args())


def issue_number(reference: str) -> int | None:
    """The issue number a plan item names: '#12', '12', 'group/repo#12' or an issue URL."""
    text = str(reference or "").strip()
    match = re.search(r"/issues/(\d+)\b", text) or re.search(r"#(\d+)\b", text) or re.fullmatch(r"(\d+)", text)
    return int(match.group(1)) if match else None
