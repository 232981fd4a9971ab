// External etcd against a simulator whose systemd and etcd behave as the real ones: an etcd member
// sends READY=1 only once its cluster has quorum, and a Type=notify unit keeps `systemctl start`
// waiting for it until TimeoutStartSec. And kubeadm's upload-certs uploads the certificates of the
// etcd topology of the config it runs with (copycerts.go), which a control-plane join then needs.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

type InitError = Error & { id: string; properties: Record<string, unknown> };

function nodeCommands(filter: (argv: string[]) => boolean): { node?: string; exitCode?: number; argv: string[] }[] {
  return sim.audit
    .records({ kind: "node" })
    .filter((r) => r.source === "ssh" && Array.isArray(r.argv) && filter(r.argv))
    .map((r) => ({ node: r.node, exitCode: r.exitCode, argv: r.argv as string[] }));
}

describe("external etcd", () => {
  it("a 3-member etcd forms: no member's start waits for the others, and every member is healthy", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "etcd3", controlNodes: 1, size: 1, etcdNodes: 3 }));
    expect(outs).toMatchObject({ state: "Running", etcdNodes: 3 });
    const etcdNames = (outs.nodes as { name: string; role: string }[]).filter((n) => n.role === "etcd").map((n) => n.name).sort();
    expect(etcdNames).toHaveLength(3);
    // Every member was started once, and each start returned success.
    const starts = nodeCommands((a) => a.includes("systemctl") && a.includes("--now") && a.includes("etcd"));
    expect(starts.map((s) => s.node).sort()).toEqual(etcdNames);
    expect(starts.every((s) => s.exitCode === 0)).toBe(true);
    // And the phase saw each member healthy before kubeadm init used them.
    const healthy = nodeCommands((a) => a.some((x) => x.endsWith("/etcdctl")) && a.includes("health")).filter((s) => s.exitCode === 0);
    expect([...new Set(healthy.map((s) => s.node))].sort()).toEqual(etcdNames);
    expect((await kubectlNodes(String(outs.kubeconfig))).every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
  });

  it("resuming an HA create re-uploads the external-etcd certificates, so control-2 can join", async () => {
    // Fail control-2's join once, after kubeadm init (the install phase, which also starts the kubelet,
    // is over by then): the next run resumes with the certificates uploaded again.
    let armed = false;
    const p = providers((line) => {
      if (!armed && line.includes("kubeadm-init: kubeadm init")) {
        armed = true;
        sim.faults.set("kubelet-fail:rate=1:match=control-2:count=1");
      }
    });
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "etcdres", controlNodes: 2, size: 1, etcdNodes: 1 });
    const err = (await p.cluster.create(args).catch((e: unknown) => e)) as InitError;
    sim.faults.clear();
    expect(armed).toBe(true);
    expect(err.message).toMatch(/join failed on etcdres-[0-9a-f]{6}-control-2/);

    const { outs } = (await p.cluster.update!(err.id, err.properties, args)) as { outs: Record<string, unknown> };
    expect(outs.state).toBe("Running");
    const uploads = nodeCommands((a) => a.includes("upload-certs") && a.includes("phase"));
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.every((u) => u.exitCode === 0 && u.argv.includes("--config"))).toBe(true);
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(err.id, outs);
    await expectNoLeaks(sim, outs);
  });
});
