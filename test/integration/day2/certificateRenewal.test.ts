// Certificate renewal on up: with certificateRenewalDays larger than the certificates' year, every
// control node runs `kubeadm certs renew all` and restarts its static pods; kubeconfig (admin.conf's
// client certificate is renewed) and certificatesExpireAt are refreshed. A run cut off right after the
// first node's renewal resumes without renewing that node again.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import { vmStates, type InitError, type Props } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

const DAY = 24 * 3600_000;

test("renews on every control node when due, resumes after a failure mid-renewal, and refreshes kubeconfig and certificatesExpireAt", async () => {
  const lines: string[] = [];
  let cut: RegExp | undefined;
  const p = providers((line) => {
    lines.push(line);
    if (cut?.test(line)) {
      cut = undefined;
      throw new Error("connection to the provider host lost (injected)");
    }
  });
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "certs", size: 1, controlNodes: 2 });
  const { id, outs: created } = (await p.cluster.create(args)) as { id: string; outs: Props };
  const first = Date.parse(String(created.certificatesExpireAt));
  expect(Math.abs(first - (Date.now() + 365 * DAY))).toBeLessThan(2 * DAY);
  // Outside the default 30-day window: no update needed, and a refresh reports no warning.
  expect((await p.cluster.diff!(id, created, args)).changes).toBe(false);
  const read = (await p.cluster.read!(id, created)).props as Props;
  expect(read.state).toBe("Running");

  const renewArgs = { ...args, certificateRenewalDays: 400 };
  expect((await p.cluster.diff!(id, read, renewArgs)).changes).toBe(true);
  await new Promise((r) => setTimeout(r, 1100)); // certificates carry whole seconds: make the new ones later
  cut = /renew: kubeadm certs renew all: done .*control-1\)$/;
  lines.length = 0;
  const err = (await p.cluster.update!(id, read, renewArgs).catch((e: unknown) => e)) as InitError;
  expect(err.message).toMatch(/renew failed on certs-[0-9a-f]{6}-control-1: kubeadm certs renew all: connection to the provider host lost/);
  expect(err.properties.state).toBe("Alert");

  lines.length = 0;
  const { outs: renewed } = (await p.cluster.update!(id, err.properties, renewArgs)) as { outs: Props };
  expect(renewed.state).toBe("Running");
  const renewedOn = lines.filter((l) => /renew: kubeadm certs renew all: done/.test(l)).map((l) => /-(control-\d)\)$/.exec(l)?.[1]);
  expect(renewedOn).toEqual(["control-2"]);
  const restarted = lines.filter((l) => /renew: restart the static pods: done/.test(l)).map((l) => /-(control-\d)\)$/.exec(l)?.[1]);
  expect(restarted).toEqual(["control-1", "control-2"]);
  expect(Date.parse(String(renewed.certificatesExpireAt))).toBeGreaterThan(first);
  expect(renewed.kubeconfig).not.toBe(created.kubeconfig);
  const nodes = await kubectlNodes(String(renewed.kubeconfig));
  expect(nodes).toHaveLength(3);
  expect(nodes.every((n) => n.ready)).toBe(true);
  expect(Object.values(await vmStates(sim, id)).every((s) => s === "Running")).toBe(true);

  // Back to the default window (an in-place input change): the update renews nothing.
  lines.length = 0;
  const { outs: after } = (await p.cluster.update!(id, renewed, args)) as { outs: Props };
  expect(lines.filter((l) => /renew:/.test(l))).toEqual([]);
  expect(after.certificatesExpireAt).toBe(renewed.certificatesExpireAt);
  expect((await p.cluster.diff!(id, after, args)).changes).toBe(false);
  await p.cluster.delete!(id, after);
  await expectNoLeaks(sim, after);
});
