// A cluster on a stock image: Debian's secure_path (no /opt/bin) and no /opt/bin on any default PATH.
// kubeadm's preflight looks its binaries up on PATH, so every kubeadm step must hand it one with
// /opt/bin (after sudo, which would otherwise reset PATH to secure_path). Fails with
// `[ERROR KubeletVersion] ... executable file not found in $PATH` when the provider runs a bare
// `sudo /opt/bin/kubeadm`.
import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, providers, startSim } from "./harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

type NodeRecord = { argv: string[]; exitCode: number; program?: string; node?: string };

describe("KubernetesCluster on a stock Debian image", () => {
  it("runs every kubeadm step with /opt/bin on its PATH and passes kubeadm's mandatory preflight checks", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { size: 1 }));
    expect(outs).toMatchObject({ state: "Running" });

    const nodeRecords = sim.audit.records((r) => r.kind === "node") as unknown as NodeRecord[];
    const kubeadm = nodeRecords.filter((r) => r.program === "kubeadm" && r.argv.includes("/opt/bin/kubeadm"));
    // init on the control node and join on the worker, at least.
    expect(kubeadm.some((r) => r.argv.includes("init"))).toBe(true);
    expect(kubeadm.some((r) => r.argv.includes("join"))).toBe(true);
    for (const r of kubeadm) {
      expect(r.argv.slice(0, 3)).toEqual(["sudo", "env", "PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
      expect(r.exitCode).toBe(0);
    }
    // Nothing the provider ran was missing from the image (bash's and sudo's "command not found").
    expect(nodeRecords.filter((r) => r.exitCode === 127)).toEqual([]);

    await p.cluster.delete!(id, outs);
  });
});

describe("KubernetesCluster on CKS's SystemVM template", () => {
  it("is refused in validate, naming templateId, before anything is created; CloudStack itself refuses the deploy", async () => {
    const { defaultSeed } = await import("../../../simulator/cloud");
    const { SEED_IDS } = await import("../../../simulator");
    const seed = defaultSeed();
    const systemId = "7e000000-0000-4000-8000-0000000004ff";
    seed.templates.push({ ...seed.templates[0], id: systemId, name: "SystemVM Template (KVM)", forcks: true, templatetype: "SYSTEM" });
    const own = await startSim({ seed: seed as unknown as Record<string, unknown> });
    try {
      const p = providers();
      const version = await createVersion(own, p);
      await expect(p.cluster.create(clusterArgs(own, version.id, version.semanticVersion, { templateId: systemId }))).rejects.toThrow(
        /templateId: template SystemVM Template \(KVM\) is a SYSTEM template/,
      );
      expect(own.audit.records({ kind: "api", command: "deployVirtualMachine" })).toEqual([]);
      expect(own.audit.records({ kind: "api", command: "createNetwork" })).toEqual([]);
      // What the provider avoids: CloudStack refuses a SYSTEM template for a user VM.
      await expect(api(own).request("deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.small, templateid: systemId })).rejects.toThrow(/Unable to use system template/);
    } finally {
      await own.stop();
    }
  });
});
