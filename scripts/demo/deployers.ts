// The two ways `npm run demo` deploys the quickstart: the Pulumi CLI with a throw-away local backend,
// or the offline runner (scripts/runner). Both expose the same small interface to demo.js.
import * as fs from "fs";
import * as path from "path";
import { PulumiCli } from "../tools/pulumiCli";
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

export async function deployWithCli(opts: { root: string; pulumi: string; stackConfig: StackConfig; phase: Phase }): Promise<Deployment> {
  // A throw-away PULUMI_HOME and file backend. The stack's config (with the passphrase salt) lands
  // next to Pulumi.yaml; removed on destroy. Secrets are encrypted with the passphrase.
  const configFile = path.join(opts.root, "Pulumi.demo.yaml");
  fs.rmSync(configFile, { force: true });
  const cli = new PulumiCli({
    pulumi: opts.pulumi,
    projectDir: opts.root,
    stack: "demo",
    passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "cloudstack-kubernetes-demo",
    onLine: echo,
  });
  if (cli.usesProgramHost) opts.phase("pulumi-language-nodejs not found: the CLI runs the program through scripts/tools/pulumi-program-host.js (--client)");
  const run = async (args: string[]): Promise<string> => (await cli.ok([...args, ...cli.flags()])).stdout;
  await cli.init();
  opts.phase("setting the stack config (zone, offering, ISO, credentials as a secret)");
  await cli.setConfig(opts.stackConfig.config, opts.stackConfig.secretConfigKeys);
  opts.phase("pulumi up --yes");
  try {
    await run(["up", "--yes"]);
  } catch (err) {
    opts.phase("the deployment failed: destroying what it created");
    await run(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    cli.cleanup();
    fs.rmSync(configFile, { force: true });
    throw err;
  }
  const outputs = await cli.outputs(true);
  return {
    async outputs() {
      return { endpoint: requireString(outputs.endpoint, "endpoint"), kubeconfig: requireString(outputs.kubeconfig, "kubeconfig") };
    },
    async destroy() {
      await run(["destroy", "--yes", "--skip-preview"]);
      cli.cleanup();
      fs.rmSync(configFile, { force: true });
    },
  };
}
