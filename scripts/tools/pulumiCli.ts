// Drives the real Pulumi CLI against one project with a throw-away local setup: its own PULUMI_HOME,
// a file:// backend, the passphrase secrets provider, no update check, no plugin downloads. Used by
// `npm run demo` (scripts/demo/deployers.ts) and the real-engine system tests (test/system/pulumi-cli-*).
//
// The program runs through `pulumi-language-nodejs` when it is on PATH (a normal Pulumi install), else
// through scripts/tools/pulumi-program-host.js and the CLI's `--client` flag (docs/worklog/pulumi-cli.md:
// the Go module proxy here does not serve the language host module).
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for matching messages wherever the CLI printed them. */
  output: string;
}

export interface PulumiCliOptions {
  /** Path of the `pulumi` binary. */
  pulumi: string;
  /** The Pulumi project (a directory with Pulumi.yaml). */
  projectDir: string;
  stack: string;
  /** Copy the project into a temp dir first, so that its Pulumi.<stack>.yaml never lands in the repo. */
  copyProject?: boolean;
  passphrase?: string;
  /** Extra environment for every command (e.g. CLOUDSTACK_* credentials). */
  env?: Record<string, string>;
  /** Every line the CLI prints, as it prints it. */
  onLine?: (line: string) => void;
  /** Where to find the language host: "auto" (PATH, else the program host), or force one. */
  languageHost?: "auto" | "pulumi-language-nodejs" | "program-host";
  /** An existing file backend directory to use (default: a new one in the temp dir). */
  backendDir?: string;
}

/** Commands that run the program, so need a language runtime. */
const PROGRAM_COMMANDS = new Set(["up", "update", "preview", "pre"]);

function onPath(name: string, envPath: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", name], { env: { PATH: envPath } }).status === 0;
}

export class PulumiCli {
  readonly workDir: string;
  readonly projectDir: string;
  readonly home: string;
  readonly backendDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly usesProgramHost: boolean;
  private readonly opts: PulumiCliOptions;

