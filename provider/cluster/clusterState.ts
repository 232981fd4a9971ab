// What a cluster operation knows and records as it goes: the partial outputs. Everything here is
// JSON-safe and ends up in Pulumi state (secrets marked by the SDK), so a failed run can resume.
import { z } from "zod";
import type { NodeRole } from "./names";

export const NodeRecordSchema = z.object({
  name: z.string(),
  role: z.enum(["control", "worker", "etcd"]),
  index: z.int(),
  virtualMachineId: z.string().optional(),
  privateIp: z.string().optional(),
  sshPort: z.int(),
  kubeletVersion: z.string().optional(),
  state: z.string().optional(),
  /** A VM another resource (ClusterNode) joined; the cluster's own operations never deploy or destroy it. */
  external: z.boolean().optional(),
});
export type NodeRecord = z.infer<typeof NodeRecordSchema>;

export const ClusterStateSchema = z.object({
  clusterId: z.string(),
  prefix: z.string(),
  state: z.string(),
  stateReason: z.string().optional(),
  endpoint: z.string().optional(),
  ipAddress: z.string().optional(),
  ipAddressId: z.string().optional(),
  networkId: z.string().optional(),
  networkCreated: z.boolean().optional(),
  directAccess: z.boolean().optional(),
  /** The VPC of the cluster's tier (phases/vpc.ts): ACL items instead of firewall rules, a VPC public IP. */
  vpcId: z.string().optional(),
  /** The tier's network ACL list; the provider adds its items unless it is default_allow. */
  networkAclId: z.string().optional(),
  /** The host anti-affinity group created for the control nodes (phases/affinity.ts). */
  controlAffinityGroupId: z.string().optional(),
  keypairName: z.string().optional(),
  sshPublicKey: z.string().optional(),
  sshPrivateKey: z.string().optional(),
  hostKeys: z.record(z.string(), z.string()).default({}),
  kubernetesVersion: z.string().optional(),
  isoId: z.string().optional(),
  kubeconfig: z.string().optional(),
  nodes: z.array(NodeRecordSchema).default([]),
  virtualMachineIds: z.array(z.string()).default([]),
  cpuNumber: z.number().optional(),
  memory: z.number().optional(),
  /** The earliest expiry (ISO 8601) among the control-plane certificates (phases/certificates.ts). */
  certificatesExpireAt: z.string().optional(),
  /** An operation that failed part-way (offering change, size change, …): the next update runs it again. */
  interruptedOperation: z.string().optional(),
  /** An upgrade under way: set before the first node changes, cleared when every node runs `version`. */
  upgradeInProgress: z.object({ version: z.string(), versionId: z.string(), fromVersion: z.string() }).optional(),
  /** Only while a create runs (abandoned.ts); never an output. */
  createToken: z.string().optional(),
});
export type ClusterState = z.infer<typeof ClusterStateSchema>;

/** CKS ports (§3.2): node SSH via the public IP at 2222+i in [controls, workers] order; etcd at 50000+i. */
export const SSH_START_PORT = 2222;
export const ETCD_SSH_START_PORT = 50000;
export const API_PORT = 6443;

/** The nodes a cluster consists of, in CKS port order: controls, workers, then etcd. */
export function planNodes(prefix: string, counts: { controlNodes: number; size: number; etcdNodes: number }, directAccess = false): NodeRecord[] {
  const out: NodeRecord[] = [];
  const add = (role: NodeRole, count: number, firstPort: number): void => {
    for (let i = 1; i <= count; i++) {
      out.push({ name: `${prefix}-${role}-${i}`, role, index: i, sshPort: directAccess ? 22 : firstPort + i - 1 });
    }
  };
  add("control", counts.controlNodes, SSH_START_PORT);
  add("worker", counts.size, SSH_START_PORT + counts.controlNodes);
  add("etcd", counts.etcdNodes, ETCD_SSH_START_PORT);
  return out;
}

/** Merges freshly planned nodes with what an earlier run recorded (ids, IPs), keyed by name. */
export function mergeNodes(planned: NodeRecord[], recorded: readonly NodeRecord[]): NodeRecord[] {
  const byName = new Map(recorded.map((n) => [n.name, n]));
  return planned.map((p) => ({ ...p, ...pick(byName.get(p.name)) }));
}

function pick(n: NodeRecord | undefined): Partial<NodeRecord> {
  if (!n) return {};
  const out: Partial<NodeRecord> = {};
  if (n.virtualMachineId) out.virtualMachineId = n.virtualMachineId;
  if (n.privateIp) out.privateIp = n.privateIp;
  if (n.kubeletVersion) out.kubeletVersion = n.kubeletVersion;
  return out;
}
