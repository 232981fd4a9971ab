import type { CommandHandler } from "../../../simulator/contracts";
import { ADMIN, USER } from "./fakeCloud";
import { call, sign, waitForJob } from "./client";
import { startHarness, type Harness } from "./harness";

let h: Harness;
let url: string;

beforeEach(async () => {
  h = await startHarness();
  url = h.server.apiUrl;
});
afterEach(async () => {
  await h.front.jobs.idle();
  await h.close();
});

const UNAUTH = "unable to verify user credentials and/or request signature";

describe("signature verification", () => {
  test("a correctly signed GET succeeds", async () => {
    const r = await call(url, USER, "listZones");
    expect(r.status).toBe(200);
    expect(r.body.listzonesresponse.count).toBe(7);
  });

  test("a correctly signed POST (form body) succeeds", async () => {
    const r = await call(url, USER, "listZones", { name: "Zone 1" }, { method: "POST" });
    expect(r.status).toBe(200);
  });

  test("bad signature → 401 under the command's response key, no cserrorcode", async () => {
    const r = await call(url, USER, "listZones", {}, { tamper: (p) => (p.signature = sign(p, "wrong-secret")) });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ listzonesresponse: { uuidList: [], errorcode: 401, errortext: UNAUTH } });
  });

  test("a parameter changed after signing → 401", async () => {
    const r = await call(url, USER, "listZones", { name: "a" }, { tamper: (p) => (p.name = "b") });
    expect(r.status).toBe(401);
  });

  test("unknown apiKey and missing signature → 401", async () => {
    expect((await call(url, { apiKey: "nobody", secretKey: "x" }, "listZones")).status).toBe(401);
    expect((await call(url, USER, "listZones", {}, { unsigned: true })).status).toBe(401);
  });

  test("signatureversion=3 requires expires; expired is refused; future is accepted", async () => {
    const noExpires = await call(url, USER, "listZones", { signatureversion: "3" });
    expect(noExpires.status).toBe(401);
    expect(noExpires.body.listzonesresponse.errortext).toBe(UNAUTH);
    const expired = await call(url, USER, "listZones", { signatureversion: "3", expires: "2001-01-01T00:00:00+0000" });
    expect(expired.status).toBe(401);
    const future = await call(url, USER, "listZones", { signatureversion: "3", expires: "2099-01-01T00:00:00+0000" });
    expect(future.status).toBe(200);
    const iso = await call(url, USER, "listZones", { signatureversion: "3", expires: new Date(Date.now() + 60_000).toISOString() });
    expect(iso.status).toBe(200);
  });

  test("names are signed as sent: mixed-case names verify", async () => {
    const r = await call(url, USER, "listZones", { Name: "Zone 1" });
    expect(r.status).toBe(200);
  });
});

