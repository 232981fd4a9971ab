// Runs one provider call in a child process (child.ts) and, when the plan says so, kills it with
// SIGKILL: at a phase boundary (the moment the provider announces "<phase>: started") or after a
// delay. A killed call leaves only what the engine had recorded before it, exactly as a crashed
// `pulumi up` does.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { ChildLineSchema, type ChildRequest, type ChildResult } from "./protocol";

// The repository root (or .chaos-build/ when compiled): the provider's working directory.
const ROOT = path.resolve(__dirname, "..", "..");

export type KillTrigger = { kind: "phase"; phase: string } | { kind: "after"; ms: number };

export interface CallOutcome {
  /** Undefined when the process was killed (or died) before it answered. */
  result?: ChildResult;
  killed: boolean;
  /** The phase the provider was in when the process ended (the last "<phase>: ..." line). */
  lastPhase?: string;
  ms: number;
  stderr: string;
}

/** `[cluster <name>] <phase>: <what>` → phase. */
export function phaseOf(line: string): string | undefined {
  return /^\[[^\]]+\] ([a-z0-9-]+): /.exec(line)?.[1];
}

export function callProvider(req: ChildRequest, opts: { kill?: KillTrigger; timeoutMs: number; onLine?: (line: string) => void }): Promise<CallOutcome> {
  const started = Date.now();
  // Compiled (npm run chaos -- --compiled): child.js beside this file; from the sources: ts-node.
  const compiled = path.join(__dirname, "child.js");
  const entry = fs.existsSync(compiled) ? [compiled] : ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "child.ts")];
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    // The request carries API keys: on stdin, not on the command line where `ps` shows it.
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
  });
  let result: ChildResult | undefined;
  let killed = false;
  let lastPhase: string | undefined;
  let stderr = "";
  const kill = (): void => {
    if (result || child.exitCode !== null) return;
    killed = true;
    child.kill("SIGKILL");
  };
  const timers: NodeJS.Timeout[] = [setTimeout(kill, opts.timeoutMs)];
  if (opts.kill?.kind === "after") timers.push(setTimeout(kill, opts.kill.ms));
  child.stdin.on("error", () => undefined);
  child.stdin.end(JSON.stringify(req));
  child.stderr.on("data", (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  readline.createInterface({ input: child.stdout }).on("line", (text) => {
    let parsed;
    try {
      parsed = ChildLineSchema.parse(JSON.parse(text));
    } catch {
      return;
    }
    if (parsed.type === "result") {
      result = parsed.result;
      return;
    }
    opts.onLine?.(parsed.line);
    const phase = phaseOf(parsed.line);
    if (phase) lastPhase = phase;
    if (opts.kill?.kind === "phase" && phase === opts.kill.phase && / started$/.test(parsed.line)) kill();
  });
  return new Promise((resolve) => {
    child.on("close", () => {
      for (const t of timers) clearTimeout(t);
      resolve({ result: killed ? undefined : result, killed, lastPhase, ms: Date.now() - started, stderr });
    });
  });
}
