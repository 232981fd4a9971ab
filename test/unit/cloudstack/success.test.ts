// `{success: false}` answers (HTTP 200) must fail the operation, whichever way the client is called:
// the typed client, the generic request the orchestration phases use, and async jobs. CloudStack
// sends `success` as a boolean; old releases send the string "false" (reference/cloudstack-api.md §2).
import { CloudStackClient, type CloudStackClientOptions } from "../../../provider/cloudstack";
import { CloudStackError, CloudStackResponseError } from "../../../provider/cloudstack/errors";
import { createCloudApi } from "../../../provider/cluster/cloudApi";
import { FakeCloudStack, TEST_API_KEY, TEST_SECRET, envelope } from "./fake-cloudstack";

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
  const c = new CloudStackClient({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: TEST_SECRET, asyncPollMs: 5, retryBaseMs: 1, retryMaxMs: 5, retries: 0, ...extra });
  clients.push(c);
  return c;
}

describe("success: false fails the operation", () => {
  it.each([false, "false"])("deleteSSHKeyPair answering success=%p rejects with a CloudStackError naming the command and the text", async (success) => {
    fake.handler = () => envelope("deleteSSHKeyPair", { success, displaytext: "could not delete the key pair" });
    const err = await client().request("deleteSSHKeyPair", { name: "cks-demo" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({ command: "deleteSSHKeyPair", httpStatus: 200, errorcode: 530 });
    expect((err as Error).message).toBe("CloudStack deleteSSHKeyPair failed (530): CloudStack answered success=false: could not delete the key pair");
  });

  it("the typed client rejects too (deleteSSHKeyPair, success \"false\" without text)", async () => {
    fake.handler = () => envelope("deleteSSHKeyPair", { success: "false" });
    await expect(client().deleteSSHKeyPair({ name: "k" })).rejects.toThrow("CloudStack deleteSSHKeyPair failed (530): CloudStack answered success=false");
  });

  it("the orchestration's CloudApi (what the phases call) rejects: a failed delete never counts as deleted", async () => {
    fake.handler = () => envelope("deleteSSHKeyPair", { success: false, displaytext: "busy" });
    const api = createCloudApi({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: TEST_SECRET });
    await expect(api.request("deleteSSHKeyPair", { name: "cks-demo" })).rejects.toThrow(/deleteSSHKeyPair failed .*success=false: busy/);
  });

  it.each([false, "false"])("an async job whose result is success=%p rejects, naming the job", async (success) => {
    fake.handler = (req) =>
      req.command === "deleteNetwork"
        ? envelope("deleteNetwork", { jobid: "job-9" })
        : envelope("queryAsyncJobResult", { jobid: "job-9", jobstatus: 1, jobresultcode: 0, jobresulttype: "object", jobresult: { success, details: "network is in use" } });
    const err = await client().request("deleteNetwork", { id: "n1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({ command: "deleteNetwork", jobid: "job-9" });
    expect((err as Error).message).toMatch(/^CloudStack deleteNetwork failed \(530\) \(async job job-9\): CloudStack answered success=false: network is in use/);
  });

  it.each([true, "true"])("success=%p resolves", async (success) => {
    fake.handler = () => envelope("deleteSSHKeyPair", { success });
    await expect(client().request("deleteSSHKeyPair", { name: "k" })).resolves.toEqual({ success });
    await expect(client().deleteSSHKeyPair({ name: "k" })).resolves.toMatchObject({ success: true });
  });

  it("a success command that answers no success field is an unexpected response, not a success", async () => {
    fake.handler = (req) =>
      req.command === "deleteFirewallRule"
        ? envelope("deleteFirewallRule", { jobid: "j-2" })
        : envelope("queryAsyncJobResult", { jobid: "j-2", jobstatus: 1, jobresultcode: 0, jobresult: { displaytext: "?" } });
    await expect(client().request("deleteFirewallRule", { id: "r" })).rejects.toBeInstanceOf(CloudStackResponseError);
  });

  it("commands that answer entities are not checked for success", async () => {
    fake.handler = () => envelope("listZones", { count: 1, zone: [{ id: "z", name: "zone", success: false }] });
    await expect(client().listZones()).resolves.toHaveLength(1);
  });
});
