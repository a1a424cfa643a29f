"""A stand-in for the GitHub API on 127.0.0.1, for the real `gh` (Debian's package) to talk to.

What is real and what is not: the client is the real `gh`, with its own flag parsing,
its own requests and its own error messages. Only the server is stood in for, because
no GitHub can run here. `gh` reaches a host other than github.com over HTTPS, except
for its development host `github.localhost`, which it reaches over plain HTTP at
`http://api.github.localhost/` (REST) and `/graphql`. The tests name that host with
`GH_HOST` and send `gh` here with `HTTP_PROXY`, so the server sees each request with
its full URL. It answers the REST and GraphQL requests the close commands make
(the viewer, labels, issue search and listing, issue creation, closing, commenting) and refuses a
request without a token as GitHub does (401 "Bad credentials"), keeping its
issues and labels in the same JSON file as `fake_tracker.py`; any request it does not
know is answered with HTTP 500 and logged, so an unexpected call fails the test.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class GitHubStandIn:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.lock = threading.Lock()
        self.unknown: list[str] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> GitHubStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the data ---

    def load(self) -> dict[str, Any]:
        return json.loads(self.state.read_text(encoding="utf-8"))

    def save(self, data: dict[str, Any]) -> None:
        self.state.write_text(json.dumps(data, indent=1), encoding="utf-8")

    def url(self, data: dict[str, Any], number: int) -> str:
        return f"http://github.localhost/{data['repo']}/issues/{number}"

    # --- requests ---

    def answer(self, method: str, path: str, body: str) -> tuple[int, Any]:
        with self.lock:
            data = self.load()
            data.setdefault("calls", []).append(["api", method, path, body[:300]])
            try:
                status, out = self._route(data, method, path, body)
            finally:
                self.save(data)
        return status, out

    def _route(self, data: dict[str, Any], method: str, path: str, body: str) -> tuple[int, Any]:
        path = re.sub(r"^https?://[^/]+", "", path)
        if method == "GET" and path in ("/", ""):
            return 200, {"current_user_url": "http://api.github.localhost/user"}
        if method == "POST" and path == f"/repos/{data['repo']}/labels":
            label = json.loads(body)
            if any(lab["name"].lower() == label["name"].lower() for lab in data["labels"]):
                return 422, {"message": "Validation Failed", "errors": [{"resource": "Label", "code": "already_exists",
                                                                         "field": "name"}]}
            data["labels"].append({"name": label["name"], "color": label.get("color", ""),
                                   "description": label.get("description", "")})
            return 201, {"name": label["name"], "color": label.get("color", "")}
        if method == "POST" and path == "/graphql":
            return self._graphql(data, json.loads(body))
        self.unknown.append(f"{method} {path}")
        return 500, {"message": f"the stand-in does not know {method} {path}"}

    def _graphql(self, data: dict[str, Any], request: dict[str, Any]) -> tuple[int, Any]:
        query, variables = request.get("query", ""), request.get("variables") or {}
        name = (re.search(r"\b(?:query|mutation)\s+(\w+)", query) or [None, ""])[1]
        owner, repo = data["repo"].split("/", 1)
        repository = {"id": "R_1", "name": repo, "owner": {"login": owner}, "hasIssuesEnabled": True,
                      "description": "", "hasWikiEnabled": False, "viewerPermission": "WRITE",
                      "defaultBranchRef": {"name": "main"}, "parent": None, "mergeCommitAllowed": True,
                      "rebaseMergeAllowed": True, "squashMergeAllowed": True}
        if name == "UserCurrent":
            return 200, {"data": {"viewer": {"login": "tester"}}}
        if name == "RepositoryInfo":
            return 200, {"data": {"repository": repository}}
        if name == "LabelList":
            nodes = [{"name": lab["name"], "color": lab.get("color", ""), "description": lab.get("description", "")}
                     for lab in data["labels"]]
            return 200, {"data": {"repository": {"labels": {"totalCount": len(nodes), "nodes": nodes,
                                                             "pageInfo": {"hasNextPage": False, "endCursor": None}}}}}
        if name == "RepositoryResolveMetadataIDs":
            out: dict[str, Any] = {}
            for alias, label in re.findall(r'(\w+): label\(name:"([^"]*)"\)', query):
                found = next((lab for lab in data["labels"] if lab["name"] == label), None)
                out[alias] = {"id": f"LA_{label}", "name": label} if found else None
            return 200, {"data": {"repository": out}}
        if name == "IssueSearch":
            terms = variables.get("query", "")
            labels = re.findall(r"label:(\S+)", terms)
            state = (re.search(r"\bstate:(\w+)", terms) or [None, None])[1]
            found = [i for i in data["issues"] if all(lab in i["labels"] for lab in labels)
                     and (state is None or i["state"] == state)]
            nodes = [self._issue(data, i) for i in found]
            return 200, {"data": {"repository": {"hasIssuesEnabled": True},
                                  "search": {"issueCount": len(nodes), "nodes": nodes,
                                             "pageInfo": {"hasNextPage": False, "endCursor": None}}}}
        if name == "IssueList":  # `gh issue list` without labels or search terms (discovery's open issues)
            states = [str(s).lower() for s in variables.get("states") or ["OPEN", "CLOSED"]]
            nodes = [self._issue(data, i) for i in data["issues"] if i["state"] in states]
            return 200, {"data": {"repository": {"hasIssuesEnabled": True, "issues": {
                "totalCount": len(nodes), "nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}}}}
        if name == "IssueByNumber":
            number = int(variables.get("number"))
            issue = next((i for i in data["issues"] if i["number"] == number), None)
            if issue is None:
                return 200, {"data": {"repository": {"hasIssuesEnabled": True, "issue": None}},
                             "errors": [{"type": "NOT_FOUND", "path": ["repository", "issue"],
                                         "message": f"Could not resolve to an issue or pull request with the "
                                                    f"number of {number}."}]}
            return 200, {"data": {"repository": {"hasIssuesEnabled": True, "issue": {
                "__typename": "Issue", **self._issue(data, issue)}}}}
        if name == "IssueCreate":
            given = variables.get("input") or {}
            number = data["next"]
            data["next"] += 1
            labels = [lid.removeprefix("LA_") for lid in given.get("labelIds") or []]
            data["issues"].append({"number": number, "title": given.get("title", ""), "body": given.get("body", ""),
                                   "labels": labels, "state": "open", "comments": []})
            return 200, {"data": {"createIssue": {"issue": {"id": f"I_{number}", "url": self.url(data, number)}}}}
        if name == "CommentCreate":
            given = variables.get("input") or {}
            issue = self._by_id(data, given.get("subjectId", ""))
            issue["comments"].append(given.get("body", ""))
            return 200, {"data": {"addComment": {"commentEdge": {"node": {
                "url": self.url(data, issue["number"]) + "#issuecomment-1"}}}}}
        if name == "IssueClose":
            given = variables.get("input") or {}
            issue = self._by_id(data, given.get("issueId", ""))
            issue["state"] = "closed"
            return 200, {"data": {"closeIssue": {"issue": {"id": given.get("issueId")}}}}
        self.unknown.append(f"graphql {name or query[:80]}")
        return 500, {"message": f"the stand-in does not know the GraphQL operation {name!r}"}

    def _issue(self, data: dict[str, Any], issue: dict[str, Any]) -> dict[str, Any]:
        return {"id": f"I_{issue['number']}", "number": issue["number"], "title": issue["title"],
                "body": issue["body"], "state": issue["state"].upper(), "url": self.url(data, issue["number"]),
                "labels": {"nodes": [{"name": lab} for lab in issue["labels"]], "totalCount": len(issue["labels"])}}

    @staticmethod
    def _by_id(data: dict[str, Any], ident: str) -> dict[str, Any]:
        return next(i for i in data["issues"] if f"I_{i['number']}" == ident)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                auth = self.headers.get("Authorization") or ""
                if not auth.split(" ", 1)[-1].strip() or auth.strip().lower() in ("token", "bearer"):
                    status, out = 401, {"message": "Bad credentials"}  # what GitHub answers without a token
                else:
                    status, out = stand_in.answer(self.command, self.path, body)
                payload = json.dumps(out).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("X-Oauth-Scopes", "repo, read:org")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # the name http.server calls
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def log_message(self, *args: object) -> None:
                pass

        return Handler
