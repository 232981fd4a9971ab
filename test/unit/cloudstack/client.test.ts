import { CloudStackClient, type CloudStackClientOptions } from "../../../provider/cloudstack";
import {
  CloudStackAbortError,
  CloudStackConnectionError,
  CloudStackError,
  CloudStackResponseError,
  CloudStackTimeoutError,
  isNotFound,
} from "../../../provider/cloudstack/errors";
import { FakeCloudStack, TEST_API_KEY, TEST_SECRET, envelope, errorReply } from "./fake-cloudstack";

let fake: FakeCloudStack;
const clients: CloudStackClient[] = [];

beforeEach(async () => {
  fake = await FakeCloudStack.start();
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await fake.stop();
});

function client(extra: Partial<CloudStackClientOptions> = {}): CloudStackClient {
  const c = new CloudStackClient({
    apiUrl: fake.url,
    apiKey: TEST_API_KEY,
    secretKey: TEST_SECRET,
    asyncPollMs: 5,
    retryBaseMs: 1,
    retryMaxMs: 5,
    retries: 3,
    ...extra,
  });
  clients.push(c);
  return c;
}

const zone = (i: number) => ({ id: `z-${i}`, name: `zone-${i}`, networktype: "Advanced" });
const vm = (state = "Running") => ({ id: "vm-1", name: "web-1", state, nic: [{ id: "n1", networkid: "net-1", ipaddress: "10.1.1.5", isdefault: true }] });