describe("dispatch and parameters", () => {
  test("unknown command → 432 under errorresponse", async () => {
    const r = await call(url, USER, "launchRocket");
    expect(r.status).toBe(432);
    expect(r.body.errorresponse).toMatchObject({ errorcode: 432, errortext: "Unknown API command: launchRocket" });
  });

  test("command names are case-sensitive", async () => {
    expect((await call(url, USER, "listzones")).status).toBe(432);
  });

  test("a command in the table without a cloud handler is unknown", async () => {
    expect((await call(url, USER, "listOsTypes")).status).toBe(432);
  });

  test("missing required parameter → 431 with CloudStack's text", async () => {
    const r = await call(url, USER, "createNetwork", { name: "n", zoneid: "9a1f2d34-0000-4000-8000-000000000010" });
    expect(r.status).toBe(431);
    expect(r.body.createnetworkresponse).toMatchObject({
      errorcode: 431,
      cserrorcode: 9999,
      errortext: "Unable to execute API command createnetwork due to missing parameter networkofferingid",
    });
  });

  test("strict mode refuses parameters the command does not declare; non-strict ignores them", async () => {
    const r = await call(url, USER, "listZones", { listall: "true" });
    expect(r.status).toBe(431);
    expect(r.body.listzonesresponse.errortext).toContain("listall");
    const lax = await startHarness({ strict: false });
    try {
      const ok = await call(lax.server.apiUrl, USER, "listZones", { listall: "true" });
      expect(ok.status).toBe(200);
      // Recorded in the audit, as CloudStack's ParamGenericValidationWorker logs them.
      expect(lax.audit.records({ kind: "api", command: "listZones" })[0]).toMatchObject({ status: 200, ignoredParams: ["listall"] });
      // ...and never handed to the command, as no @Parameter field receives them.
      let seen: Record<string, string> = {};
      (lax.cloud.handlers as Record<string, CommandHandler>).listZones = (params) => {
        seen = params;
        return { kind: "list", entityKey: "zone", items: [] };
      };
      expect((await call(lax.server.apiUrl, USER, "listZones", { listall: "true", name: "Zone 1" })).status).toBe(200);
      expect(seen).toMatchObject({ name: "Zone 1" });
      expect(seen).not.toHaveProperty("listall");
    } finally {
      await lax.close();
    }
  });

  test("map parameters belong to their base name; implicit async parameters are accepted", async () => {
    expect((await call(url, USER, "listZones", { "tags[0].key": "env", "tags[0].value": "prod" })).status).toBe(200);
    const r = await call(url, USER, "deleteFirewallRule", { id: "00000000-0000-4000-8000-000000000001", customjobid: "x" });
    expect(r.status).toBe(200);
  });

  test("malformed UUID and non-numeric integer → 431 invalid value", async () => {
    const r = await call(url, USER, "deleteFirewallRule", { id: "not-a-uuid" });
    expect(r.status).toBe(431);
    expect(r.body.deletefirewallruleresponse.errortext).toMatch(/due to invalid value\. Invalid parameter id value=not-a-uuid/);
    expect((await call(url, USER, "listZones", { page: "x", pagesize: "5" })).status).toBe(431);
  });

  test("page without pagesize and pagesize > 500 → 431", async () => {
    expect((await call(url, USER, "listZones", { page: "1" })).status).toBe(431);
    const big = await call(url, USER, "listZones", { page: "1", pagesize: "501" });
    expect(big.status).toBe(431);
    expect(big.body.listzonesresponse.errortext).toBe("Page size can't exceed max allowed page size value: 500");
  });

  test("userdata: > 4096 characters by GET → 431, the same by POST passes, non-base64 → 431", async () => {
    const id = "00000000-0000-4000-8000-000000000009";
    const long = Buffer.alloc(3300, 7).toString("base64"); // 4400 characters
    const get = await call(url, USER, "updateVirtualMachine", { id, userdata: long });
    expect(get.status).toBe(431);
    expect(get.body.updatevirtualmachineresponse.errortext).toMatch(/too long for an http GET request/);
    const post = await call(url, USER, "updateVirtualMachine", { id, userdata: long }, { method: "POST" });
    expect(post.status).toBe(200);
    expect(post.body.updatevirtualmachineresponse.virtualmachine.userdatalength).toBe(long.length);
    const bad = await call(url, USER, "updateVirtualMachine", { id, userdata: "not base64 at all!" }, { method: "POST" });
    expect(bad.status).toBe(431);
    const huge = Buffer.alloc(30000, 1).toString("base64"); // 40000 > 32768
    expect((await call(url, USER, "updateVirtualMachine", { id, userdata: huge }, { method: "POST" })).status).toBe(431);
  });

  test("a handler's ApiError keeps its code; any other exception → 530 / 4250 without the internal message", async () => {
    const deploy = await call(url, USER, "deployVirtualMachine", {
      zoneid: "00000000-0000-4000-8000-000000000001",
      serviceofferingid: "00000000-0000-4000-8000-000000000002",
    });
    expect(deploy.status).toBe(431);
    expect(deploy.body.deployvirtualmachineresponse).toMatchObject({ errorcode: 431, cserrorcode: 4350 });
    const crash = await call(url, USER, "registerSSHKeyPair", { name: "k", publickey: "ssh-ed25519 AAAA" });
    expect(crash.status).toBe(530);
    expect(crash.body.registersshkeypairresponse).toMatchObject({ errorcode: 530, cserrorcode: 4250 });
    expect(JSON.stringify(crash.body)).not.toContain("database on fire");
  });
});

