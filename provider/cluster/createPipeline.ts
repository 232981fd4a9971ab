// Entry point for create, resume and worker scaling: builds the context and runs the create
// operation's phase list (operations/create.ts) through the one runner (operation.ts).
import type { ClusterInputs } from "../resources/clusterInputs";
import type { ClusterState } from "./clusterState";
import { ClusterContext } from "./context";
import type { CloudApi } from "./cloudApi";
import { Deadline } from "./deadline";
import type { NodeConnector } from "./nodeShell";
import { Progress } from "./progress";
import { runPhases, type Phase } from "./operation";
import { createOperation } from "./operations/create";

export type { Phase } from "./operation";

export interface PipelineDeps {
  api: CloudApi;
  connector: NodeConnector;
  deadline: Deadline;
  progress?: Progress;
  concurrency?: number;
}

/**
 * Runs `phases` (by default the create operation's) against `state`, which is mutated as it goes so a
 * failure leaves the partial state in it. On success the cluster is Running; on failure the state says
 * Error with the cause, and the PhaseError (naming the phase, the node and the cause) is rethrown.
 */
export async function runClusterOperation(
  operation: string,
  inputs: ClusterInputs,
  state: ClusterState,
  deps: PipelineDeps,
  phases: readonly Phase[],
  failedState: "Error" | "Alert" = "Error",
  doneState: "Running" | "Stopped" = "Running",
): Promise<ClusterState> {
  // External nodes (ClusterNode) belong to their own resources: the cluster's phases never touch them.
  const external = state.nodes.filter((n) => n.external);
  state.nodes = state.nodes.filter((n) => !n.external);
  const ctx = new ClusterContext({ api: deps.api, inputs, state, connector: deps.connector, deadline: deps.deadline, progress: deps.progress, concurrency: deps.concurrency });
  try {
    await runPhases(ctx, operation, phases);
    state.state = doneState;
    delete state.stateReason;
    ctx.progress.line("done", doneState === "Running" ? `cluster is Running at ${state.endpoint ?? "?"}` : `cluster is ${doneState}`);
    return state;
  } catch (err) {
    state.state = failedState;
    state.stateReason = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    state.nodes = [...state.nodes, ...external];
    ctx.closeShells();
  }
}

export async function runCreatePipeline(inputs: ClusterInputs, state: ClusterState, deps: PipelineDeps, phases?: readonly Phase[]): Promise<ClusterState> {
  return runClusterOperation("create", inputs, state, deps, phases ?? createOperation(inputs, state));
}
