// Finding the cluster behind host:port as seen from a VM: resolve through the fabric, then look the
// real socket up among live API servers; for addresses that cannot be mapped statically (a public IP
// listener forwarding to a control node), ask the server itself for kube-public/cluster-info over TLS
// and find the cluster by its CA.
import * as https from "https";
import YAML from "yaml";
import { z } from "zod";
import type { SocketAddress } from "../../contracts";
import type { KubeCluster } from "./cluster";
import type { KubeToolsContext } from "./context";
import { discoveryHash } from "./pki";

export type Located =
  | { kind: "found"; cluster: KubeCluster; address: SocketAddress }
  | { kind: "refused"; detail: string }
  /** Something answered but it is no cluster of this simulator. */
  | { kind: "unknown"; detail: string };

const ConfigMapSchema = z.object({ data: z.object({ kubeconfig: z.string() }) });
const ClusterInfoSchema = z.object({ clusters: z.array(z.object({ cluster: z.object({ "certificate-authority-data": z.string() }) })).min(1) });

function fetchClusterInfo(address: SocketAddress): Promise<{ ok: true; caPem: string } | { ok: false; refused: boolean; detail: string }> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: address.host,
        port: address.port,
        path: "/api/v1/namespaces/kube-public/configmaps/cluster-info",
        method: "GET",
        rejectUnauthorized: false,
        // One-shot connection: a pooled keep-alive socket would hold the API server open on close.
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            const cm = ConfigMapSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
            const info = ClusterInfoSchema.parse(YAML.parse(cm.data.kubeconfig));
            const caData = info.clusters[0]?.cluster["certificate-authority-data"] ?? "";
            resolve({ ok: true, caPem: Buffer.from(caData, "base64").toString("utf8") });
          } catch {
            resolve({ ok: false, refused: false, detail: `unexpected answer (HTTP ${res.statusCode ?? 0}) for the cluster-info ConfigMap` });
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("i/o timeout")));
    req.on("error", (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, refused: err.code === "ECONNREFUSED" || err.code === "ECONNRESET", detail: err.code === "ECONNREFUSED" ? "connect: connection refused" : err.message });
    });
    req.end();
  });
}

export async function locateCluster(ctx: KubeToolsContext, fromVmId: string, host: string, port: number): Promise<Located> {
  const address = ctx.env.fabric.resolve(fromVmId, host, port);
  if (!address) return { kind: "refused", detail: "connect: connection refused" };
  const direct = ctx.registry.findByAddress(address);
  if (direct) return { kind: "found", cluster: direct, address };
  const answer = await fetchClusterInfo(address);
  if (!answer.ok) return answer.refused ? { kind: "refused", detail: answer.detail } : { kind: "unknown", detail: answer.detail };
  let cluster: KubeCluster | undefined;
  try {
    cluster = ctx.registry.findByCaHash(discoveryHash(answer.caPem));
  } catch {
    cluster = undefined;
  }
  if (!cluster) return { kind: "unknown", detail: "the cluster-info ConfigMap names a CA this simulator does not know" };
  return { kind: "found", cluster, address };
}

/** Split "host:port" / "[v6]:port" (port defaults to 6443 as kubeadm's endpoint parsing does). */
export function splitHostPort(endpoint: string): { host: string; port: number } | undefined {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(endpoint);
  if (v6) return { host: v6[1] ?? "", port: v6[2] ? Number(v6[2]) : 6443 };
  const match = /^([^:]+)(?::(\d+))?$/.exec(endpoint);
  if (!match) return undefined;
  const port = match[2] ? Number(match[2]) : 6443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? "", port };
}
