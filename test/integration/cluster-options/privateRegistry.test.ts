// privateRegistry: the authenticated containerd hosts.toml reaches every Kubernetes node over SSH
// (mode 0600, root), and the password reaches nothing else: no progress line, no audit record, no
// userdata stored with the VMs.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { decodeUserData, nodesOf, rejectionOf, sshToNode, vmWithUserData } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

const REGISTRY = {
  url: "https://registry.example.internal:5000",
  username: "puller",
  password: "Reg1stry-S3cret-7f3a9c",
  email: "ops@example.internal",
};
const HOSTS_TOML = "/etc/containerd/certs.d/registry.example.internal:5000/hosts.toml";
const BASIC = Buffer.from(`${REGISTRY.username}:${REGISTRY.password}`).toString("base64");

describe("KubernetesCluster privateRegistry", () => {
  it("installs the credentials on every node (0600, root) and never leaks the password", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "registry", size: 1, privateRegistry: REGISTRY });

    const checked = await p.cluster.check!({}, args);
    expect(checked.failures ?? []).toEqual([]);

    const { id, outs } = await p.cluster.create(checked.inputs);
    expect(outs.state).toBe("Running");
    const nodes = nodesOf(outs);
    expect(nodes.map((n) => n.role).sort()).toEqual(["control", "worker"]);

    for (const node of nodes) {
      const ssh = await sshToNode(outs, node);
      try {
        expect((await ssh.run(`stat -c '%a %U' ${HOSTS_TOML}`)).trim()).toBe("600 root");
        const toml = await ssh.run(`sudo cat ${HOSTS_TOML}`);
        expect(toml).toContain('server = "https://registry.example.internal:5000"');
        expect(toml).toContain(`Authorization = "Basic ${BASIC}"`);
        // 0600 root: the login user cannot read it without sudo.
        const unprivileged = await ssh.exec(`cat ${HOSTS_TOML}`);
        expect(unprivileged.code).not.toBe(0);
        expect(unprivileged.stdout).not.toContain(BASIC);
      } finally {
        ssh.close();
      }
    }
    expect(lines.some((l) => /installing private registry credentials/.test(l))).toBe(true);

    // Nowhere else: progress, audit (API params and node argv), outputs other than the input echo, userdata.
    const secrets = [REGISTRY.password, BASIC];
    const progress = lines.join("\n");
    const audit = JSON.stringify(sim.audit.records());
    for (const s of secrets) {
      expect(progress).not.toContain(s);
      expect(audit).not.toContain(s);
    }
    for (const node of nodes) {
      const vm = await vmWithUserData(sim, node.virtualMachineId);
      expect(vm.userdata).toBeTruthy();
      const text = decodeUserData(String(vm.userdata));
      // The credential-free hosts.toml is there (so containerd knows the registry from first boot)...
      expect(text).toContain("registry.example.internal:5000/hosts.toml");
      // ...but neither the password nor its Basic encoding, nor the username.
      for (const s of [...secrets, REGISTRY.username]) {
        expect(text).not.toContain(s);
        expect(String(vm.userdata)).not.toContain(s);
      }
    }

    // A failing credentials step (hosts.toml replaced by a directory on the worker) names the node and
    // the step, but not the password. A size change re-runs the probing pipeline, install included.
    const worker = nodes.find((n) => n.role === "worker")!;
    const ssh = await sshToNode(outs, worker);
    try {
      await ssh.run(`sudo rm -f ${HOSTS_TOML} && sudo mkdir -p ${HOSTS_TOML}`);
    } finally {
      ssh.close();
    }
    const grown = { ...checked.inputs, size: 2 };
    const failed = await rejectionOf(p.cluster.update!(id, outs, grown));
    expect(failed.message).toContain(worker.name);
    expect(failed.message).toMatch(/install/);
    // The partial state echoes the inputs (privateRegistry.password is a secret input there); nothing else may hold it.
    const { privateRegistry: echoed, ...otherProps } = failed.properties ?? {};
    expect(echoed).toEqual(REGISTRY);
    expect(failed.message).toContain(`${HOSTS_TOML}: Is a directory`);
    const after = [failed.message, JSON.stringify(otherProps), lines.join("\n"), JSON.stringify(sim.audit.records())].join("\n");
    for (const s of secrets) expect(after).not.toContain(s);

    const finalOuts = failed.properties ?? outs;
    await p.cluster.delete!(id, finalOuts);
    await expectNoLeaks(sim, finalOuts);
    await p.version.delete!(version.id, version.outs);
  });

  it("check refuses a registry url without username and password, naming the field", async () => {
    const p = providers();
    const iso = sim.isos[0];
    const args = clusterArgs(sim, "some-version-id", iso.version, { privateRegistry: { url: REGISTRY.url } });
    const checked = await p.cluster.check!({}, args);
    expect(checked.failures).toEqual([expect.objectContaining({ property: "privateRegistry.username", reason: expect.stringMatching(/url, username and password together/) })]);
  });
});
