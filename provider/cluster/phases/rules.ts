// Phase: network rules on the cluster's public IP, as CKS sets them up for isolated networks
// (cks-behaviour.md §4.2): firewall TCP 2222..2222+n-1 and 6443, port-forwarding 2222+i → 22 in
// [controls, workers] order, etcd nodes 50000+i → 22, and the `api-lb` load balancer 6443 → 6443
// round-robin across the control VMs. Each rule is probed first and tagged.
import { mapLimit } from "../concurrency";
import { FirewallRuleSchema, LoadBalancerRuleSchema, parseEntity, parseList, PortForwardingRuleSchema } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import { API_PORT } from "../clusterState";
import { describeCloudError } from "../cloudErrors";
import { withRetry } from "../retry";
import { clusterTags, createTags, ownedBy, type TaggableType } from "../tags";
import { listAllOrGone } from "../listGone";

export const API_LB_NAME = "api-lb";

/**
 * A rule whose create job failed or never finished (state "Add": created, never applied). CloudStack
 * revokes a rule whose apply failed (CreateFirewallRuleCmd / CreatePortForwardingRuleCmd /
 * CreateLoadBalancerRuleCmd.execute in apache/cloudstack api/src/main/java/org/apache/cloudstack/api/
 * command/user/...), but a job cut short by a crash, or a cloud that keeps the row, leaves it in "Add":
 * it forwards nothing, so adopting it would wait for an endpoint that never answers. Re-created instead.
 */
export function unapplied(rule: { state?: string }): boolean {
  return rule.state !== undefined && rule.state !== "Active";
}

interface PortRange {
  start: number;
  end: number;
  purpose: string;
}

/** The firewall ranges a cluster needs: SSH to controls+workers, the API, and SSH to etcd nodes. */
export function firewallRanges(controlNodes: number, size: number, etcdNodes: number): PortRange[] {
  const n = controlNodes + size;
  const ranges: PortRange[] = [
    { start: 2222, end: 2222 + n - 1, purpose: "node SSH" },
    { start: API_PORT, end: API_PORT, purpose: "Kubernetes API" },
  ];
  if (etcdNodes > 0) ranges.push({ start: 50000, end: 50000 + etcdNodes - 1, purpose: "etcd node SSH" });
  return ranges;
}

/**
 * Makes sure node SSH through the public IP is open before a phase that runs ahead of the rules phase
 * (scale-down drains through control-1). A node-count change replaces the SSH firewall range, and a run
 * killed between removing the old range and creating the new one left no SSH access at all: every
 * resume then failed in scale-down, before the rules phase could repair it (chaos seed 143). Creates the
 * range the new size needs; the rules phase then finds it in place.
 */
export async function ensureNodeSshFirewall(ctx: ClusterContext): Promise<void> {
  const { api, inputs, state } = ctx;
  // A VPC tier has no firewall: its ACL items admit SSH (phases/vpc.ts).
  if (state.directAccess || state.vpcId || !state.ipAddressId) return;
  const ipId = state.ipAddressId;
  const retry = { deadline: ctx.deadline, what: "opening node SSH" };
  const firewall = parseList(FirewallRuleSchema, await withRetry(() => listAllOrGone(api, "listFirewallRules", { ipaddressid: ipId, listall: true }, "firewallrule"), retry), "listFirewallRules");
  const first = firewallRanges(inputs.controlNodes, inputs.size, inputs.etcdNodes)[0];
  if (firewall.some((r) => !unapplied(r) && r.startport !== undefined && r.endport !== undefined && r.startport <= first.start && first.start <= r.endport)) return;
  ctx.progress.line("rules", `firewall TCP ${first.start}-${first.end} (${first.purpose}) was missing`);
  const created = await api.request("createFirewallRule", { ipaddressid: ipId, protocol: "tcp", startport: first.start, endport: first.end, cidrlist: ["0.0.0.0/0"] });
  const rule = parseEntity(FirewallRuleSchema, created, "firewallrule", "createFirewallRule");
  await withRetry(() => createTags(api, "FirewallRule", [rule.id], clusterTags(ctx.clusterId, inputs.name, "firewall")), retry);
}

