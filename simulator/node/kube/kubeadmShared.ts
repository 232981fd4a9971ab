// Pieces several kubeadm subcommands share: the kubeadm version, root check, bootstrap-token and
// certificate-key formats, reading --config files, and the join command lines kubeadm prints.
import { randomBytes } from "crypto";
import type { CommandIO, NodeMachine } from "../types";
import type { BootstrapToken, KubeCluster } from "./cluster";
import { CommandFailure } from "./failure";
import { formatVersion, parseKubeVersion, type KubeVersion } from "./versions";

export const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** 32 bytes as hex.DecodeString reads them: either case (apis/kubeadm/validation ValidateCertificateKey). */
export const CERTIFICATE_KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

export function kubeadmVersionOf(io: CommandIO): KubeVersion {
  const version = io.binaryVersion ? parseKubeVersion(io.binaryVersion) : undefined;
  if (!version) throw new CommandFailure("kubeadm: cannot determine the version of this kubeadm binary");
  return version;
}

export function requireRootFailure(io: CommandIO): CommandFailure | undefined {
  if (io.user === "root") return undefined;
  return new CommandFailure(
    "error execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as root\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\nTo see the stack trace of this error execute with --v=5 or higher",
  );
}

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomChars(n: number): string {
  const bytes = randomBytes(n);
  let out = "";
  for (let i = 0; i < n; i++) out += TOKEN_CHARS[(bytes[i] ?? 0) % TOKEN_CHARS.length];
  return out;
}

export function generateToken(): string {
  return `${randomChars(6)}.${randomChars(16)}`;
}

export function generateCertificateKey(): string {
  return randomBytes(32).toString("hex");
}

/** Validates without echoing the token (its secret half must not reach error output). */
export function parseToken(text: string): { id: string; secret: string } {
  const match = TOKEN_PATTERN.exec(text);
  if (!match) throw new CommandFailure('the bootstrap token was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"');
  return { id: match[1] ?? "", secret: match[2] ?? "" };
}

export function newBootstrapToken(text: string, ttlMs: number, now: number, description: string): BootstrapToken {
  const { id, secret } = parseToken(text);
  return {
    id,
    secret,
    expiresAt: ttlMs === 0 ? null : now + ttlMs,
    description,
    usages: ["authentication", "signing"],
    groups: ["system:bootstrappers:kubeadm:default-node-token"],
  };
}

export function readConfigFile(machine: NodeMachine, io: CommandIO, path: string): string {
  const absolute = path.startsWith("/") ? path : `${io.cwd.replace(/\/$/, "")}/${path}`;
  const data = path === "-" ? io.stdin : machine.fs.read(absolute);
  if (!data) throw new CommandFailure(`unable to read config from "${path}" : open ${path}: no such file or directory`);
  return data.toString("utf8");
}

/** "kubeadm join <endpoint> --token ... --discovery-token-ca-cert-hash sha256:..." as kubeadm prints it. */
export function joinCommand(cluster: KubeCluster, token: string, controlPlaneKey?: string, multiline = false): string {
  const sep = multiline ? " \\\n\t" : " ";
  let line = `kubeadm join ${cluster.endpoint} --token ${token}${sep}--discovery-token-ca-cert-hash ${cluster.caHash}`;
  if (controlPlaneKey !== undefined) line += `${sep}--control-plane${controlPlaneKey ? ` --certificate-key ${controlPlaneKey}` : ""}`;
  return line;
}

export function versionTag(v: KubeVersion): string {
  return formatVersion(v);
}
