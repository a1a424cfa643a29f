# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Containers that mount the repository or the home directory, read as commands on those paths.

`docker run -v "$PWD":/w alpine rm -rf /w/src` deletes the host's `src`. For `docker`/`podman`/
`nerdctl` `run` (and `compose run`) this module finds the writable bind mounts, the working
directory and the command, and returns that command with every container path under a mount
rewritten to the host path it stands for. The guard then judges it like a command run here, so
the rules and their allow-lists (temp space, ignored build output) apply to the host paths. A
container with no writable bind mount only touches its own files and is not judged further.
"""

from __future__ import annotations

import os

ENGINES = frozenset({"docker", "podman", "nerdctl", "finch", "lima-nerdctl"})
_VALUE = frozenset({"-v", "--volume", "--mount", "-w", "--workdir", "-e", "--env", "--env-file", "--name", "-p",
                    "--publish", "--network", "--net", "-u", "--user", "--entrypoint", "-h", "--hostname",
                    "--platform", "-l", "--label", "--label-file", "--cpus", "-m", "--memory", "--restart",
                    "--add-host", "--device", "--dns", "--cap-add", "--cap-drop", "--security-opt", "--tmpfs",
                    "--ulimit", "--pull", "--gpus", "--shm-size", "--log-driver", "--log-opt", "--pid", "--ipc",
                    "--uts", "--cidfile", "--volumes-from", "-a", "--attach", "--expose", "--health-cmd",
                    "--stop-signal", "--stop-timeout", "--isolation", "--runtime", "--userns", "--group-add",
                    "--mac-address", "--ip", "--ip6", "--link", "--sysctl", "--cgroupns", "--cgroup-parent",
                    "--detach-keys", "--memory-swap", "-c", "--cpu-shares", "--cpuset-cpus", "--blkio-weight",
                    "--oom-score-adj", "--annotation", "--secret", "--arch", "--os", "--pod", "--authfile",
                    "--network-alias", "--profile", "-f", "--file", "--project-name",
                    "--project-directory", "--context", "-H", "--host", "--log-level", "--config"})
_GLOBAL_VALUE = frozenset({"--context", "-H", "--host", "--log-level", "--config", "-c", "--connection", "--url",
                           "--namespace", "-n", "--address", "--root", "--runroot"})


def run_spec(args: list[str]) -> tuple[list[tuple[str, str]], str, list[str]] | None:
    """(writable bind mounts as (host, container), working directory, command) of a `run`, else None."""
    k = 0
    while k < len(args) and args[k].startswith("-"):  # global options before the subcommand
        k += 2 if args[k] in _GLOBAL_VALUE else 1
    rest = args[k:]
    if rest[:2] in (["container", "run"], ["compose", "run"], ["container", "create"]):
        rest = rest[2:]
    elif rest[:1] in (["run"], ["create"]):
        rest = rest[1:]
    else:
        return None
    mounts: list[tuple[str, str]] = []
    workdir, entrypoint = "", ""
    k = 0
    while k < len(rest):
        a = rest[k]
        if a == "--":
            k += 1
            break
        if not a.startswith("-"):
            break
        name, eq, value = a.partition("=")
        if name.startswith("--"):
            if not eq:
                value = rest[k + 1] if k + 1 < len(rest) and name in _VALUE else ""
            k += 1 if eq or name not in _VALUE else 2
        elif name in _VALUE:
            value = rest[k + 1] if k + 1 < len(rest) else ""
            k += 2
        elif a[:2] in _VALUE:  # -v/x:/y attached
            name, value = a[:2], a[2:]
            k += 1
        else:
            k += 1
            continue
        if name in ("-v", "--volume"):
            parts = value.split(":")
            if len(parts) >= 2 and parts[0][:1] in ("/", ".", "~", "$") and \
                    not (len(parts) > 2 and "ro" in parts[2].split(",")):
                mounts.append((parts[0], parts[1]))
        elif name == "--mount":
            fields = dict(f.partition("=")[::2] for f in value.split(","))
            host = fields.get("source", fields.get("src", ""))
            target = fields.get("target", fields.get("dst", fields.get("destination", "")))
            if fields.get("type", "volume") == "bind" and host and target and \
                    not any(f in ("readonly", "ro", "readonly=true", "ro=true") for f in value.split(",")):
                mounts.append((host, target))
        elif name in ("-w", "--workdir"):
            workdir = value
        elif name == "--entrypoint":
            entrypoint = value
    command = rest[k + 1:] if k < len(rest) else []  # the image comes first
    if entrypoint:
        command = [entrypoint, *command]
    return mounts, workdir, command


def host_path(path: str, where: str) -> str:
    """A mount's source as an absolute host path: `.`, `$PWD`, `$(pwd)` are where docker runs; `~`/`$HOME`
    home; anything else only known at run time is taken as `/`, so every path under it is judged."""
    for alias in ("$(pwd)", "`pwd`", "${PWD}", "$PWD"):
        if path.startswith(alias):
            path = "." + path[len(alias):]
    for alias in ("${HOME}", "$HOME"):
        if path.startswith(alias):
            path = "~" + path[len(alias):]
    if "$" in path or "`" in path:
        return "/"
    return os.path.normpath(os.path.join(where, os.path.expanduser(path)))


def rewrite(word: str, mounts: list[tuple[str, str]]) -> str:
    """Container paths in `word` (also inside an `sh -c` script) replaced by the host paths they mount."""
    for host, target in mounts:
        target = target.rstrip("/") or "/"
        if target == "/":
            continue
        out: list[str] = []
        i, n, m = 0, len(word), len(target)
        while i < n:
            if word.startswith(target, i) and (i == 0 or word[i - 1] in " \t\n'\"=:;&|(") and \
                    (i + m == n or word[i + m] in "/ \t\n'\";&|)"):
                out.append(host)
                i += m
            else:
                out.append(word[i])
                i += 1
        word = "".join(out)
    return word


def commands(args: list[str], where: str) -> tuple[str, str | None, list[str]] | None:
    """(what the container runs, rewritten to host paths; its host working directory or None when it is
    not on a mount; the host paths mounted) or None when nothing of the host is writable."""
    spec = run_spec(args)
    if spec is None or not spec[0] or not spec[2]:
        return None
    raw, workdir, command = spec
    mounts = sorted(((host_path(h, where), t) for h, t in raw), key=lambda m: -len(m[1]))
    root_mount = next((h for h, t in mounts if t.rstrip("/") == ""), None)
    from .shellmodel import quote

    text = " ".join(quote(rewrite(w, mounts)) for w in command)
    directory: str | None = None
    if workdir:
        mapped = rewrite(workdir, mounts)
        if mapped != workdir:
            directory = mapped
        elif root_mount is not None:
            directory = os.path.normpath(root_mount + "/" + workdir)
    elif root_mount is not None:
        directory = root_mount
    return text, directory, [h for h, _t in mounts]
