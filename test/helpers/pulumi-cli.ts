// The real-engine system tests: the real `pulumi` CLI (built by scripts/tools/build-pulumi.sh) with a
// local file backend, the passphrase secrets provider and its own PULUMI_HOME, against a simulator
// started in-process (one per test file), and kubectl for the kubeconfig the stack outputs.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, type Simulator } from "../../simulator";
import { createCloudApi } from "../../provider/cluster/cloudApi";
import { PulumiCli, type CliResult } from "../../scripts/tools/pulumiCli";
import { simulatorStackConfig } from "../../scripts/runner/simConfig";
import { readProject } from "../../scripts/runner";
import { realTool } from "./realTools";

export { PulumiCli, type CliResult };

export const pulumiTool = realTool("pulumi", "bash .ci/install.d/pulumi.sh (builds it with scripts/tools/build-pulumi.sh)");
export const kubectlTool = realTool("kubectl", "the machine's kubectl (Debian package)");

/** `it` for tests that need both the CLI and kubectl. */
export const cliIt: jest.It = (pulumiTool.path && kubectlTool.path) || process.env.CI === "true" ? it : it.skip;

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const exampleDir = (name: string): string => path.join(REPO_ROOT, "examples", name);
export const fixtureDir = (name: string): string => path.join(REPO_ROOT, "test", "system", "fixtures", name);

/** A simulator for a whole test file (time scale 0.02 keeps one cluster create within seconds). */
export function startCliSim(): Promise<Simulator> {
  return startSimulator({ timeScale: 0.02, randomSeed: Math.floor(Math.random() * 1e9) });
}

/** What a CLI test file shares: one simulator, the cloud inventory before any stack, the stacks it made. */
export interface CliSuite {
  sim: Simulator;
  before: Record<string, string[]>;
  stacks: PulumiCli[];
}

/**
 * Registers a CLI test file's hooks: start the simulator and take the inventory first; at the end clear
 * any fault, destroy and clean up every stack in `stacks` (even after a failed test), stop the simulator.
 */
export function cliSuite(): CliSuite {
  const suite = { stacks: [] as PulumiCli[] } as CliSuite;
  beforeAll(async () => {
    suite.sim = await startCliSim();
    suite.before = await inventory(suite.sim);
  });
  afterAll(async () => {
    suite.sim?.faults.clear();
    for (const s of suite.stacks) {
      await s.run(["destroy", "--yes", "--skip-preview", ...s.flags()]).catch(() => undefined);
      s.cleanup();
    }
    await suite.sim?.stop();
  });
  return suite;
}

/**
 * A stack of `projectDir` (copied to a temp dir) with its config set against `sim`, admin keys
 * (so a destroy expunges VMs at once). `plainKeys`: config keys set with --plaintext even though the
 * example would take them as secrets (the "passed as a plain string" cases).
 */
export async function cliStack(
  sim: Simulator,
  projectDir: string,
  opts: { stack?: string; extra?: Record<string, string>; secretExtra?: string[]; plainKeys?: string[]; log?: string[]; env?: Record<string, string> } = {},
): Promise<PulumiCli> {
  const log = opts.log ?? [];
  // CKS_CLI_LOG=<file>: every CLI line also goes there (to watch a long run, or debug a hang).
  const logFile = process.env.CKS_CLI_LOG;
  const onLine = (l: string) => {
    log.push(l);
    if (logFile) fs.appendFileSync(logFile, `${l}\n`);
  };
  const cli = new PulumiCli({ pulumi: pulumiTool.require(), projectDir, stack: opts.stack ?? "test", copyProject: true, onLine, env: opts.env ?? {} });
  const endpoint = { apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey, isos: sim.isos };
  const stackConfig = await simulatorStackConfig(endpoint, readProject(projectDir).name, { extra: opts.extra ?? {} });
  const project = readProject(projectDir).name;
  const secretKeys = [...stackConfig.secretConfigKeys, ...(opts.secretExtra ?? []).map((k) => (k.includes(":") ? k : `${project}:${k}`))].filter(
    (k) => !(opts.plainKeys ?? []).includes(k),
  );
  await cli.init();
  await cli.setConfig(stackConfig.config, secretKeys);
  return cli;
}

