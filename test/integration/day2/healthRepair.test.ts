// Health on refresh and repair on up, with the damage done out of band: a VM stopped and a VM destroyed
// through the CloudStack API, the kubelet stopped over SSH. Refresh names each problem and changes
// nothing; up repairs it (a fault mid-repair is resumed); a lost control node is reported, not rebuilt.
import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import { recorder } from "../upgrade/helpers";
import { destroyVmOutOfBand, nodeNamed, onNode, stopVmOutOfBand, vmStates, type InitError, type Props } from "./helpers";
import { pollUntil } from "../../../provider/cluster/retry";
import { Deadline } from "../../../provider/cluster/deadline";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

async function rulesCount(ipAddressId: string): Promise<number> {
  const pf = (await api(sim).listAll("listPortForwardingRules", { ipaddressid: ipAddressId, listall: true }, "portforwardingrule")) as unknown[];
  return pf.length;
}

test("refresh reports a stopped VM, a destroyed VM and a NotReady node; up repairs them, resuming after a fault", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "heal", size: 3, upgrade: { nodeReadyTimeout: "20s" } });
  const { id, outs: created } = (await p.cluster.create(args)) as { id: string; outs: Props };
  const rulesBefore = await rulesCount(String(created.ipAddressId));
  const healthy = (await p.cluster.read!(id, created)).props as Props;
  expect(healthy.state).toBe("Running");
  expect(healthy.stateReason).toBeUndefined();
  expect((await p.cluster.diff!(id, healthy, args)).changes).toBe(false);
  // Certificates recorded as expiring in 10 days: Alert with the warning, and up would renew them.
  const soon = new Date(Date.now() + 10 * 24 * 3600_000).toISOString();
  const expiring = (await p.cluster.read!(id, { ...created, certificatesExpireAt: soon })).props as Props;
  expect(expiring.state).toBe("Alert");
  expect(String(expiring.stateReason)).toBe(`the control-plane certificates expire at ${soon}, within 30 days (\`pulumi up\` renews them within certificateRenewalDays)`);

  await stopVmOutOfBand(sim, created, "worker-1");
  await destroyVmOutOfBand(sim, created, "worker-2");
  const w2 = nodeNamed(created, "worker-2");
  const before = await vmStates(sim, id);
  const alert = (await p.cluster.read!(id, created)).props as Props;
  expect(alert.state).toBe("Alert");
  const reason = String(alert.stateReason);
  expect(reason).toMatch(/not Running: heal-[0-9a-f]{6}-worker-1 \(Stopped\)/);
  expect(reason).toMatch(/destroyed outside Pulumi: heal-[0-9a-f]{6}-worker-2/);
  // Read changed nothing.
  expect(await vmStates(sim, id)).toEqual(before);
  expect((await p.cluster.diff!(id, alert, args)).changes).toBe(true);

  // Repair, with the deploy of the replacement worker failing once.
  sim.faults.set("job=deployVirtualMachine:rate=1:count=1");
  const err = (await p.cluster.update!(id, alert, args).catch((e: unknown) => e)) as InitError;
  sim.faults.clear();
  expect(err.message).toMatch(/vms failed on heal-[0-9a-f]{6}-worker-2/);
  expect(err.properties.state).toBe("Alert");
  rec.lines.length = 0;
  const { outs: repaired } = (await p.cluster.update!(id, err.properties, args)) as { outs: Props };
  expect(repaired.state).toBe("Running");
  expect(Object.values(await vmStates(sim, id)).every((s) => s === "Running")).toBe(true);
  expect(nodeNamed(repaired, "worker-2").virtualMachineId).not.toBe(w2.virtualMachineId);
  expect(await rulesCount(String(repaired.ipAddressId))).toBe(rulesBefore);
  let nodes = await kubectlNodes(String(repaired.kubeconfig));
  expect(nodes).toHaveLength(4);
  expect(nodes.every((n) => n.ready)).toBe(true);

  // The kubelet stopped on worker-3 (an operator's mistake): refresh says NotReady, up restarts it.
  expect((await onNode(repaired, "worker-3", ["systemctl", "stop", "kubelet"])).code).toBe(0);
  const notReady = await pollUntil(
    async () => {
      const props = (await p.cluster.read!(id, repaired)).props as Props;
      return /nodes NotReady: heal-[0-9a-f]{6}-worker-3/.test(String(props.stateReason)) ? props : undefined;
    },
    { deadline: Deadline.in(120_000, "NotReady"), what: "worker-3 NotReady", intervalMs: 1000 },
  );
  expect(notReady.state).toBe("Alert");
  rec.lines.length = 0;
  const { outs: healed } = (await p.cluster.update!(id, notReady, args)) as { outs: Props };
  expect(healed.state).toBe("Running");
  expect(rec.lines.some((l) => /heal-workers: restart kubelet: done .*worker-3\)$/.test(l))).toBe(true);
  expect(rec.lines.some((l) => /replacing the VM/.test(l))).toBe(false);
  nodes = await kubectlNodes(String(healed.kubeconfig));
  expect(nodes.every((n) => n.ready)).toBe(true);

  await p.cluster.delete!(id, healed);
  await expectNoLeaks(sim, healed);
});

