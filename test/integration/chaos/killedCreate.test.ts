// Crash safety of create (issue 14 §3): the provider process is killed inside create(), so the engine
// records nothing and the next `up` is a create again with a new cluster id. That create must find
// what the dead one made (by its create token, or by name in the window before tagging) and remove
// it; the destroy then leaves the world as it was. On the old code the first attempt's network,
// keypair and IP stayed behind.
import type { Simulator } from "../../../simulator";
import { SEED_IDS } from "../../../simulator";
import { api, clusterArgs, createVersion, providers, startSim } from "../cluster/harness";
import { compareWorlds, snapshotWorld } from "../../../scripts/chaos/audit";
import { callProvider } from "../../../scripts/chaos/driver";

const TIME_SCALE = 0.002;
let sim: Simulator;
let version: { id: string; semanticVersion: string };
beforeAll(async () => {
  sim = await startSim({ timeScale: TIME_SCALE });
  version = await createVersion(sim, providers());
});
afterAll(async () => {
  await sim?.stop();
});

const keys = () => ({ apiUrl: sim.apiUrl, adminApiKey: sim.adminApiKey, adminSecretKey: sim.adminSecretKey });

async function createThenDestroy(news: Record<string, unknown>): Promise<void> {
  const created = await callProvider({ call: "create", timeScale: TIME_SCALE, news }, { timeoutMs: 240_000 });
  expect(created.result).toMatchObject({ ok: true });
  expect(created.result?.outs?.state).toBe("Running");
  const deleted = await callProvider({ call: "delete", timeScale: TIME_SCALE, id: created.result?.id, olds: created.result?.outs }, { timeoutMs: 240_000 });
  expect(deleted.result).toMatchObject({ ok: true });
  await sim.jobsIdle();
}

it.each(["public-ip", "rules", "join"])("a create killed when %s starts is cleaned up by the next create", async (phase) => {
  const before = await snapshotWorld(keys());
  const news = clusterArgs(sim, version.id, version.semanticVersion, { name: `killed-${phase}`, size: 1 });
  const killed = await callProvider({ call: "create", timeScale: TIME_SCALE, news }, { kill: { kind: "phase", phase }, timeoutMs: 240_000 });
  expect(killed.killed).toBe(true);
  await createThenDestroy(news);
  expect(compareWorlds(before, await snapshotWorld(keys()))).toEqual([]);
}, 600_000);

it("a network made by a create that died before tagging it is removed by the next create", async () => {
  const before = await snapshotWorld(keys());
  const name = "untagged";
  const offering = ((await api(sim).listAll("listNetworkOfferings", { name: "DefaultNetworkOfferingforKubernetesService" }, "networkoffering")) as { id: string }[])[0];
  // What network.ts does first, with the id of a cluster whose create died right after.
  await api(sim).request("createNetwork", { name: `${name}-network`, displaytext: `Kubernetes cluster ${name} (0e3c39f1-6f1b-4c55-9d0e-35c3d4b9c0aa)`, networkofferingid: offering!.id, zoneid: SEED_IDS.zone });
  await createThenDestroy(clusterArgs(sim, version.id, version.semanticVersion, { name, size: 1 }));
  expect(compareWorlds(before, await snapshotWorld(keys()))).toEqual([]);
}, 600_000);
