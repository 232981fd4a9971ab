// The KubernetesCluster dynamic provider: check and diff are pure; create runs the phase pipeline;
// update resumes a failed create (or applies in-place input changes); read reports the live state;
// delete tears down everything the cluster created.
import { randomUUID } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { ClusterInputsSchema, DEFAULT_TIMEOUTS, validateClusterInputs, type ClusterInputs } from "./clusterInputs";
import { diffCluster } from "./clusterDiff";
import { checkWith } from "./common/checkInputs";
import { resolveConnection, type ResolvedConnection } from "./common/connection";
import { ResourceInitError, withProvider } from "./common/initError";
import { jsonSafe } from "./common/jsonSafe";
import { createCloudApi, type CloudApi } from "../cluster/cloudApi";
import { ClusterStateSchema, type ClusterState } from "../cluster/clusterState";
import { runClusterOperation } from "../cluster/createPipeline";
import { OPERATIONS, planUpdate, type OperationName } from "../cluster/operations";
import { PhaseError } from "../cluster/context";
import { Deadline } from "../cluster/deadline";
import { parseDuration } from "../cluster/duration";
import { nodePrefix } from "../cluster/names";
import { sshConnector, type NodeConnector } from "../cluster/nodeShell";
import { Progress, type ProgressSink } from "../cluster/progress";
import { readClusterState } from "../cluster/readCluster";
import { day2ResumeHint, day2UpdateNeeded } from "../cluster/day2/plan";
import { refuseWhileStopped } from "../cluster/day2/refuse";
import { sshNodeHealth } from "../cluster/day2/health";
import { teardownCluster } from "../cluster/teardown";
import { withClusterTypes } from "./externalManaged";
import { guardCreate } from "../cluster/abandoned";

export interface ClusterProviderDeps {
  cloud?: (connection: ResolvedConnection) => CloudApi;
  connector?: () => NodeConnector;
  progressSink?: ProgressSink;
  concurrency?: number;
}

type Props = Record<string, unknown>;

/** What the user does after a failed operation: every operation resumes from live state. */
const RESUME_HINT: Partial<Record<OperationName, string>> = {
  create: "Run `pulumi up` again to resume (the cluster id and key are kept), or `pulumi destroy` to remove what was created.",
  upgrade: "Fix the cause and run `pulumi up` again: the upgrade carries on from this node (nodes already upgraded are not upgraded again).",
  offering: "Fix the cause and run `pulumi up` again: the change carries on node by node (nodes already on their offering are skipped).",
  scale: "Run `pulumi up` again to resume the size change (existing nodes are kept).",
};

function asProps(value: unknown): Props {
  return value !== null && typeof value === "object" ? (value as Props) : {};
}

