// Delete: removes everything the cluster created (found by our tags, and by exact name for anything
// an interrupted run failed to tag) and nothing else. Rules before the IP, VMs before the network;
// VMs in parallel. Idempotent: "not found" counts as done.
import type { CloudApi } from "./cloudApi";
import { deleteRetryable, describeCloudError, isExpungeRefused, isNotFoundError } from "./cloudErrors";
import { mapLimit } from "./concurrency";
import type { Deadline } from "./deadline";
import { FirewallRuleSchema, LoadBalancerRuleSchema, parseList, PortForwardingRuleSchema, PublicIpSchema } from "./entities";
import { clusterKeypairName } from "./names";
import { findClusterNetwork } from "./phases/network";
import { findClusterIp } from "./phases/publicIp";
import { findClusterVms } from "./phases/vms";
import { scoped } from "./phases/validate";
import type { Progress } from "./progress";
import { pollUntil, withRetry } from "./retry";
import { ownedBy } from "./tags";
import { listAllOrGone } from "./listGone";
import { refuseDeleteWithExternalNodes } from "./externalNodes/membership";
import { deletePlacement, deleteTaggedAclItems } from "./teardownPlacement";

export interface TeardownTarget {
  clusterId: string;
  prefix: string;
  name: string;
  zoneId: string;
  account?: string;
  domainId?: string;
  projectId?: string;
  ipAddressId?: string;
  networkCreated?: boolean;
  keypairName?: string;
  /** The VPC of the cluster's tier: its ACL list (ours) is found in it by name. */
  vpcId?: string;
  /** The cluster asked for (or has) a control-node anti-affinity group to remove. */
  controlAntiAffinity?: boolean;
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFoundError(err)) throw err;
  }
}


export async function teardownCluster(api: CloudApi, target: TeardownTarget, deadline: Deadline, progress: Progress, concurrency = 6): Promise<void> {
  const ctx = { api, inputs: { name: target.name, zoneId: target.zoneId, account: target.account, domainId: target.domainId, projectId: target.projectId }, clusterId: target.clusterId };
  await refuseDeleteWithExternalNodes(api, target.clusterId, target.name, target); // issue 13, as CKS does
  const retry = { deadline, what: "deleting the cluster" };
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await withRetry(fn, { ...retry, retryable: deleteRetryable() });
    } catch (err) {
      throw new Error(`delete failed while ${what}: ${describeCloudError(err)}`);
    }
  };

  const rulesAndIp = async (): Promise<void> => {
    let ip = await findClusterIp(ctx);
    if (!ip && target.ipAddressId) {
      const known = parseList(PublicIpSchema, await listAllOrGone(api, "listPublicIpAddresses", { ...scoped(ctx.inputs, {}), id: target.ipAddressId }, "publicipaddress"), "listPublicIpAddresses");
      ip = known[0];
    }
    if (!ip) return;
    const ipId = ip.id;
    // Everything on our dedicated IP is ours: rules are tagged, or (interrupted run) untagged on our IP.
    const mine = (tags: { key: string; value: string }[]): boolean => tags.length === 0 || ownedBy(target.clusterId, tags);
    const lbs = parseList(LoadBalancerRuleSchema, await listAllOrGone(api, "listLoadBalancerRules", { publicipid: ipId, listall: true }, "loadbalancerrule"), "listLoadBalancerRules");
    for (const lb of lbs.filter((r) => mine(r.tags))) {
      progress.line("delete", `load balancer ${lb.name}`);
      await step(`deleting load balancer ${lb.name}`, () => ignoreNotFound(api.request("deleteLoadBalancerRule", { id: lb.id })));
    }
    const pfs = parseList(PortForwardingRuleSchema, await listAllOrGone(api, "listPortForwardingRules", { ipaddressid: ipId, listall: true }, "portforwardingrule"), "listPortForwardingRules");
    await mapLimit(pfs.filter((r) => mine(r.tags)), concurrency, (r) => step(`deleting port forward ${r.publicport}`, () => ignoreNotFound(api.request("deletePortForwardingRule", { id: r.id }))));
    const fws = parseList(FirewallRuleSchema, await listAllOrGone(api, "listFirewallRules", { ipaddressid: ipId, listall: true }, "firewallrule"), "listFirewallRules");
    await mapLimit(fws.filter((r) => mine(r.tags)), concurrency, (r) => step(`deleting firewall rule ${r.startport}-${r.endport}`, () => ignoreNotFound(api.request("deleteFirewallRule", { id: r.id }))));
    if (ip.issourcenat) return;
    progress.line("delete", `releasing public IP ${ip.ipaddress}`);
    await step(`releasing public IP ${ip.ipaddress}`, () => ignoreNotFound(api.request("disassociateIpAddress", { id: ipId })));
  };

  let expungeRefused = false;
  const vms = async (): Promise<void> => {
    const found = await findClusterVms(ctx, target.prefix, true);
    await mapLimit(found, concurrency, async (vm) => {
      if (vm.state === "Destroyed") {
        // Destroyed earlier without expunge (an interrupted replacement, or an account that may not
        // expunge): it still holds the network, so expunge it where the account may.
        progress.line("delete", "expunging destroyed VM", vm.name);
        await step(`expunging VM ${vm.name}`, async () => {
          try {
            await api.request("expungeVirtualMachine", { id: vm.id });
          } catch (err) {
            if (isNotFoundError(err)) return;
            if (!isExpungeRefused(err)) throw err;
            expungeRefused = true;
          }
        });
        return;
      }
      progress.line("delete", "destroying VM", vm.name);
      await step(`destroying VM ${vm.name}`, async () => {
        try {
          await api.request("destroyVirtualMachine", { id: vm.id, expunge: true });
        } catch (err) {
          if (isNotFoundError(err)) return;
          if (!isExpungeRefused(err)) throw err;
          expungeRefused = true;
          await ignoreNotFound(api.request("destroyVirtualMachine", { id: vm.id }));
        }
      });
    });
  };

  await Promise.all([rulesAndIp(), vms(), target.vpcId ? deleteTaggedAclItems(api, target.clusterId, progress, step) : Promise.resolve()]);

  const keypair = target.keypairName ?? clusterKeypairName(target.prefix);
  progress.line("delete", `keypair ${keypair}`);
  await step(`deleting keypair ${keypair}`, () => ignoreNotFound(api.request("deleteSSHKeyPair", scoped(ctx.inputs, { name: keypair }))));

  const network = await findClusterNetwork(ctx);
  if (network) {
    // Only a network we created carries our tag; the VMs must be gone before it can go.
    await pollUntil(async () => ((await findClusterVms(ctx, target.prefix)).length === 0 ? true : undefined), { deadline, what: "waiting for the cluster VMs to be gone" });
    progress.line("delete", `network ${network.name}`);
    try {
      await withRetry(() => ignoreNotFound(api.request("deleteNetwork", { id: network.id })), { ...retry, retryable: deleteRetryable() });
    } catch (err) {
      const hint = expungeRefused
        ? " The VMs were destroyed without expunge (this account may not expunge: allow.user.expunge.recover.vm=false), and CloudStack keeps the network until they are expunged (expunge.delay); ask an administrator to expunge them, or run the delete again later."
        : "";
      throw new Error(`delete failed while deleting network ${network.name}: ${describeCloudError(err)}.${hint}`);
    }
  }
  // After the VMs and the tier: the control nodes' affinity group and our ACL list (teardownPlacement.ts).
  await deletePlacement(api, { ...target, ...ctx }, deadline, progress, step);
}
