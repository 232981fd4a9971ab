// Certificates expire by the clock (kubeadm's leaves last one year, the simulator issues them by its
// clock). Eleven months later — time moved forward for the provider and the simulator alike, Date only —
// a refresh warns that they expire within 30 days, the next `up` renews them with the default
// certificateRenewalDays, and the new certificatesExpireAt is a year from the new "now".
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import type { Props } from "./helpers";

const DAY = 24 * 3600_000;
const ONLY_DATE = ["nextTick", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout", "queueMicrotask", "hrtime", "performance"] as const;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  jest.useRealTimers();
  await sim?.stop();
});

test("340 days on, refresh reports the certificates expiring and up renews them (certificateRenewalDays default 30)", async () => {
  const lines: string[] = [];
  const p = providers((l) => void lines.push(l));
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "expiry", size: 1 });
  const { id, outs } = (await p.cluster.create(args)) as { id: string; outs: Props };
  const first = Date.parse(String(outs.certificatesExpireAt));
  expect((await p.cluster.diff!(id, outs, args)).changes).toBe(false);

  jest.useFakeTimers({ doNotFake: [...ONLY_DATE], now: Date.now() + 340 * DAY, advanceTimers: true });
  const read = (await p.cluster.read!(id, outs)).props as Props;
  expect(String(read.stateReason)).toMatch(/certificates expire/i);
  expect((await p.cluster.diff!(id, read, args)).changes).toBe(true);

  lines.length = 0;
  const { outs: renewed } = (await p.cluster.update!(id, read, args)) as { outs: Props };
  expect(renewed.state).toBe("Running");
  expect(lines.some((l) => /kubeadm certs renew all: done/.test(l))).toBe(true);
  const next = Date.parse(String(renewed.certificatesExpireAt));
  expect(next).toBeGreaterThan(first + 300 * DAY);
  expect(Math.abs(next - (Date.now() + 365 * DAY))).toBeLessThan(2 * DAY);
  expect(renewed.kubeconfig).not.toBe(outs.kubeconfig);
  expect((await p.cluster.diff!(id, renewed, args)).changes).toBe(false);
  jest.useRealTimers();

  const nodes = await kubectlNodes(String(renewed.kubeconfig));
  expect(nodes.every((n) => n.ready)).toBe(true);
  await p.cluster.delete!(id, renewed);
  await expectNoLeaks(sim, renewed);
});
