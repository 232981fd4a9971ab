// Phase 4: the stable endpoint. A dedicated public IP (not the source NAT one, so delete can release
// it) associated with the network and tagged; found again by its tag on resume.
import { parseEntity, parseList, PublicIpSchema, type PublicIp } from "../entities";
import type { ClusterContext, ClusterScope } from "../context";
import { withRetry } from "../retry";
import { clusterTags, createTags, ownedBy, TAG } from "../tags";
import { scoped } from "./validate";
import { createTokenTag } from "../abandoned";
import { listAllOrGone } from "../listGone";

export async function findClusterIp(ctx: ClusterScope): Promise<PublicIp | undefined> {
  const ips = parseList(PublicIpSchema, await ctx.api.listAll("listPublicIpAddresses", { ...scoped(ctx.inputs, {}), tags: { [TAG.clusterId]: ctx.clusterId } }, "publicipaddress"), "listPublicIpAddresses");
  return ips.find((ip) => ownedBy(ctx.clusterId, ip.tags));
}

export async function publicIpPhase(ctx: ClusterContext): Promise<void> {
  const phase = "public-ip";
  const { api, inputs, state } = ctx;
  if (state.directAccess) {
    // Shared network: nodes are reached on their guest IPs; the API endpoint is the external LB IP.
    return;
  }
  const retry = { deadline: ctx.deadline, what: "acquiring the public IP" };
  let ip = await withRetry(() => findClusterIp(ctx), retry);
  if (!ip && state.ipAddressId) {
    // Associated by an earlier run that failed before tagging it.
    const known = parseList(PublicIpSchema, await listAllOrGone(api, "listPublicIpAddresses", { ...scoped(inputs, {}), id: state.ipAddressId }, "publicipaddress"), "listPublicIpAddresses");
    ip = known[0];
  }
  if (ip) {
    ctx.progress.line(phase, `using public IP ${ip.ipaddress}`);
  } else {
    ctx.progress.line(phase, "associating a public IP");
    // A VPC's IPs belong to the VPC; the first rule with networkid ties one to the tier (§3.3 rule 3).
    const owner = state.vpcId ? { vpcid: state.vpcId } : { networkid: state.networkId };
    const created = await api.request("associateIpAddress", { ...scoped(inputs, {}), ...owner });
    ip = parseEntity(PublicIpSchema, created, "ipaddress", "associateIpAddress");
    ctx.facts.freshPublicIp = true;
  }
  state.ipAddressId = ip.id;
  state.ipAddress = ip.ipaddress;
  state.endpoint = `https://${ip.ipaddress}:6443/`;
  if (!ownedBy(ctx.clusterId, ip.tags)) {
    const id = ip.id;
    await withRetry(() => createTags(api, "PublicIpAddress", [id], clusterTags(ctx.clusterId, inputs.name, "public-ip", createTokenTag(ctx.state))), retry);
  }
}
