"""A stand-in for an agent CLI's headless mode, for the autopilot tests.

The real CLIs need a model; the scripted model (tests/e2e/) drives them one tool call at a time,
which is too slow and too rigid for a test per kill-switch. This program takes the CLI's place:
autopilot runs it with the CLI's own headless flags and prompt appended, it works through the
session with the repository's real runtime (`python3 .orchestrator/runtime ...`, exactly the
commands the texts tell an agent to run), and prints what the real CLI prints (`--format claude`:
one result object; `cursor`: one result object without usage; `codex` and `pi`: JSON-lines
events; the shapes of the captured outputs in tests/runtime/platforms/headless/).

What each session does comes from the JSON list in $STANDIN_SCRIPT, one entry per run (the count
is kept beside it): `complete` (a whole session to a committed, verified close), `partial` (closes
partial), `quit` (plans, then exits with the session open), `stall` (starts a session and hangs),
`fail-gate` (a change whose test fails, the gate run until it has blocked three times, which
trips the circuit breaker, and the session left there as /go says), `fail-gate-once` (one blocked
gate, closed partial),
`question` (a question only a person could answer: parked on the item when $SO_UNATTENDED says
nobody is there, otherwise waited on), `crash` (exits 1 before anything). Tokens and cost reported
are $STANDIN_TOKENS (input; output is a fifth of it) and $STANDIN_COST per session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path.cwd()


def rt(*args: str, stdin: str | None = None, expect: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([sys.executable, ".orchestrator/runtime", *args], cwd=ROOT, input=stdin,
                         capture_output=True, text=True, timeout=300)
    if out.returncode not in expect:
        sys.stderr.write(f"runtime {' '.join(args)} exited {out.returncode}: {out.stdout}{out.stderr}\n")
        sys.exit(3)
    return out


def status() -> dict:
    return json.loads(rt("session", "status", "--json", expect=(0, 1)).stdout or "{}")


def begin() -> dict:
    """Start a session, or resume the one a stopped run left; returns the status."""
    now = status()
    if (now.get("session") or {}).get("status") in ("active", "paused"):
        rt("session", "start", "feature", "--resume")
    else:
        rt("session", "start", "feature")
        rt("gate", "baseline")
    return status()


def plan(number: int, title: str) -> None:
    waves = status()["waves"]
    tasks = {1: [{"id": "T1", "agent": "implementer", "items": ["I1"], "task": title,
                  "files": [f"src/calc/f{number}.py", f"tests/test_f{number}.py"]}]}
    body = {"items": [{"id": "I1", "title": title, "acceptance": f"f{number}() == {number}",
                       "tests": [f"tests/test_f{number}.py::test_f{number}"]}],
            "waves": [{"wave": w["wave"], "role": w["role"], "tasks": tasks.get(w["wave"], [])} for w in waves]}
    rt("plan", "set", "-", stdin=json.dumps(body))


def write_change(number: int, broken: bool) -> None:
    """A new module and its test per item, so sessions in parallel lanes never touch the same file."""
    (ROOT / "src" / "calc" / f"f{number}.py").write_text(f"def f{number}():\n    return {number + int(broken)}\n")
    (ROOT / "tests" / f"test_f{number}.py").write_text(
        f"from calc.f{number} import f{number}\n\n\ndef test_f{number}():\n    assert f{number}() == {number}\n")


def run_waves(number: int, broken: bool = False, gate_tries: int = 1) -> bool:
    """Every wave not done yet; False when a gate stayed blocked."""
    for wave in status()["waves"]:
        if wave["status"] == "done":
            continue
        rt("wave", "start", str(wave["wave"]))
        tasks = []
        if wave["wave"] == 1:
            write_change(number, broken)
            tasks = ["--task", "T1=done"]
        rt("wave", "done", str(wave["wave"]), *tasks)
        if wave.get("gate"):
            for _ in range(gate_tries):
                if rt("gate", wave["gate"], expect=(0, 2)).returncode == 0:
                    break
            else:
                return False
    return True


def close(outcome: str, note: str = "") -> None:
    """The steps of the close command's text, in its order."""
    done = outcome == "completed"
    rt("plan", "item", "I1", "--status", "done" if done else "partial", "--note",
       note or ("the function and its test" if done else "not finished"))
    rt("gate", "full", expect=(0,) if done else (0, 2))
    rt("close", "verify", expect=(0,) if done else (0, 2))
    if done:
        rt("session", "close", "--outcome", "completed")
    else:
        rt("close", "carryover")
        rt("session", "close", "--outcome", "partial", "--reason", note or "left for later")
    rt("close", "commit")


