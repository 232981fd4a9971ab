// Phase 2: the network. Given networkId → use it (validated already); else our tagged network from an
// earlier run; else one we created but failed to tag (found by its display text, which names the
// cluster id); else create `<name>-network` with the Kubernetes network offering, and tag it.
import { parseEntity, parseList, NetworkOfferingSchema, NetworkSchema, type Network } from "../entities";
import { PhaseError, type ClusterContext, type ClusterScope } from "../context";
import { clusterNetworkName } from "../names";
import { withRetry } from "../retry";
import { clusterTags, createTags, ownedBy, TAG } from "../tags";
import { scoped } from "./validate";
import { createTokenTag } from "../abandoned";
import { createClusterTier } from "./vpc";

export const KUBERNETES_NETWORK_OFFERING = "DefaultNetworkOfferingforKubernetesService";

export function networkDisplayText(name: string, clusterId: string): string {
  return `Kubernetes cluster ${name} (${clusterId})`;
}

export async function findClusterNetwork(ctx: ClusterScope): Promise<Network | undefined> {
  const { api, inputs, clusterId } = ctx;
  const tagged = parseList(NetworkSchema, await api.listAll("listNetworks", { ...scoped(inputs, {}), zoneid: inputs.zoneId, tags: { [TAG.clusterId]: clusterId } }, "network"), "listNetworks");
  const ours = tagged.find((n) => ownedBy(clusterId, n.tags));
  if (ours) return ours;
  const byName = parseList(NetworkSchema, await api.listAll("listNetworks", { ...scoped(inputs, {}), zoneid: inputs.zoneId, keyword: clusterNetworkName(inputs.name) }, "network"), "listNetworks");
  return byName.find((n) => n.name === clusterNetworkName(inputs.name) && n.displaytext === networkDisplayText(inputs.name, clusterId));
}

export async function networkPhase(ctx: ClusterContext): Promise<void> {
  const phase = "network";
  const { api, inputs } = ctx;
  if (inputs.networkId) {
    ctx.progress.line(phase, `using network ${inputs.networkId}`);
    ctx.state.networkId = inputs.networkId;
    ctx.state.networkCreated = false;
    return;
  }
  const retry = { deadline: ctx.deadline, what: "creating the cluster network" };
  let network = await withRetry(() => findClusterNetwork(ctx), retry);
  if (network) {
    ctx.progress.line(phase, `found network ${network.name} (${network.id})`);
  } else if (ctx.state.vpcId) {
    network = await createClusterTier(ctx, clusterNetworkName(inputs.name), networkDisplayText(inputs.name, ctx.clusterId));
  }
  if (!network) {
    const offerings = parseList(NetworkOfferingSchema, await withRetry(() => api.listAll("listNetworkOfferings", { name: KUBERNETES_NETWORK_OFFERING, zoneid: inputs.zoneId, state: "Enabled" }, "networkoffering"), retry), "listNetworkOfferings");
    const offering = offerings.find((o) => o.name === KUBERNETES_NETWORK_OFFERING);
    if (!offering) throw new PhaseError(phase, undefined, `network offering ${KUBERNETES_NETWORK_OFFERING} not found or not enabled in zone ${inputs.zoneId}; the cloud is not set up for Kubernetes, or pass networkId`);
    ctx.progress.line(phase, `creating network ${clusterNetworkName(inputs.name)}`);
    const created = await api.request("createNetwork", {
      ...scoped(inputs, {}),
      name: clusterNetworkName(inputs.name),
      displaytext: networkDisplayText(inputs.name, ctx.clusterId),
      networkofferingid: offering.id,
      zoneid: inputs.zoneId,
    });
    network = parseEntity(NetworkSchema, created, "network", "createNetwork");
  }
  ctx.state.networkId = network.id;
  ctx.state.networkCreated = true;
  if (network.vpcid) {
    ctx.state.vpcId = network.vpcid;
    ctx.state.networkAclId = network.aclid ?? ctx.state.networkAclId;
  }
  if (!ownedBy(ctx.clusterId, network.tags)) {
    const id = network.id;
    await withRetry(() => createTags(api, "Network", [id], clusterTags(ctx.clusterId, inputs.name, "network", createTokenTag(ctx.state))), retry);
  }
}
