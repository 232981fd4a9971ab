// Repair (the recorded or refreshed state is Alert): starts the VMs that should run (etcd, control,
// workers), forgets the Node objects of workers whose VMs were destroyed outside Pulumi, then runs the
// create phases again (they probe: missing VMs are deployed, missing rules re-created, new workers
// joined), restarts or replaces workers that are not Ready, and finally says what it could not repair
// (a lost control or etcd node, a lost quorum). Nothing of the cluster is destroyed except a worker VM
// that is not Ready after a kubelet restart, which is replaced under the same name.
import * as cmd from "../../kubernetes/commands";
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterContext } from "../context";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { assessDamage, type Damage } from "../day2/damage";
import { healWorkersPhase } from "../day2/healWorkers";
import { liveVms } from "../day2/power";
import { apiAndKubeconfig } from "../day2/ready";
import { kubectlNode, nodeStep } from "../upgrade/nodeSteps";
import { createOperation } from "./create";
import { startPhases } from "./start";

export function repairOperation(inputs: ClusterInputs, state: ClusterState): Phase[] {
  let damage: Damage = { goneWorkers: [], unrepairable: [] };
  const keep = (ctx: ClusterContext): void => {
    const skip = new Set(damage.unrepairable.map((n) => n.name));
    ctx.state.nodes = ctx.state.nodes.filter((n) => !skip.has(n.name));
  };
  const create = createOperation(inputs, state).flatMap((phase): Phase[] => {
    if (phase.name === "plan") {
      const plan = async (ctx: ClusterContext): Promise<void> => {
        await phase.run(ctx);
        keep(ctx);
      };
      return [{ name: "plan", run: plan }];
    }
    if (phase.name === "join") return [phase, { name: "heal-workers", run: healWorkersPhase }];
    return [phase];
  });
  return [
    {
      name: "assess",
      run: async (ctx) => {
        const live = await liveVms(ctx);
        damage = assessDamage(ctx.state.nodes, new Set(live.keys()));
        for (const n of damage.goneWorkers) ctx.progress.line("assess", "VM destroyed outside Pulumi: it will be deployed again", n.name);
        for (const n of damage.unrepairable) ctx.progress.line("assess", "VM destroyed outside Pulumi: cannot be re-created in place", n.name);
        if (damage.fatal) throw new Error(damage.fatal);
        for (const n of damage.goneWorkers) {
          delete n.virtualMachineId;
          delete n.privateIp;
        }
        keep(ctx);
      },
    },
    ...startPhases(),
    { name: "api", run: (ctx) => apiAndKubeconfig(ctx, "api") },
    {
      name: "forget-gone",
      run: async (ctx) => {
        for (const node of damage.goneWorkers) {
          await nodeStep(ctx, "forget-gone", node, "delete the Node object of the destroyed VM", () => ctx.run(kubectlNode(ctx), cmd.kubectlDeleteNode(node.name)));
        }
      },
    },
    ...create,
    {
      name: "unrepaired",
      run: async (ctx) => {
        if (damage.unrepairable.length === 0) {
          ctx.progress.line("unrepaired", "nothing left to repair");
          return;
        }
        // The lost nodes stay recorded (as Missing), so read and the next up still report them.
        for (const n of damage.unrepairable) if (!ctx.state.nodes.some((m) => m.name === n.name)) ctx.state.nodes.push({ ...n, state: "Missing" });
        throw new Error(damage.message ?? "some nodes could not be repaired");
      },
    },
  ];
}
