// The public entry with every real part: a VM deployed through the API boots on the node runtime.
import { SEED_IDS, startSimulator, type Simulator } from "../../../simulator";
import { call, waitForJob } from "./client";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.002, randomSeed: 3, strict: true });
});
afterAll(async () => {
  await sim?.stop();
});

test("deploy a VM on the shared network; the node runtime boots it and audits through the same sink", async () => {
  const submit = await call(
    sim.apiUrl,
    sim,
    "deployVirtualMachine",
    {
      zoneid: SEED_IDS.zone,
      serviceofferingid: SEED_IDS.offerings.small,
      templateid: SEED_IDS.templates.debianCks,
      networkids: SEED_IDS.sharedNetwork,
      name: "entry-vm-1",
      userdata: Buffer.from("#cloud-config\nruncmd:\n  - echo hi\n").toString("base64"),
    },
    { method: "POST" },
  );
  expect(submit.status).toBe(200);
  const job = await waitForJob(sim.apiUrl, sim, submit.body.deployvirtualmachineresponse.jobid);
  expect(job.jobstatus).toBe(1);
  expect(job.jobresult.virtualmachine.state).toBe("Running");
  const list = await call(sim.apiUrl, sim, "listVirtualMachines", { id: submit.body.deployvirtualmachineresponse.id });
  expect(list.body.listvirtualmachinesresponse.virtualmachine[0].name).toBe("entry-vm-1");
  // cloud-init on the node runs the userdata's runcmd; the node audits it into the same log.
  const deadline = Date.now() + 20_000;
  while (!sim.audit.records({ kind: "node", node: "entry-vm-1" }).some((r) => r.argv?.join(" ") === "echo hi") && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(sim.audit.records({ kind: "node", node: "entry-vm-1" }).map((r) => r.argv?.join(" "))).toContain("echo hi");
  const kinds = new Set(sim.audit.records().map((r) => r.kind));
  expect(kinds.has("api")).toBe(true);
  expect(kinds.has("job")).toBe(true);
  // userdata never reaches the audit log in clear
  expect(JSON.stringify(sim.audit.records())).not.toContain("I2Nsb3VkLWNvbmZpZw");
});

test("deploy-capacity fault set at run time reaches the cloud through the shared controller", async () => {
  sim.faults.set("deploy-capacity:rate=1:match=hang-me:count=1");
  const params = {
    zoneid: SEED_IDS.zone,
    serviceofferingid: SEED_IDS.offerings.small,
    templateid: SEED_IDS.templates.debianCks,
    networkids: SEED_IDS.sharedNetwork,
  };
  const first = await call(sim.apiUrl, sim, "deployVirtualMachine", { ...params, name: "hang-me-1" }, { method: "POST" });
  const firstResult =
    first.status === 200 ? await waitForJob(sim.apiUrl, sim, first.body.deployvirtualmachineresponse.jobid) : { jobresultcode: first.status };
  expect(firstResult.jobresultcode).toBe(533);
  const second = await call(sim.apiUrl, sim, "deployVirtualMachine", { ...params, name: "hang-me-2" }, { method: "POST" });
  expect(second.status).toBe(200);
  expect((await waitForJob(sim.apiUrl, sim, second.body.deployvirtualmachineresponse.jobid)).jobstatus).toBe(1);
  expect(sim.faults.state().fired).toEqual([1]);
  sim.faults.clear();
});
