// A program whose cluster inputs are unknown during preview, nested where the engine puts unknowns
// (test/system/fixtures/cli-unknowns), under the real Pulumi CLI: preview, up, secrets in the state
// whether passed as secrets or as plain strings, a size change, a create that fails under an injected
// fault and resumes, destroy with nothing leaked.
import { cliIt, cliSuite, cliStack, expectSuccess, exportedValue, fixtureDir, inventory, kubectlGetNodes, leakedFragments, whereInState, type PulumiCli } from "../helpers/pulumi-cli";

jest.setTimeout(600_000);

const dir = fixtureDir("cli-unknowns");
const REGISTRY_PASSWORD = "Plain-Reg1stry-Passw0rd-5d1c";

const suite = cliSuite();

async function newStack(name: string, extra: Record<string, string> = {}, plain = false): Promise<PulumiCli> {
  const log: string[] = [];
  const config = { clusterName: name, ...(plain ? { plainSecrets: "true" } : {}), ...extra };
  // Plain mode: the program reads the secret key and the registry password from its environment and
  // passes them as plain strings (not through config, which the engine keeps apart).
  const env: Record<string, string> = plain ? { CKS_TEST_SECRET_KEY: suite.sim.adminSecretKey, CKS_TEST_REGISTRY_PASSWORD: REGISTRY_PASSWORD } : {};
  const s = await cliStack(suite.sim, dir, { stack: name, extra: config, log, env });
  suite.stacks.push(s);
  return s;
}

interface Exported {
  deployment: { resources?: { urn: string; type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
}

const clusterOf = (state: Exported) => state.deployment.resources?.find((r) => r.urn.endsWith("::cluster"));

describe("unknowns nested in the cluster's inputs", () => {
  let s: PulumiCli;

  // Needs the integrator's check fix (issue 10 item 3): check with unknowns at any depth.
  cliIt("pulumi preview plans all three resources while the CNI id, version id and registry password are unknown", async () => {
    s = await newStack("nested");
    const r = await s.run(["preview", ...s.flags()]);
    expectSuccess(r, "pulumi preview");
    expect(r.stdout).toMatch(/\+ 4 to create/);
    expect(r.output).not.toMatch(/error:/i);
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });

  cliIt("pulumi up creates them; the registry password derived in the program stays secret", async () => {
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up");
    expect(r.stdout).toMatch(/\+ 4 created/);
    const outputs = await s.outputs(true);
    const password = `pw-${String(outputs.versionId).replace(/-/g, "").slice(0, 20)}`;
    const plain = await s.exportState();
    const shown = await s.exportState(true);
    expect(shown).toContain(password);
    expect(leakedFragments(plain, password)).toEqual([]);
    expect(leakedFragments(plain, suite.sim.adminSecretKey)).toEqual([]);
    const cluster = clusterOf(JSON.parse(shown) as Exported)!;
    expect(leakedFragments(plain, String(exportedValue(cluster.outputs?.sshPrivateKey)))).toEqual([]);
    expect(leakedFragments(plain, String(exportedValue(cluster.outputs?.kubeconfig)))).toEqual([]);
  });

  cliIt("a size change (1 -> 2 workers) updates the cluster in place", async () => {
    await s.setConfig({ "cks-cli-unknowns:size": "2" });
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up (size 2)");
    expect(r.stdout).toMatch(/~ 1 updated/);
    const outputs = await s.outputs(true);
    expect(outputs.size).toBe(2);
    const nodes = await kubectlGetNodes(String(outputs.kubeconfig));
    expect(nodes.filter((n) => n.ready)).toHaveLength(3);
  });

  cliIt("pulumi destroy leaves nothing in the cloud", async () => {
    const r = await s.run(["destroy", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi destroy");
    expect(r.stdout).toMatch(/- 4 deleted/);
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});

describe("secret inputs passed as plain strings", () => {
  // Needs the integrator's SDK fix (issue 10 item 3): the SDK wraps secret inputs in pulumi.secret.
  cliIt("pulumi stack export shows neither the API secret key nor the registry password in plain text", async () => {
    const s = await newStack("plain", {}, true);
    try {
      // --skip-preview: this test is about the state, not the preview's unknowns (tested above).
      const r = await s.run(["up", "--yes", "--skip-preview", ...s.flags()]);
      expectSuccess(r, "pulumi up");
      const plain = await s.exportState();
      const shown = await s.exportState(true);
      expect(shown).toContain(REGISTRY_PASSWORD);
      expect(shown).toContain(suite.sim.adminSecretKey);
      const cluster = clusterOf(JSON.parse(shown) as Exported)!;
      // All at once, so a failure lists every secret found in clear.
      expect({
        registryPassword: whereInState(plain, REGISTRY_PASSWORD),
        apiSecretKey: whereInState(plain, suite.sim.adminSecretKey),
        sshPrivateKey: leakedFragments(plain, String(exportedValue(cluster.outputs?.sshPrivateKey))),
        kubeconfig: leakedFragments(plain, String(exportedValue(cluster.outputs?.kubeconfig))),
      }).toEqual({ registryPassword: [], apiSecretKey: [], sshPrivateKey: [], kubeconfig: [] });
    } finally {
      expectSuccess(await s.run(["destroy", "--yes", "--skip-preview", ...s.flags()]), "pulumi destroy");
    }
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});

describe("a create that fails under an injected fault", () => {
  cliIt("fails pulumi up, records the partial cluster, and the next pulumi up resumes it", async () => {
    const s = await newStack("resume");
    suite.sim.faults.set("deploy-capacity:match=worker-1:count=1");
    let failed;
    try {
      // --skip-preview: this test is about resuming, not the preview's unknowns (tested above).
      failed = await s.run(["up", "--yes", "--skip-preview", ...s.flags()]);
    } finally {
      suite.sim.faults.clear();
    }
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/KubernetesCluster resume: .*worker/);
    expect(failed.output).not.toContain(suite.sim.adminSecretKey);
    const partial = clusterOf(JSON.parse(await s.exportState()) as Exported);
    expect(partial?.outputs?.state).toBe("Error");

    const resumed = await s.run(["up", "--yes", "--skip-preview", ...s.flags()]);
    expectSuccess(resumed, "pulumi up (resume)");
    expect(resumed.stdout).toMatch(/~ 1 updated/);
    const after = clusterOf(JSON.parse(await s.exportState()) as Exported);
    expect(after?.outputs?.state).toBe("Running");
    expect(after?.outputs?.clusterId).toBe(partial?.outputs?.clusterId);
    const nodes = await kubectlGetNodes(String((await s.outputs(true)).kubeconfig));
    expect(nodes.filter((n) => n.ready)).toHaveLength(2);

    expectSuccess(await s.run(["destroy", "--yes", ...s.flags()]), "pulumi destroy");
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});
