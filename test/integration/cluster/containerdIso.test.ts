// Cluster creates on a simulator as strict as real nodes about containerd's pod sandbox image and the
// binaries ISO: pods (static pods included) need the sandbox image containerd is configured with, and
// nothing can be pulled; the ISO may be one CloudStack's own script built (no manifest.json, label
// ISOIMAGE); a config drive (config-2, iso9660 too) may sit in a second CD-ROM drive.
import type { Simulator } from "../../../simulator";
import { SEED_IDS } from "../../../simulator";
import { defaultSeed } from "../../../simulator/cloud";
import { readCriConfig } from "../../../simulator/node/tools/containerdConfig";
import { nodesOf, sshToNode } from "../cluster-options/helpers";
import { clusterArgs, connection, providers, startSim } from "./harness";

type Seed = ReturnType<typeof defaultSeed>;

/** The default seed with the CKS template's containerd and the Kubernetes network offering's UserData provider changed. */
function seedWith(opts: { containerd?: string; configDrive?: boolean }): Seed {
  const seed = defaultSeed();
  return {
    ...seed,
    templates: seed.templates.map((t) => (t.id === SEED_IDS.templates.debianCks && opts.containerd ? { ...t, containerd: opts.containerd } : t)),
    networkOfferings: seed.networkOfferings.map((o) => (opts.configDrive && o.name === "DefaultNetworkOfferingforKubernetesService" ? { ...o, userDataProvider: "ConfigDrive" as const } : o)),
  } as Seed;
}

async function registerIso(sim: Simulator, p: ReturnType<typeof providers>, iso: { version: string; url: string; sha256: string }) {
  const { id, outs } = await p.version.create({ ...connection(sim), semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory: 2048, state: "Enabled" });
  return { id, outs: outs as Record<string, unknown> };
}

async function nodeFile(outs: Record<string, unknown>, path: string, role: "control" | "worker" = "control"): Promise<string> {
  const node = nodesOf(outs).find((n) => n.role === role)!;
  const ssh = await sshToNode(outs, node);
  try {
    return await ssh.run(`sudo cat ${path}`);
  } finally {
    ssh.close();
  }
}

async function onNode(outs: Record<string, unknown>, command: string): Promise<string> {
  const node = nodesOf(outs).find((n) => n.role === "control")!;
  const ssh = await sshToNode(outs, node);
  try {
    return await ssh.run(command);
  } finally {
    ssh.close();
  }
}

describe.each([
  // containerd 1.7 defaults to pause 3.8; 2.1 to pause 3.10. The 1.29 ISO carries pause 3.9 (what kubeadm
  // 1.29 lists), so with either default every pod sandbox would need a pull the nodes cannot make.
  { containerd: "1.7.24", configVersion: 2 },
  { containerd: "2.1.4", configVersion: 3 },
])("containerd $containerd on the template (config version $configVersion)", ({ containerd, configVersion }) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim({ seed: seedWith({ containerd }) });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("pins the sandbox to the ISO's pause image, so the static pods start and the cluster comes up", async () => {
    const p = providers();
    const iso = sim.isos.find((i) => i.version === "1.29.15")!;
    const version = await registerIso(sim, p, iso);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, iso.version, { name: `sandbox${configVersion}`, size: 1 }));
    expect(outs.state).toBe("Running");

    const text = await nodeFile(outs, "/etc/containerd/config.toml");
    expect(text).toMatch(new RegExp(`^version = ${configVersion}$`, "m"));
    const cri = readCriConfig(text, containerd);
    expect(cri.sandboxImage).toBe("registry.k8s.io/pause:3.9");
    expect(cri.systemdCgroup).toBe(true);
    expect(cri.registryConfigPath).toBe("/etc/containerd/certs.d");
    expect(await onNode(outs, "sudo ctr -n k8s.io images ls -q")).toContain("registry.k8s.io/pause:3.9");

    await p.cluster.delete!(id, outs);
    await p.version.delete!(version.id, version.outs);
  });
});

describe("a binaries ISO built by CloudStack's create-kubernetes-binaries-iso.sh (no manifest.json, label ISOIMAGE), with a config drive attached", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim({ seed: seedWith({ configDrive: true }) });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("finds the ISO by type, skips the config drive, works the layout out from the file names and installs", async () => {
    const p = providers();
    const iso = sim.cksLayoutIsos.find((i) => i.version === "1.31.13")!;
    expect(iso).toBeDefined();
    const version = await registerIso(sim, p, iso);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, iso.version, { name: "cksiso", size: 1 }));
    expect(outs.state).toBe("Running");

    // Both CD-ROM drives are iso9660; only one is the binaries ISO.
    const blkid = await onNode(outs, "sudo blkid -t TYPE=iso9660 -o export");
    expect(blkid).toContain("LABEL=config-2");
    expect(await onNode(outs, "sudo blkid -o value -s LABEL /dev/sr1")).toBe("config-2\n");
    expect(await onNode(outs, "/opt/bin/kubeadm version -o short")).toBe("v1.31.13\n");
    const cri = readCriConfig(await nodeFile(outs, "/etc/containerd/config.toml"), "1.7.24");
    expect(cri.sandboxImage).toBe("registry.k8s.io/pause:3.10");

    await p.cluster.delete!(id, outs);
    await p.version.delete!(version.id, version.outs);
  });
});
