// The ClusterNode dynamic provider (issue 13): an existing VM joins a KubernetesCluster as a worker
// (CKS 4.21 addNodesToKubernetesCluster, done client-side) and leaves it on delete; the VM itself is
// never destroyed. check and diff are offline; create joins; update resumes a failed join or applies
// label, taint and manual-upgrade changes in place; read follows the VM and its membership tags.
import { randomUUID } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { ClusterNodeInputsSchema, CLUSTER_NODE_DIFF_PLAN, DEFAULT_NODE_TIMEOUTS, validateClusterNodeInputs, type ClusterNodeInputs } from "./clusterNodeInputs";
import { checkWith } from "./common/checkInputs";
import { resolveConnection, type ResolvedConnection } from "./common/connection";
import { classify } from "./common/diff";
import { ResourceInitError, withProvider } from "./common/initError";
import { jsonSafe } from "./common/jsonSafe";
import { createCloudApi, type CloudApi } from "../cluster/cloudApi";
import { Deadline } from "../cluster/deadline";
import { parseDuration } from "../cluster/duration";
import { tagMap } from "../cluster/entities";
import { sshConnector, type NodeConnector } from "../cluster/nodeShell";
import { Progress, type ProgressSink } from "../cluster/progress";
import { TAG } from "../cluster/tags";
import { joinExternalNode, setVmTags, type JoinedNode } from "../cluster/externalNodes/joinNode";
import { leaveExternalNode } from "../cluster/externalNodes/leaveNode";
import { nodeContext, controlNode, type ExternalNodeDeps } from "../cluster/externalNodes/nodeContext";
import { applyNodeMetadata } from "../cluster/externalNodes/nodeMetadata";
import { findVm, NodeValidationError } from "../cluster/externalNodes/validateNode";
import { upgradeExternalNode } from "../cluster/externalNodes/upgradeNode";

export interface ClusterNodeProviderDeps {
  cloud?: (connection: ResolvedConnection) => CloudApi;
  connector?: () => NodeConnector;
  progressSink?: ProgressSink;
}

type Props = Record<string, unknown>;
const asProps = (v: unknown): Props => (v !== null && typeof v === "object" ? (v as Props) : {});

