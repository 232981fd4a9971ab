// A cluster on a stock image: Debian's secure_path (no /opt/bin) and no /opt/bin on any default PATH.
// kubeadm's preflight looks its binaries up on PATH, so every kubeadm step must hand it one with
// /opt/bin (after sudo, which would otherwise reset PATH to secure_path). Fails with
// `[ERROR KubeletVersion] ... executable file not found in $PATH` when the provider runs a bare
// `sudo /opt/bin/kubeadm`.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, providers, startSim } from "./harness";

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
