// SSH access to an external node through the cluster's public IP (isolated networks and VPC tiers), as CKS's
// KubernetesClusterAddWorker.validateAndSetupNode does: a firewall rule for one port (not on VPCs) and a
// port forward port → 22. CKS takes 2222 + the cluster's node count + i; that port is the next worker's
// on a scale-up, so ours start above the cluster's whole range (2222 + maxClusterSize) and take the
// first port no rule on the IP uses. Rules are tagged with the cluster and the node name.
import type { CloudApi } from "../cloudApi";
import { isNotFoundError } from "../cloudErrors";
import { SSH_START_PORT } from "../clusterState";
import { FirewallRuleSchema, parseEntity, parseList, PortForwardingRuleSchema, PublicIpSchema as PublicIpAddressSchema, tagMap, type FirewallRule, type PortForwardingRule } from "../entities";
import { listAllOrGone } from "../listGone";
import { DEFAULT_MAX_CLUSTER_SIZE } from "../../resources/clusterInputs";
import { clusterTags, createTags, TAG } from "../tags";

export const EXTERNAL_NODE_ROLE = "external-node";

async function rulesOn(api: CloudApi, ipAddressId: string): Promise<{ pfs: PortForwardingRule[]; fws: FirewallRule[] }> {
  const pfs = parseList(PortForwardingRuleSchema, await listAllOrGone(api, "listPortForwardingRules", { ipaddressid: ipAddressId, listall: true }, "portforwardingrule"), "listPortForwardingRules");
  const fws = parseList(FirewallRuleSchema, await listAllOrGone(api, "listFirewallRules", { ipaddressid: ipAddressId, listall: true }, "firewallrule"), "listFirewallRules");
  return { pfs, fws };
}

async function isVpcIp(api: CloudApi, ipAddressId: string): Promise<boolean> {
  const ips = parseList(PublicIpAddressSchema, await listAllOrGone(api, "listPublicIpAddresses", { id: ipAddressId, listall: true }, "publicipaddress"), "listPublicIpAddresses");
  return typeof ips[0]?.vpcid === "string";
}

const ours = (tags: { key: string; value: string }[], clusterId: string, nodeName: string): boolean => {
  const t = tagMap(tags);
  return t[TAG.clusterId] === clusterId && t[TAG.role] === EXTERNAL_NODE_ROLE && t[TAG.nodeName] === nodeName;
};

/** The first port from the start of the external range that no PF rule uses and no firewall rule covers. */
export function nextFreePort(pfs: readonly PortForwardingRule[], fws: readonly FirewallRule[], start: number): number {
  const used = (p: number): boolean => pfs.some((r) => r.publicport === p) || fws.some((r) => r.startport !== undefined && r.endport !== undefined && r.startport <= p && p <= r.endport);
  let port = start;
  while (used(port)) port++;
  if (port > 65535) throw new Error("no free port left on the cluster's public IP");
  return port;
}

export function externalPortStart(maxClusterSize: number | undefined, clusterNodeCount: number): number {
  return SSH_START_PORT + Math.max(maxClusterSize ?? DEFAULT_MAX_CLUSTER_SIZE, clusterNodeCount);
}

export interface NodeRulesTarget {
  clusterId: string;
  clusterName: string;
  ipAddressId: string;
  networkId: string;
  virtualMachineId: string;
  nodeName: string;
  /** The sshPort input, else the next free port from `start`. */
  port?: number;
  start: number;
}

/** Probes, then creates what is missing; returns the public port that reaches the node's port 22. */
export async function ensureNodeRules(api: CloudApi, t: NodeRulesTarget, say: (what: string) => void): Promise<number> {
  const { pfs, fws } = await rulesOn(api, t.ipAddressId);
  const tags = clusterTags(t.clusterId, t.clusterName, EXTERNAL_NODE_ROLE, { [TAG.nodeName]: t.nodeName });
  let pf = pfs.find((r) => ours(r.tags, t.clusterId, t.nodeName) && r.virtualmachineid === t.virtualMachineId);
  const port = pf?.publicport ?? t.port ?? nextFreePort(pfs, fws, t.start);
  if (!pf) {
    const clash = pfs.find((r) => r.publicport === port);
    if (clash) throw new Error(`sshPort ${port} is already forwarded on the cluster's public IP (to VM ${clash.virtualmachineid ?? "?"}); choose another sshPort or leave it unset`);
  }
  let fw = fws.find((r) => ours(r.tags, t.clusterId, t.nodeName));
  // A VPC IP takes no firewall rules: the cluster's ACL items on its tier admit port 22 (phases/vpc.ts).
  const onVpc = !fw && (await isVpcIp(api, t.ipAddressId));
  if (!fw && !onVpc) {
    say(`firewall TCP ${port}-${port} (node SSH)`);
    const created = await api.request("createFirewallRule", { ipaddressid: t.ipAddressId, protocol: "tcp", startport: port, endport: port, cidrlist: ["0.0.0.0/0"] });
    fw = parseEntity(FirewallRuleSchema, created, "firewallrule", "createFirewallRule");
    await createTags(api, "FirewallRule", [fw.id], tags);
  }
  if (!pf) {
    say(`port forward ${port} → 22`);
    const created = await api.request("createPortForwardingRule", {
      ipaddressid: t.ipAddressId,
      privateport: 22,
      publicport: port,
      protocol: "tcp",
      virtualmachineid: t.virtualMachineId,
      networkid: t.networkId,
      openfirewall: false,
    });
    pf = parseEntity(PortForwardingRuleSchema, created, "portforwardingrule", "createPortForwardingRule");
    await createTags(api, "PortForwardingRule", [pf.id], tags);
  }
  return port;
}

/** Deletes the node's port forward and firewall rule (KubernetesClusterRemoveWorker: revoke its rules). */
export async function revokeNodeRules(api: CloudApi, t: Pick<NodeRulesTarget, "clusterId" | "ipAddressId" | "nodeName">, say: (what: string) => void): Promise<void> {
  const { pfs, fws } = await rulesOn(api, t.ipAddressId);
  const gone = async (p: Promise<unknown>): Promise<void> => {
    await p.catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
  };
  for (const r of pfs.filter((x) => ours(x.tags, t.clusterId, t.nodeName))) {
    say(`removing port forward ${r.publicport}`);
    await gone(api.request("deletePortForwardingRule", { id: r.id }));
  }
  for (const r of fws.filter((x) => ours(x.tags, t.clusterId, t.nodeName))) {
    say(`removing firewall rule ${r.startport}-${r.endport}`);
    await gone(api.request("deleteFirewallRule", { id: r.id }));
  }
}