function parseInputs(raw: unknown): ClusterNodeInputs {
  const props = { ...asProps(raw) };
  delete props.__provider;
  const r = ClusterNodeInputsSchema.safeParse(props);
  if (!r.success) throw new Error(`ClusterNode inputs are invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

function connectionFor(...sources: Props[]): ResolvedConnection {
  const merged: Props = {};
  for (const source of [...sources].reverse()) for (const k of ["apiUrl", "apiKey", "secretKey", "insecure", "caBundle"]) if (source[k] !== undefined) merged[k] = source[k];
  return resolveConnection(merged);
}

function deadlineFor(inputs: Pick<ClusterNodeInputs, "timeouts" | "virtualMachineId">, op: "create" | "update" | "delete"): Deadline {
  return Deadline.in(parseDuration(inputs.timeouts?.[op] ?? DEFAULT_NODE_TIMEOUTS[op]), `cluster node ${inputs.virtualMachineId} ${op}`);
}

/** Outputs: the inputs (sshPrivateKey stays a secret: the SDK marks it), the credentials, and what the join learnt. */
function nodeOutputs(inputs: ClusterNodeInputs, connection: ResolvedConnection, joined: Partial<JoinedNode>, state: string, stateReason?: string): Props {
  return jsonSafe({ ...inputs, ...connection, ...joined, state, ...(stateReason ? { stateReason } : {}) });
}

function recorded(props: Props): Partial<JoinedNode> {
  const out: Partial<JoinedNode> = {};
  if (typeof props.nodeName === "string") out.nodeName = props.nodeName;
  if (typeof props.privateIp === "string") out.privateIp = props.privateIp;
  if (typeof props.sshPort === "number") out.sshPort = props.sshPort;
  if (typeof props.hostKey === "string") out.hostKey = props.hostKey;
  if (typeof props.kubernetesVersion === "string") out.kubernetesVersion = props.kubernetesVersion;
  if (typeof props.kubeletVersion === "string") out.kubeletVersion = props.kubeletVersion;
  if (typeof props.keyReset === "boolean") out.keyReset = props.keyReset;
  return out;
}

export function makeClusterNodeProvider(deps: ClusterNodeProviderDeps = {}): pulumi.dynamic.ResourceProvider {
  const cloud = deps.cloud ?? createCloudApi;
  const connector = deps.connector ?? sshConnector;
  const depsFor = (inputs: ClusterNodeInputs, connection: ResolvedConnection, op: "create" | "update" | "delete"): ExternalNodeDeps => ({
    api: cloud(connection),
    connector: connector(),
    deadline: deadlineFor(inputs, op),
    progress: new Progress("cluster-node", inputs.nodeName ?? inputs.virtualMachineId, deps.progressSink),
  });

  async function join(id: string, op: "create" | "update", inputs: ClusterNodeInputs, connection: ResolvedConnection, olds: Props, rawInputs: Props): Promise<Props> {
    const before = recorded(olds);
    try {
      const joined = await joinExternalNode(inputs, depsFor(inputs, connection, op), {
        ...(before.hostKey ? { hostKey: before.hostKey } : {}),
        managed: { labels: asProps(olds.labels) as Record<string, string>, taints: Array.isArray(olds.taints) ? (olds.taints as ClusterNodeInputs["taints"]) : [] },
      });
      return nodeOutputs(inputs, connection, joined, "Ready");
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      if (op === "create" && err instanceof NodeValidationError) {
        throw new Error(`ClusterNode ${inputs.virtualMachineId}: ${cause}. Nothing was changed; fix the input and run \`pulumi up\` again.`);
      }
      const message = `ClusterNode ${inputs.virtualMachineId}: ${cause}. Run \`pulumi up\` again to resume, or \`pulumi destroy\` to take the VM out of the cluster again (the VM is kept).`;
      throw new ResourceInitError(message, id, withProvider(nodeOutputs(inputs, connection, before, "Error", cause), rawInputs));
    }
  }

  return {
    async check(olds: unknown, news: unknown) {
      return checkWith(news, (clean) => validateClusterNodeInputs(clean, asProps(olds)));
    },

    async diff(_id: string, olds: unknown, news: unknown) {
      const { changed, replaces } = classify(CLUSTER_NODE_DIFF_PLAN, asProps(olds), asProps(news));
      // A VM is a member of one cluster at a time: the old membership ends before the new one starts.
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
    },

    async create(rawInputs: unknown) {
      const inputs = parseInputs(rawInputs);
      const connection = connectionFor(asProps(rawInputs));
      const id = randomUUID();
      return { id, outs: await join(id, "create", inputs, connection, {}, asProps(rawInputs)) };
    },

    async update(id: string, rawOlds: unknown, rawNews: unknown) {
      const olds = asProps(rawOlds);
      const inputs = parseInputs(rawNews);
      const connection = connectionFor(asProps(rawNews), olds);
      if (olds.state !== "Ready") return { outs: await join(id, "update", inputs, connection, olds, asProps(rawNews)) };
      const { changed } = classify(CLUSTER_NODE_DIFF_PLAN, olds, asProps(rawNews));
      const before = recorded(olds);
      const d = depsFor(inputs, connection, "update");
      let joined: Partial<JoinedNode> = before;
      if (changed.includes("manualUpgrade")) {
        await setVmTags(d.api, inputs.virtualMachineId, { [TAG.manualUpgrade]: String(inputs.manualUpgrade) });
      }
      if (inputs.kubernetesVersion && before.kubernetesVersion && inputs.kubernetesVersion !== before.kubernetesVersion) {
        // manualUpgrade: the node moves on its own input; otherwise the cluster's upgrade moved it already.
        joined = inputs.manualUpgrade ? { ...before, ...(await upgradeExternalNode(inputs, before, d)) } : { ...before, kubernetesVersion: inputs.kubernetesVersion };
      }
      if (changed.includes("labels") || changed.includes("taints")) {
        const node = { name: before.nodeName as string, role: "worker" as const, index: 0, sshPort: before.sshPort ?? 22, external: true, virtualMachineId: inputs.virtualMachineId };
        const ctx = nodeContext(inputs, node, d, { withControl: true, kubernetesVersion: before.kubernetesVersion ?? "" });
        try {
          await applyNodeMetadata(ctx, controlNode(inputs), node.name, { labels: inputs.labels, taints: inputs.taints }, { labels: asProps(olds.labels) as Record<string, string>, taints: Array.isArray(olds.taints) ? (olds.taints as ClusterNodeInputs["taints"]) : [] });
        } finally {
          ctx.closeShells();
        }
      }
      return { outs: nodeOutputs(inputs, connection, joined, "Ready") };
    },

    async read(id: string, rawProps?: unknown) {
      const props = asProps(rawProps);
      if (Object.keys(props).length === 0) return { id, props };
      const inputs = parseInputs(props);
      const vm = await findVm(cloud(connectionFor(props)), inputs);
      // The VM is gone, or no longer carries our membership: the ClusterNode no longer exists.
      if (!vm || ["Destroyed", "Expunging"].includes(vm.state) || tagMap(vm.tags)[TAG.externalNodeOf] !== inputs.clusterId) return { id: "", props: {} };
      const next: Props = { ...props, vmState: vm.state };
      if (props.state === "Ready" && vm.state !== "Running") next.stateReason = `the VM is ${vm.state}`;
      else delete next.stateReason;
      return { id, props: jsonSafe(next) };
    },

    async delete(_id: string, rawProps: unknown) {
      const props = asProps(rawProps);
      const inputs = parseInputs(props);
      const before = recorded(props);
      const d = depsFor(inputs, connectionFor(props), "delete");
      const nodeName = before.nodeName ?? tagMap((await findVm(d.api, inputs))?.tags ?? [])[TAG.nodeName];
      if (!nodeName) return; // never joined: nothing was tagged, nothing to undo
      const warnings = await leaveExternalNode(
        inputs,
        { nodeName, sshPort: before.sshPort ?? 22, kubernetesVersion: before.kubernetesVersion ?? inputs.kubernetesVersion ?? "", ...(before.privateIp ? { privateIp: before.privateIp } : {}), ...(before.hostKey ? { hostKey: before.hostKey } : {}) },
        d,
      );
      for (const w of warnings) d.progress.line("delete", `WARNING: ${w}`);
    },
  };
}

/** The provider the SDK's serialized shim delegates to. */
export const provider = makeClusterNodeProvider();
export const clusterNodeProvider = provider;
