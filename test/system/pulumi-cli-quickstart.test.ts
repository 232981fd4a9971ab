// examples/quickstart under the real Pulumi CLI (engine, plan, state, secrets): the README's
// "Using it with the Pulumi CLI" flow, step by step, against one simulator. Local file backend,
// passphrase secrets provider, PULUMI_HOME in a temp dir, no update check.
import type { Simulator } from "../../simulator";
import { cliIt, cliStack, exampleDir, expectSuccess, exportedValue, inventory, kubectlGetNodes, leakedFragments, type PulumiCli } from "../helpers/pulumi-cli";

jest.setTimeout(600_000);

let sim: Simulator;
let cli: PulumiCli;
let before: Record<string, string[]>;
const log: string[] = [];

beforeAll(async () => {
  const { startCliSim } = await import("../helpers/pulumi-cli");
  sim = await startCliSim();
  before = await inventory(sim);
});

afterAll(async () => {
  // Whatever a failed test left: destroy it so the simulator stops clean.
  if (cli) await cli.run(["destroy", "--yes", "--skip-preview", ...cli.flags()]).catch(() => undefined);
  cli?.cleanup();
  await sim?.stop();
});

describe("examples/quickstart with the real Pulumi CLI", () => {
  cliIt("previews the version and the cluster without touching the cloud", async () => {
    cli = await cliStack(sim, exampleDir("quickstart"), { log });
    const r = await cli.run(["preview", "--diff", ...cli.flags()]);
    expectSuccess(r, "pulumi preview");
    expect(r.stdout).toMatch(/\+ pulumi-nodejs:dynamic\/cloudstack-kubernetes:KubernetesSupportedVersion: \(create\)\s+\[urn=\S+::k8s-version\]/);
    expect(r.stdout).toMatch(/\+ pulumi-nodejs:dynamic\/cloudstack-kubernetes:KubernetesCluster: \(create\)\s+\[urn=\S+::quickstart\]/);
    // The cluster's version id is the version's, unknown until it exists; the secret key stays hidden.
    expect(r.stdout).toMatch(/kubernetesVersionId\s*: \[unknown\]/);
    expect(r.stdout).toMatch(/secretKey\s*: \[secret\]/);
    expect(r.stdout).not.toContain(sim.adminSecretKey);
    // Two resources and the stack.
    expect(r.stdout).toMatch(/\+ 3 to create/);
    expect(await inventory(sim)).toEqual(before);
  });

  cliIt("pulumi up creates both, showing the provider's progress lines", async () => {
    const r = await cli.run(["up", "--yes", ...cli.flags()]);
    expectSuccess(r, "pulumi up");
    expect(r.stdout).toMatch(/\+ 3 created/);
    // Progress from the dynamic provider (pulumi.log.info in the provider host) reaches the CLI.
    expect(r.output).toMatch(/\[cluster quickstart\] vms: /);
    expect(r.output).toMatch(/\[cluster quickstart\] done: cluster is Running at https:\/\/127\.[\d.]+:6443\//);
    const outputs = await cli.outputs();
    expect(outputs.endpoint).toMatch(/^https:\/\/127\.[\d.]+:6443\/$/);
    expect(outputs.kubeconfig).toBe("[secret]");
    expect((outputs.nodes as { role: string }[]).map((n) => n.role).sort()).toEqual(["control", "worker", "worker"]);
  });

  cliIt("pulumi stack output kubeconfig --show-secrets gives a kubeconfig kubectl uses", async () => {
    const hidden = await cli.ok(["stack", "output", "kubeconfig", "--stack", "test"]);
    expect(hidden.stdout.trim()).toBe("[secret]");
    const shown = await cli.ok(["stack", "output", "kubeconfig", "--show-secrets", "--stack", "test"]);
    const kubeconfig = shown.stdout;
    expect(kubeconfig).toContain("client-key-data:");
    const endpoint = String((await cli.outputs()).endpoint).replace(/\/$/, "");
    expect(kubeconfig).toContain(`server: ${endpoint}`);
    const nodes = await kubectlGetNodes(kubeconfig);
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n.ready)).toBe(true);
  });

  cliIt("pulumi stack export holds no secret in plain text (API secret key, SSH private key, kubeconfig)", async () => {
    const plain = await cli.exportState();
    const shown = await cli.exportState(true);
    const state = JSON.parse(shown) as { deployment: { resources: { type: string; urn: string; outputs?: Record<string, unknown> }[] } };
    const cluster = state.deployment.resources.find((r) => r.urn.endsWith("::quickstart"));
    const sshPrivateKey = String(exportedValue(cluster?.outputs?.sshPrivateKey) ?? "");
    const kubeconfig = String(exportedValue(cluster?.outputs?.kubeconfig) ?? "");
    // The secrets are in the state (the export with --show-secrets has them), so their absence below means encrypted.
    expect(sshPrivateKey).toMatch(/PRIVATE KEY/);
    expect(kubeconfig).toContain("client-key-data:");
    expect(shown).toContain(sim.adminSecretKey);
    expect(leakedFragments(plain, sim.adminSecretKey)).toEqual([]);
    expect(leakedFragments(plain, sshPrivateKey)).toEqual([]);
    expect(leakedFragments(plain, kubeconfig)).toEqual([]);
    expect(plain).toContain("ciphertext");
  });

  cliIt("pulumi refresh on the unchanged cluster leaves nothing to change (preview --expect-no-changes)", async () => {
    const refresh = await cli.run(["refresh", "--yes", ...cli.flags()]);
    expectSuccess(refresh, "pulumi refresh");
    const preview = await cli.run(["preview", "--expect-no-changes", ...cli.flags()]);
    expectSuccess(preview, "pulumi preview --expect-no-changes");
    expect(preview.stdout).not.toMatch(/to update|to create|to delete|to replace/);
  });

  cliIt("a later pulumi up from a new process and a new PULUMI_HOME works from the state alone", async () => {
    const later = await cli.fork();
    try {
      await later.setConfig({ "cks-quickstart:description": "changed by a later run" });
      const r = await later.run(["up", "--yes", ...later.flags()]);
      expectSuccess(r, "pulumi up (later process)");
      expect(r.stdout).toMatch(/1 updated/);
      const state = JSON.parse(await later.exportState()) as { deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] } };
      expect(state.deployment.resources.find((x) => x.urn.endsWith("::quickstart"))?.outputs?.description).toBe("changed by a later run");
    } finally {
      later.cleanup();
    }
  });

  cliIt("pulumi destroy removes everything, leaving nothing in the cloud", async () => {
    const r = await cli.run(["destroy", "--yes", ...cli.flags()]);
    expectSuccess(r, "pulumi destroy");
    expect(r.stdout).toMatch(/- 3 deleted/);
    expect(await inventory(sim)).toEqual(before);
    const state = JSON.parse(await cli.exportState()) as { deployment: { resources?: { type: string }[] } };
    expect((state.deployment.resources ?? []).filter((x) => x.type !== "pulumi:pulumi:Stack" && !x.type.startsWith("pulumi:providers:"))).toEqual([]);
  });
});