def session(mode: str, number: int, title: str) -> str:
    if mode == "crash":
        sys.stderr.write("Error: not signed in\n")
        sys.exit(1)
    now = begin()
    if now.get("items"):  # a resumed session goes on with its own item
        title = str(now["items"][0]["title"])
        number = int(str(now["items"][0]["tests"][0]).rpartition("::test_f")[2])  # the planned f<N>
    else:
        plan(number, title)
    if mode == "stall":
        time.sleep(3600)
    if mode == "quit":
        rt("wave", "start", "1")
        return "I stopped halfway."
    if mode == "question":
        question = "Should f return an int or a float? Only the product owner can say."
        if os.environ.get("SO_UNATTENDED") != "1":
            time.sleep(3600)  # waiting for an answer nobody gives
        run_waves(number)
        close("partial", f"open question: {question}")
        return f"Parked the open question: {question}"
    if mode == "fail-gate":  # the third blocked gate trips the breaker: /go stops there, as its text says
        run_waves(number, broken=True, gate_tries=3)
        return "A circuit breaker is tripped; stopping."
    if mode == "fail-gate-once":
        run_waves(number, broken=True)
        close("partial", "the gate stayed blocked")
        return "The gate stayed blocked."
    if mode == "partial":
        run_waves(number)
        close("partial", "left for later")
        return "Closed partial."
    run_waves(number)
    close("completed")
    return "All done."


def emit(fmt: str, text: str, tokens: int, cost: float) -> None:
    out = tokens // 5
    if fmt == "claude":
        print(json.dumps({"type": "result", "subtype": "success", "is_error": False, "result": text,
                          "total_cost_usd": cost, "usage": {"input_tokens": tokens, "cache_creation_input_tokens": 0,
                                                            "cache_read_input_tokens": 0, "output_tokens": out}}))
    elif fmt == "cursor":  # its documented result object, which carries no usage
        print(json.dumps({"type": "result", "subtype": "success", "is_error": False, "result": text}))
    elif fmt == "codex":
        print(json.dumps({"type": "thread.started", "thread_id": "t"}))
        print(json.dumps({"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": text}}))
        print(json.dumps({"type": "turn.completed", "usage": {"input_tokens": tokens, "cached_input_tokens": 0,
                                                              "output_tokens": out}}))
    else:
        usage = {"input": tokens, "output": out, "cacheRead": 0, "cacheWrite": 0, "totalTokens": tokens + out,
                 "cost": {"total": cost}}
        print(json.dumps({"type": "agent_start"}))
        print(json.dumps({"type": "message_end", "message": {"role": "assistant", "usage": usage,
                                                             "content": [{"type": "text", "text": text}]}}))
        print(json.dumps({"type": "agent_end", "messages": []}))


def main() -> None:
    fmt = sys.argv[sys.argv.index("--format") + 1]
    prompt = sys.argv[-1]
    script = Path(os.environ["STANDIN_SCRIPT"])
    counter = script.with_suffix(".n")
    number = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(number))
    modes = json.loads(script.read_text())
    mode = modes[min(number, len(modes)) - 1]
    with script.with_suffix(".prompts").open("a") as log:
        log.write(json.dumps({"n": number, "mode": mode, "prompt": prompt, "argv": sys.argv[1:-1],
                              "unattended": os.environ.get("SO_UNATTENDED"), "pid": os.getpid(),
                              "lane_env": os.environ.get("SO_PORT_OFFSET")}) + "\n")
    title = os.environ.get("SO_AUTOPILOT_ITEM") or f"Add f{number}"
    if title.rpartition(" f")[2].isdigit():  # an item named "... f<N>" works on f<N> whichever run this is
        number = int(title.rpartition(" f")[2])
    text = session(mode, number, title)
    emit(fmt, text, int(os.environ.get("STANDIN_TOKENS", "1000")), float(os.environ.get("STANDIN_COST", "0.01")))


if __name__ == "__main__":
    main()
