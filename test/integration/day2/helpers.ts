// Day-2 tests: out-of-band damage (through the CloudStack API and over SSH, as an operator would) and
// the live VM states of a cluster.
import type { Simulator } from "../../../simulator";
import { api } from "../cluster/harness";
import { TAG } from "../../../provider/cluster/tags";
import { ClusterContext } from "../../../provider/cluster/context";
import { ClusterStateSchema } from "../../../provider/cluster/clusterState";
import { ClusterInputsSchema } from "../../../provider/resources/clusterInputs";
import { Deadline } from "../../../provider/cluster/deadline";
import { Progress } from "../../../provider/cluster/progress";
import { sshConnector } from "../../../provider/cluster/nodeShell";
import { nodeCommand } from "../../../provider/kubernetes/commands";

export type Props = Record<string, unknown>;
export type InitError = Error & { id: string; properties: Props };

/** name → state of every VM tagged with the cluster id (destroyed ones excluded). */
export async function vmStates(sim: Simulator, clusterId: string): Promise<Record<string, string>> {
  const vms = (await api(sim).listAll("listVirtualMachines", { tags: { [TAG.clusterId]: clusterId }, listall: true }, "virtualmachine")) as { name: string; state: string }[];
  return Object.fromEntries(vms.filter((v) => v.state !== "Destroyed" && v.state !== "Expunging").map((v) => [v.name, v.state]));
}

export function nodeNamed(outs: Props, suffix: string): { name: string; virtualMachineId: string } {
  const node = (outs.nodes as { name: string; virtualMachineId: string }[]).find((n) => n.name.endsWith(`-${suffix}`));
  if (!node) throw new Error(`no node ${suffix}`);
  return node;
}

/** Stops a VM behind Pulumi's back (the operator's stopVirtualMachine). */
export async function stopVmOutOfBand(sim: Simulator, outs: Props, suffix: string): Promise<void> {
  await api(sim).request("stopVirtualMachine", { id: nodeNamed(outs, suffix).virtualMachineId });
}

/** Destroys and expunges a VM behind Pulumi's back. */
export async function destroyVmOutOfBand(sim: Simulator, outs: Props, suffix: string): Promise<void> {
  await api(sim).request("destroyVirtualMachine", { id: nodeNamed(outs, suffix).virtualMachineId, expunge: true });
}

/** Runs a command on a node over SSH with the cluster's key, as an operator logged in as `cloud` would. */
export async function onNode(outs: Props, suffix: string, argv: string[]): Promise<{ code: number | null; stdout: string }> {
  const state = ClusterStateSchema.parse(outs);
  const inputs = ClusterInputsSchema.parse(outs);
  const ctx = new ClusterContext({ api: undefined as never, inputs, state: structuredClone(state), connector: sshConnector(), deadline: Deadline.in(60_000, "test ssh"), progress: new Progress("test", inputs.name, () => undefined) });
  try {
    const node = ctx.node(nodeNamed(outs, suffix).name);
    return await ctx.run(node, nodeCommand(argv, { sudo: true }), { allowFailure: true });
  } finally {
    ctx.closeShells();
  }
}

/** The engine's refresh then up: read, then diff, then (when diff says so) update with the refreshed props. */
export async function refresh(p: { cluster: { read?: (id: string, props?: unknown) => Promise<{ id?: string; props?: unknown }> } }, id: string, outs: Props): Promise<Props> {
  const r = await p.cluster.read!(id, outs);
  return r.props as Props;
}