test("a destroyed control node (quorum lost) is reported, and nothing is destroyed", async () => {
  const p = providers();
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "lost", size: 1 });
  const { id, outs: created } = (await p.cluster.create(args)) as { id: string; outs: Props };
  await destroyVmOutOfBand(sim, created, "control-1");
  const alert = (await p.cluster.read!(id, created)).props as Props;
  expect(alert.state).toBe("Alert");
  expect(String(alert.stateReason)).toMatch(/destroyed outside Pulumi: lost-[0-9a-f]{6}-control-1/);
  expect(String(alert.stateReason)).toMatch(/does not answer/);
  const before = await vmStates(sim, id);
  const err = (await p.cluster.update!(id, alert, args).catch((e: unknown) => e)) as InitError;
  expect(err.message).toMatch(/control-1 is gone.*nothing was repaired.*etcd has lost its quorum \(0 of 1 members, 1 needed\).*Nothing was destroyed/);
  expect(err.message).toMatch(/the cluster stays in Alert until the lost node is dealt with/);
  expect(err.message).not.toMatch(/again to resume/);
  expect(err.properties.state).toBe("Alert");
  expect(await vmStates(sim, id)).toEqual(before);
  await p.cluster.delete!(id, err.properties);
  await expectNoLeaks(sim, err.properties);
});

test("a worker still not Ready after a kubelet restart is replaced under the same name and joins", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "mhc", size: 1, upgrade: { nodeReadyTimeout: "10s" } });
  const { id, outs: created } = (await p.cluster.create(args)) as { id: string; outs: Props };
  const old = nodeNamed(created, "worker-1");
  expect((await onNode(created, "worker-1", ["systemctl", "stop", "kubelet"])).code).toBe(0);
  const notReady = await pollUntil(
    async () => {
      const props = (await p.cluster.read!(id, created)).props as Props;
      return props.state === "Alert" ? props : undefined;
    },
    { deadline: Deadline.in(120_000, "NotReady"), what: "worker-1 NotReady", intervalMs: 1000 },
  );
  expect(String(notReady.stateReason)).toMatch(/nodes NotReady: mhc-[0-9a-f]{6}-worker-1/);
  // The kubelet comes back but the node never turns Ready (its CNI never starts): replaced once.
  sim.faults.set("node-never-ready:match=worker-1:count=1");
  rec.lines.length = 0;
  const { outs: healed } = (await p.cluster.update!(id, notReady, args)) as { outs: Props };
  sim.faults.clear();
  expect(healed.state).toBe("Running");
  expect(rec.lines.some((l) => /heal-workers: not Ready after a kubelet restart .*replacing the VM \(mhc-[0-9a-f]{6}-worker-1\)$/.test(l))).toBe(true);
  expect(nodeNamed(healed, "worker-1").virtualMachineId).not.toBe(old.virtualMachineId);
  const nodes = await kubectlNodes(String(healed.kubeconfig));
  expect(nodes).toHaveLength(2);
  expect(nodes.every((n) => n.ready)).toBe(true);
  await p.cluster.delete!(id, healed);
  await expectNoLeaks(sim, healed);
});

test("HA: a lost control node with quorum kept is reported while the lost worker is repaired", async () => {
  const p = providers();
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "ha", size: 1, controlNodes: 3 });
  const { id, outs: created } = (await p.cluster.create(args)) as { id: string; outs: Props };
  await destroyVmOutOfBand(sim, created, "control-3");
  await destroyVmOutOfBand(sim, created, "worker-1");
  const alert = (await p.cluster.read!(id, created)).props as Props;
  expect(String(alert.stateReason)).toMatch(/destroyed outside Pulumi: ha-[0-9a-f]{6}-control-3, ha-[0-9a-f]{6}-worker-1/);
  const err = (await p.cluster.update!(id, alert, args).catch((e: unknown) => e)) as InitError;
  expect(err.message).toMatch(/the cluster stays in Alert until the lost node is dealt with/);
  expect(err.message).toMatch(/unrepaired failed: not repaired: ha-[0-9a-f]{6}-control-3 .*etcd keeps its quorum \(2 of 3 members\).*Nothing was destroyed/);
  expect(err.properties.state).toBe("Alert");
  const states = await vmStates(sim, id);
  expect(Object.keys(states).some((n) => n.endsWith("-control-3"))).toBe(false);
  expect(Object.keys(states).filter((n) => n.endsWith("-worker-1"))).toHaveLength(1);
  expect(Object.values(states).every((s) => s === "Running")).toBe(true);
  const nodes = await kubectlNodes(String(err.properties.kubeconfig));
  expect(nodes.find((n) => n.name.endsWith("-worker-1"))?.ready).toBe(true);
  expect((err.properties.nodes as { name: string; state?: string }[]).find((n) => n.name.endsWith("-control-3"))?.state).toBe("Missing");
  const again = (await p.cluster.read!(id, err.properties)).props as Props;
  expect(String(again.stateReason)).toMatch(/destroyed outside Pulumi: ha-[0-9a-f]{6}-control-3$|destroyed outside Pulumi: ha-[0-9a-f]{6}-control-3;/);
  await p.cluster.delete!(id, err.properties);
  await expectNoLeaks(sim, err.properties);
});

test("a size change on an Alert cluster is applied by the repair, after the stopped worker is started", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "grow", size: 1 });
  const { id, outs: created } = (await p.cluster.create(args)) as { id: string; outs: Props };
  await stopVmOutOfBand(sim, created, "worker-1");
  const alert = (await p.cluster.read!(id, created)).props as Props;
  expect(alert.state).toBe("Alert");
  rec.lines.length = 0;
  const { outs: grown } = (await p.cluster.update!(id, alert, { ...args, size: 2 })) as { outs: Props };
  expect(grown.state).toBe("Running");
  expect(rec.lines.some((l) => /start-workers: start VM: done .*worker-1\)$/.test(l))).toBe(true);
  expect(rec.lines.some((l) => /vms: deploying VM \(grow-[0-9a-f]{6}-worker-2\)$/.test(l))).toBe(true);
  const nodes = await kubectlNodes(String(grown.kubeconfig));
  expect(nodes).toHaveLength(3);
  expect(nodes.every((n) => n.ready)).toBe(true);
  await p.cluster.delete!(id, grown);
  await expectNoLeaks(sim, grown);
});
