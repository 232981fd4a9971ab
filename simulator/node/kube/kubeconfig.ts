// kubeconfig files: rendering (kubeadm writes admin.conf, kubelet.conf, ...) and parsing (kubectl reads them).
import { z } from "zod";
import YAML from "yaml";

export interface KubeconfigSpec {
  clusterName: string;
  server: string;
  caCertPem: string;
  userName: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const context = `${spec.userName}@${spec.clusterName}`;
  return YAML.stringify({
    apiVersion: "v1",
    clusters: [{ cluster: { "certificate-authority-data": b64(spec.caCertPem), server: spec.server }, name: spec.clusterName }],
    contexts: [{ context: { cluster: spec.clusterName, user: spec.userName }, name: context }],
    "current-context": context,
    kind: "Config",
    preferences: {},
    users: [{ name: spec.userName, user: { "client-certificate-data": b64(spec.clientCertPem), "client-key-data": b64(spec.clientKeyPem) } }],
  });
}

const KubeconfigSchema = z.object({
  clusters: z
    .array(
      z.object({
        name: z.string(),
        cluster: z.object({
          server: z.string(),
          "certificate-authority-data": z.string().optional(),
          "certificate-authority": z.string().optional(),
          "insecure-skip-tls-verify": z.boolean().optional(),
        }),
      }),
    )
    .default([]),
  contexts: z.array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string(), namespace: z.string().optional() }) })).default([]),
  "current-context": z.string().optional(),
  users: z
    .array(
      z.object({
        name: z.string(),
        user: z
          .object({
            "client-certificate-data": z.string().optional(),
            "client-key-data": z.string().optional(),
            "client-certificate": z.string().optional(),
            "client-key": z.string().optional(),
            token: z.string().optional(),
          })
          .nullable()
          .default({}),
      }),
    )
    .default([]),
});

/** What a client needs from a kubeconfig's current context. */
export interface ResolvedKubeconfig {
  server: string;
  caCertPem?: string;
  insecure: boolean;
  clientCertPem?: string;
  clientKeyPem?: string;
  hasToken: boolean;
  namespace?: string;
}

export class KubeconfigError extends Error {}

/** Parse and resolve the current context; `readFile` reads file references (certificate-authority: /path). */
export function resolveKubeconfig(text: string, readFile: (path: string) => string | undefined): ResolvedKubeconfig {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new KubeconfigError(`error loading config file: yaml: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = KubeconfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new KubeconfigError("error loading config file: couldn't get version/kind; json parse error");
  const cfg = parsed.data;
  const contextName = cfg["current-context"];
  const context = cfg.contexts.find((c) => c.name === contextName)?.context;
  const cluster = context ? cfg.clusters.find((c) => c.name === context.cluster)?.cluster : cfg.clusters.length === 1 ? cfg.clusters[0]?.cluster : undefined;
  if (!cluster) throw new KubeconfigError("invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable");
  const user = context ? cfg.users.find((u) => u.name === context.user)?.user : undefined;
  const fromData = (data: string | undefined) => (data ? Buffer.from(data, "base64").toString("utf8") : undefined);
  const fromFile = (path: string | undefined) => (path ? readFile(path) : undefined);
  return {
    server: cluster.server,
    caCertPem: fromData(cluster["certificate-authority-data"]) ?? fromFile(cluster["certificate-authority"]),
    insecure: cluster["insecure-skip-tls-verify"] === true,
    clientCertPem: fromData(user?.["client-certificate-data"] ?? undefined) ?? fromFile(user?.["client-certificate"] ?? undefined),
    clientKeyPem: fromData(user?.["client-key-data"] ?? undefined) ?? fromFile(user?.["client-key"] ?? undefined),
    hasToken: Boolean(user?.token),
    namespace: context?.namespace,
  };
}

/** "https://10.0.0.5:6443" → host and port (443 when absent). */
export function splitServer(server: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(server);
    return { host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443 };
  } catch {
    return undefined;
  }
}
