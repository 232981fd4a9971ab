// Joins an existing VM to a cluster as a worker, the way CKS 4.21's KubernetesClusterAddWorker does it
// (cks-day2.md §4), with the cluster's own phases: validate, tag, SSH rules, ISO, the worker userdata
// and a reboot with cloud-init's semaphores cleared, install, join with a fresh token, labels and
// taints, Ready, ISO detach. Every step probes first, so a re-run after a failure resumes.
import * as cmd from "../../kubernetes/commands";
import type { ClusterNodeInputs } from "../../resources/clusterNodeInputs";
import type { NodeRecord } from "../clusterState";
import { PhaseError } from "../context";
import { describeCloudError } from "../cloudErrors";
import { tagMap } from "../entities";
import { attachIsoPhase, detachIsoPhase } from "../phases/iso";
import { cloudInitPhase, installPhase, joinPhase } from "../phases/bootstrap";
import { nodesReadyPhase } from "../phases/addons";
import { userDataFor } from "../phases/vms";
import { withRetry, pollUntil } from "../retry";
import { createTags, deleteTags, listTags, MANAGED_BY, TAG } from "../tags";
import { controlNode, isDirectAccess, nodeContext, type ExternalNodeDeps } from "./nodeContext";
import { applyNodeMetadata, type NodeMetadata } from "./nodeMetadata";
import { ensureNodeRules, externalPortStart } from "./nodeRules";
import { findVm, nodeNameFor, NodeValidationError, validateExternalVm } from "./validateNode";

/** What a join learnt; recorded in the ClusterNode's outputs (JSON-safe). */
export interface JoinedNode {
  nodeName: string;
  privateIp: string;
  sshPort: number;
  hostKey?: string;
  kubernetesVersion: string;
  kubeletVersion?: string;
  keyReset: boolean;
}

/** How long a reset key gets to reach the login user after the VM starts again. */
const KEY_RESET_LOGIN_MS = 3 * 60_000;

/** A file the worker userdata writes (userdata.ts): present once the node was prepared by it. */
const PREPARED_MARKER = "/etc/modules-load.d/k8s.conf";

/** The membership tags on the VM (tags.ts contract read by the cluster's read and upgrade). */
export function membershipTags(inputs: Pick<ClusterNodeInputs, "clusterId" | "manualUpgrade">, nodeName: string, sshPort: number): Record<string, string> {
  return { [TAG.managedBy]: MANAGED_BY, [TAG.externalNodeOf]: inputs.clusterId, [TAG.manualUpgrade]: String(inputs.manualUpgrade), [TAG.sshPort]: String(sshPort), [TAG.nodeName]: nodeName };
}

/**
 * Sets tags on the VM: CloudStack refuses a second tag with the same key (createTags 431 "A tag with
 * key ... already exists"), so a changed value is deleted first (deleteTags matches key and value).
 */
export async function setVmTags(api: ExternalNodeDeps["api"], vmId: string, wanted: Record<string, string>): Promise<void> {
  const current = tagMap((await findVm(api, { virtualMachineId: vmId }))?.tags ?? []);
  const stale = Object.fromEntries(Object.keys(wanted).filter((k) => k in current && current[k] !== wanted[k]).map((k) => [k, current[k]]));
  if (Object.keys(stale).length > 0) await deleteTags(api, "UserVm", [vmId], stale);
  const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v));
  if (Object.keys(missing).length > 0) await createTags(api, "UserVm", [vmId], missing);
}

/** The semantic version of the cluster's ISO: the input, else the KubernetesSupportedVersion's tag. */
async function versionOf(deps: ExternalNodeDeps, inputs: ClusterNodeInputs): Promise<string> {
  if (inputs.kubernetesVersion) return inputs.kubernetesVersion;
  const tags = tagMap(await listTags(deps.api, { resourcetype: "ISO", resourceid: inputs.kubernetesVersionId }));
  const v = tags[TAG.semanticVersion];
  if (!v) throw new NodeValidationError(`kubernetesVersionId ${inputs.kubernetesVersionId} is not a KubernetesSupportedVersion (no ${TAG.semanticVersion} tag); pass kubernetesVersion`);
  return v;
}

/** resetSSHKeyForVirtualMachine needs a Stopped VM: stop, reset to the cluster's keypair, start. */
async function resetKey(deps: ExternalNodeDeps, inputs: ClusterNodeInputs): Promise<void> {
  const retry = { deadline: deps.deadline, what: "resetting the VM's SSH key" };
  deps.progress.line("ssh-key", `resetting the VM's SSH key to ${inputs.keypairName}: this stops and starts the VM`);
  await withRetry(() => deps.api.request("stopVirtualMachine", { id: inputs.virtualMachineId }), retry);
  await withRetry(() => deps.api.request("resetSSHKeyForVirtualMachine", { id: inputs.virtualMachineId, keypair: inputs.keypairName, ...(inputs.projectId ? { projectid: inputs.projectId } : inputs.account ? { account: inputs.account, domainid: inputs.domainId } : {}) }), retry);
  await withRetry(() => deps.api.request("startVirtualMachine", { id: inputs.virtualMachineId }), retry);
}

