// Real X.509 material for simulated clusters: a CA per cluster and leaf certificates signed by it,
// generated with @peculiar/x509 over node's WebCrypto. ECDSA P-256 keeps generation fast.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createHash, webcrypto, X509Certificate as NodeX509 } from "crypto";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

export interface LeafSpec {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
  usage: "server" | "client" | "both";
  /** Validity in days (kubeadm: 365 for leaves). */
  days?: number;
  /**
   * The simulated time of issue (clock.now()), so a test that moves the clock forward sees the
   * certificate expire: kubeadm's leaves last one year (constants.CertificateValidityPeriod) from now.
   */
  now?: number;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  return webcrypto.subtle.importKey("pkcs8", der, EC_ALGORITHM, true, ["sign"]);
}

function randomSerial(): string {
  // Positive 16-byte serial, as Go's crypto/x509 users do.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

function subjectOf(commonName: string, organizations: string[] = []): string {
  const escape = (v: string) => v.replace(/([,+"\\<>;=])/g, "\\$1");
  return [...organizations.map((o) => `O=${escape(o)}`), `CN=${escape(commonName)}`].join(", ");
}

/**
 * A self-signed CA (kubeadm: 10 years, constants.CACertificateValidityPeriod; key usage
 * digitalSignature|keyEncipherment|keyCertSign), issued at simulated time `nowMs`.
 */
export async function createCa(commonName: string, years = 10, nowMs: number = Date.now()): Promise<CertKeyPair> {
  const keys = await generateKeys();
  const now = new Date(nowMs);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subjectOf(commonName),
    // Never after the real time: real clients (an outside kubectl) check validity against the wall clock.
    notBefore: new Date(Math.min(nowMs, Date.now()) - 60_000),
    notAfter: new Date(now.getTime() + years * 365 * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await exportKeyPem(keys.privateKey) };
}

/** A leaf certificate signed by `ca`, with a fresh key. */
export async function issueCertificate(ca: CertKeyPair, spec: LeafSpec): Promise<CertKeyPair> {
  const keys = await generateKeys();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importKeyPem(ca.keyPem);
  const now = new Date(spec.now ?? Date.now());
  const usages: x509.ExtendedKeyUsage[] = [];
  if (spec.usage !== "client") usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (spec.usage !== "server") usages.push(x509.ExtendedKeyUsage.clientAuth);
  const names: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subjectOf(spec.commonName, spec.organizations),
    issuer: caCert.subject,
    // kubeadm's pkiutil.NewSignedCert: NotBefore is the CA's NotBefore, NotAfter now + validity.
    notBefore: caCert.notBefore,
    notAfter: new Date(now.getTime() + (spec.days ?? 365) * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  return { certPem: cert.toString("pem"), keyPem: await exportKeyPem(keys.privateKey) };
}

/** A bare key pair (the service-account signing key), PEM. */
export async function createKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const keys = await generateKeys();
  const spki = await webcrypto.subtle.exportKey("spki", keys.publicKey);
  return { publicKeyPem: x509.PemConverter.encode(spki, "PUBLIC KEY"), privateKeyPem: await exportKeyPem(keys.privateKey) };
}

/**
 * kubeadm's discovery hash: "sha256:" + hex SHA-256 of the CA certificate's SubjectPublicKeyInfo (DER).
 * Computed from @peculiar/x509's parse so that tests can check it against node's own X509 parser.
 */
export function discoveryHash(caCertPem: string): string {
  const spki = new x509.X509Certificate(caCertPem).publicKey.rawData;
  return "sha256:" + createHash("sha256").update(Buffer.from(spki)).digest("hex");
}

/** What kubectl and kubeadm need to know about a certificate they were handed. */
export interface CertificateFacts {
  subjectCommonName: string;
  organizations: string[];
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ips: string[];
}

export function certificateFacts(certPem: string): CertificateFacts {
  const cert = new NodeX509(certPem);
  const fields = cert.subject.split("\n");
  const values = (key: string) => fields.filter((f) => f.startsWith(`${key}=`)).map((f) => f.slice(key.length + 1));
  const san = cert.subjectAltName ?? "";
  const sanEntries = san.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    subjectCommonName: values("CN")[0] ?? "",
    organizations: values("O"),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    dnsNames: sanEntries.filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4)),
    ips: sanEntries.filter((s) => s.startsWith("IP Address:")).map((s) => s.slice(11)),
  };
}

/** True when `certPem` parses, is signed by `caCertPem`'s key and is inside its validity window. */
export function isSignedBy(certPem: string, caCertPem: string, now: Date = new Date()): boolean {
  try {
    const cert = new NodeX509(certPem);
    const ca = new NodeX509(caCertPem);
    if (!cert.verify(ca.publicKey)) return false;
    return new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
  } catch {
    return false;
  }
}

/** Whether two CA certificates carry the same public key. */
export function sameCa(a: string, b: string): boolean {
  try {
    return discoveryHash(a) === discoveryHash(b);
  } catch {
    return false;
  }
}
