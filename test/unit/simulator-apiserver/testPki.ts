// Test PKI for the API server tests: a cluster CA, a serving certificate for loopback, client
// certificates with CN/O, and a foreign CA. ECDSA P-256 keeps generation fast.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "crypto";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export interface TestCa extends CertAndKey {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

const notBefore = () => new Date(Date.now() - 60_000);
const notAfter = () => new Date(Date.now() + 24 * 3600_000);

export async function createCa(cn: string): Promise<TestCa> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys,
    notBefore: notBefore(),
    notAfter: notAfter(),
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return { cert, keys, certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey) };
}

async function issue(ca: TestCa, subject: string, extensions: x509.Extension[]): Promise<CertAndKey> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    notBefore: notBefore(),
    notAfter: notAfter(),
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), ...extensions],
  });
  return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey) };
}

export function serverCert(ca: TestCa, ips: string[]): Promise<CertAndKey> {
  return issue(ca, "CN=kube-apiserver", [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([...ips.map((ip) => ({ type: "ip" as const, value: ip })), { type: "dns", value: "kubernetes" }, { type: "dns", value: "localhost" }]),
  ]);
}

export function clientCert(ca: TestCa, cn: string, groups: string[]): Promise<CertAndKey> {
  return issue(ca, [`CN=${cn}`, ...groups.map((g) => `O=${g}`)].join(", "), [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
}

/**
 * A kubeconfig (YAML is a JSON superset, so JSON is a valid kubeconfig file). A user without any
 * credentials makes kubectl prompt for a password, so "no client certificate" is a bearer token here.
 */
export function kubeconfig(server: string, caPem: string, client: CertAndKey | { token: string }): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "sim", cluster: { server, "certificate-authority-data": b64(caPem) } }],
    users: [{ name: "admin", user: "token" in client ? { token: client.token } : { "client-certificate-data": b64(client.certPem), "client-key-data": b64(client.keyPem) } }],
    contexts: [{ name: "sim", context: { cluster: "sim", user: "admin" } }],
    "current-context": "sim",
  });
}