describe("envelopes and paging", () => {
  test("list: count is the total; pages slice; past the end keeps only count; empty list is {}", async () => {
    const p1 = await call(url, USER, "listZones", { page: "1", pagesize: "3" });
    expect(p1.body.listzonesresponse.count).toBe(7);
    expect(p1.body.listzonesresponse.zone.map((z: { id: string }) => z.id)).toEqual(["zone-1", "zone-2", "zone-3"]);
    const p3 = await call(url, USER, "listZones", { page: "3", pagesize: "3" });
    expect(p3.body.listzonesresponse.zone.map((z: { id: string }) => z.id)).toEqual(["zone-7"]);
    const past = await call(url, USER, "listZones", { page: "4", pagesize: "3" });
    expect(past.body).toEqual({ listzonesresponse: { count: 7 } });
    const all = await call(url, USER, "listZones", { pagesize: "-1" });
    expect(all.body.listzonesresponse.zone).toHaveLength(7);
    const empty = await call(url, USER, "listVirtualMachines");
    expect(empty.body).toEqual({ listvirtualmachinesresponse: {} });
  });

  test("object and success envelopes", async () => {
    const net = await call(url, USER, "createNetwork", {
      name: "n1",
      zoneid: "00000000-0000-4000-8000-000000000001",
      networkofferingid: "00000000-0000-4000-8000-000000000002",
    });
    expect(net.body).toEqual({ createnetworkresponse: { network: { id: "net-1", name: "n1" } } });
    const del = await call(url, USER, "deleteSSHKeyPair", { name: "k" });
    expect(del.body).toEqual({ deletesshkeypairresponse: { success: true } });
  });

  test("responses are JSON with CloudStack's content type", async () => {
    const res = await fetch(`${url}?command=listZones`);
    expect(res.headers.get("content-type")).toBe("application/json; charset=UTF-8");
  });
});

