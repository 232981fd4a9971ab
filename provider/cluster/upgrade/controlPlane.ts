// A control node's kube-apiserver as the cluster sees it: its static pod's mirror (kube-apiserver-<node>
// in kube-system, created by that node's kubelet from /etc/kubernetes/manifests), whose image tag is the
// version kubeadm wrote there and whose readiness is the apiserver's own /readyz probe.
import { z } from "zod";
import * as cmd from "../../kubernetes/commands";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { parseDuration } from "../duration";
import { pollUntil } from "../retry";
import type { RollingSettings } from "./policy";
import { kubectlNode } from "./nodeSteps";

const PodSchema = z.looseObject({
  spec: z.looseObject({ containers: z.array(z.looseObject({ name: z.string(), image: z.string() })).default([]) }),
  status: z
    .looseObject({ phase: z.string().optional(), conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).default([]) })
    .default({ conditions: [] }),
});

interface ApiserverPod {
  version?: string;
  ready: boolean;
}

async function apiserverPod(ctx: ClusterContext, node: NodeRecord): Promise<ApiserverPod | undefined> {
  const r = await ctx.run(kubectlNode(ctx), cmd.kubectlGetPodJson(`kube-apiserver-${node.name}`, "kube-system"), { allowFailure: true });
  if (r.code !== 0) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
  const pod = PodSchema.safeParse(raw);
  if (!pod.success) return undefined;
  const image = pod.data.spec.containers.find((c) => c.name === "kube-apiserver")?.image ?? "";
  const tag = /:v?(\d+\.\d+\.\d+)$/.exec(image)?.[1];
  const conditions = pod.data.status.conditions;
  const ready = pod.data.status.phase === "Running" && (conditions.length === 0 || conditions.some((c) => c.type === "Ready" && c.status === "True"));
  return { version: tag, ready };
}

/** The version the node's kube-apiserver runs (undefined when its mirror pod is not there). */
export async function apiserverVersion(ctx: ClusterContext, node: NodeRecord): Promise<string | undefined> {
  return (await apiserverPod(ctx, node))?.version;
}

/** Waits until the node's kube-apiserver runs `version` and is Ready, before the next control node starts. */
export async function waitApiserver(ctx: ClusterContext, node: NodeRecord, version: string, settings: Pick<RollingSettings, "nodeReadyTimeout">): Promise<void> {
  const deadline = ctx.deadline.sub(parseDuration(settings.nodeReadyTimeout), `${node.name} apiserver`);
  let last = "no kube-apiserver pod";
  await pollUntil(
    async () => {
      const pod = await apiserverPod(ctx, node);
      last = pod ? `kube-apiserver ${pod.version ?? "?"}, ${pod.ready ? "Ready" : "not Ready"}` : "no kube-apiserver pod";
      return pod?.version === version && pod.ready ? true : undefined;
    },
    { deadline, what: `kube-apiserver on ${node.name} to be healthy at v${version}`, intervalMs: 500, describe: () => last },
  );
}
