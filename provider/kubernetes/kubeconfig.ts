// Kubeconfig handling: validation, rewriting the server URL to the stable public endpoint, and the
// pieces a TLS probe needs (cluster CA, admin client identity).
import { z } from "zod";
import { parseDocument, parse } from "yaml";

const clusterEntry = z.object({
  name: z.string().min(1),
  cluster: z.looseObject({
    server: z.string().min(1),
    "certificate-authority-data": z.string().optional(),
  }),
});
const userEntry = z.object({
  name: z.string().min(1),
  user: z.looseObject({
    "client-certificate-data": z.string().optional(),
    "client-key-data": z.string().optional(),
    token: z.string().optional(),
  }),
});
const contextEntry = z.object({
  name: z.string().min(1),
  context: z.looseObject({ cluster: z.string().min(1), user: z.string().min(1), namespace: z.string().optional() }),
});

/** zod schema of a kubeconfig (fields the provider relies on; others pass through). */
export const kubeconfigSchema = z.looseObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Config"),
  clusters: z.array(clusterEntry).min(1),
  users: z.array(userEntry).default([]),
  contexts: z.array(contextEntry).default([]),
  "current-context": z.string().optional(),
});

/** A validated kubeconfig. */
export type Kubeconfig = z.infer<typeof kubeconfigSchema>;

/** Parses and validates kubeconfig YAML. Errors name the field but never echo the content (it is secret). */
export function parseKubeconfig(text: string): Kubeconfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch {
    throw new Error("kubeconfig is not valid YAML");
  }
  const parsed = kubeconfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? issue.path.map(String).join(".") || "(root)" : "(root)";
    throw new Error(`kubeconfig: field ${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * Returns the kubeconfig with every cluster's `server` set to `endpointUrl` (e.g. https://203.0.113.5:6443),
 * keeping everything else (order, other fields) as it was.
 */
export function withServer(text: string, endpointUrl: string): string {
  const url = new URL(endpointUrl);
  if (url.protocol !== "https:") throw new Error(`withServer: endpoint must be https, got ${url.protocol}`);
  const cfg = parseKubeconfig(text);
  const server = endpointUrl.replace(/\/$/, "");
  const doc = parseDocument(text);
  cfg.clusters.forEach((_, i) => doc.setIn(["clusters", i, "cluster", "server"], server));
  return doc.toString();
}

function currentContext(cfg: Kubeconfig): { cluster: string; user: string } | undefined {
  const name = cfg["current-context"];
  const ctx = cfg.contexts.find((c) => c.name === name) ?? cfg.contexts[0];
  return ctx ? { cluster: ctx.context.cluster, user: ctx.context.user } : undefined;
}

function decodePem(b64: string, what: string): string {
  const pem = Buffer.from(b64, "base64").toString("utf8");
  if (!pem.includes("-----BEGIN ")) throw new Error(`kubeconfig: ${what} is not base64 PEM`);
  return pem;
}

/** The PEM CA certificate of the current context's cluster (or the first cluster). */
export function clusterCaPem(text: string): string {
  const cfg = parseKubeconfig(text);
  const ctx = currentContext(cfg);
  const cluster = cfg.clusters.find((c) => c.name === ctx?.cluster) ?? cfg.clusters[0];
  const data = cluster?.cluster["certificate-authority-data"];
  if (!data) throw new Error("kubeconfig: field clusters.cluster.certificate-authority-data: missing");
  return decodePem(data, "certificate-authority-data");
}

/** The current context's server URL. */
export function serverUrl(text: string): string {
  const cfg = parseKubeconfig(text);
  const ctx = currentContext(cfg);
  const cluster = cfg.clusters.find((c) => c.name === ctx?.cluster) ?? cfg.clusters[0];
  if (!cluster) throw new Error("kubeconfig: field clusters: empty");
  return cluster.cluster.server;
}

/** The current context user's client certificate and key (PEM), for mTLS probes of the API server. */
export function adminIdentity(text: string): { certPem: string; keyPem: string } {
  const cfg = parseKubeconfig(text);
  const ctx = currentContext(cfg);
  const user = cfg.users.find((u) => u.name === ctx?.user) ?? cfg.users[0];
  const cert = user?.user["client-certificate-data"];
  const key = user?.user["client-key-data"];
  if (!cert || !key) throw new Error("kubeconfig: field users.user: client-certificate-data and client-key-data are required");
  return { certPem: decodePem(cert, "client-certificate-data"), keyPem: decodePem(key, "client-key-data") };
}