describe("async jobs", () => {
  const deployParams = {
    zoneid: "00000000-0000-4000-8000-000000000001",
    serviceofferingid: "00000000-0000-4000-8000-000000000002",
    templateid: "00000000-0000-4000-8000-000000000003",
    name: "web-1",
  };

  test("async-create submit returns id + jobid; pending then success with the entity", async () => {
    let release = (): void => undefined;
    h.cloud.deployGate = new Promise<void>((resolve) => (release = resolve));
    const submit = await call(url, USER, "deployVirtualMachine", deployParams);
    expect(submit.status).toBe(200);
    const { id, jobid } = submit.body.deployvirtualmachineresponse;
    expect(Object.keys(submit.body.deployvirtualmachineresponse).sort()).toEqual(["id", "jobid"]);
    const pending = (await call(url, USER, "queryAsyncJobResult", { jobid })).body.queryasyncjobresultresponse;
    expect(pending).toMatchObject({ jobstatus: 0, jobresultcode: 0, jobid, cmd: "org.apache.cloudstack.api.command.user.vm.DeployVMCmd" });
    expect(pending.jobresult).toBeUndefined();
    expect(pending.jobresulttype).toBeUndefined();
    release();
    const done = await waitForJob(url, USER, jobid);
    expect(done).toMatchObject({
      jobstatus: 1,
      jobresultcode: 0,
      jobresulttype: "object",
      // The entity was rendered while its own job was pending, so it carries that job (UserVmJoinDaoImpl).
      jobresult: { virtualmachine: { id, name: "web-1", state: "Running", jobid, jobstatus: 0 } },
      jobinstancetype: "VirtualMachine",
      jobinstanceid: id,
      accountid: "acc-user",
    });
    expect(done.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    expect(done.completed).toMatch(/\+0000$/);
  });

  test("plain async submit returns only jobid; success result is {success:true}", async () => {
    const submit = await call(url, USER, "deleteFirewallRule", { id: "00000000-0000-4000-8000-000000000001" });
    expect(Object.keys(submit.body.deletefirewallruleresponse)).toEqual(["jobid"]);
    const done = await waitForJob(url, USER, submit.body.deletefirewallruleresponse.jobid);
    expect(done.jobresult).toEqual({ success: true });
  });

  test("an ApiError in a job keeps its code; any other exception fails the job with 530", async () => {
    const start = await call(url, USER, "startVirtualMachine", { id: "00000000-0000-4000-8000-000000000001" });
    const failed = await waitForJob(url, USER, start.body.startvirtualmachineresponse.jobid);
    expect(failed).toMatchObject({ jobstatus: 2, jobresultcode: 431, jobresult: { errorcode: 431, errortext: "VM is already running" } });
    const stop = await call(url, USER, "stopVirtualMachine", { id: "00000000-0000-4000-8000-000000000001" });
    const crashed = await waitForJob(url, USER, stop.body.stopvirtualmachineresponse.jobid);
    expect(crashed).toMatchObject({ jobstatus: 2, jobresultcode: 530, jobresult: { errorcode: 530 } });
    expect(JSON.stringify(crashed)).not.toContain("cannot read properties");
  });

  test("jobs of another account are invisible; listAsyncJobs lists the caller's jobs under asyncjobs", async () => {
    const submit = await call(url, USER, "deleteFirewallRule", { id: "00000000-0000-4000-8000-000000000001" });
    const jobid = submit.body.deletefirewallruleresponse.jobid;
    await h.front.jobs.idle();
    const other = await call(url, ADMIN, "queryAsyncJobResult", { jobid });
    expect(other.status).toBe(200); // the root admin sees every job
    const list = await call(url, USER, "listAsyncJobs");
    expect(list.body.listasyncjobsresponse.count).toBe(1);
    expect(list.body.listasyncjobsresponse.asyncjobs[0].jobid).toBe(jobid);
    const adminOwn = await call(url, ADMIN, "listAsyncJobs");
    expect(adminOwn.body).toEqual({ listasyncjobsresponse: {} });
    const adminAll = await call(url, ADMIN, "listAsyncJobs", { listall: "true" });
    expect(adminAll.body.listasyncjobsresponse.count).toBe(1);
    const unknown = await call(url, USER, "queryAsyncJobResult", { jobid: "00000000-0000-4000-8000-0000000000ff" });
    expect(unknown.status).toBe(431);
  });
});

describe("faults at the front", () => {
  test("cmd= fault answers the configured code synchronously, count limits it", async () => {
    h.faults.set("cmd=listZones:rate=1:code=533:count=2");
    const a = await call(url, USER, "listZones");
    const b = await call(url, USER, "listZones");
    const c = await call(url, USER, "listZones");
    expect([a.status, b.status, c.status]).toEqual([533, 533, 200]);
    expect(a.body.listzonesresponse).toMatchObject({ errorcode: 533, cserrorcode: 4325 });
  });

  test("job= fault fails the job without running the work, once, then resumes", async () => {
    h.faults.set("job=deployVirtualMachine:rate=1:code=530:count=1");
    const params = {
      zoneid: "00000000-0000-4000-8000-000000000001",
      serviceofferingid: "00000000-0000-4000-8000-000000000002",
      templateid: "00000000-0000-4000-8000-000000000003",
    };
    const first = await call(url, USER, "deployVirtualMachine", params);
    const failed = await waitForJob(url, USER, first.body.deployvirtualmachineresponse.jobid);
    expect(failed).toMatchObject({ jobstatus: 2, jobresultcode: 530 });
    expect(h.cloud.deployed).toEqual([]);
    const second = await call(url, USER, "deployVirtualMachine", params);
    const ok = await waitForJob(url, USER, second.body.deployvirtualmachineresponse.jobid);
    expect(ok.jobstatus).toBe(1);
    expect(h.cloud.deployed).toEqual([second.body.deployvirtualmachineresponse.id]);
  });

  test("throttle=N answers 429 above N requests per second", async () => {
    h.faults.set("throttle=5");
    const results = await Promise.all(Array.from({ length: 8 }, () => call(url, USER, "listZones")));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const limited = results.find((r) => r.status === 429);
    expect(limited?.body.listzonesresponse).toMatchObject({ errorcode: 429, errortext: "API rate limit exceeded" });
    h.faults.clear();
    expect((await call(url, USER, "listZones")).status).toBe(200);
  });
});

describe("audit", () => {
  test("every call and every job end is recorded, secrets redacted", async () => {
    const userdata = Buffer.from("#cloud-config\npassword: hunter2\n").toString("base64");
    await call(url, USER, "updateVirtualMachine", { id: "00000000-0000-4000-8000-000000000009", userdata }, { method: "POST" });
    await call(url, USER, "listZones", {}, { tamper: (p) => (p.signature = "AAAA") });
    const submit = await call(url, USER, "deleteFirewallRule", { id: "00000000-0000-4000-8000-000000000001" });
    const jobid = submit.body.deletefirewallruleresponse.jobid;
    await waitForJob(url, USER, jobid);
    const api = h.audit.records({ kind: "api" });
    expect(api.map((r) => [r.command, r.status])).toEqual([
      ["updateVirtualMachine", 200],
      ["listZones", 401],
      ["deleteFirewallRule", 200],
      ...api.slice(3).map(() => ["queryAsyncJobResult", 200]),
    ]);
    expect(api[0].params?.userdata).toBe("[redacted]");
    expect(api[0].params?.signature).toBe("[redacted]");
    expect(api[2].jobid).toBe(jobid);
    for (const r of api) expect(r.end).toBeGreaterThanOrEqual(r.start);
    const jobs = h.audit.records({ kind: "job" });
    expect(jobs).toEqual([
      expect.objectContaining({ kind: "job", command: "deleteFirewallRule", jobid, status: "succeeded" }),
    ]);
    expect(JSON.stringify(h.audit.records())).not.toContain(userdata);
    expect(JSON.stringify(h.audit.records())).not.toContain(USER.secretKey);
  });

  test("a failed job's record carries its errorcode", async () => {
    const start = await call(url, USER, "startVirtualMachine", { id: "00000000-0000-4000-8000-000000000001" });
    await waitForJob(url, USER, start.body.startvirtualmachineresponse.jobid);
    expect(h.audit.records({ kind: "job" })[0]).toMatchObject({ status: "failed", errorcode: 431, command: "startVirtualMachine" });
  });
});

describe("admin endpoints and ISOs", () => {
  const admin = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${h.server.apiUrl.replace(/\/client\/api$/, "")}${path}`, {
      ...init,
      headers: { "X-Sim-Admin-Key": ADMIN.apiKey, ...(init.headers as Record<string, string> | undefined) },
    });

  test("admin endpoints need the root admin's API key", async () => {
    const base = h.server.apiUrl.replace(/\/client\/api$/, "");
    expect((await fetch(`${base}/admin/audit`)).status).toBe(401);
    expect((await fetch(`${base}/admin/audit`, { headers: { "X-Sim-Admin-Key": USER.apiKey } })).status).toBe(401);
  });

  test("GET /admin/audit returns the records, filterable", async () => {
    await call(url, USER, "listZones");
    await call(url, USER, "deleteSSHKeyPair", { name: "k" });
    const all = (await (await admin("/admin/audit")).json()) as Array<{ command: string }>;
    expect(all.map((r) => r.command)).toEqual(["listZones", "deleteSSHKeyPair"]);
    const filtered = (await (await admin("/admin/audit?command=deleteSSHKeyPair")).json()) as unknown[];
    expect(filtered).toHaveLength(1);
  });

  test("GET/POST /admin/faults reads and replaces the spec; a bad spec is a 400", async () => {
    const set = await admin("/admin/faults", { method: "POST", body: "cmd=listZones:rate=1:code=534", headers: { "Content-Type": "text/plain" } });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { spec: string }).spec).toBe("cmd=listZones:rate=1:code=534");
    expect((await call(url, USER, "listZones")).status).toBe(534);
    const json = await admin("/admin/faults", { method: "POST", body: JSON.stringify({ rules: [], throttle: 100 }) });
    expect(((await json.json()) as { spec: string }).spec).toBe("throttle=100");
    expect((await call(url, USER, "listZones")).status).toBe(200);
    const bad = await admin("/admin/faults", { method: "POST", body: "explode:rate=2" });
    expect(bad.status).toBe(400);
    const now = (await (await admin("/admin/faults")).json()) as { spec: string };
    expect(now.spec).toBe("throttle=100");
  });

  test("GET /isos/ lists the catalog and /isos/<file> serves the bytes", async () => {
    const base = h.server.isoBaseUrl;
    const index = (await (await fetch(base)).json()) as Array<{ version: string; url: string; sha256: string }>;
    expect(index).toHaveLength(1);
    expect(index[0].version).toBe("1.31.13");
    expect(index[0].url).toBe(`${base}cks-binaries-1.31.13.iso`);
    const bytes = Buffer.from(await (await fetch(index[0].url)).arrayBuffer());
    expect(bytes.equals(h.isoBytes)).toBe(true);
    expect((await fetch(`${base}nope.iso`)).status).toBe(404);
  });
});
