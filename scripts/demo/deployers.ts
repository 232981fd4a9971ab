// The two ways `npm run demo` deploys the quickstart: the Pulumi CLI with a throw-away local backend,
// or the offline runner (scripts/runner). Both expose the same small interface to demo.js.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram, type RunResult } from "../runner";
import type { StackConfig } from "../runner/simConfig";

export interface Deployment {
  outputs(): Promise<{ endpoint: string; kubeconfig: string }>;
  destroy(): Promise<void>;
}

type Phase = (message: string) => void;

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw new Error(`the stack has no ${name} output`);
  return value;
}

/** Provider progress and engine steps, indented under the phase lines. */
function echo(line: string): void {
  if (line.trim()) process.stdout.write(`    ${line.trim()}\n`);
}

export async function deployWithRunner(opts: { root: string; demoDir: string; stackConfig: StackConfig; phase: Phase }): Promise<Deployment> {
  fs.mkdirSync(opts.demoDir, { recursive: true });
  const stateFile = path.join(opts.demoDir, "runner-state.json");
  const run = async (operation: "up" | "destroy"): Promise<RunResult> => {
    const result = await runProgram({ projectDir: opts.root, stack: "demo", stateFile, operation, ...opts.stackConfig, onLine: echo, ownProcessGroup: true });
    if (!result.ok) throw new Error(`${operation} failed: ${result.errors.join("; ")}`);
    return result;
  };
  // A state file left by an interrupted demo belongs to a simulator that is gone: start afresh.
  fs.rmSync(stateFile, { force: true });
  let up: RunResult;
  try {
    up = await run("up");
  } catch (err) {
    // Leave nothing behind: whatever the failed run created is in the checkpoint.
    opts.phase("the deployment failed: destroying what it created");
    await run("destroy").catch(() => undefined);
    throw err;
  }
  opts.phase(`deployed: ${up.steps.map((s) => `${s.kind} ${s.urn.split("::").pop()}`).join(", ")} in ${(up.durationMs / 1000).toFixed(1)}s`);
  return {
    async outputs() {
      return { endpoint: requireString(up.outputs.endpoint?.value, "endpoint"), kubeconfig: requireString(up.outputs.kubeconfig?.value, "kubeconfig") };
    },
    async destroy() {
      await run("destroy");
      fs.rmSync(stateFile, { force: true });
    },
  };
}

/** Runs the Pulumi CLI, echoing its output; resolves with stdout, rejects on a non-zero exit. */
function pulumi(args: string[], env: NodeJS.ProcessEnv, cwd: string, opts: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // Own process group: Ctrl-C reaches only the demo, which lets the step finish, then destroys.
    const child = spawn("pulumi", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
      if (!opts.quiet) for (const line of c.toString("utf8").split("\n")) echo(line);
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      if (!opts.quiet) for (const line of c.toString("utf8").split("\n")) echo(line);
    });
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`pulumi ${args[0]} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" ")}`))));
  });
}

export async function deployWithCli(opts: { root: string; stackConfig: StackConfig; phase: Phase }): Promise<Deployment> {
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "cks-demo-backend-"));
  // The stack's config (with the passphrase salt) lands next to Pulumi.yaml; removed on destroy.
  const configFile = path.join(opts.root, "Pulumi.demo.yaml");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    // The local backend encrypts secrets (the kubeconfig, the API secret key) with this passphrase.
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "cloudstack-kubernetes-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // `npm run typecheck` checks the examples; the demo only needs them to run.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  const common = ["--stack", "demo", "--non-interactive"];
  fs.rmSync(configFile, { force: true });
  await pulumi(["stack", "init", "demo", "--non-interactive"], env, opts.root);
  opts.phase("setting the stack config (zone, offering, ISO, credentials as a secret)");
  for (const [key, value] of Object.entries(opts.stackConfig.config)) {
    const secret = opts.stackConfig.secretConfigKeys.includes(key) ? ["--secret"] : ["--plaintext"];
    await pulumi(["config", "set", key, ...secret, ...common, "--", value], env, opts.root, { quiet: true });
  }
  opts.phase("pulumi up --yes");
  await pulumi(["up", "--yes", "--skip-preview", ...common], env, opts.root);
  const outputs = JSON.parse(await pulumi(["stack", "output", "--json", "--show-secrets", ...common], env, opts.root, { quiet: true })) as Record<string, unknown>;
  return {
    async outputs() {
      return { endpoint: requireString(outputs.endpoint, "endpoint"), kubeconfig: requireString(outputs.kubeconfig, "kubeconfig") };
    },
    async destroy() {
      await pulumi(["destroy", "--yes", "--skip-preview", ...common], env, opts.root);
      await pulumi(["stack", "rm", "demo", "--yes", "--non-interactive"], env, opts.root, { quiet: true });
      fs.rmSync(backend, { recursive: true, force: true });
      fs.rmSync(configFile, { force: true });
    },
  };
}