export async function rulesPhase(ctx: ClusterContext): Promise<void> {
  const phase = "rules";
  const { api, inputs, state } = ctx;
  if (state.directAccess) return;
  const ipId = state.ipAddressId as string;
  // A public IP associated by this very operation has no rules: nothing to list (once).
  const fresh = ctx.facts.freshPublicIp === true;
  ctx.facts.freshPublicIp = false;
  const listRules = <T>(fn: () => Promise<T[]>): Promise<T[]> => (fresh ? Promise.resolve([]) : fn());
  const retry = { deadline: ctx.deadline, what: "creating network rules" };
  // One createTags per rule type for all its untagged rules (createTags takes a list of ids): a call
  // per port forward made the API calls grow by one per node (issue 14).
  const tag = async (type: TaggableType, ids: readonly string[], role: string): Promise<void> => {
    if (ids.length === 0) return;
    await withRetry(() => createTags(api, type, ids, clusterTags(ctx.clusterId, inputs.name, role)), retry);
  };
  const act = async <T>(what: string, node: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new PhaseError(phase, node, `${what}: ${describeCloudError(err)}`);
    }
  };

  // Firewall (not on a VPC IP: CloudStack refuses firewall rules there; the tier's ACL stands in).
  const vpc = state.vpcId !== undefined;
  let firewall = vpc ? [] : await listRules(async () => parseList(FirewallRuleSchema, await withRetry(() => listAllOrGone(api, "listFirewallRules", { ipaddressid: ipId, listall: true }, "firewallrule"), retry), "listFirewallRules"));
  const ranges = vpc ? [] : firewallRanges(inputs.controlNodes, inputs.size, inputs.etcdNodes);
  // After a scale, our node-SSH range has another end: replace it (as CKS rebuilds SSH access).
  const stale = firewall.filter((r) => ownedBy(ctx.clusterId, r.tags) && r.startport === 2222 && r.endport !== ranges[0]?.end);
  for (const rule of stale) {
    ctx.progress.line(phase, `removing firewall TCP ${rule.startport}-${rule.endport} (node count changed)`);
    await act(`removing firewall rule ${rule.startport}-${rule.endport}`, undefined, () => api.request("deleteFirewallRule", { id: rule.id }));
  }
  firewall = firewall.filter((r) => !stale.includes(r));
  const untaggedFirewall: string[] = [];
  for (const rule of firewall.filter((r) => unapplied(r) && (r.tags.length === 0 || ownedBy(ctx.clusterId, r.tags)))) {
    ctx.progress.line(phase, `removing firewall TCP ${rule.startport}-${rule.endport} left unapplied (${rule.state ?? "?"}) by an earlier run`);
    await act(`removing firewall rule ${rule.startport}-${rule.endport}`, undefined, () => api.request("deleteFirewallRule", { id: rule.id }));
  }
  firewall = firewall.filter((r) => !unapplied(r));
  for (const range of ranges) {
    let rule = firewall.find((r) => r.startport === range.start && r.endport === range.end);
    if (!rule) {
      ctx.progress.line(phase, `firewall TCP ${range.start}-${range.end} (${range.purpose})`);
      const created = await act(`firewall rule ${range.start}-${range.end}`, undefined, () =>
        api.request("createFirewallRule", { ipaddressid: ipId, protocol: "tcp", startport: range.start, endport: range.end, cidrlist: ["0.0.0.0/0"] }),
      );
      rule = parseEntity(FirewallRuleSchema, created, "firewallrule", "createFirewallRule");
    }
    if (!ownedBy(ctx.clusterId, rule.tags)) untaggedFirewall.push(rule.id);
  }
  await tag("FirewallRule", untaggedFirewall, "firewall");

  // Port forwarding, one rule per node.
  const forwards = await listRules(async () => parseList(PortForwardingRuleSchema, await withRetry(() => listAllOrGone(api, "listPortForwardingRules", { ipaddressid: ipId, listall: true }, "portforwardingrule"), retry), "listPortForwardingRules"));
  // Independent rules on one IP: created concurrently under the cluster's bound (CKS does them one by one).
  const untaggedForwards: string[] = [];
  const forwarded = mapLimit(state.nodes, ctx.concurrency, async (node) => {
    let rule = forwards.find((r) => r.publicport === node.sshPort);
    if (rule && ((rule.virtualmachineid && rule.virtualmachineid !== node.virtualMachineId) || unapplied(rule))) {
      // A rule for a VM that was replaced on resume (point the port at the current VM), or one whose job never applied it.
      const staleId = rule.id;
      await act(`removing stale port forward ${node.sshPort}`, node.name, () => api.request("deletePortForwardingRule", { id: staleId }));
      rule = undefined;
    }
    if (!rule) {
      ctx.progress.line(phase, `port forward ${node.sshPort} → 22`, node.name);
      const created = await act(`port forward ${node.sshPort} → 22`, node.name, () =>
        api.request("createPortForwardingRule", {
          ipaddressid: ipId,
          privateport: 22,
          publicport: node.sshPort,
          protocol: "tcp",
          virtualmachineid: node.virtualMachineId,
          networkid: state.networkId,
          openfirewall: false,
        }),
      );
      rule = parseEntity(PortForwardingRuleSchema, created, "portforwardingrule", "createPortForwardingRule");
    }
    if (!ownedBy(ctx.clusterId, rule.tags)) untaggedForwards.push(rule.id);
  });
  // The rules made before a failure are tagged too, so delete and resume find them by tag.
  const failed = await forwarded.then(
    () => undefined,
    (err: unknown) => ({ err }),
  );
  await tag("PortForwardingRule", untaggedForwards, "port-forward");
  if (failed) throw failed.err;

  // The API load balancer across the control nodes.
  const lbs = await listRules(async () => parseList(LoadBalancerRuleSchema, await withRetry(() => listAllOrGone(api, "listLoadBalancerRules", { publicipid: ipId, listall: true }, "loadbalancerrule"), retry), "listLoadBalancerRules"));
  let lb = lbs.find((r) => r.name === API_LB_NAME);
  if (lb && unapplied(lb)) {
    ctx.progress.line(phase, `removing load balancer ${API_LB_NAME} left unapplied (${lb.state ?? "?"}) by an earlier run`);
    const staleId = lb.id;
    await act(`removing load balancer ${API_LB_NAME}`, undefined, () => api.request("deleteLoadBalancerRule", { id: staleId }));
    lb = undefined;
  }
  const controlIds = ctx.nodesOf("control").map((n) => n.virtualMachineId as string);
  if (!lb) {
    ctx.progress.line(phase, `load balancer ${API_LB_NAME} ${API_PORT} → ${API_PORT} across ${controlIds.length} control node(s)`);
    const created = await act(`load balancer ${API_LB_NAME}`, undefined, () =>
      api.request("createLoadBalancerRule", {
        name: API_LB_NAME,
        publicipid: ipId,
        privateport: API_PORT,
        publicport: API_PORT,
        algorithm: "roundrobin",
        protocol: "tcp",
        networkid: state.networkId,
        openfirewall: false,
      }),
    );
    lb = parseEntity(LoadBalancerRuleSchema, created, "loadbalancer", "createLoadBalancerRule");
  }
  if (!ownedBy(ctx.clusterId, lb.tags)) await tag("LoadBalancer", [lb.id], "load-balancer");
  const lbId = lb.id;
  // Only the control VMs not yet members: CloudStack refuses the whole call when one VM of the list is
  // already assigned (LoadBalancingRulesManagerImpl.assignToLoadBalancer in apache/cloudstack), so a
  // replaced control VM was never added after its predecessor, and the endpoint lost that node.
  const members = await withRetry(() => listAllOrGone(api, "listLoadBalancerRuleInstances", { id: lbId }, "loadbalancerruleinstance"), retry);
  const memberIds = new Set(members.map((m) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === "string"));
  const missing = controlIds.filter((id) => !memberIds.has(id));
  if (missing.length === 0) return;
  await act(`assigning control nodes to ${API_LB_NAME}`, undefined, () =>
    api.request("assignToLoadBalancerRule", { id: lbId, virtualmachineids: missing }).catch((err: unknown) => {
      // Re-runs assign again; CloudStack refuses VMs that are already members.
      if (/already/i.test(describeCloudError(err))) return undefined;
      throw err;
    }),
  );
}