export async function joinExternalNode(inputs: ClusterNodeInputs, deps: ExternalNodeDeps, earlier: { hostKey?: string; managed?: NodeMetadata } = {}): Promise<JoinedNode> {
  const step = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    deps.progress.line(phase, "started");
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PhaseError || err instanceof NodeValidationError) throw err;
      throw new PhaseError(phase, undefined, describeCloudError(err));
    }
  };
  const checked = await step("validate", () => validateExternalVm(deps.api, inputs));
  const version = await step("validate", () => versionOf(deps, inputs));
  const nodeName = nodeNameFor(inputs, checked.vm);
  const direct = isDirectAccess(inputs);
  const control = controlNode(inputs);

  // Tagged first: from here the VM is a member, so another cluster's ClusterNode refuses it and this
  // cluster's delete refuses to run, even if the rest fails.
  const earlyPort = Number(tagMap(checked.vm.tags)[TAG.sshPort] ?? inputs.sshPort ?? 22);
  await step("tag", () => setVmTags(deps.api, inputs.virtualMachineId, membershipTags(inputs, nodeName, earlyPort)));

  let keyReset = false;
  if (checked.needsKeyReset) {
    await step("ssh-key", () => resetKey(deps, inputs));
    keyReset = true;
  }

  const sshPort = direct
    ? 22
    : await step("rules", () =>
        ensureNodeRules(
          deps.api,
          {
            clusterId: inputs.clusterId,
            clusterName: inputs.clusterName ?? inputs.clusterId,
            ipAddressId: inputs.ipAddressId as string,
            networkId: inputs.networkId,
            virtualMachineId: inputs.virtualMachineId,
            nodeName,
            ...(inputs.sshPort ? { port: inputs.sshPort } : {}),
            start: externalPortStart(inputs.maxClusterSize, inputs.clusterNodes.filter((n) => n.role !== "etcd" && !n.external).length),
          },
          (what) => deps.progress.line("rules", what, nodeName),
        ),
      );
  if (sshPort !== earlyPort) await step("tag", () => setVmTags(deps.api, inputs.virtualMachineId, { [TAG.sshPort]: String(sshPort) }));

  const node: NodeRecord = { name: nodeName, role: "worker", index: 0, virtualMachineId: inputs.virtualMachineId, privateIp: checked.privateIp, sshPort, external: true };
  const alone = nodeContext(inputs, node, deps, { withControl: false, hostKey: earlier.hostKey, kubernetesVersion: version });
  try {
    if (keyReset) {
      await step("ssh-key", async () => {
        try {
          await alone.run(node, cmd.nodeCommand(["true"]), { deadline: deps.deadline.sub(KEY_RESET_LOGIN_MS, "login after the key reset") });
        } catch (err) {
          throw new PhaseError(
            "ssh-key",
            nodeName,
            `the VM's key was reset to ${inputs.keypairName} (the VM was stopped and started), but the cluster's key still cannot log in as ${inputs.loginUser}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}. ` +
              "CloudStack hands a reset key to the VM's metadata; cloud-init installs SSH keys once per instance, so only templates that apply keys at every boot (CloudStack's cloud-set-guest-sshkey) pick it up. Deploy the VM with keypair: cluster.keypairName instead",
          );
        }
      });
    }
    await step("iso", () => attachIsoPhase(alone));
    await step("prepare", async () => {
      const prepared = await alone.run(node, cmd.nodeCommand(["test", "-f", PREPARED_MARKER]), { allowFailure: true });
      if (prepared.code === 0) return;
      // CKS: set the VM's userdata to the worker template, clear cloud-init's per-instance semaphores
      // so it runs again, and reboot (KubernetesClusterAddWorker validateAndSetupNode/cleanupCloudInitSemFolder).
      deps.progress.line("prepare", "setting the worker userdata, clearing cloud-init's semaphores and rebooting", nodeName);
      await deps.api.request("updateVirtualMachine", { id: inputs.virtualMachineId, userdata: userDataFor(alone, node) });
      await alone.run(node, cmd.nodeCommand(["rm", "-rf", `/var/lib/cloud/instances/${inputs.virtualMachineId}/sem`], { sudo: true }));
      alone.closeShells();
      await withRetry(() => deps.api.request("rebootVirtualMachine", { id: inputs.virtualMachineId }), { deadline: deps.deadline, what: "rebooting the VM" });
      await pollUntil(async () => ((await findVm(deps.api, inputs))?.state === "Running" ? true : undefined), { deadline: deps.deadline, what: "waiting for the VM to run again", intervalMs: 500 });
      // cloud-init regenerates the SSH host keys when its ssh module runs again (ssh_deletekeys):
      // the key seen after the reboot is pinned from now on.
      alone.dropShell(node);
      delete alone.state.hostKeys[node.name];
    });
    await step("cloud-init", () => cloudInitPhase(alone));
    await step("install", () => installPhase(alone));
    const withControl = nodeContext(inputs, node, deps, { withControl: true, hostKey: alone.state.hostKeys[node.name], kubernetesVersion: version });
    try {
      await step("join", () => joinPhase(withControl, false));
      await step("labels", () => applyNodeMetadata(withControl, control, nodeName, { labels: inputs.labels, taints: inputs.taints }, earlier.managed ?? { labels: {}, taints: [] }));
      await step("ready", () => nodesReadyPhase(withControl));
    } finally {
      withControl.closeShells();
    }
    await step("detach-iso", () => detachIsoPhase(alone));
    const joined = withControl.state.nodes.find((n) => n.name === nodeName);
    return {
      nodeName,
      privateIp: checked.privateIp,
      sshPort,
      hostKey: withControl.state.hostKeys[nodeName] ?? alone.state.hostKeys[nodeName],
      kubernetesVersion: version,
      ...(joined?.kubeletVersion ? { kubeletVersion: joined.kubeletVersion } : {}),
      keyReset,
    };
  } finally {
    alone.closeShells();
  }
}
