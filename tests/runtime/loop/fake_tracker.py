"""Stand-in `gh` and `glab` executables for the carryover tests.

What is mocked and why: a GitHub or GitLab server cannot run here. The real `gh`
(Debian's package) is exercised too, against `fake_github_api.py`; these stand-ins
cover what that cannot: `glab` (Debian ships no package of it), and failures that
are awkward to provoke from a real client in every combination. Each stand-in
accepts exactly the flags the real CLI documents for the subcommands close uses
(`gh` 2.x manual; glab's generated docs in `docs/source/`), in long and short form,
rejects anything else the way the real one does (`unknown flag: --x`, exit 1), and
fails like the real one: not signed in (`gh` exit 4 with its login hint; glab a 401),
a network error, and on GitHub an issue with a label the repository lacks ("could
not add label: 'carryover' not found"; GitLab creates such labels itself). The
server side (labels, issues, comments) is a JSON file named by `$FAKE_TRACKER_STATE`,
which also logs every call so tests can prove what was and was not done.

Run as `python fake_tracker.py gh|glab ARGS...` (the tests put small `gh` and
`glab` wrappers on PATH).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# flag -> takes a value; short forms map to long ones
GH_FLAGS: dict[tuple[str, ...], dict[str, bool]] = {
    ("auth", "status"): {"--hostname": True, "--show-token": False, "--active": False, "--json": True},
    ("label", "list"): {"--repo": True, "--json": True, "--limit": True, "--search": True, "--order": True,
                        "--sort": True, "--web": False, "--jq": True, "--template": True},
    ("label", "create"): {"--repo": True, "--color": True, "--description": True, "--force": False},
    ("issue", "list"): {"--repo": True, "--label": True, "--state": True, "--limit": True, "--json": True,
                        "--search": True, "--assignee": True, "--author": True, "--mention": True,
                        "--milestone": True, "--app": True, "--web": False, "--jq": True, "--template": True},
    ("issue", "create"): {"--repo": True, "--title": True, "--body": True, "--body-file": True, "--label": True,
                          "--assignee": True, "--milestone": True, "--project": True, "--template": True,
                          "--web": False, "--editor": False, "--recover": True},
    ("issue", "view"): {"--repo": True, "--json": True, "--comments": False, "--web": False, "--jq": True,
                        "--template": True},
    ("issue", "comment"): {"--repo": True, "--body": True, "--body-file": True, "--edit-last": False,
                           "--editor": False, "--web": False},
    ("issue", "close"): {"--repo": True, "--comment": True, "--reason": True},
}
GH_SHORT = {"-R": "--repo", "-c": "--color", "-d": "--description", "-f": "--force", "-L": "--limit",
            "-l": "--label", "-s": "--state", "-t": "--title", "-b": "--body", "-F": "--body-file",
            "-a": "--assignee", "-A": "--author", "-m": "--milestone", "-p": "--project", "-w": "--web",
            "-e": "--editor", "-r": "--reason", "-q": "--jq", "-T": "--template", "-S": "--search",
            "-h": "--hostname"}
GH_JSON_FIELDS = {
    ("label", "list"): {"color", "createdAt", "description", "id", "isDefault", "name", "updatedAt", "url"},
    ("issue", "list"): {"assignees", "author", "body", "closed", "closedAt", "comments", "createdAt", "id",
                        "labels", "milestone", "number", "state", "stateReason", "title", "updatedAt", "url"},
    ("issue", "view"): {"assignees", "author", "body", "closed", "closedAt", "comments", "createdAt", "id",
                        "labels", "milestone", "number", "state", "stateReason", "title", "updatedAt", "url"},
}
GLAB_REPO = {"--repo": True}
GLAB_FLAGS: dict[tuple[str, ...], dict[str, bool]] = {
    ("auth", "status"): {"--hostname": True, "--show-token": False},
    ("label", "list"): {**GLAB_REPO, "--output": True, "--page": True, "--per-page": True},
    ("label", "create"): {**GLAB_REPO, "--color": True, "--description": True, "--name": True},
    ("issue", "list"): {**GLAB_REPO, "--all": False, "--assignee": True, "--author": True, "--closed": False,
                        "--confidential": False, "--group": True, "--in": True, "--issue-type": True,
                        "--iteration": True, "--label": True, "--milestone": True, "--not-assignee": True,
                        "--not-author": True, "--not-label": True, "--output": True, "--output-format": True,
                        "--page": True, "--per-page": True, "--search": True},
    ("issue", "create"): {**GLAB_REPO, "--assignee": True, "--confidential": False, "--description": True,
                          "--label": True, "--link-type": True, "--linked-issues": True, "--linked-mr": True,
                          "--milestone": True, "--no-editor": False, "--time-estimate": True, "--time-spent": True,
                          "--title": True, "--web": False, "--weight": True, "--yes": False},
    ("issue", "view"): {**GLAB_REPO, "--comments": False, "--output": True, "--page": True, "--per-page": True,
                        "--system-logs": False, "--web": False},
    ("issue", "note"): {**GLAB_REPO, "--message": True},
    ("issue", "close"): {**GLAB_REPO},
}
GLAB_SHORT = {"-R": "--repo", "-F": "--output", "-p": "--page", "-P": "--per-page", "-c": "--color",
              "-d": "--description", "-n": "--name", "-A": "--all", "-a": "--assignee", "-l": "--label",
              "-m": "--milestone", "-O": "--output", "-t": "--title", "-y": "--yes", "-w": "--web",
              "-s": "--system-logs", "-h": "--hostname"}


class CliFailureError(Exception):
    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def parse(cli: str, argv: list[str]) -> tuple[tuple[str, str], list[str], dict[str, list[str]]]:
    table, short = (GH_FLAGS, GH_SHORT) if cli == "gh" else (GLAB_FLAGS, GLAB_SHORT)
    if len(argv) < 2 or (argv[0], argv[1]) not in table:
        raise CliFailureError(f"unknown command {' '.join(argv[:2])!r} for {cli!r}")
    command = (argv[0], argv[1])
    flags = table[command]
    positional: list[str] = []
    values: dict[str, list[str]] = {}
    rest = argv[2:]
    index = 0
    while index < len(rest):
        arg = rest[index]
        index += 1
        if arg.startswith("-") and arg != "-":
            name, eq, inline = arg.partition("=")
            if not name.startswith("--"):
                if cli == "gh" and command == ("auth", "status") and name == "-t":
                    name = "--show-token"
                else:
                    name = short.get(name, name)
            if name not in flags:
                raise CliFailureError(f"unknown flag: {arg}\n\nUsage:  {cli} {' '.join(command)} [flags]")
            if flags[name]:
                if eq:
                    value = inline
                elif index < len(rest):
                    value = rest[index]
                    index += 1
                else:
                    raise CliFailureError(f"flag needs an argument: {arg}")
                values.setdefault(name, []).append(value)
            else:
                if eq:
                    raise CliFailureError(f"invalid argument {inline!r} for {name!r}")
                values.setdefault(name, []).append("true")
        else:
            positional.append(arg)
    return command, positional, values


def one(values: dict[str, list[str]], name: str, default: str | None = None) -> str | None:
    return values.get(name, [default])[-1]


def load() -> tuple[Path, dict[str, Any]]:
    path = Path(os.environ["FAKE_TRACKER_STATE"])
    data = json.loads(path.read_text(encoding="utf-8"))
    return path, data


def save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def check_repo(cli: str, data: dict[str, Any], values: dict[str, list[str]]) -> None:
    repo = one(values, "--repo")
    if repo is None:
        raise CliFailureError("this stand-in requires --repo: the runtime must name the repository, "
                              "never rely on the cwd")
    expected = data["repo"]
    if cli == "gh":
        want = expected if data["host"] == "github.com" else f"{data['host']}/{expected}"
        if repo not in (want, f"{data['host']}/{expected}"):
            raise CliFailureError(f"GraphQL: Could not resolve to a Repository with the name '{repo}'. (repository)")
    else:
        if os.environ.get("GITLAB_HOST", "gitlab.com") != data["host"]:
            raise CliFailureError(f"404 Not Found: GITLAB_HOST is {os.environ.get('GITLAB_HOST')!r}, the project is on "
                       f"{data['host']}")
        if repo != expected:
            raise CliFailureError(f"GET https://{data['host']}/api/v4/projects/{repo.replace('/', '%2F')}: 404 "
                       "{message: 404 Project Not Found}")


def issue_url(cli: str, data: dict[str, Any], number: int) -> str:
    if cli == "gh":
        return f"https://{data['host']}/{data['repo']}/issues/{number}"
    return f"https://{data['host']}/{data['repo']}/-/issues/{number}"


def find_issue(cli: str, data: dict[str, Any], ident: str) -> dict[str, Any]:
    for issue in data["issues"]:
        if str(issue["number"]) == ident.lstrip("#"):
            return issue
    if cli == "gh":
        raise CliFailureError(f"GraphQL: Could not resolve to an issue or pull request with the number of {ident}. "
                   "(repository.issue)")
    raise CliFailureError(f"GET https://{data['host']}/api/v4/projects/x/issues/{ident}: 404 "
                          "{message: 404 Not found}")


def json_fields(command: tuple[str, str], values: dict[str, list[str]]) -> list[str]:
    fields = (one(values, "--json") or "").split(",")
    unknown = [f for f in fields if f not in GH_JSON_FIELDS[command]]
    if unknown:
        raise CliFailureError(f"Unknown JSON field: {unknown[0]!r}\nAvailable fields:\n  "
                   + "\n  ".join(sorted(GH_JSON_FIELDS[command])))
    return fields


def gh(command: tuple[str, str], positional: list[str], values: dict[str, list[str]], data: dict[str, Any]) -> str:
    if command == ("auth", "status"):
        if not data["signed_in"]:
            raise CliFailureError("You are not logged into any GitHub hosts. To log in, run: gh auth login", 1)
        host = one(values, "--hostname", data["host"])
        if host != data["host"]:
            raise CliFailureError(f"You are not logged into any accounts on {host}", 1)
        sys.stderr.write(f"{host}\n  \u2713 Logged in to {host} account tester (keyring)\n")
        return ""
    if not data["signed_in"]:
        raise CliFailureError("To get started with GitHub CLI, please run:  gh auth login\n"
                   "Alternatively, populate the GH_TOKEN environment variable with a GitHub API authentication "
                   "token.", 4)
    if data.get("offline"):
        api = "api.github.com" if data["host"] == "github.com" else data["host"]
        raise CliFailureError(f"error connecting to {api}\n"
                   "check your internet connection or https://githubstatus.com", 1)
    check_repo("gh", data, values)
    if command == ("label", "list"):
        fields = json_fields(command, values)
        limit = int(one(values, "--limit", "30") or 30)
        return json.dumps([{f: label.get(f, "") for f in fields} for label in data["labels"][:limit]])
    if command == ("label", "create"):
        if len(positional) != 1:
            raise CliFailureError("cannot create label: name argument required")
        name = positional[0]
        if any(label["name"].lower() == name.lower() for label in data["labels"]):
            raise CliFailureError(f"label with name \"{name}\" already exists; use `--force` to update its color and "
                       "description")
        data["labels"].append({"name": name, "color": one(values, "--color", ""),
                               "description": one(values, "--description", "")})
        sys.stderr.write(f"\u2713 Label \"{name}\" created in {data['repo']}\n")
        return ""
    if command == ("issue", "list"):
        fields = json_fields(command, values)
        state = one(values, "--state", "open")
        if state not in ("open", "closed", "all"):
            raise CliFailureError(f"invalid argument \"{state}\" for \"-s, --state\" flag: valid values are "
                       "{open|closed|all}")
        labels = values.get("--label", [])
        limit = int(one(values, "--limit", "30") or 30)
        found = [i for i in data["issues"] if (state == "all" or i["state"] == state)
                 and all(lab in i["labels"] for lab in labels)]
        return json.dumps([{f: _gh_field(data, i, f) for f in fields} for i in found[:limit]])
    if command == ("issue", "create"):
        title = one(values, "--title")
        body = one(values, "--body")
        body_file = one(values, "--body-file")
        if body_file is not None:
            body = sys.stdin.read() if body_file == "-" else Path(body_file).read_text(encoding="utf-8")
        if not title or body is None:
            raise CliFailureError("must provide `--title` and `--body` (or `--fill` or `fill-first` or "
                                  "`--fillverbose`) when "
                       "not running interactively")
        labels = [lab for value in values.get("--label", []) for lab in value.split(",")]
        for label in labels:
            if not any(lab["name"] == label for lab in data["labels"]):
                raise CliFailureError(f"could not add label: '{label}' not found")
        number = data["next"]
        data["next"] += 1
        data["issues"].append({"number": number, "title": title, "body": body, "labels": labels, "state": "open",
                               "comments": []})
        sys.stderr.write(f"\nCreating issue in {data['repo']}\n\n")
        return issue_url("gh", data, number) + "\n"
    if command == ("issue", "view"):
        fields = json_fields(command, values)
        issue = find_issue("gh", data, positional[0])
        return json.dumps({f: _gh_field(data, issue, f) for f in fields})
    if command == ("issue", "comment"):
        issue = find_issue("gh", data, positional[0])
        body = one(values, "--body")
        if one(values, "--body-file") is not None:
            body = Path(one(values, "--body-file") or "").read_text(encoding="utf-8")
        if not body:
            raise CliFailureError("body cannot be blank")
        issue["comments"].append(body)
        return issue_url("gh", data, issue["number"]) + "#issuecomment-1\n"
    if command == ("issue", "close"):
        issue = find_issue("gh", data, positional[0])
        reason = one(values, "--reason")
        if reason is not None and reason not in ("completed", "not planned"):
            raise CliFailureError(f"invalid argument \"{reason}\" for \"-r, --reason\" flag: valid values are "
                       "{completed|not planned}")
        if issue["state"] == "closed":
            sys.stderr.write(f"! Issue {data['repo']}#{issue['number']} ({issue['title']}) is already closed\n")
            return ""
        if one(values, "--comment"):
            issue["comments"].append(one(values, "--comment"))
        issue["state"] = "closed"
        sys.stderr.write(f"\u2713 Closed issue {data['repo']}#{issue['number']} ({issue['title']})\n")
        return ""
    raise CliFailureError(f"not handled: {command}")


def _gh_field(data: dict[str, Any], issue: dict[str, Any], field: str) -> Any:
    if field == "state":
        return issue["state"].upper()
    if field == "url":
        return issue_url("gh", data, issue["number"])
    if field == "labels":
        return [{"name": lab} for lab in issue["labels"]]
    return issue.get(field)


def glab(command: tuple[str, str], positional: list[str], values: dict[str, list[str]], data: dict[str, Any]
         ) -> str:
    host = os.environ.get("GITLAB_HOST", "gitlab.com")
    if command == ("auth", "status"):
        asked = one(values, "--hostname", host)
        if not data["signed_in"] or asked != data["host"]:
            raise CliFailureError(f"{asked}\n  x {asked}: API call failed: GET https://{asked}/api/v4/user: 401 "
                       "{message: 401 Unauthorized}\n  ! No token provided", 1)
        sys.stderr.write(f"{asked}\n  \u2713 Logged in to {asked} as tester (config.yml)\n")
        return ""
    if data.get("offline"):
        raise CliFailureError(f"Get \"https://{host}/api/v4/projects\": dial tcp: lookup {host}: no such host", 1)
    if not data["signed_in"]:
        raise CliFailureError(f"GET https://{host}/api/v4/projects: 401 {{message: 401 Unauthorized}}", 1)
    check_repo("glab", data, values)
    output = one(values, "--output", "text")
    if command == ("label", "list"):
        if output != "json":
            return "\n".join(f"{lab['name']}" for lab in data["labels"]) + "\n"
        return json.dumps([{"id": n, "name": lab["name"], "color": lab.get("color", "")}
                           for n, lab in enumerate(data["labels"], start=1)])
    if command == ("label", "create"):
        name = one(values, "--name")
        if not name:
            raise CliFailureError("Label name is required")
        if any(lab["name"].lower() == name.lower() for lab in data["labels"]):
            raise CliFailureError("POST https://x/api/v4/projects/x/labels: 409 {message: Label already exists}")
        data["labels"].append({"name": name, "color": one(values, "--color", "#428BCA")})
        return f"Created label: {name}\nWith color: {one(values, '--color', '#428BCA')}\n"
    if command == ("issue", "list"):
        labels = [lab for value in values.get("--label", []) for lab in value.split(",")]
        found = [i for i in data["issues"] if (one(values, "--all") or i["state"] == "open")
                 and all(lab in i["labels"] for lab in labels)]
        if output != "json":
            return "".join(f"#{i['number']}\t{i['title']}\n" for i in found)
        return json.dumps([_glab_issue(data, i) for i in found[:int(one(values, "--per-page", "30") or 30)]])
    if command == ("issue", "create"):
        title, description = one(values, "--title"), one(values, "--description")
        if not one(values, "--yes"):
            raise CliFailureError("--yes is required to skip the submission prompt when not running interactively")
        if not title:
            raise CliFailureError("title can't be blank")
        labels = [lab for value in values.get("--label", []) for lab in value.split(",")]
        for label in labels:  # GitLab creates a missing label itself
            if not any(lab["name"] == label for lab in data["labels"]):
                data["labels"].append({"name": label, "color": "#428BCA"})
        number = data["next"]
        data["next"] += 1
        data["issues"].append({"number": number, "title": title, "body": description or "", "labels": labels,
                               "state": "open", "comments": []})
        return f"- Creating issue in {data['repo']}\n#{number} {title} (less than a minute ago)\n" \
               f"{issue_url('glab', data, number)}\n"
    if command == ("issue", "view"):
        issue = find_issue("glab", data, positional[0])
        if output != "json":
            return f"title:\t{issue['title']}\nstate:\t{issue['state']}\n"
        return json.dumps(_glab_issue(data, issue))
    if command == ("issue", "note"):
        issue = find_issue("glab", data, positional[0])
        message = one(values, "--message")
        if not message:
            raise CliFailureError("aborted... Note is an empty message")
        issue["comments"].append(message)
        return issue_url("glab", data, issue["number"]) + "#note_1\n"
    if command == ("issue", "close"):
        issue = find_issue("glab", data, positional[0])
        if issue["state"] == "closed":
            raise CliFailureError(f"issue #{issue['number']} is already closed")
        issue["state"] = "closed"
        return f"- Closing Issue...\n\u2713 Closed Issue #{issue['number']}\n"
    raise CliFailureError(f"not handled: {command}")


def _glab_issue(data: dict[str, Any], issue: dict[str, Any]) -> dict[str, Any]:
    return {"iid": issue["number"], "title": issue["title"], "description": issue["body"],
            "state": "opened" if issue["state"] == "open" else "closed", "labels": issue["labels"],
            "web_url": issue_url("glab", data, issue["number"])}


def main(argv: list[str]) -> int:
    cli, args = argv[0], argv[1:]
    path, data = load()
    data.setdefault("calls", []).append([cli, *args])
    try:
        command, positional, values = parse(cli, args)
        out = (gh if cli == "gh" else glab)(command, positional, values, data)
    except CliFailureError as exc:
        save(path, data)
        sys.stderr.write(str(exc) + "\n")
        return exc.code
    save(path, data)
    sys.stdout.write(out)
    return 0


def new_server(path: Path, host: str, repo: str, **extra: Any) -> Path:
    """Write a fresh server state: no labels, no issues, signed in, online."""
    data = {"host": host, "repo": repo, "signed_in": True, "offline": False, "labels": [], "issues": [], "next": 1,
            "calls": [], **extra}
    save(path, data)
    return path


def install(bin_dir: Path, python: str = sys.executable) -> Path:
    """`gh` and `glab` wrappers in `bin_dir` that run this stand-in."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for cli in ("gh", "glab"):
        wrapper = bin_dir / cli
        wrapper.write_text(f"#!/bin/sh\nexec {python} {Path(__file__).resolve()} {cli} \"$@\"\n", encoding="utf-8")
        wrapper.chmod(0o755)
    return bin_dir


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
