// The front around the real cloud model (simulator/cloud) and the real ISO catalog, with inert nodes:
// checks the two readings of commands.json agree on envelopes, parameters and async jobs.
import { startSimulatorWith, type Simulator } from "../../../simulator/api/assemble";
import { loadSeed } from "../../../simulator/api/seedKeys";
import { createCloud } from "../../../simulator/cloud";
import { SEED_IDS } from "../../../simulator/cloud/seed";
import type { NodeRuntime } from "../../../simulator/contracts";
import { buildIsoCatalog } from "../../../simulator/iso";
import { call, waitForJob } from "./client";

const inertNodes = (): NodeRuntime => ({
  start: async () => undefined,
  stop: async () => undefined,
  remove: async () => undefined,
  setIso: () => undefined,
  endpoint: () => null,
  close: async () => undefined,
});

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulatorWith({ loadSeed, createCloud, createNodeRuntime: inertNodes, buildIsoCatalog }, { timeScale: 0.001, randomSeed: 5, strict: true });
});
afterAll(async () => {
  await sim?.stop();
});

test("default seed keys work; listZones returns the seed zone", async () => {
  const r = await call(sim.apiUrl, sim, "listZones");
  expect(r.status).toBe(200);
  expect(r.body.listzonesresponse.count).toBe(1);
  expect(r.body.listzonesresponse.zone[0].id).toBe(SEED_IDS.zone);
  expect(sim.isos.length).toBeGreaterThan(0);
  for (const iso of sim.isos) expect(iso.url.startsWith(sim.isoBaseUrl)).toBe(true);
});

test("admin and user are told apart", async () => {
  const user = await call(sim.apiUrl, sim, "listAsyncJobs");
  expect(user.status).toBe(200);
  const admin = await call(sim.apiUrl, { apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey }, "listZones");
  expect(admin.status).toBe(200);
  const res = await fetch(`${sim.apiUrl.replace(/\/client\/api$/, "")}/admin/faults`, { headers: { "X-Sim-Admin-Key": sim.adminApiKey } });
  expect(res.status).toBe(200);
});

test("register / list / delete an SSH key pair through the real handlers", async () => {
  const publickey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@sim";
  const reg = await call(sim.apiUrl, sim, "registerSSHKeyPair", { name: "front-test", publickey }, { method: "POST" });
  expect(reg.status).toBe(200);
  expect(reg.body.registersshkeypairresponse.keypair.name).toBe("front-test");
  const list = await call(sim.apiUrl, sim, "listSSHKeyPairs", { name: "front-test" });
  expect(list.body.listsshkeypairsresponse.count).toBe(1);
  expect(list.body.listsshkeypairsresponse.sshkeypair[0].name).toBe("front-test");
  const del = await call(sim.apiUrl, sim, "deleteSSHKeyPair", { name: "front-test" });
  expect(del.body).toEqual({ deletesshkeypairresponse: { success: true } });
});

test("deployVirtualMachine on the shared network: id + jobid, then a Running VM in the job result", async () => {
  const submit = await call(
    sim.apiUrl,
    sim,
    "deployVirtualMachine",
    {
      zoneid: SEED_IDS.zone,
      serviceofferingid: SEED_IDS.offerings.small,
      templateid: SEED_IDS.templates.debianCks,
      networkids: SEED_IDS.sharedNetwork,
      name: "front-vm-1",
    },
    { method: "POST" },
  );
  expect(submit.status).toBe(200);
  const { id, jobid } = submit.body.deployvirtualmachineresponse;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const job = await waitForJob(sim.apiUrl, sim, jobid);
  expect(job.jobstatus).toBe(1);
  expect(job.jobresult.virtualmachine.id).toBe(id);
  expect(sim.audit.records({ kind: "job", jobid })).toHaveLength(1);
});
