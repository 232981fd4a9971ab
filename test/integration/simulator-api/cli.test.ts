// Spawns the real `cloudstack-sim` launcher (bin/ → dist/ after `npm run build`); without a build it
// falls back to running simulator/cli.ts through ts-node, so the test also works from a clean tree.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { call } from "./client";

const root = path.resolve(__dirname, "../../..");
const built = fs.existsSync(path.join(root, "dist/simulator/cli.js"));

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  const argv = built
    ? [path.join(root, "bin/cloudstack-sim.js"), ...args]
    : ["-r", "ts-node/register/transpile-only", path.join(root, "simulator/cli.ts"), ...args];
  return spawn(process.execPath, argv, { cwd: root, stdio: "pipe" });
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcessWithoutNullStreams): { output: { stdout: string; stderr: string }; exit: Promise<Finished> } {
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output.stderr += d.toString()));
  const exit = new Promise<Finished>((resolve) => child.on("exit", (code) => resolve({ code, ...output })));
  return { output, exit };
}

async function firstLine(child: ChildProcessWithoutNullStreams, output: { stdout: string; stderr: string }): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (!output.stdout.includes("\n")) {
    if (child.exitCode !== null) throw new Error(`cloudstack-sim exited early (${child.exitCode}): ${output.stderr}`);
    if (Date.now() > deadline) throw new Error(`cloudstack-sim printed nothing: ${output.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return output.stdout.slice(0, output.stdout.indexOf("\n"));
}

test("prints one JSON line, serves the API with the printed keys, exits 0 on SIGTERM and saves state", async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sim-cli-"));
  const stateFile = path.join(tmp, "state.json");
  const auditFile = path.join(tmp, "audit.jsonl");
  const child = startCli(["--port", "0", "--host", "127.0.0.1", "--time-scale", "0.002", "--state-file", stateFile, "--audit-file", auditFile]);
  const { output, exit } = collect(child);
  try {
    const ready = JSON.parse(await firstLine(child, output)) as Record<string, unknown>;
    expect(Object.keys(ready).sort()).toEqual(["adminApiKey", "adminSecretKey", "apiKey", "apiUrl", "cksLayoutIsos", "isoBaseUrl", "isos", "pid", "secretKey"]);
    const keys = { apiKey: String(ready.apiKey), secretKey: String(ready.secretKey) };
    const zones = await call(String(ready.apiUrl), keys, "listZones");
    expect(zones.status).toBe(200);
    expect(zones.body.listzonesresponse.count).toBeGreaterThanOrEqual(1);
    // Default mode is CloudStack's: an undeclared parameter is ignored (and audited), not refused.
    expect((await call(String(ready.apiUrl), keys, "listZones", { nosuchparam: "1" })).status).toBe(200);
    const index = (await (await fetch(String(ready.isoBaseUrl))).json()) as unknown[];
    expect(index).toEqual([...(ready.isos as unknown[]), ...(ready.cksLayoutIsos as unknown[])]);
    child.kill("SIGTERM");
    const done = await exit;
    expect(done.code).toBe(0);
    expect(done.stdout.trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(stateFile)).toBe(true);
    expect(fs.readFileSync(auditFile, "utf8")).toContain('"command":"listZones"');
    expect(fs.readFileSync(auditFile, "utf8")).toContain('"ignoredParams":["nosuchparam"]');
    expect(done.stderr).not.toContain(keys.secretKey);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("--strict refuses undeclared parameters with 431", async () => {
  const child = startCli(["--port", "0", "--time-scale", "0.002", "--strict"]);
  const { output, exit } = collect(child);
  try {
    const ready = JSON.parse(await firstLine(child, output)) as Record<string, unknown>;
    const keys = { apiKey: String(ready.apiKey), secretKey: String(ready.secretKey) };
    const r = await call(String(ready.apiUrl), keys, "listZones", { nosuchparam: "1" });
    expect(r.status).toBe(431);
    expect(r.body.listzonesresponse.errortext).toContain("Unknown parameters : nosuchparam");
    child.kill("SIGTERM");
    expect((await exit).code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test("bad flags: exit 2 with a usage message on stderr and nothing on stdout", async () => {
  const child = startCli(["--port", "not-a-port"]);
  const { exit } = collect(child);
  const done = await exit;
  expect(done.code).toBe(2);
  expect(done.stderr).toContain("usage: cloudstack-sim");
  expect(done.stderr).toContain("--port");
  expect(done.stdout).toBe("");
});
