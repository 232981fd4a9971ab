// Parsing what kubeadm and kubectl print: the join command, the uploaded certificate key and the node list.
import { z } from "zod";

/** The parts of a `kubeadm join` command the provider re-uses (token is secret). */
export interface JoinParameters {
  /** host:port */
  endpoint: string;
  token: string;
  /** sha256:<64 hex> */
  caCertHash: string;
}

/**
 * Parses the output of `kubeadm token create --print-join-command` (also multi-line with backslash
 * continuations). Errors never echo the text: it holds a token.
 */
export function parseJoinCommand(output: string): JoinParameters {
  const words = output.replace(/\\\r?\n/g, " ").split(/\s+/).filter((w) => w.length > 0);
  const at = words.findIndex((w, i) => w === "join" && /(^|\/)kubeadm$/.test(words[i - 1] ?? ""));
  if (at < 0) throw new Error("join command: no `kubeadm join` found in the output");
  const endpoint = words[at + 1];
  if (!endpoint || !/^[A-Za-z0-9.:[\]-]+:\d+$/.test(endpoint)) throw new Error("join command: no host:port endpoint after `kubeadm join`");
  const flag = (name: string): string | undefined => {
    const i = words.indexOf(name, at);
    if (i >= 0) return words[i + 1];
    const inline = words.find((w) => w.startsWith(`${name}=`));
    return inline?.slice(name.length + 1);
  };
  const token = flag("--token");
  if (!token || !/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(token)) throw new Error("join command: missing or malformed --token");
  const caCertHash = flag("--discovery-token-ca-cert-hash");
  if (!caCertHash || !/^sha256:[0-9a-f]{64}$/.test(caCertHash)) {
    throw new Error("join command: missing or malformed --discovery-token-ca-cert-hash (expected sha256:<64 hex>)");
  }
  return { endpoint, token, caCertHash };
}

/**
 * The certificate key printed by `kubeadm init phase upload-certs --upload-certs` (its last 64-hex
 * line). Errors never echo the text.
 */
export function parseUploadedCertificateKey(output: string): string {
  const keys = output.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[0-9a-f]{64}$/.test(l));
  const key = keys[keys.length - 1];
  if (!key) throw new Error("upload-certs: no certificate key (64 hex characters) in the output");
  return key;
}

const conditionSchema = z.looseObject({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional() });

/** zod schema of one node of `kubectl get nodes -o json`. */
export const kubeNodeSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string().min(1),
    labels: z.record(z.string(), z.string()).default({}),
    annotations: z.record(z.string(), z.string()).default({}),
  }),
  spec: z.looseObject({ unschedulable: z.boolean().optional() }).default({}),
  status: z
    .looseObject({
      conditions: z.array(conditionSchema).default([]),
      nodeInfo: z.looseObject({ kubeletVersion: z.string() }).optional(),
      addresses: z.array(z.object({ type: z.string(), address: z.string() })).default([]),
    })
    .default({ conditions: [], addresses: [] }),
});

/** One node as the provider sees it. */
export type KubeNode = z.infer<typeof kubeNodeSchema>;

/** zod schema of `kubectl get nodes -o json`. */
export const nodeListSchema = z.looseObject({ items: z.array(kubeNodeSchema) });

/** Parses `kubectl get nodes -o json` output; errors name the field. */
export function parseNodeList(text: string): KubeNode[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("kubectl get nodes: output is not JSON");
  }
  const parsed = nodeListSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`kubectl get nodes: field ${issue ? issue.path.map(String).join(".") : "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data.items;
}

/** True when the node's Ready condition is "True". */
export function nodeReady(node: KubeNode): boolean {
  return node.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** The kubelet version without the leading v (e.g. "1.31.4"), or undefined if not reported yet. */
export function nodeKubeletVersion(node: KubeNode): string | undefined {
  return node.status.nodeInfo?.kubeletVersion.replace(/^v/, "");
}

/** The node's InternalIP, if reported. */
export function nodeInternalIp(node: KubeNode): string | undefined {
  return node.status.addresses.find((a) => a.type === "InternalIP")?.address;
}

/** True when the node has the control-plane role label. */
export function isControlPlaneNode(node: KubeNode): boolean {
  return "node-role.kubernetes.io/control-plane" in node.metadata.labels;
}
