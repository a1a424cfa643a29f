// session-orchestrator: the guard and the session banner for Pi.
// Installed as .pi/extensions/session-orchestrator.ts from .orchestrator/runtime/platforms/pi_extension.ts;
// `python3 .orchestrator/runtime doctor` reports it when the two differ. Put your own extension in
// another file of .pi/extensions/: this one is replaced on every update.
//
// Every decision is the runtime's: this file only hands Pi's events to
// `python3 -S .orchestrator/runtime/__main__.py hook pi <event>` (JSON on stdin) and applies the JSON
// answer. It names the entry file, not the directory: running a directory costs every call the import
// machinery that runs it.
// When the runtime cannot answer (not found, too slow, garbled output), a shell command is blocked
// with the cause, because a guard that cannot judge must not let a destructive command through;
// other calls go ahead with a warning to the model.
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { ExtensionAPI, ExtensionContext } from "@earendil-works/pi-coding-agent";

const TIMEOUT_MS = 30_000;
const SHELL_TOOLS = new Set(["bash"]);
const TAG = "[session-orchestrator]";

type Answer = { ok: true; value: Record<string, unknown> } | { ok: false; why: string };

function ask(ctx: ExtensionContext, event: string, payload: Record<string, unknown>): Promise<Answer> {
  const runtime = join(ctx.cwd, ".orchestrator", "runtime", "__main__.py");
  return new Promise((resolve) => {
    const child = execFile("python3", ["-S", runtime, "hook", "pi", event],
      { cwd: ctx.cwd, timeout: TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const out = String(stdout).trim();
        if (error && !out) {
          const cause = error.killed ? `no answer within ${TIMEOUT_MS / 1000} s` : error.message;
          resolve({ ok: false, why: `${cause} ${String(stderr).trim()}`.trim() });
          return;
        }
        if (!out) {
          resolve({ ok: true, value: {} });
          return;
        }
        try {
          const value: unknown = JSON.parse(out);
          if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            resolve({ ok: true, value: value as Record<string, unknown> });
            return;
          }
        } catch {
          // reported below, with the output that could not be read
        }
        resolve({ ok: false, why: `unreadable answer: ${out.slice(0, 200)}` });
      });
    child.stdin?.on("error", () => undefined); // a runtime that exits early must not crash Pi
    child.stdin?.end(JSON.stringify(payload));
  });
}

export default function sessionOrchestrator(pi: ExtensionAPI): void {
  let banner = "";
  const warnings = new Map<string, string>();

  pi.on("session_start", async (event, ctx) => {
    const answer = await ask(ctx, "session-start", { event: "session_start", reason: event.reason, cwd: ctx.cwd,
      session_id: ctx.sessionManager.getSessionId() });
    banner = answer.ok ? String(answer.value.banner ?? "")
      : `${TAG} the session banner could not be loaded (${answer.why}); the guard may not be running. `
        + "Run: python3 .orchestrator/runtime doctor";
  });

  pi.on("before_agent_start", async (event) => {
    if (banner) return { systemPrompt: `${event.systemPrompt}\n\n${banner}` };
    return undefined;
  });

  pi.on("tool_call", async (event, ctx) => {
    const answer = await ask(ctx, "pre-tool-use", { event: "tool_call", session_id: ctx.sessionManager.getSessionId(),
      cwd: ctx.cwd, toolName: event.toolName, toolCallId: event.toolCallId, input: event.input });
    if (!answer.ok) {
      const why = `${TAG} the guard could not judge this call: ${answer.why}. Run: python3 .orchestrator/runtime doctor`;
      if (SHELL_TOOLS.has(event.toolName)) return { block: true, reason: `${why} (shell commands are blocked until it can)` };
      warnings.set(event.toolCallId, why);
      return undefined;
    }
    if (answer.value.block === true) return { block: true, reason: String(answer.value.reason ?? `${TAG} blocked`) };
    if (typeof answer.value.warning === "string") warnings.set(event.toolCallId, answer.value.warning);
    return undefined;
  });

  pi.on("tool_result", async (event) => {
    const warning = warnings.get(event.toolCallId);
    if (warning === undefined) return undefined;
    warnings.delete(event.toolCallId);
    return { content: [{ type: "text", text: warning }, ...event.content] };
  });
}