function parseInputs(raw: unknown): ClusterInputs {
  const props = { ...asProps(raw) };
  delete props.__provider;
  const r = ClusterInputsSchema.safeParse(props);
  if (!r.success) throw new Error(`KubernetesCluster inputs are invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

/** Credentials: the new inputs, then what state recorded, then the environment. */
function connectionFor(...sources: Props[]): ResolvedConnection {
  const merged: Props = {};
  for (const source of [...sources].reverse()) {
    for (const key of ["apiUrl", "apiKey", "secretKey", "insecure", "caBundle"]) if (source[key] !== undefined) merged[key] = source[key];
  }
  return resolveConnection(merged);
}

function timeoutMs(inputs: Pick<ClusterInputs, "timeouts">, op: "create" | "update" | "delete"): number {
  return parseDuration(inputs.timeouts?.[op] ?? DEFAULT_TIMEOUTS[op]);
}

/** Outputs: the inputs, the credentials used, and what the cluster is. JSON-safe, no undefined. */
export function clusterOutputs(inputs: ClusterInputs, connection: ResolvedConnection, state: ClusterState): Props {
  return jsonSafe({
    ...inputs,
    ...connection,
    clusterId: state.clusterId,
    prefix: state.prefix,
    state: state.state,
    stateReason: state.stateReason,
    endpoint: state.endpoint,
    ipAddress: state.ipAddress,
    ipAddressId: state.ipAddressId,
    networkId: state.networkId ?? inputs.networkId,
    networkCreated: state.networkCreated ?? false,
    directAccess: state.directAccess,
    vpcId: state.vpcId ?? inputs.vpcId,
    networkAclId: state.networkAclId,
    controlAffinityGroupId: state.controlAffinityGroupId,
    kubeconfig: state.kubeconfig,
    kubernetesVersion: state.kubernetesVersion ?? inputs.kubernetesVersion,
    isoId: state.isoId,
    nodes: state.nodes,
    virtualMachineIds: state.nodes.map((n) => n.virtualMachineId).filter((id): id is string => typeof id === "string"),
    controlNodes: inputs.controlNodes,
    size: inputs.size,
    etcdNodes: inputs.etcdNodes,
    certificatesExpireAt: state.certificatesExpireAt,
    upgradeInProgress: state.upgradeInProgress,
    interruptedOperation: state.interruptedOperation,
    cpuNumber: state.cpuNumber,
    memory: state.memory,
    sshPrivateKey: state.sshPrivateKey,
    sshPublicKey: state.sshPublicKey,
    hostKeys: state.hostKeys,
    keypairName: state.keypairName,
  });
}

function stateFrom(props: Props, id: string): ClusterState {
  const r = ClusterStateSchema.safeParse({ ...props, clusterId: props.clusterId ?? id, prefix: props.prefix ?? nodePrefix(String(props.name ?? "cluster"), id), state: props.state ?? "Error" });
  if (!r.success) throw new Error(`KubernetesCluster ${id}: the recorded state is unreadable (${r.error.issues[0]?.message ?? "invalid"}); refresh or import it again`);
  return r.data;
}

export function makeClusterProvider(deps: ClusterProviderDeps = {}): pulumi.dynamic.ResourceProvider {
  const cloud = deps.cloud ?? createCloudApi;
  const connector = deps.connector ?? sshConnector;
  const progressFor = (name: string): Progress => new Progress("cluster", name, deps.progressSink);

  /** Runs one operation's phases; a failure keeps the partial state in Pulumi (ResourceInitError). */
  async function runOperation(op: "create" | OperationName, inputs: ClusterInputs, connection: ResolvedConnection, state: ClusterState, rawInputs: Props): Promise<Props> {
    const progress = progressFor(inputs.name);
    const { phases, failedState, checks, doneState } = OPERATIONS[op];
    try {
      await runClusterOperation(op, inputs, state, {
        api: cloud(connection),
        connector: connector(),
        deadline: Deadline.in(timeoutMs(inputs, op === "create" && state.nodes.length === 0 ? "create" : "update"), `cluster ${inputs.name} ${op}`),
        progress,
        concurrency: deps.concurrency,
      }, phases(inputs, state), failedState, doneState);
      if (state.interruptedOperation === op) delete state.interruptedOperation;
      return clusterOutputs(inputs, connection, state);
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      // validate runs before anything is created: there is nothing to resume or destroy, so the
      // resource is not recorded at all and the message only says what to fix.
      if (op === "create" && state.nodes.length === 0 && err instanceof PhaseError && err.phase === "validate") {
        throw new Error(`KubernetesCluster ${inputs.name}: ${cause}. Nothing was created; fix the input and run \`pulumi up\` again.`);
      }
      // An operation refused by its checks changed nothing: a plain error keeps the recorded state as it
      // was (the old version and offerings, Running), and the next \`pulumi up\` checks again.
      if (err instanceof PhaseError && checks.includes(err.phase)) {
        throw new Error(`KubernetesCluster ${inputs.name}: ${cause}. Nothing was changed; fix the input or the cluster and run \`pulumi up\` again.`);
      }
      const message = `KubernetesCluster ${inputs.name}: ${cause}. ${day2ResumeHint(op, err) ?? RESUME_HINT[op] ?? "Run `pulumi up` again to carry on."}`;
      state.state = failedState;
      state.stateReason = cause;
      if (op !== "create" && op !== "upgrade") state.interruptedOperation = op;
      throw new ResourceInitError(message, state.clusterId, withProvider(clusterOutputs(inputs, connection, state), rawInputs));
    }
  }

  // clusterType "ExternalManaged" and registerInCloudStack (issue 13) live in externalManaged.ts.
  return withClusterTypes({
    async check(olds: unknown, news: unknown) {
      return checkWith(news, (clean) => validateClusterInputs(clean, asProps(olds)));
    },

    async diff(_id: string, olds: unknown, news: unknown) {
      const d = diffCluster(asProps(olds), asProps(news));
      return { changes: d.changes || day2UpdateNeeded(asProps(olds), asProps(news)), replaces: d.replaces, deleteBeforeReplace: false };
    },

    async create(rawInputs: unknown) {
      const inputs = parseInputs(rawInputs);
      const connection = connectionFor(asProps(rawInputs));
      const clusterId = randomUUID();
      const state: ClusterState = { clusterId, prefix: nodePrefix(inputs.name, clusterId), state: "Creating", hostKeys: {}, nodes: [], virtualMachineIds: [] };
      let outs = await guardCreate({ api: cloud(connection), inputs, state, apiUrl: connection.apiUrl, progress: progressFor(inputs.name), timeoutMs: timeoutMs(inputs, "create"), concurrency: deps.concurrency }, () => runOperation("create", inputs, connection, state, asProps(rawInputs)));
      // A cluster declared stopped is built (and proven to work), then stopped (day2/plan.ts).
      if (inputs.stopped) outs = await runOperation("stop", inputs, connection, state, asProps(rawInputs));
      return { id: clusterId, outs };
    },

    async update(id: string, rawOlds: unknown, rawNews: unknown) {
      const olds = asProps(rawOlds);
      const inputs = parseInputs(rawNews);
      const connection = connectionFor(asProps(rawNews), olds);
      const { changed } = diffCluster(olds, asProps(rawNews));
      const state = stateFrom(olds, id);
      refuseWhileStopped(inputs, olds, state);
      const operations = planUpdate(changed, state, inputs);
      if (operations.includes("create") && operations.includes("upgrade")) {
        throw new Error(
          `KubernetesCluster ${inputs.name}: the cluster's create did not finish (${state.stateReason ?? state.state}), so it cannot be upgraded yet. ` +
            "Set kubernetesVersionId back to the version it was created with, run `pulumi up` to finish the create, then upgrade.",
        );
      }
      let outs = clusterOutputs(inputs, connection, state);
      for (const op of operations) outs = await runOperation(op, inputs, connection, state, asProps(rawNews));
      return { outs };
    },

    async read(id: string, rawProps?: unknown) {
      const props = asProps(rawProps);
      if (Object.keys(props).length === 0) return { id, props };
      const state = stateFrom(props, id);
      const connection = connectionFor(props);
      const live = await readClusterState(
        cloud(connection),
        { clusterId: state.clusterId, prefix: state.prefix, name: String(props.name ?? ""), zoneId: String(props.zoneId ?? ""), account: props.account as string | undefined, domainId: props.domainId as string | undefined, projectId: props.projectId as string | undefined },
        state,
        sshNodeHealth(props, cloud(connection), connector()),
      );
      if (live.gone && ["Running", "Stopped", "Alert"].includes(state.state)) return { id: "", props: {} };
      const next: Props = { ...props, state: live.gone ? state.state : live.state, nodes: live.gone ? state.nodes : live.nodes };
      delete next.stateReason;
      if (live.stateReason) next.stateReason = live.stateReason;
      return { id, props: jsonSafe(next) };
    },

    async delete(id: string, rawProps: unknown) {
      const props = asProps(rawProps);
      const state = stateFrom(props, id);
      const connection = connectionFor(props);
      const name = String(props.name ?? "");
      const timeouts = asProps(props.timeouts);
      const deadline = Deadline.in(parseDuration(typeof timeouts.delete === "string" ? timeouts.delete : DEFAULT_TIMEOUTS.delete), `cluster ${name} delete`);
      await teardownCluster(
        cloud(connection),
        {
          clusterId: state.clusterId,
          prefix: state.prefix,
          name,
          zoneId: String(props.zoneId ?? ""),
          account: props.account as string | undefined,
          domainId: props.domainId as string | undefined,
          projectId: props.projectId as string | undefined,
          ipAddressId: state.ipAddressId,
          networkCreated: state.networkCreated,
          keypairName: state.keypairName,
          vpcId: state.vpcId,
          controlAntiAffinity: state.controlAffinityGroupId !== undefined || props.controlNodeAntiAffinity === true,
        },
        deadline,
        progressFor(name),
        deps.concurrency,
      );
    },
  }, { cloud });
}

/** The provider the SDK's serialized shim delegates to. */
export const provider = makeClusterProvider();
export const kubernetesClusterProvider = provider;
