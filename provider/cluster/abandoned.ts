// Crash safety of create (issue 14 §3). When the provider process dies inside create(), Pulumi records
// nothing: no id, no outputs, only a pending operation. The next `pulumi up` warns about it and goes on
// (pulumi/pulumi#9293), `refresh` clears it (pulumi/pulumi#8435), and the resource is created again:
// create() runs with a new cluster id. Whatever the dead create made would leak. So while a create runs, its network, public IP and VMs carry a create token: a hash
// of the cluster's identity (endpoint, zone, owner, network, name), not a secret. The next create with
// the same identity finds the token, tears the abandoned attempt down (its cluster id is in the same
// resources' tags; everything else of it is found by tag or by the names derived from that id), and
// then starts afresh. When create returns (success, or a failure Pulumi records) the token is removed,
// so a finished cluster is never mistaken for an abandoned one.
// Covered windows before any tag exists: a network made but not yet tagged is found by its name and
// its display text, which names the cluster id (network.ts). Not covered: a keypair or a public IP on
// a network the user gave, registered in the moment before the first tag (docs/chaos.md).
import { createHash } from "crypto";
import type { ClusterInputs } from "../resources/clusterInputs";
import type { CloudApi } from "./cloudApi";
import type { ClusterState } from "./clusterState";
import { Deadline } from "./deadline";
import { NetworkSchema, parseList, TagSchema } from "./entities";
import { clusterNetworkName, nodePrefix } from "./names";
import { scoped } from "./phases/validate";
import type { Progress } from "./progress";
import { withRetry } from "./retry";
import { TAG, type TaggableType } from "./tags";
import { teardownCluster } from "./teardown";

/** The tagged kinds that carry the token: one of them exists from the first tagged step on. */
const TOKEN_TYPES: readonly TaggableType[] = ["Network", "PublicIpAddress", "UserVm"];
/** How long removing the token may take after the create ended. */
const DROP_TOKEN_MS = 30_000;

