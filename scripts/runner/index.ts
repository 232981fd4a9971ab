// The engine-faithful offline runner: `pulumi up` / `destroy` / `refresh` of a real Pulumi program
// without the Pulumi CLI. Each run is a child process (fresh module state, like the CLI's language
// host) running scripts/runner/child.ts; resources go through the real dynamic-provider host; the
// checkpoint is a JSON file. Used by the engine tests and by `npm run demo`.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { RunResultSchema, type Operation, type RunRequest, type RunResult } from "./protocol";
import { loadState, type StackState } from "./state";

export type { RunResult, StackOutput, Operation } from "./protocol";
export type { StackState, ResourceRecord } from "./state";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

const ProjectFileSchema = z.object({
  name: z.string().min(1),
  runtime: z.union([z.string(), z.object({ name: z.string() })]),
  main: z.string().optional(),
});

export interface ProjectInfo {
  name: string;
  dir: string;
  /** Absolute path of the program entry. */
  program: string;
}

/** Reads Pulumi.yaml the way the CLI does for what we need: the project name and the program entry. */
export function readProject(projectDir: string): ProjectInfo {
  const dir = path.resolve(projectDir);
  const file = path.join(dir, "Pulumi.yaml");
  const parsed = ProjectFileSchema.safeParse(parseYaml(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const runtime = typeof parsed.data.runtime === "string" ? parsed.data.runtime : parsed.data.runtime.name;
  if (runtime !== "nodejs") throw new Error(`${file}: runtime ${runtime} is not supported by the offline runner (nodejs only)`);
  let program = path.resolve(dir, parsed.data.main ?? ".");
  if (fs.existsSync(program) && fs.statSync(program).isDirectory()) program = path.join(program, "index.ts");
  return { name: parsed.data.name, dir, program };
}

export interface RunProgramOptions {
  /** Directory holding Pulumi.yaml. */
  projectDir: string;
  stack?: string;
  /** The checkpoint; created on first use. */
  stateFile: string;
  operation?: Operation;
  /** Namespaced config ("<project>:zoneId", "cloudstack-kubernetes:apiUrl"). */
  config?: Record<string, string>;
  secretConfigKeys?: string[];
  /** Extra environment for the provider host (e.g. CLOUDSTACK_API_URL / _API_KEY / _SECRET_KEY). */
  hostEnv?: Record<string, string>;
  /** Every line the run prints: engine steps ("+ create ...") and, indented, provider progress. */
  onLine?: (line: string) => void;
  /** Kill the run after this long (default 10 minutes). */
  timeoutMs?: number;
  /**
   * Run in its own process group, so a terminal's Ctrl-C reaches only the caller, which can then let
   * the step finish and clean up (the demo does).
   */
  ownProcessGroup?: boolean;
}

/** Runs one operation in a fresh child process and returns its result (it never throws for a failed deployment). */
export async function runProgram(options: RunProgramOptions): Promise<RunResult> {
  const project = readProject(options.projectDir);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cks-run-"));
  const request: RunRequest = {
    operation: options.operation ?? "up",
    projectDir: project.dir,
    program: project.program,
    project: project.name,
    stack: options.stack ?? "dev",
    stateFile: path.resolve(options.stateFile),
    config: options.config ?? {},
    secretConfigKeys: options.secretConfigKeys ?? [],
    hostEnv: options.hostEnv ?? {},
    resultFile: path.join(scratch, "result.json"),
  };
  const requestFile = path.join(scratch, "request.json");
  // The request carries credentials from config: owner-only, removed right after the run.
  fs.writeFileSync(requestFile, JSON.stringify(request), { mode: 0o600 });
  try {
    const lines: string[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "child.ts"), requestFile], {
        cwd: project.dir,
        env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json"), TS_NODE_TRANSPILE_ONLY: "true" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: options.ownProcessGroup ?? false,
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
      const forward = (chunk: Buffer, buffer: { rest: string }): void => {
        const parts = (buffer.rest + chunk.toString("utf8")).split("\n");
        buffer.rest = parts.pop() ?? "";
        for (const line of parts) {
          lines.push(line);
          options.onLine?.(line);
        }
      };
      const out = { rest: "" };
      const err = { rest: "" };
      child.stdout!.on("data", (c: Buffer) => forward(c, out));
      child.stderr!.on("data", (c: Buffer) => forward(c, err));
      child.once("error", reject);
      child.once("close", (c) => {
        clearTimeout(timer);
        for (const rest of [out.rest, err.rest]) if (rest) options.onLine?.(rest);
        resolve(c ?? -1);
      });
    });
    if (!fs.existsSync(request.resultFile)) {
      return { ok: false, operation: request.operation, steps: [], outputs: {}, options: {}, durationMs: 0, errors: [`the runner exited with ${code} without a result: ${lines.slice(-5).join(" | ")}`] };
    }
    return RunResultSchema.parse(JSON.parse(fs.readFileSync(request.resultFile, "utf8")));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The checkpoint as the last run left it. */
export function readState(options: Pick<RunProgramOptions, "projectDir" | "stack" | "stateFile">): StackState {
  return loadState(path.resolve(options.stateFile), readProject(options.projectDir).name, options.stack ?? "dev");
}
