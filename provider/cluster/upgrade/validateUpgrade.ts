// The upgrade's checks that need the cloud, before any node changes (CKS's
// validateKubernetesClusterUpgradeParameters, plus what CKS misses: per-role offerings, #14148).
import { versionRules } from "../../resources/clusterInputs";
import { checkUpgrade } from "../../kubernetes/versions";
import { PhaseError, type ClusterContext } from "../context";
import { checkOfferings, checkVersion } from "../phases/validate";
import { findClusterVms } from "../phases/vms";

export async function validateUpgrade(ctx: ClusterContext): Promise<void> {
  const phase = "validate-upgrade";
  const fail = (what: string): never => {
    throw new PhaseError(phase, undefined, what);
  };
  const { version, minCpu, minMemory } = await checkVersion(ctx, fail);
  const pending = ctx.state.upgradeInProgress;
  if (pending && pending.version !== version) {
    fail(`an upgrade to v${pending.version} is unfinished (${ctx.state.stateReason ?? "it stopped part-way"}); set kubernetesVersionId back to that version and run \`pulumi up\` to finish it before choosing v${version}`);
  }
  const from = pending?.fromVersion ?? ctx.state.kubernetesVersion;
  if (!from) fail("the cluster's current Kubernetes version is not recorded; run `pulumi refresh` first");
  const step = checkUpgrade(from as string, version);
  if (!step.ok) return fail(`kubernetesVersionId: cannot upgrade: ${step.reason}`);
  const rules = versionRules(version, ctx.inputs.controlNodes);
  if (rules.length > 0) fail(rules.map((r) => r.reason).join("; "));
  await checkOfferings(ctx, version, { minCpu, minMemory }, fail);
  if (!pending && ctx.state.state !== "Running") {
    fail(`the cluster is ${ctx.state.state}${ctx.state.stateReason ? ` (${ctx.state.stateReason})` : ""}; an upgrade needs a Running cluster: start it or repair it, then upgrade`);
  }
  const vms = new Map((await findClusterVms(ctx, ctx.state.prefix)).map((vm) => [vm.name, vm]));
  const down = ctx.state.nodes.filter((n) => vms.get(n.name)?.state !== "Running").map((n) => `${n.name} (${vms.get(n.name)?.state ?? "missing"})`);
  if (down.length > 0) fail(`VMs not Running: ${down.join(", ")}; an upgrade needs every node up: start or repair them first`);
  ctx.state.upgradeInProgress = { version, versionId: ctx.inputs.kubernetesVersionId, fromVersion: from as string };
  ctx.progress.line(phase, `upgrading v${from as string} → v${version} (${step.kind === "none" ? "same version: checking every node" : `${step.kind} step`})`);
}
