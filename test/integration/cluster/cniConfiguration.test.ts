import type { Simulator } from "../../../simulator";
import { defaultSeed } from "../../../simulator/cloud";
import { connection, providers, startSim } from "./harness";

const userData = "#cloud-config\nwrite_files:\n- path: /etc/cni/net.d/10-demo.conf\n  content: '{\"cidr\": \"{{ CIDR }}\"}'\nruncmd:\n- echo {{ CIDR }}\n";

describe.each([
  ["registerCniConfiguration", true, "cniConfiguration"],
  ["registerUserData (CloudStack < 4.21)", false, "userData"],
])("CniConfiguration via %s", (_label, cniApi, apiKind) => {
  let sim: Simulator;
  beforeAll(async () => {
    const seed = defaultSeed();
    sim = await startSim({ seed: { ...seed, features: { cniConfigurationApi: cniApi } } as Record<string, unknown> });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("creates, reads and deletes", async () => {
    const p = providers();
    const { id, outs } = await p.cni.create({ ...connection(sim), name: `demo-${apiKind}`, userData, params: ["CIDR"] });
    expect(outs).toMatchObject({ apiKind, params: ["CIDR"] });
    expect((await p.cni.read!(id, outs)).id).toBe(id);
    await p.cni.delete!(id, outs);
    expect((await p.cni.read!(id, outs)).id).toBe("");
  });
});

describe("a cluster with a CniConfiguration", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("delivers the rendered files through control-1's userdata and runs its runcmd over SSH", async () => {
    const { clusterArgs, createVersion, kubectlNodes, expectNoLeaks } = await import("./harness");
    const p = providers();
    const manifest = [
      "apiVersion: apps/v1",
      "kind: DaemonSet",
      "metadata:",
      "  name: demo-cni",
      "  namespace: kube-system",
      "  annotations:",
      "    cidr: '{{ CIDR }}'",
      "spec:",
      "  selector:",
      "    matchLabels: {app: demo-cni}",
      "  template:",
      "    metadata:",
      "      labels: {app: demo-cni}",
      "    spec:",
      "      containers:",
      "      - name: cni",
      "        image: registry.example.com/demo-cni:1.0",
    ].join("\n");
    const cniUserData = `#cloud-config\nwrite_files:\n- path: /etc/cks-cni/cni.yaml\n  permissions: '0644'\n  content: |\n${manifest.split("\n").map((l) => `    ${l}`).join("\n")}\nruncmd:\n- kubectl apply -f /etc/cks-cni/cni.yaml\n`;
    const cni = await p.cni.create({ ...connection(sim), name: "demo-cni", userData: cniUserData, params: ["CIDR"] });
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "cni", size: 1, cniConfigurationId: cni.id, cniConfigDetails: { CIDR: "10.42.0.0/16" } });
    const { id, outs } = await p.cluster.create(args);
    expect(outs.state).toBe("Running");
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes.every((n) => n.ready)).toBe(true);
    const applied = sim.audit.records((r) => r.kind === "node" && Array.isArray(r.argv) && r.argv.join(" ").includes("/etc/cks-cni/cni.yaml"));
    expect(applied.length).toBeGreaterThan(0);
    const networkYaml = sim.audit.records((r) => r.kind === "node" && Array.isArray(r.argv) && /apply -f \/etc\/kubernetes\/cks\/network\.yaml/.test(r.argv.join(" ")));
    expect(networkYaml).toEqual([]);
    await expect(p.cni.delete!(cni.id, cni.outs)).rejects.toThrow(/still used by Kubernetes cluster\(s\) cni/);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    await p.cni.delete!(cni.id, cni.outs);
  });

  it("goes on, with a warning naming the node, when the template leaves cloud-init degraded (exit 2)", async () => {
    const { clusterArgs, createVersion, expectNoLeaks } = await import("./harness");
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    // An unquoted mode is an int to PyYAML: mode 0755 all the same, but cloud-init's schema wants a string,
    // so cloud-init >= 23.4 ends "degraded done" and `cloud-init status --wait` exits 2.
    // The nodes turn Ready only once a network add-on is applied, so the template applies one too.
    const manifest = ["apiVersion: apps/v1", "kind: DaemonSet", "metadata:", "  name: degraded-cni", "  namespace: kube-system", "spec:", "  selector:", "    matchLabels: {app: degraded-cni}", "  template:", "    metadata:", "      labels: {app: degraded-cni}", "    spec:", "      containers:", "      - name: cni", "        image: registry.example.com/demo-cni:1.0"];
    const cniUserData = [
      "#cloud-config",
      "write_files:",
      "- path: /etc/cks-cni/setup.sh",
      "  permissions: 0755",
      "  content: |",
      "    #!/bin/sh",
      "    echo {{ CIDR }} > /etc/cks-cni/cidr",
      "- path: /etc/cks-cni/cni.yaml",
      "  permissions: '0644'",
      "  content: |",
      ...manifest.map((l) => `    ${l}`),
      "runcmd:",
      "- /etc/cks-cni/setup.sh",
      "- kubectl apply -f /etc/cks-cni/cni.yaml",
      "",
    ].join("\n");
    const cni = await p.cni.create({ ...connection(sim), name: "degraded-cni", userData: cniUserData, params: ["CIDR"] });
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "modes", size: 1, cniConfigurationId: cni.id, cniConfigDetails: { CIDR: "10.42.0.0/16" } });
    const { id, outs } = await p.cluster.create(args);
    expect(outs.state).toBe("Running");
    const warnings = lines.filter((l) => /degraded/.test(l));
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/control-1/);
    const ran = sim.audit.records((r) => r.kind === "node" && Array.isArray(r.argv) && r.argv.join(" ").includes("/etc/cks-cni/setup.sh"));
    expect(ran.length).toBeGreaterThan(0);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    await p.cni.delete!(cni.id, cni.outs);
  });
});
