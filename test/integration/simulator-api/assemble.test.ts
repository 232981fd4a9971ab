import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulatorWith, type SimulatorParts } from "../../../simulator/api/assemble";
import type { NetworkFabric, NodeRuntime } from "../../../simulator/contracts";
import { call, waitForJob } from "./client";
import { ADMIN, createFakeCloud, USER, type FakeCloud } from "./fakeCloud";

interface Spy {
  clouds: FakeCloud[];
  nodeFabric?: NetworkFabric;
  nodesClosed: number;
  seeds: unknown[];
}

function fakeParts(spy: Spy): SimulatorParts {
  return {
    loadSeed: (raw) => {
      spy.seeds.push(raw);
      return { seed: raw ?? { default: true }, admin: ADMIN, user: USER };
    },
    createCloud: async (options) => {
      const cloud = createFakeCloud(options.clock);
      cloud.fabric.resolve = (from, host, port) => ({ host: `${from}->${host}`, port });
      spy.clouds.push(cloud);
      return cloud;
    },
    createNodeRuntime: (deps) => {
      spy.nodeFabric = deps.fabric;
      const runtime: NodeRuntime = {
        start: async () => undefined,
        stop: async () => undefined,
        remove: async () => undefined,
        setIso: () => undefined,
        endpoint: () => null,
        close: async () => {
          spy.nodesClosed++;
        },
      };
      return runtime;
    },
    buildIsoCatalog: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, "cks-binaries-1.30.14.iso");
      fs.writeFileSync(file, "iso");
      return [{ version: "1.30.14", fileName: "cks-binaries-1.30.14.iso", path: file, sha256: "ab".repeat(32), size: 3 }];
    },
  };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sim-assemble-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("assembles a working simulator, wires the fabric lazily and stops everything", async () => {
  const spy: Spy = { clouds: [], nodesClosed: 0, seeds: [] };
  const auditFile = path.join(tmp, "audit.jsonl");
  const logs: string[] = [];
  const sim = await startSimulatorWith(fakeParts(spy), { timeScale: 0.002, auditFile, faults: "throttle=1000", log: (m) => logs.push(m) });
  expect(sim.apiKey).toBe(USER.apiKey);
  expect(sim.secretKey).toBe(USER.secretKey);
  expect(sim.adminApiKey).toBe(ADMIN.apiKey);
  expect(sim.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/api$/);
  expect(sim.isos).toEqual([{ version: "1.30.14", url: `${sim.isoBaseUrl}cks-binaries-1.30.14.iso`, sha256: "ab".repeat(32), layout: "manifest" }]);
  expect(sim.cksLayoutIsos).toEqual([]);
  expect(sim.faults.state().spec).toBe("throttle=1000");
  // The node runtime got its fabric before the cloud existed; it forwards now.
  expect(spy.nodeFabric?.resolve("vm-1", "10.1.1.5", 22)).toEqual({ host: "vm-1->10.1.1.5", port: 22 });

  const r = await call(sim.apiUrl, sim, "listZones");
  expect(r.status).toBe(200);
  const job = await call(sim.apiUrl, sim, "deleteFirewallRule", { id: "00000000-0000-4000-8000-000000000001" });
  expect((await waitForJob(sim.apiUrl, sim, job.body.deletefirewallruleresponse.jobid)).jobstatus).toBe(1);
  expect(sim.audit.records({ kind: "job" })).toHaveLength(1);
  expect(fs.existsSync(sim.dataDir)).toBe(true);

  await sim.stop();
  await sim.stop(); // idempotent
  expect(spy.clouds[0].closed).toBe(true);
  expect(spy.nodesClosed).toBe(1);
  expect(fs.existsSync(sim.dataDir)).toBe(false);
  await expect(fetch(sim.apiUrl)).rejects.toThrow();
  expect(logs.filter((m) => m.includes("failed"))).toEqual([]);
  const lines = fs.readFileSync(auditFile, "utf8").trim().split("\n");
  expect(lines.length).toBeGreaterThanOrEqual(3);
  expect(fs.readFileSync(auditFile, "utf8")).not.toContain(USER.secretKey);
});

test("state file: saved on stop, restored on the next start", async () => {
  const stateFile = path.join(tmp, "state.json");
  const spy: Spy = { clouds: [], nodesClosed: 0, seeds: [] };
  const first = await startSimulatorWith(fakeParts(spy), { timeScale: 0.002, stateFile });
  expect(spy.clouds[0].restored).toEqual([]);
  spy.clouds[0].state.zones = 3;
  await first.stop();
  expect(JSON.parse(fs.readFileSync(stateFile, "utf8"))).toEqual({ zones: 3 });

  const second = await startSimulatorWith(fakeParts(spy), { timeScale: 0.002, stateFile });
  try {
    expect(spy.clouds[1].restored).toEqual([{ zones: 3 }]);
    const r = await call(second.apiUrl, second, "listZones");
    expect(r.body.listzonesresponse.count).toBe(3);
  } finally {
    await second.stop();
  }
});

test("seed: an object is passed through, a path is read as YAML/JSON, none means the default", async () => {
  const spy: Spy = { clouds: [], nodesClosed: 0, seeds: [] };
  const seedFile = path.join(tmp, "seed.yaml");
  fs.writeFileSync(seedFile, "zones:\n  - name: Z\n");
  for (const seed of [{ zones: [] }, seedFile, undefined]) {
    const sim = await startSimulatorWith(fakeParts(spy), { timeScale: 0.002, seed });
    await sim.stop();
  }
  expect(spy.seeds).toEqual([{ zones: [] }, { zones: [{ name: "Z" }] }, undefined]);
});

test("a bad fault spec fails the start and leaves nothing behind", async () => {
  const spy: Spy = { clouds: [], nodesClosed: 0, seeds: [] };
  await expect(startSimulatorWith(fakeParts(spy), { faults: "meteor-strike" })).rejects.toThrow(/unknown fault/);
  expect(spy.clouds).toHaveLength(0);
});
