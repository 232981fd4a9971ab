import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { CloudStackClient, CloudStackConnectionError } from "../../../provider/cloudstack";
import { FakeCloudStack, TEST_API_KEY, TEST_SECRET, envelope } from "./fake-cloudstack";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

async function selfSignedCert(): Promise<{ cert: string; key: string }> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0a1b2c",
    name: "CN=fake-cloudstack",
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    signingAlgorithm: alg,
    keys: keys as webcrypto.CryptoKeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", (keys as webcrypto.CryptoKeyPair).privateKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString("pem"), key };
}

let fake: FakeCloudStack;
let tls: { cert: string; key: string };
const clients: CloudStackClient[] = [];

beforeAll(async () => {
  tls = await selfSignedCert();
  fake = await FakeCloudStack.start(tls);
  fake.handler = () => envelope("listZones", { count: 1, zone: [{ id: "z", name: "zone" }] });
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await fake.stop();
});

function client(extra: { caBundle?: string; insecure?: boolean }): CloudStackClient {
  const c = new CloudStackClient({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: TEST_SECRET, retries: 2, retryBaseMs: 1, retryMaxMs: 2, ...extra });
  clients.push(c);
  return c;
}

describe("TLS", () => {
  it("verifies by default: an unknown self-signed certificate is refused, without retries", async () => {
    const warnings: string[] = [];
    const c = new CloudStackClient({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: TEST_SECRET, retries: 2, retryBaseMs: 1, logger: { warn: (m) => warnings.push(m) } });
    clients.push(c);
    const before = fake.requests.length;
    const err = await c.listZones().catch((e: unknown) => e);
    expect(warnings).toEqual([]);
    expect(err).toBeInstanceOf(CloudStackConnectionError);
    expect((err as CloudStackConnectionError).message).toMatch(/self[- ]signed/i);
    expect(fake.requests.length).toBe(before);
  });

  it("trusts the server with caBundle", async () => {
    await expect(client({ caBundle: tls.cert }).listZones()).resolves.toEqual([{ id: "z", name: "zone", tags: [] }]);
  });

  it("connects to an untrusted server only with insecure: true", async () => {
    await expect(client({ insecure: true }).listZones()).resolves.toHaveLength(1);
  });

  it("rejects a caBundle that is not PEM", () => {
    expect(() => client({ caBundle: "not a certificate" })).toThrow(/caBundle: must be a PEM certificate bundle/);
  });
});