  constructor(opts: PulumiCliOptions) {
    this.opts = opts;
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cks-pulumi-cli-"));
    this.home = path.join(this.workDir, "pulumi-home");
    this.backendDir = opts.backendDir ?? path.join(this.workDir, "backend");
    fs.mkdirSync(this.home);
    fs.mkdirSync(this.backendDir, { recursive: true });
    if (opts.copyProject) {
      // The project's files, and node_modules resolving to this repository's (with the package
      // itself linked in by scripts/link-self.js), as in a user's project after `npm install`.
      this.projectDir = path.join(this.workDir, "project");
      fs.cpSync(opts.projectDir, this.projectDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) && (!/Pulumi\.[^/]+\.yaml$/.test(src) || src.endsWith("Pulumi.yaml")) });
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(this.projectDir, "node_modules"));
    } else {
      this.projectDir = opts.projectDir;
    }
    // pulumi-resource-pulumi-nodejs (the dynamic-provider plugin) ships inside @pulumi/pulumi; a
    // Pulumi install has it next to the CLI. The CLI finds plugins on PATH.
    const pulumiPkg = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [this.projectDir] }));
    const envPath = [path.dirname(opts.pulumi), pulumiPkg, process.env.PATH ?? ""].join(path.delimiter);
    this.env = {
      ...process.env,
      ...opts.env,
      PATH: envPath,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? "cloudstack-kubernetes-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      // `npm run typecheck` checks the programs; here they only need to run.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
    };
    delete this.env.PULUMI_ACCESS_TOKEN;
    const host = opts.languageHost ?? "auto";
    this.usesProgramHost = host === "program-host" || (host === "auto" && !onPath("pulumi-language-nodejs", envPath));
  }

  /** Runs `pulumi <args>` in the project; never rejects on a non-zero exit (see `ok`). */
  async run(args: string[], extra: { input?: string } = {}): Promise<CliResult> {
    let host: { process: ChildProcess; address: string } | undefined;
    const fullArgs = [...args];
    if (this.usesProgramHost && PROGRAM_COMMANDS.has(args[0] ?? "")) {
      host = await this.startProgramHost();
      fullArgs.push(`--client=${host.address}`);
    }
    try {
      return await new Promise<CliResult>((resolve, reject) => {
        const child = spawn(this.opts.pulumi, fullArgs, { cwd: this.projectDir, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const lines = (stream: NodeJS.ReadableStream) => readline.createInterface({ input: stream }).on("line", (l) => this.opts.onLine?.(l));
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
        lines(child.stdout);
        lines(child.stderr);
        child.stdin.end(extra.input ?? "");
        child.once("error", reject);
        child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` }));
      });
    } finally {
      if (host) await stopChild(host.process);
    }
  }

  /** Like run, but rejects with the CLI's last lines on a non-zero exit. */
  async ok(args: string[], extra: { input?: string } = {}): Promise<CliResult> {
    const r = await this.run(args, extra);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${r.code}:\n${r.output.trim().split("\n").slice(-40).join("\n")}`);
    return r;
  }

  /** `pulumi login file://…` then `pulumi stack init <stack>` with the passphrase secrets provider. */
  async init(): Promise<void> {
    await this.ok(["login", `file://${this.backendDir}`]);
    await this.ok(["stack", "init", this.opts.stack, "--secrets-provider", "passphrase", "--non-interactive"]);
  }

  async setConfig(config: Record<string, string>, secretKeys: readonly string[] = []): Promise<void> {
    for (const [key, value] of Object.entries(config)) {
      const mode = secretKeys.includes(key) ? "--secret" : "--plaintext";
      // The value on stdin: a secret never appears in a process list.
      await this.ok(["config", "set", key, mode, "--stack", this.opts.stack, "--non-interactive"], { input: value });
    }
  }

  /** The stack's outputs (`pulumi stack output --json`), secrets shown or not. */
  async outputs(showSecrets = false): Promise<Record<string, unknown>> {
    const r = await this.ok(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : []), "--stack", this.opts.stack]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** `pulumi stack export` as text (the state the backend holds). */
  async exportState(showSecrets = false): Promise<string> {
    return (await this.ok(["stack", "export", ...(showSecrets ? ["--show-secrets"] : []), "--stack", this.opts.stack])).stdout;
  }

  /**
   * A second, unrelated CLI setup (new PULUMI_HOME, new copy of the project, no process in common)
   * on the same backend and stack config: what a later run on another day has, the state alone.
   */
  async fork(): Promise<PulumiCli> {
    const other = new PulumiCli({ ...this.opts, backendDir: this.backendDir });
    const configFile = `Pulumi.${this.opts.stack}.yaml`;
    if (other.projectDir !== this.projectDir) fs.copyFileSync(path.join(this.projectDir, configFile), path.join(other.projectDir, configFile));
    await other.ok(["login", `file://${this.backendDir}`]);
    await other.ok(["stack", "select", this.opts.stack, "--non-interactive"]);
    return other;
  }

  /** Common flags for the deployment commands. */
  flags(): string[] {
    return ["--stack", this.opts.stack, "--non-interactive", "--color", "never"];
  }

  cleanup(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  private startProgramHost(): Promise<{ process: ChildProcess; address: string }> {
    const script = path.join(REPO_ROOT, "scripts", "tools", "pulumi-program-host.js");
    const child = spawn(process.execPath, [script, this.projectDir], { cwd: this.projectDir, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
      let err = "";
      const rl = readline.createInterface({ input: child.stdout! });
      rl.once("line", (address) => {
        // The program's own console output, after the address line, goes where the CLI's does.
        rl.on("line", (l) => this.opts.onLine?.(l));
        resolve({ process: child, address: address.trim() });
      });
      child.stderr!.on("data", (c: Buffer) => {
        err += c.toString("utf8");
        for (const l of c.toString("utf8").split("\n")) if (l.trim()) this.opts.onLine?.(l);
      });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the program host exited with ${code}: ${err.trim()}`)));
    });
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