/** What a deployment can leave behind in the cloud, listed with the admin keys. */
export async function inventory(sim: Simulator): Promise<Record<string, string[]>> {
  const api = createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
  const list = async (command: string, key: string, params: Record<string, unknown> = {}) =>
    (await api.listAll(command, { listall: true, ...params }, key)) as Record<string, unknown>[];
  const live = (vms: Record<string, unknown>[]) => vms.filter((v) => v.state !== "Destroyed" && v.state !== "Expunging");
  return {
    vms: live(await list("listVirtualMachines", "virtualmachine")).map((v) => String(v.name)).sort(),
    networks: (await list("listNetworks", "network")).map((n) => String(n.name)).sort(),
    publicIps: (await list("listPublicIpAddresses", "publicipaddress")).map((ip) => String(ip.ipaddress)).sort(),
    keypairs: (await list("listSSHKeyPairs", "sshkeypair")).map((k) => String(k.name)).sort(),
    isos: (await list("listIsos", "iso", { isofilter: "all" })).map((i) => String(i.name)).sort(),
    kubernetesVersions: (await list("listKubernetesSupportedVersions", "kubernetessupportedversion").catch(() => [])).map((v) => String(v.name)).sort(),
    loadBalancerRules: (await list("listLoadBalancerRules", "loadbalancerrule")).map((r) => String(r.name)).sort(),
    tags: (await list("listTags", "tag")).map((t) => `${String(t.key)}=${String(t.value)}`).sort(),
    networkAclLists: (await list("listNetworkACLLists", "networkacllist")).map((l) => String(l.name)).sort(),
    affinityGroups: (await list("listAffinityGroups", "affinitygroup").catch(() => [])).map((g) => String(g.name)).sort(),
  };
}

/** `kubectl get nodes` with `kubeconfig`: node names and whether each is Ready. */
export async function kubectlGetNodes(kubeconfig: string): Promise<{ name: string; ready: boolean }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cks-kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    const stdout: string = await new Promise((resolve, reject) =>
      execFile(kubectlTool.require(), ["--kubeconfig", file, "get", "nodes", "-o", "json", "--request-timeout=20s"], { timeout: 30_000 }, (err, out, errOut) =>
        err ? reject(new Error(`kubectl failed: ${errOut || err.message}`)) : resolve(out),
      ),
    );
    const items = (JSON.parse(stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }).items;
    return items.map((n) => ({ name: n.metadata.name, ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Fails with the CLI's output when a command did not succeed. */
export function expectSuccess(r: CliResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}:\n${r.output.trim().split("\n").slice(-60).join("\n")}`);
}

/**
 * The parts of a secret that must never appear: a kubeconfig's client key (and any token), a PEM
 * key's body lines, or else the whole value.
 */
export function secretFragments(value: string): string[] {
  if (/client-key-data:|token:/.test(value)) {
    return [...value.matchAll(/(?:client-key-data|token):\s*(\S+)/g)].map((m) => m[1]!).filter((v) => v.length >= 16);
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) {
    return value
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length >= 16 && !l.startsWith("-----"));
  }
  return [value];
}

/** Every fragment of `secret` that appears in `text` (empty: none leaked). */
export function leakedFragments(text: string, secret: string): string[] {
  const fragments = secretFragments(secret);
  if (fragments.length === 0) throw new Error("no secret fragment to look for: the test would pass vacuously");
  return fragments.filter((f) => text.includes(f) || text.includes(JSON.stringify(f).slice(1, -1)));
}

/** Pulumi's secret sentinel key in serialized state (sdk/go/common/resource/sig). */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value from `pulumi stack export --show-secrets`: secrets are {sig, plaintext: JSON}; this unwraps them. */
export function exportedValue(value: unknown): unknown {
  if (value && typeof value === "object" && Object.values(value).includes(SECRET_SIG) && "plaintext" in value) {
    return JSON.parse(String((value as { plaintext: unknown }).plaintext)) as unknown;
  }
  return value;
}

/** Where in an exported state `needle` appears in clear: ["<resource name>.inputs.secretKey", …]. */
export function whereInState(exported: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (typeof value === "string") {
      if (value.includes(needle)) found.push(at);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
    }
  };
  const state = JSON.parse(exported) as { deployment: { resources?: { urn: string }[] } };
  for (const r of state.deployment.resources ?? []) walk(r, r.urn.split("::").pop() ?? r.urn);
  return found;
}
