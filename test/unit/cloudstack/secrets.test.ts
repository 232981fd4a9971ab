// No secret (secret key, signature, userdata, password) in any error message, error field or log line.
import { CloudStackClient } from "../../../provider/cloudstack";
import { redactParams } from "../../../provider/cloudstack/redact";
import { FakeCloudStack, TEST_API_KEY, TEST_SECRET, envelope, type RecordedRequest } from "./fake-cloudstack";

const USERDATA = Buffer.from("#cloud-config\nwrite_files:\n- content: token-abcdef.0123456789abcdef\n").toString("base64");
const PASSWORD = "Pa55word!with~specials";

let fake: FakeCloudStack;
const logLines: string[] = [];
let client: CloudStackClient;

beforeEach(async () => {
  fake = await FakeCloudStack.start();
  logLines.length = 0;
  client = new CloudStackClient({
    apiUrl: fake.url,
    apiKey: TEST_API_KEY,
    secretKey: TEST_SECRET,
    asyncPollMs: 5,
    retries: 1,
    retryBaseMs: 1,
    logger: { debug: (m) => logLines.push(m), warn: (m) => logLines.push(m) },
  });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

/** Every way a secret could leak out of an error. */
function exposedText(err: unknown): string {
  const e = err as Error & Record<string, unknown>;
  return [e.message, e.stack, String(e), JSON.stringify(e), ...Object.values(e).map(String), ...logLines].join("\n");
}

function assertNoSecrets(text: string, sent: RecordedRequest): void {
  const signature = sent.params.signature!;
  expect(signature.length).toBeGreaterThan(10);
  for (const secret of [TEST_SECRET, signature, encodeURIComponent(signature), USERDATA, encodeURIComponent(USERDATA), PASSWORD, encodeURIComponent(PASSWORD)]) {
    expect(text).not.toContain(secret);
  }
}

const deployParams = { zoneid: "z", serviceofferingid: "s", templateid: "t", userdata: USERDATA, password: PASSWORD };

it("scrubs secrets echoed in a CloudStack errortext", async () => {
  fake.handler = (req) => ({
    status: 431,
    body: {
      deployvirtualmachineresponse: {
        errorcode: 431,
        cserrorcode: 4350,
        errortext: `Invalid userdata value=${req.params.userdata} password=${req.params.password} sig=${req.params.signature}`,
      },
    },
  });
  const err = await client.deployVirtualMachine(deployParams).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/Invalid userdata value=\[redacted\] password=\[redacted\] sig=\[redacted\]/);
  assertNoSecrets(exposedText(err), fake.requests[0]!);
});

it("scrubs secrets from a non-JSON error page that echoes the raw request", async () => {
  fake.handler = (req) => ({ status: 400, body: `<html>Bad request: ${req.rawBody} ${req.params.signature}</html>` });
  const err = await client.deployVirtualMachine(deployParams).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/non-JSON/);
  assertNoSecrets(exposedText(err), fake.requests[0]!);
});

it("scrubs secrets from a failed job's errortext", async () => {
  fake.handler = (req) =>
    req.command === "deployVirtualMachine"
      ? envelope("deployVirtualMachine", { id: "vm-1", jobid: "job-1" })
      : envelope("queryAsyncJobResult", { jobid: "job-1", jobstatus: 2, jobresultcode: 530, jobresult: { errorcode: 530, errortext: `cloud-init rejected ${USERDATA}` } });
  const err = await client.deployVirtualMachine(deployParams).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/cloud-init rejected \[redacted\]/);
  assertNoSecrets(exposedText(err), fake.calls("deployVirtualMachine")[0]!);
});

it("debug lines show the command but redact secret parameters", async () => {
  fake.handler = (req) =>
    req.command === "deployVirtualMachine"
      ? envelope("deployVirtualMachine", { id: "vm-1", jobid: "job-1" })
      : envelope("queryAsyncJobResult", { jobid: "job-1", jobstatus: 1, jobresult: { virtualmachine: { id: "vm-1", name: "n", state: "Running" } } });
  await client.deployVirtualMachine(deployParams);
  const joined = logLines.join("\n");
  expect(joined).toMatch(/POST deployVirtualMachine/);
  expect(joined).toMatch(/"userdata":"\[redacted\]"/);
  expect(joined).toMatch(/"password":"\[redacted\]"/);
  expect(joined).toMatch(/"signature":"\[redacted\]"/);
  assertNoSecrets(joined, fake.calls("deployVirtualMachine")[0]!);
});

it("a connection error names the endpoint but not the query", async () => {
  fake.handler = () => "reset";
  const err = await client.deployVirtualMachine(deployParams).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/no answer from 127\.0\.0\.1:\d+ \(ECONNRESET\)/);
  assertNoSecrets(exposedText(err), fake.requests[0]!);
});

it("redactParams hides every secret-bearing name, including map entries", () => {
  expect(
    redactParams({
      signature: "s",
      secretkey: "k",
      password: "p",
      dockerregistrypassword: "d",
      userdata: "u",
      "userdatadetails[0].token": "t",
      name: "web-1",
    }),
  ).toEqual({
    signature: "[redacted]",
    secretkey: "[redacted]",
    password: "[redacted]",
    dockerregistrypassword: "[redacted]",
    userdata: "[redacted]",
    "userdatadetails[0].token": "[redacted]",
    name: "web-1",
  });
});
