// Worker scale-down (size decreased on a running cluster). CKS picks victims with an off-by-controls
// bug (cks-behaviour.md §12); we remove the highest-numbered workers beyond the new size, one at a time:
// drain through control-1, delete the Node object, destroy the VM and its port-forwarding rule.
import * as cmd from "../../kubernetes/commands";
import { parseList, PortForwardingRuleSchema } from "../entities";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { cloudErrorInfo, isNotFoundError } from "../cloudErrors";
import { withRetry } from "../retry";
import { onNode } from "./bootstrap";
import { listAllOrGone } from "../listGone";
import { ensureNodeSshFirewall } from "./rules";

export async function scaleDownPhase(ctx: ClusterContext, removed: readonly NodeRecord[]): Promise<void> {
  const victims = removed.filter((n) => n.role === "worker").sort((a, b) => b.index - a.index);
  if (victims.length === 0) return;
  const control1 = ctx.nodesOf("control")[0];
  const retry = { deadline: ctx.deadline, what: "removing workers" };
  // Drains run through control-1's SSH port: an interrupted rules phase may have closed it.
  await ensureNodeSshFirewall(ctx);
  for (const victim of victims) {
    await onNode("scale-down", victim, async () => {
      ctx.progress.line("scale-down", "draining and removing the worker", victim.name);
      const present = await ctx.run(control1, cmd.kubectlGetNodesJson(), { allowFailure: true });
      if (present.code === 0 && present.stdout.includes(`"${victim.name}"`)) {
        await ctx.run(control1, cmd.kubectlDrain(victim.name, { timeout: "300s" }));
        await ctx.run(control1, cmd.kubectlDeleteNode(victim.name));
      }
      if (ctx.state.ipAddressId && !ctx.state.directAccess) {
        const ipId = ctx.state.ipAddressId;
        const rules = parseList(PortForwardingRuleSchema, await withRetry(() => listAllOrGone(ctx.api, "listPortForwardingRules", { ipaddressid: ipId, listall: true }, "portforwardingrule"), retry), "listPortForwardingRules");
        for (const rule of rules.filter((r) => r.publicport === victim.sshPort)) {
          await withRetry(() => ctx.api.request("deletePortForwardingRule", { id: rule.id }), retry).catch((err: unknown) => {
            if (!isNotFoundError(err)) throw err;
          });
        }
      }
      if (victim.virtualMachineId) {
        const id = victim.virtualMachineId;
        try {
          await ctx.api.request("destroyVirtualMachine", { id, expunge: true });
        } catch (err) {
          if (!isNotFoundError(err)) {
            const { code, text } = cloudErrorInfo(err);
            if (!(/expunge/i.test(text) || code === 531)) throw err;
            await ctx.api.request("destroyVirtualMachine", { id });
          }
        }
      }
      delete ctx.state.hostKeys[victim.name];
    });
  }
}
