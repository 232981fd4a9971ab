// stopped: true stops every VM (workers, control, etcd) and the cluster is Stopped; size changes are
// refused while stopped; stopped: false starts it again (etcd, control, workers), waits for the API and
// every node Ready. A start that fails mid-way (a startVirtualMachine job fails) leaves Alert, and the
// next up finishes it.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import { recorder } from "../upgrade/helpers";
import { vmStates, type InitError, type Props } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

test("stop then start, with a size change refused while stopped and a failed start resumed", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "pause", size: 2 });
  const { id, outs } = await p.cluster.create(args);
  const created = outs as Props;

  const stopArgs = { ...args, stopped: true };
  expect((await p.cluster.diff!(id, created, stopArgs)).changes).toBe(true);
  rec.lines.length = 0;
  const { outs: stopped } = (await p.cluster.update!(id, created, stopArgs)) as { outs: Props };
  expect(stopped.state).toBe("Stopped");
  expect(Object.values(await vmStates(sim, id))).toEqual(["Stopped", "Stopped", "Stopped"]);
  // Workers first, then the control node.
  const order = rec.lines.filter((l) => /stop VM: done/.test(l)).map((l) => /-(control|worker)-\d\)$/.exec(l)?.[1]);
  expect(order).toEqual(["worker", "worker", "control"]);
  // Stopped and staying stopped: nothing to do.
  expect((await p.cluster.diff!(id, stopped, stopArgs)).changes).toBe(false);

  // A size change while stopped: refused by check and by update, before anything changes.
  const check = await p.cluster.check!(stopped, { ...stopArgs, size: 3 });
  expect(check.failures?.map((f) => f.reason).join(" ")).toMatch(/the cluster is stopped \(stopped: true\), so size cannot change/);
  await expect(p.cluster.update!(id, stopped, { ...stopArgs, size: 3 })).rejects.toThrow(/stopped.*size cannot change.*Nothing was changed/);
  expect(Object.values(await vmStates(sim, id))).toEqual(["Stopped", "Stopped", "Stopped"]);

  // Start with the second startVirtualMachine job failing: Alert, and the next up finishes the start.
  sim.faults.set("job=startVirtualMachine:rate=1:count=1");
  const err = (await p.cluster.update!(id, stopped, args).catch((e: unknown) => e)) as InitError;
  sim.faults.clear();
  expect(err.message).toMatch(/start-(etcd|control|workers) failed on pause-[0-9a-f]{6}-(control|worker)-\d/);
  expect(err.properties.state).toBe("Alert");
  rec.lines.length = 0;
  const { outs: running } = (await p.cluster.update!(id, err.properties, args)) as { outs: Props };
  expect(running.state).toBe("Running");
  expect(Object.values(await vmStates(sim, id))).toEqual(["Running", "Running", "Running"]);
  const nodes = await kubectlNodes(String(running.kubeconfig));
  expect(nodes).toHaveLength(3);
  expect(nodes.every((n) => n.ready)).toBe(true);

  await p.cluster.delete!(id, running);
  await expectNoLeaks(sim, running);
});

test("a stop that fails mid-way resumes; a plain start: etcd, then control, then workers; API and every node Ready", async () => {
  const rec = recorder();
  let armed = false;
  const p = providers((line) => {
    rec.sink(line);
    // The control node's stop job fails (armed once the workers are stopped).
    if (!armed && /stop-control: started/.test(line)) {
      armed = true;
      sim.faults.set("job=stopVirtualMachine:rate=1:count=1");
    }
  });
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "cold", size: 1, etcdNodes: 1 });
  const { id, outs } = await p.cluster.create(args);
  // The worker stays stopped; the resume stops control and etcd only.
  const err = (await p.cluster.update!(id, outs, { ...args, stopped: true }).catch((e: unknown) => e)) as InitError;
  sim.faults.clear();
  expect(err.message).toMatch(/stop-control failed on cold-[0-9a-f]{6}-control-1/);
  expect(err.properties.state).toBe("Alert");
  rec.lines.length = 0;
  const { outs: stopped } = (await p.cluster.update!(id, err.properties, { ...args, stopped: true })) as { outs: Props };
  expect(stopped.state).toBe("Stopped");
  expect(rec.lines.some((l) => /stop-workers: already Stopped \(cold-[0-9a-f]{6}-worker-1\)$/.test(l))).toBe(true);
  expect(rec.lines.filter((l) => /stop VM: done/.test(l)).map((l) => /-(control|worker|etcd)-\d\)$/.exec(l)?.[1])).toEqual(["control", "etcd"]);
  // A refresh of the stopped cluster says Stopped.
  const read = (await p.cluster.read!(id, stopped)).props as Props;
  expect(read.state).toBe("Stopped");
  expect((await p.cluster.diff!(id, read, args)).changes).toBe(true);
  rec.lines.length = 0;
  const { outs: running } = (await p.cluster.update!(id, read, args)) as { outs: Props };
  expect(rec.lines.filter((l) => /start VM: done/.test(l)).map((l) => /-(control|worker|etcd)-\d\)$/.exec(l)?.[1])).toEqual(["etcd", "control", "worker"]);
  expect(rec.lines.some((l) => /api: the API answers at the endpoint/.test(l))).toBe(true);
  expect(rec.lines.filter((l) => /ready: Ready: done/.test(l))).toHaveLength(2);
  expect(running.state).toBe("Running");
  expect((await kubectlNodes(String(running.kubeconfig))).every((n) => n.ready)).toBe(true);
  await p.cluster.delete!(id, running);
  await expectNoLeaks(sim, running);
});

test("a cluster declared stopped is built, then stopped", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "asleep", size: 1, stopped: true });
  const { id, outs } = (await p.cluster.create(args)) as { id: string; outs: Props };
  expect(outs.state).toBe("Stopped");
  expect(outs.kubeconfig).toBeDefined();
  expect(Object.values(await vmStates(sim, id))).toEqual(["Stopped", "Stopped"]);
  expect(rec.lines.some((l) => /kubeconfig: done/.test(l))).toBe(true);
  await p.cluster.delete!(id, outs);
  await expectNoLeaks(sim, outs);
});