describe("envelopes and lists", () => {
  it("unwraps the response key and validates entities, keeping unknown fields", async () => {
    fake.handler = () => envelope("listZones", { count: 2, zone: [zone(1), { ...zone(2), extra: 42 }] });
    const zones = await client().listZones({ available: true });
    expect(zones.map((z) => z.id)).toEqual(["z-1", "z-2"]);
    expect(zones[1]!.extra).toBe(42);
    const sent = fake.calls("listZones")[0]!;
    expect(sent.params.available).toBe("true");
    expect(sent.params.page).toBe("1");
    expect(sent.params.pagesize).toBe("500");
  });

  it("treats an empty list envelope {} as []", async () => {
    fake.handler = () => envelope("listVirtualMachines", {});
    await expect(client().listVirtualMachines({ listall: true })).resolves.toEqual([]);
  });

  it("request() returns the object under the response key", async () => {
    fake.handler = () => envelope("listZones", { count: 1, zone: [zone(1)] });
    await expect(client().request("listZones")).resolves.toEqual({ count: 1, zone: [zone(1)] });
  });

  it("finds a mixed-case response key (resetSSHKeyforvirtualmachineresponse)", async () => {
    fake.handler = (req) =>
      req.command === "resetSSHKeyForVirtualMachine"
        ? { body: { resetSSHKeyforvirtualmachineresponse: { jobid: "j-1" } } }
        : envelope("queryAsyncJobResult", { jobid: "j-1", jobstatus: 1, jobresultcode: 0, jobresult: { virtualmachine: vm("Stopped") } });
    const result = await client().request<{ virtualmachine: { id: string } }>("resetSSHKeyForVirtualMachine", { id: "vm-1", keypair: "k" });
    expect(result.virtualmachine.id).toBe("vm-1");
  });

  it("pages until count items: 1203 items over 3 pages of 500", async () => {
    const all = Array.from({ length: 1203 }, (_, i) => ({ id: `vm-${i}`, name: `n${i}`, state: "Running" }));
    fake.handler = (req) => {
      const page = Number(req.params.page);
      const size = Number(req.params.pagesize);
      return envelope("listVirtualMachines", { count: all.length, virtualmachine: all.slice((page - 1) * size, page * size) });
    };
    const vms = await client().listVirtualMachines({});
    expect(vms).toHaveLength(1203);
    expect(vms[1202]!.id).toBe("vm-1202");
    expect(fake.calls("listVirtualMachines").map((r) => [r.params.page, r.params.pagesize])).toEqual([
      ["1", "500"],
      ["2", "500"],
      ["3", "500"],
    ]);
  });

  it("stops paging on a page past the end ({count} only)", async () => {
    fake.handler = (req) =>
      req.params.page === "1" ? envelope("listNetworks", { count: 5, network: [{ id: "n1", name: "a" }] }) : envelope("listNetworks", { count: 5 });
    await expect(client().listNetworks({})).resolves.toHaveLength(1);
    expect(fake.calls("listNetworks")).toHaveLength(2);
  });

  it("registerIso: synchronous one-element list", async () => {
    fake.handler = () => envelope("registerIso", { count: 1, iso: [{ id: "iso-1", name: "k8s-1.31.4", isready: false }] });
    const iso = await client().registerIso({ name: "k8s-1.31.4", url: "http://x/iso", zoneid: "z-1" });
    expect(iso).toMatchObject({ id: "iso-1", isready: false });
    expect(fake.calls("registerIso")[0]!.method).toBe("POST");
  });

  it("rejects an entity that lacks a required field, naming the path but not the values", async () => {
    fake.handler = () => envelope("listVirtualMachines", { count: 1, virtualmachine: [{ id: "vm-1", name: "x", userdata: "c2VjcmV0LXN0dWZm" }] });
    const err = await client().listVirtualMachines({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackResponseError);
    expect((err as Error).message).toMatch(/listVirtualMachines.*0\.state/);
    expect((err as Error).message).not.toContain("c2VjcmV0LXN0dWZm");
  });

  it("normalises string ports and boolean success", async () => {
    fake.handler = () =>
      envelope("listPortForwardingRules", {
        count: 1,
        portforwardingrule: [{ id: "r1", protocol: "tcp", ipaddressid: "ip1", privateport: "22", publicport: "2222", virtualmachineid: "vm-1" }],
      });
    const [rule] = await client().listPortForwardingRules({});
    expect(rule!.publicport).toBe(2222);
    expect(rule!.privateport).toBe(22);
  });

  it("turns success:false into an error", async () => {
    fake.handler = () => envelope("deleteSSHKeyPair", { success: false, displaytext: "could not delete" });
    await expect(client().deleteSSHKeyPair({ name: "k" })).rejects.toThrow(/deleteSSHKeyPair.*could not delete/);
  });
});

describe("HTTP errors", () => {
  it("401 names the command and hints at keys and clock", async () => {
    const c = new CloudStackClient({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: "wrong-secret", retries: 0 });
    clients.push(c);
    const err = (await c.listZones().catch((e: unknown) => e)) as CloudStackError;
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({ command: "listZones", httpStatus: 401, errorcode: 401, cserrorcode: 0 });
    expect(err.message).toMatch(/^CloudStack listZones failed \(401\): unable to verify/);
    expect(err.message).toMatch(/secret key.*clock/);
  });

  it("431 carries errorcode, cserrorcode and errortext", async () => {
    fake.handler = () => errorReply("deployVirtualMachine", 431, "Unable to execute API command deployvirtualmachine due to missing parameter zoneid");
    const err = (await client()
      .deployVirtualMachine({ zoneid: "", serviceofferingid: "s" })
      .catch((e: unknown) => e)) as CloudStackError;
    expect(err).toMatchObject({ command: "deployVirtualMachine", httpStatus: 431, errorcode: 431, cserrorcode: 4350 });
    expect(err.message).toBe(
      "CloudStack deployVirtualMachine failed (431): Unable to execute API command deployvirtualmachine due to missing parameter zoneid",
    );
    expect(fake.calls("deployVirtualMachine")).toHaveLength(1);
  });

  it("530 on a state-changing command is not retried", async () => {
    fake.handler = () => errorReply("createNetwork", 530, "Internal error executing command", 4250);
    await expect(client().createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" })).rejects.toMatchObject({
      errorcode: 530,
      cserrorcode: 4250,
    });
    expect(fake.calls("createNetwork")).toHaveLength(1);
  });

  it("432 from errorresponse hints that the command is unavailable", async () => {
    fake.handler = () => ({ status: 432, body: { errorresponse: { errorcode: 432, cserrorcode: 9999, errortext: "Unknown API command: listCniConfiguration" } } });
    await expect(client().listCniConfiguration()).rejects.toThrow(/\(432\): Unknown API command.*not available/);
  });

  it("533 and 535 get capacity / limit hints", async () => {
    fake.handler = () => errorReply("createNetwork", 533, "Insufficient capacity", 4325);
    await expect(client().createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" })).rejects.toThrow(/no capacity/);
    fake.handler = () => errorReply("createNetwork", 535, "Maximum number of resources of type 'network' exceeded", 4370);
    await expect(client().createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" })).rejects.toThrow(/resource limit/);
  });

  it("a non-JSON error body becomes a CloudStackError with the status", async () => {
    fake.handler = () => ({ status: 502, body: "<html>Bad Gateway</html>" });
    await expect(client({ retries: 0 }).listZones()).rejects.toMatchObject({ httpStatus: 502, errortext: expect.stringMatching(/non-JSON.*Bad Gateway/) });
  });

  it("isNotFound recognises CloudStack's 'entity does not exist' answers only", () => {
    const notFound = new CloudStackError(
      "deleteNetwork",
      431,
      431,
      4350,
      "Unable to execute API command deletenetwork due to invalid value. Invalid parameter id value=abc due to incorrect long value format, or entity does not exist",
    );
    expect(isNotFound(notFound)).toBe(true);
    expect(isNotFound(new CloudStackError("deleteNetwork", 530, 530, 4250, "Unable to find network by id"))).toBe(true);
    expect(isNotFound(new CloudStackError("deleteNetwork", 536, 536, 0, "network does not exist in use"))).toBe(false);
    expect(isNotFound(new CloudStackError("deleteNetwork", 431, 431, 4350, "missing parameter id"))).toBe(false);
    expect(isNotFound(new Error("does not exist"))).toBe(false);
  });
});

describe("async jobs", () => {
  it("polls until success and returns the job result entity (async-create)", async () => {
    fake.handler = (req, nth) => {
      if (req.command === "deployVirtualMachine") return envelope("deployVirtualMachine", { id: "vm-1", jobid: "job-1" });
      expect(req.params.jobid).toBe("job-1");
      return nth < 3
        ? envelope("queryAsyncJobResult", { jobid: "job-1", jobstatus: 0, jobresultcode: 0 })
        : envelope("queryAsyncJobResult", { jobid: "job-1", jobstatus: 1, jobresultcode: 0, jobresulttype: "object", jobresult: { virtualmachine: vm() } });
    };
    const created = await client().deployVirtualMachine({ zoneid: "z", serviceofferingid: "s", templateid: "t" });
    expect(created).toMatchObject({ id: "vm-1", state: "Running" });
    expect(created.nic?.[0]?.ipaddress).toBe("10.1.1.5");
    expect(fake.calls("queryAsyncJobResult")).toHaveLength(3);
    expect(fake.calls("queryAsyncJobResult").every((r) => r.method === "GET")).toBe(true);
  });

  it("request() resolves with the jobresult object", async () => {
    fake.handler = (req) =>
      req.command === "deleteNetwork"
        ? envelope("deleteNetwork", { jobid: "job-2" })
        : envelope("queryAsyncJobResult", { jobid: "job-2", jobstatus: 1, jobresultcode: 0, jobresult: { success: true } });
    await expect(client().request("deleteNetwork", { id: "n1" })).resolves.toEqual({ success: true });
  });

  it("jobstatus 2 becomes a CloudStackError with the job's errorcode, errortext and jobid", async () => {
    fake.handler = (req) =>
      req.command === "deployVirtualMachine"
        ? envelope("deployVirtualMachine", { id: "vm-9", jobid: "job-3" })
        : envelope("queryAsyncJobResult", {
            jobid: "job-3",
            jobstatus: 2,
            jobresultcode: 533,
            jobresulttype: "object",
            jobresult: { errorcode: 533, errortext: "Unable to create a deployment for VM" },
          });
    const err = (await client()
      .deployVirtualMachine({ zoneid: "z", serviceofferingid: "s" })
      .catch((e: unknown) => e)) as CloudStackError;
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({ command: "deployVirtualMachine", errorcode: 533, jobid: "job-3", entityId: "vm-9", errortext: "Unable to create a deployment for VM" });
    expect(err.message).toMatch(/^CloudStack deployVirtualMachine failed \(533\) \(async job job-3\): Unable to create a deployment for VM\. Hint: .*capacity/);
  });

  it("gives up at the deadline with the job id", async () => {
    fake.handler = (req) =>
      req.command === "stopVirtualMachine"
        ? envelope("stopVirtualMachine", { jobid: "job-4" })
        : envelope("queryAsyncJobResult", { jobid: "job-4", jobstatus: 0, jobresultcode: 0 });
    const started = Date.now();
    const err = (await client()
      .stopVirtualMachine({ id: "vm-1" }, { deadlineMs: 150 })
      .catch((e: unknown) => e)) as CloudStackTimeoutError;
    expect(err).toBeInstanceOf(CloudStackTimeoutError);
    expect(err).toMatchObject({ command: "stopVirtualMachine", jobid: "job-4" });
    expect(err.message).toMatch(/within 150 ms.*job-4 may still be running/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.calls("queryAsyncJobResult").length).toBeGreaterThan(1);
  });

  it("honours asyncDeadlineMs from the options", async () => {
    fake.handler = (req) =>
      req.command === "startVirtualMachine"
        ? envelope("startVirtualMachine", { jobid: "job-5" })
        : envelope("queryAsyncJobResult", { jobid: "job-5", jobstatus: 0 });
    await expect(client({ asyncDeadlineMs: 60 }).startVirtualMachine({ id: "vm-1" })).rejects.toBeInstanceOf(CloudStackTimeoutError);
  });

  it("a poll cut short by the job's deadline is a timeout naming the job, not a connection error", async () => {
    fake.handler = async (req) => {
      if (req.command === "startVirtualMachine") return envelope("startVirtualMachine", { jobid: "job-6" });
      await new Promise((r) => setTimeout(r, 400)); // the poll outlives the 100 ms the job has
      return envelope("queryAsyncJobResult", { jobid: "job-6", jobstatus: 0 });
    };
    const err = await client({ asyncDeadlineMs: 100 }).startVirtualMachine({ id: "vm-1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackTimeoutError);
    expect(err).toMatchObject({ command: "startVirtualMachine", jobid: "job-6" });
  });

  it("stops polling when the signal aborts", async () => {
    const controller = new AbortController();
    fake.handler = (req, nth) => {
      if (req.command === "rebootVirtualMachine") return envelope("rebootVirtualMachine", { jobid: "job-6" });
      if (nth === 2) controller.abort();
      return envelope("queryAsyncJobResult", { jobid: "job-6", jobstatus: 0 });
    };
    const err = await client()
      .rebootVirtualMachine({ id: "vm-1" }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackAbortError);
    expect((err as Error).message).toMatch(/rebootVirtualMachine was aborted; async job job-6/);
    const polls = fake.calls("queryAsyncJobResult").length;
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calls("queryAsyncJobResult").length).toBe(polls);
  });

  it("an already aborted signal sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client().listZones({}, { signal: controller.signal })).rejects.toBeInstanceOf(CloudStackAbortError);
    expect(fake.requests).toHaveLength(0);
  });

  it("aborts an HTTP request in flight", async () => {
    const controller = new AbortController();
    fake.handler = () => new Promise(() => setTimeout(() => controller.abort(), 10)); // never answers
    await expect(client().listZones({}, { signal: controller.signal })).rejects.toBeInstanceOf(CloudStackAbortError);
  });
});

describe("retries", () => {
  it.each([429, 503])("retries a read-only command after HTTP %i", async (status) => {
    fake.handler = (_req, nth) => (nth < 3 ? errorReply("listZones", status, "slow down", 9999) : envelope("listZones", { count: 1, zone: [zone(1)] }));
    await expect(client().listZones()).resolves.toHaveLength(1);
    expect(fake.calls("listZones")).toHaveLength(3);
  });

  it.each([429, 503])("retries a state-changing POST after HTTP %i (answered before execution)", async (status) => {
    fake.handler = (_req, nth) =>
      nth === 1 ? errorReply("createNetwork", status, "throttled", 9999) : envelope("createNetwork", { network: { id: "net-1", name: "n" } });
    await expect(client().createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" })).resolves.toMatchObject({ id: "net-1" });
    expect(fake.calls("createNetwork")).toHaveLength(2);
  });

  it.each([500, 502, 530])("retries a read-only command answered %i once (reads are idempotent)", async (status) => {
    fake.handler = (_req, nth) =>
      nth === 1 ? errorReply("listServiceOfferings", status, "Internal error executing command", 4250) : envelope("listServiceOfferings", { count: 1, serviceoffering: [{ id: "so-1", name: "small" }] });
    await expect(client().request("listServiceOfferings", {})).resolves.toMatchObject({ count: 1 });
    expect(fake.calls("listServiceOfferings")).toHaveLength(2);
  });

  it.each([500, 530])("never re-sends a state-changing command answered %i (it may have done part of its work)", async (status) => {
    fake.handler = () => errorReply("createNetwork", status, "Internal error executing command", 4250);
    await expect(client().createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" })).rejects.toMatchObject({ errorcode: status });
    expect(fake.calls("createNetwork")).toHaveLength(1);
  });

  it.each<[string, (nth: number) => "reset" | ReturnType<typeof errorReply> | undefined]>([
    ["530", (nth) => (nth === 1 ? errorReply("queryAsyncJobResult", 530, "Internal error executing command", 4250) : undefined)],
    ["503", (nth) => (nth === 1 ? errorReply("queryAsyncJobResult", 503, "maintenance", 9999) : undefined)],
    ["ECONNRESET", (nth) => (nth === 1 ? "reset" : undefined)],
  ])("a job poll answered %s once is retried and the job's result comes back", async (_name, fault) => {
    fake.handler = (req, nth) => {
      if (req.command === "deployVirtualMachine") return envelope("deployVirtualMachine", { id: "vm-1", jobid: "job-7" });
      return fault(nth) ?? envelope("queryAsyncJobResult", { jobid: "job-7", jobstatus: 1, jobresultcode: 0, jobresult: { virtualmachine: vm() } });
    };
    await expect(client().deployVirtualMachine({ zoneid: "z", serviceofferingid: "s", templateid: "t" })).resolves.toMatchObject({ id: "vm-1" });
    expect(fake.calls("queryAsyncJobResult")).toHaveLength(2);
    expect(fake.calls("deployVirtualMachine")).toHaveLength(1);
  });

  it("a failed job (jobstatus 2) still fails after a transient poll error", async () => {
    fake.handler = (req, nth) => {
      if (req.command === "deployVirtualMachine") return envelope("deployVirtualMachine", { id: "vm-9", jobid: "job-8" });
      if (nth === 1) return errorReply("queryAsyncJobResult", 530, "Internal error executing command", 4250);
      return envelope("queryAsyncJobResult", { jobid: "job-8", jobstatus: 2, jobresultcode: 530, jobresult: { errorcode: 530, errortext: "Job failed for real" } });
    };
    await expect(client().deployVirtualMachine({ zoneid: "z", serviceofferingid: "s" })).rejects.toMatchObject({ command: "deployVirtualMachine", errorcode: 530, jobid: "job-8", errortext: "Job failed for real" });
    // The failed job is final: no more polls after it, and the deploy is not sent again.
    expect(fake.calls("queryAsyncJobResult")).toHaveLength(2);
    expect(fake.calls("deployVirtualMachine")).toHaveLength(1);
  });

  it("read retries stop at the deadline with the server's error, not a timeout", async () => {
    fake.handler = () => errorReply("listZones", 530, "Internal error executing command", 4250);
    const started = Date.now();
    const err = await client({ retries: 10, retryBaseMs: 40, retryMaxMs: 1000 }).listZones({}, { deadlineMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({ errorcode: 530 });
    expect(Date.now() - started).toBeLessThan(1000);
    const calls = fake.calls("listZones").length;
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(11);
  });

  it("a read retry wait is cut short by the signal", async () => {
    const controller = new AbortController();
    fake.handler = () => {
      setTimeout(() => controller.abort(), 20);
      return errorReply("listZones", 530, "Internal error executing command", 4250);
    };
    const started = Date.now();
    await expect(client({ retryBaseMs: 5000, retryMaxMs: 5000 }).listZones({}, { signal: controller.signal })).rejects.toBeInstanceOf(CloudStackAbortError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.calls("listZones")).toHaveLength(1);
  });

  it("gives up after the configured number of retries", async () => {
    fake.handler = () => errorReply("listZones", 503, "maintenance", 9999);
    await expect(client({ retries: 2 }).listZones()).rejects.toMatchObject({ errorcode: 503, message: expect.stringMatching(/maintenance/) });
    expect(fake.calls("listZones")).toHaveLength(3);
  });

  it("prefers Retry-After over its own backoff, capped by retryMaxMs", async () => {
    const throttled = (seconds: string) => ({ ...(errorReply("listZones", 429, "slow", 9999) as object), headers: { "retry-after": seconds } }) as never;
    fake.handler = (_req, nth) => (nth === 1 ? throttled("0") : envelope("listZones", {}));
    let started = Date.now();
    // Backoff alone would wait at least 4 s here (5 s ±20 %); Retry-After: 0 says go now.
    await expect(client({ retryBaseMs: 5000, retryMaxMs: 5000 }).listZones()).resolves.toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);

    fake.handler = (_req, nth) => (nth === 3 ? throttled("30") : envelope("listZones", {})); // nth counts per command across the test
    started = Date.now();
    await expect(client({ retryMaxMs: 20 }).listZones()).resolves.toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.calls("listZones")).toHaveLength(4);
  });

  it("retries a read-only command after a connection reset", async () => {
    fake.handler = (_req, nth) => (nth === 1 ? "reset" : envelope("listZones", { count: 1, zone: [zone(1)] }));
    await expect(client().listZones()).resolves.toHaveLength(1);
    expect(fake.calls("listZones")).toHaveLength(2);
  });

  it("never re-sends a state-changing POST reset after it was sent", async () => {
    fake.handler = () => "reset";
    const err = (await client()
      .createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" })
      .catch((e: unknown) => e)) as CloudStackConnectionError;
    expect(err).toBeInstanceOf(CloudStackConnectionError);
    expect(err.code).toBe("ECONNRESET");
    expect(err.message).toMatch(/createNetwork.*not retried because the request may already have been executed/);
    expect(fake.calls("createNetwork")).toHaveLength(1);
  });

  it("retries a state-changing command when the connection is refused (never delivered)", async () => {
    const url = fake.url;
    await fake.stop();
    const warnings: string[] = [];
    const c = new CloudStackClient({ apiUrl: url, apiKey: TEST_API_KEY, secretKey: TEST_SECRET, retries: 2, retryBaseMs: 1, retryMaxMs: 2, logger: { warn: (m) => warnings.push(m) } });
    clients.push(c);
    const err = await c.createNetwork({ name: "n", networkofferingid: "o", zoneid: "z" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackConnectionError);
    expect((err as CloudStackConnectionError).code).toBe("ECONNREFUSED");
    expect(warnings.filter((w) => /createNetwork: ECONNREFUSED, retry/.test(w))).toHaveLength(2);
    fake = await FakeCloudStack.start(); // for afterEach
  });

  it("times out a request that gets no answer (timeoutMs)", async () => {
    fake.handler = () => new Promise(() => undefined);
    const err = await client({ timeoutMs: 50, retries: 0 }).listZones().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackConnectionError);
    expect((err as CloudStackConnectionError).code).toBe("ETIMEDOUT");
  });
});

describe("GET or POST", () => {
  it("list commands go by GET with a signed query string", async () => {
    fake.handler = () => envelope("listVirtualMachines", {});
    await client().listVirtualMachines({ tags: { "cks-cluster": "c1" }, keyword: "café ü" });
    const [req] = fake.calls("listVirtualMachines");
    expect(req!.method).toBe("GET");
    expect(req!.rawBody).toBe("");
    expect(req!.params).toMatchObject({ "tags[0].key": "cks-cluster", "tags[0].value": "c1", keyword: "café ü", signatureversion: "3" });
  });

  it("state-changing commands and large userdata go by POST form", async () => {
    const userdata = Buffer.from("#cloud-config\n" + "x".repeat(4000)).toString("base64");
    expect(userdata.length).toBeGreaterThan(4096);
    fake.handler = (req) =>
      req.command === "deployVirtualMachine"
        ? envelope("deployVirtualMachine", { id: "vm-1", jobid: "j" })
        : envelope("queryAsyncJobResult", { jobid: "j", jobstatus: 1, jobresult: { virtualmachine: vm() } });
    await client().deployVirtualMachine({ zoneid: "z", serviceofferingid: "s", templateid: "t", userdata, keypairs: ["a", "b"] });
    const [req] = fake.calls("deployVirtualMachine");
    expect(req!.method).toBe("POST");
    expect(req!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req!.rawQuery).toBe("");
    expect(req!.params.userdata).toBe(userdata);
    expect(req!.params.keypairs).toBe("a,b");
  });

  it("a read-only command carrying userdata is POSTed too", async () => {
    fake.handler = () => envelope("listTemplates", {});
    await client().request("listTemplates", { templatefilter: "all", userdata: "abcd" });
    expect(fake.calls("listTemplates")[0]!.method).toBe("POST");
  });
});

describe("options", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("falls back to CLOUDSTACK_* environment variables", async () => {
    process.env.CLOUDSTACK_API_URL = fake.url;
    process.env.CLOUDSTACK_API_KEY = TEST_API_KEY;
    process.env.CLOUDSTACK_SECRET_KEY = TEST_SECRET;
    fake.handler = () => envelope("listZones", {});
    const c = new CloudStackClient();
    clients.push(c);
    await expect(c.listZones()).resolves.toEqual([]);
  });

  it.each([
    ["apiUrl", "CLOUDSTACK_API_URL"],
    ["apiKey", "CLOUDSTACK_API_KEY"],
    ["secretKey", "CLOUDSTACK_SECRET_KEY"],
  ])("names the missing %s option and its env var %s", (option, envName) => {
    delete process.env.CLOUDSTACK_API_URL;
    delete process.env.CLOUDSTACK_API_KEY;
    delete process.env.CLOUDSTACK_SECRET_KEY;
    const options: Record<string, string> = { apiUrl: "https://cloud.example/client/api", apiKey: "k", secretKey: "s" };
    delete options[option];
    expect(() => new CloudStackClient(options)).toThrow(new RegExp(`"${option}" option or set ${envName}`));
  });

  it("refuses a non-http URL and bad numbers without echoing secrets", () => {
    expect(() => new CloudStackClient({ apiUrl: "ftp://x", apiKey: "k", secretKey: "TOPSECRET-123" })).toThrow(/apiUrl: must be an http/);
    try {
      new CloudStackClient({ apiUrl: "http://x", apiKey: "k", secretKey: "TOPSECRET-123", retries: -1 });
      throw new Error("expected a throw");
    } catch (err) {
      expect((err as Error).message).toMatch(/retries/);
      expect((err as Error).message).not.toContain("TOPSECRET");
    }
  });
});

describe("options: empty values", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("an empty option falls back to the env var; an empty caBundle is ignored", async () => {
    process.env.CLOUDSTACK_SECRET_KEY = TEST_SECRET;
    fake.handler = () => envelope("listZones", {});
    const c = new CloudStackClient({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: "", caBundle: "" });
    clients.push(c);
    await expect(c.listZones()).resolves.toEqual([]);
  });
});