/** Stable for the same cluster across attempts; differs between clusters that could coexist. */
export function createToken(inputs: Pick<ClusterInputs, "name" | "zoneId" | "account" | "domainId" | "projectId" | "networkId">, apiUrl: string): string {
  const identity = [apiUrl, inputs.zoneId, inputs.projectId ?? "", inputs.domainId ?? "", inputs.account ?? "", inputs.networkId ?? "", inputs.name];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

/** The extra tag a create adds to its network, IP and VMs (none outside a create). */
export function createTokenTag(state: Pick<ClusterState, "createToken">): Record<string, string> {
  return state.createToken ? { [TAG.createToken]: state.createToken } : {};
}

const UUID_IN_DISPLAY = /^Kubernetes cluster .* \(([0-9a-f-]{36})\)$/i;

/** Cluster ids of earlier creates with this token that never returned. */
export async function abandonedClusterIds(api: CloudApi, inputs: ClusterInputs, token: string, ownId: string): Promise<string[]> {
  const tokenTags = parseList(TagSchema, await api.listAll("listTags", { ...scoped(inputs, {}), listall: true, key: TAG.createToken, value: token }, "tag"), "listTags");
  const ids = new Set<string>();
  for (const t of tokenTags.filter((x) => x.key === TAG.createToken && x.value === token && x.resourceid)) {
    const owner = parseList(TagSchema, await api.listAll("listTags", { ...scoped(inputs, {}), listall: true, resourceid: t.resourceid, key: TAG.clusterId }, "tag"), "listTags");
    for (const o of owner) if (o.key === TAG.clusterId && o.resourceid === t.resourceid) ids.add(o.value);
  }
  if (!inputs.networkId) {
    // A network created by a create that died before tagging it: our name, our display text, no tags.
    const nets = parseList(NetworkSchema, await api.listAll("listNetworks", { ...scoped(inputs, {}), zoneid: inputs.zoneId, keyword: clusterNetworkName(inputs.name) }, "network"), "listNetworks");
    for (const n of nets) {
      const id = UUID_IN_DISPLAY.exec(n.displaytext ?? "")?.[1];
      if (n.name === clusterNetworkName(inputs.name) && n.tags.length === 0 && id && n.displaytext === `Kubernetes cluster ${inputs.name} (${id})`) ids.add(id);
    }
  }
  ids.delete(ownId);
  return [...ids];
}

export interface CreateGuard {
  api: CloudApi;
  inputs: ClusterInputs;
  state: ClusterState;
  apiUrl: string;
  progress: Progress;
  timeoutMs: number;
  concurrency?: number;
}

/** Removes the token from everything of this cluster (best effort: a leftover token only costs a sweep). */
async function dropToken(g: CreateGuard, token: string): Promise<void> {
  // Its own short deadline: the create's may be spent when the create failed on it.
  const retry = { deadline: Deadline.in(DROP_TOKEN_MS, `cluster ${g.inputs.name} create token`), what: "removing the create token" };
  try {
    const tags = parseList(TagSchema, await withRetry(() => g.api.listAll("listTags", { ...scoped(g.inputs, {}), listall: true, key: TAG.createToken, value: token }, "tag"), retry), "listTags");
    const mine = new Set(g.state.nodes.map((n) => n.virtualMachineId).concat([g.state.networkId, g.state.ipAddressId]).filter((x): x is string => typeof x === "string"));
    for (const type of TOKEN_TYPES) {
      const ids = tags.filter((t) => t.resourcetype === type && t.resourceid && mine.has(t.resourceid)).map((t) => t.resourceid as string);
      if (ids.length > 0) await withRetry(() => g.api.request("deleteTags", { resourcetype: type, resourceids: ids, tags: { [TAG.createToken]: token } }), retry);
    }
  } catch {
    // Not fatal: the next create with this identity would find our cluster id, which the engine now holds.
  }
}

/**
 * Runs a create under its token: first tears down what abandoned creates with the same identity left,
 * then `run`, then removes the token, whatever `run` ended with.
 */
export async function guardCreate<T>(g: CreateGuard, run: () => Promise<T>): Promise<T> {
  const token = createToken(g.inputs, g.apiUrl);
  const deadline = Deadline.in(g.timeoutMs, `cluster ${g.inputs.name} create`);
  // No retries of our own here: the client already retries what is safe, and an unreachable API or a
  // wrong key must fail now, as the validate phase would, not at the create's deadline.
  // Both run before the create's own phases, so their failures are worded like the validate phase's:
  // nothing of this create exists yet (a wrong key or an unreachable API fails here first).
  const before = (what: string, err: unknown): Error =>
    new Error(`KubernetesCluster ${g.inputs.name}: ${what}: ${err instanceof Error ? err.message : String(err)}. Nothing was created; fix the cause and run \`pulumi up\` again.`);
  const orphans = await withRetry(() => abandonedClusterIds(g.api, g.inputs, token, g.state.clusterId), { deadline, what: "looking for abandoned creates", retryable: () => false }).catch((err: unknown) => {
    throw before("looking for what an interrupted create left", err);
  });
  for (const id of orphans) {
    g.progress.line("abandoned", `removing what an interrupted create left (cluster id ${id})`);
    await teardownCluster(
      g.api,
      { clusterId: id, prefix: nodePrefix(g.inputs.name, id), name: g.inputs.name, zoneId: g.inputs.zoneId, account: g.inputs.account, domainId: g.inputs.domainId, projectId: g.inputs.projectId, vpcId: g.inputs.vpcId, controlAntiAffinity: g.inputs.controlNodeAntiAffinity },
      deadline,
      g.progress,
      g.concurrency,
    ).catch((err: unknown) => {
      throw before(`removing what an interrupted create left (cluster id ${id})`, err);
    });
  }
  g.state.createToken = token;
  try {
    return await run();
  } finally {
    delete g.state.createToken;
    await dropToken(g, token);
  }
}
