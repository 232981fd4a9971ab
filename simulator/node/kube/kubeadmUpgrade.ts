// `kubeadm upgrade plan [version] | apply <version> | node`, as kubeadm v1.29–1.33 behave.
//
// - plan: health checks (fatal), then the available upgrade. It is NOT a version gate: a target that
//   apply would refuse is still listed (the offline version getter reports the given version as the
//   latest; phases/upgrade/compute.go GetAvailableUpgrades); it exits 0.
// - apply: only where the static pod manifests are (health check StaticPodManifest), with admin
//   credentials; version policy (upgradePolicy.ts); images of the target imported; then this node's
//   control plane moves to the target, ClusterConfiguration.kubernetesVersion too, and the certificates
//   of the upgraded components are renewed (--certificate-renewal, default true).
// - node: upgrades this node's control plane (if any) to ClusterConfiguration.kubernetesVersion, so
//   before an apply it rewrites the current version (a no-op that succeeds), and the kubelet config.
//
// Upstream: kubernetes/kubernetes cmd/kubeadm/app/cmd/upgrade/{plan,apply,node,common}.go,
// cmd/kubeadm/app/cmd/phases/upgrade/{apply,node}/*.go, cmd/kubeadm/app/phases/upgrade/staticpods.go
// (renewCertsByComponent, admin.conf/super-admin.conf renewal).
import type { CommandIO, NodeMachine } from "../types";
import { certHandlers, renewCertificate, UPGRADE_KUBECONFIG_RENEWALS, UPGRADE_RENEWALS } from "./certInventory";
import type { KubeCluster } from "./cluster";
import { kubeadmConfigMap, upgradeAddons } from "./clusterObjects";
import { DURATIONS, type KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { flagArray, flagBool, flagString, parseFlags, type FlagSpecs } from "./flags";
import { adminCluster } from "./kubeadmAdmin";
import { readingConfigLines } from "./kubeadmCerts";
import { rejectMixedConfig } from "./kubeadmMixedArgs";
import { kubeadmVersionOf, requireRootFailure } from "./kubeadmShared";
import { controlPlaneCluster, imagePresent, importedImages, kubeletIdentity } from "./nodeFacts";
import { startMemberApi, stopMemberApi } from "./lifecycle";
import { writeManifests } from "./nodeFiles";
import { reconcileCluster } from "./reconcile";
import { clusterConfigFailure, healthFailure, healthIssues, parseTarget, policyFailure, versionPolicy } from "./upgradePolicy";
import { compareVersions, formatVersion, requiredImages, type KubeVersion } from "./versions";

const UPGRADE_FLAGS: FlagSpecs = {
  yes: { kind: "bool", short: "y" },
  force: { kind: "bool", short: "f" },
  "dry-run": { kind: "bool" },
  "etcd-upgrade": { kind: "bool" },
  "certificate-renewal": { kind: "bool" },
  "ignore-preflight-errors": { kind: "array" },
  "allow-experimental-upgrades": { kind: "bool" },
  "allow-release-candidate-upgrades": { kind: "bool" },
  config: { kind: "string" },
  kubeconfig: { kind: "string" },
  "skip-phases": { kind: "array" },
  patches: { kind: "string" },
  output: { kind: "string", short: "o" },
  "print-config": { kind: "bool" },
  v: { kind: "string", short: "v" },
  rootfs: { kind: "string" },
};

const STACK = "\nTo see the stack trace of this error execute with --v=5 or higher";

type Flags = ReturnType<typeof parseFlags>;

function ignoredChecks(flags: Flags): Set<string> {
  return new Set(flagArray(flags, "ignore-preflight-errors").flatMap((v) => v.split(",")).map((v) => v.trim().toLowerCase()).filter(Boolean));
}

/** --certificate-renewal defaults to true (options.CertificateRenewal). */
function renewCerts(flags: Flags): boolean {
  return flagString(flags, "certificate-renewal") === undefined ? true : flagBool(flags, "certificate-renewal");
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => {
    if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 10, c.length + 3);
  });
  return rows.map((row) => row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i] ?? 10) : c)).join("")).join("\n");
}

function checkHealth(machine: NodeMachine, cluster: KubeCluster, flags: Flags, phasePrefix: string): void {
  const lines = healthIssues(machine, cluster, ignoredChecks(flags));
  if (lines.length > 0) throw new CommandFailure(`${phasePrefix}${healthFailure(lines)}${STACK}`);
}

function plan(machine: NodeMachine, cluster: KubeCluster, kubeadm: KubeVersion, flags: Flags, io: CommandIO): number {
  io.stdout(`[preflight] Running pre-flight checks.\n${readingConfigLines("upgrade/config", kubeadm)}`);
  const config = clusterConfigFailure(cluster.version, kubeadm);
  if (config) throw new CommandFailure(`[upgrade/init config] FATAL: ${config}${STACK}`);
  io.stdout("[upgrade] Running cluster health checks\n");
  checkHealth(machine, cluster, flags, "");
  io.stdout("[upgrade] Fetching available versions to upgrade to\n");
  // getLatestClusterVersion: the highest kube-apiserver version among the control-plane members.
  const current = [...cluster.controlPlane.values()].map((m) => m.version).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), cluster.version);
  io.stdout(`[upgrade/versions] Cluster version: ${formatVersion(current)}\n[upgrade/versions] kubeadm version: ${formatVersion(kubeadm)}\n`);
  const arg = flags.positionals[0];
  const given = arg !== undefined ? parseTarget(arg) : undefined;
  let stable: KubeVersion = kubeadm;
  if (given) stable = given;
  else {
    io.stderr(arg !== undefined ? `[upgrade/versions] WARNING: Couldn't parse version "${arg}"\n` : "[upgrade/versions] WARNING: Couldn't fetch latest stable version from the internet: unable to get URL \"https://dl.k8s.io/release/stable.txt\"\n");
    io.stdout("[upgrade/versions] WARNING: Falling back to current kubeadm version as latest stable version\n");
  }
  // With a stable version ≥ the cluster's, the "stable-1.X" label resolves to the same version, so the
  // upgrade is described as the latest in the cluster's series (patchUpgradePossible).
  if (compareVersions(stable, current) < 0) {
    io.stdout("\n");
    return 0;
  }
  io.stdout(`[upgrade/versions] Target version: ${formatVersion(stable)}\n[upgrade/versions] Latest version in the v${current.major}.${current.minor} series: ${formatVersion(stable)}\n\n`);
  if (compareVersions(stable, current) === 0) return 0;
  const kubelets: string[][] = [["COMPONENT", "NODE", "CURRENT", "TARGET"]];
  for (const node of cluster.nodes.values()) kubelets.push(["kubelet", node.nodeName, formatVersion(node.kubeletVersion), formatVersion(stable)]);
  const cp: string[][] = [["COMPONENT", "NODE", "CURRENT", "TARGET"]];
  for (const component of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
    for (const member of cluster.controlPlane.values()) cp.push([component, member.nodeName, formatVersion(member.version), formatVersion(stable)]);
  }
  cp.push(["kube-proxy", "", formatVersion(current), formatVersion(stable)]);
  const note = compareVersions(kubeadm, stable) < 0 ? `Note: Before you can perform this upgrade, you have to update kubeadm to ${formatVersion(stable)}.\n\n` : "";
  io.stdout(
    `Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\n${table(kubelets)}\n\nUpgrade to the latest version in the v${current.major}.${current.minor} series:\n\n${table(cp)}\n\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${formatVersion(stable)}\n\n${note}_____________________________________________________________________\n\n`,
  );
  return 0;
}

function confirmed(io: CommandIO, flags: Flags): boolean {
  // Non-interactive with --yes, --force or --dry-run (apply.go: nonInteractiveMode).
  if (flagBool(flags, "yes") || flagBool(flags, "force") || flagBool(flags, "dry-run")) return true;
  io.stdout("[upgrade] Are you sure you want to proceed? [y/N]: ");
  return /^\s*y/i.test(io.stdin.toString("utf8"));
}

function memberOf(cluster: KubeCluster, machine: NodeMachine) {
  return [...cluster.controlPlane.values()].find((m) => m.vmId === machine.spec.vmId);
}

/** The ImagePull preflight check for the target's control-plane images (the ISO imports them). */
function imageProblems(machine: NodeMachine, cluster: KubeCluster, target: KubeVersion): string[] {
  const images = importedImages(machine);
  return requiredImages(target, cluster.imageRepository)
    .filter((i) => /kube-(apiserver|controller-manager|scheduler):/.test(i))
    .filter((i) => !imagePresent(images, i, true))
    .map((i) => `\t[ERROR ImagePull]: failed to pull image ${i}: failed to pull image ${i}: dial tcp: lookup ${cluster.imageRepository.split("/")[0]}: no such host\n`);
}

/** Renews what the static-pod upgrade renews on this node; returns the lines kubeadm prints. */
async function renewForUpgrade(machine: NodeMachine, cluster: KubeCluster): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const handlers = certHandlers(machine, cluster);
  for (const { component, certs } of UPGRADE_RENEWALS) {
    const lines: string[] = [];
    for (const name of certs) {
      const h = handlers.find((x) => x.name === name);
      if (h && (await renewCertificate(machine, cluster, h))) lines.push(`[upgrade/staticpods] Renewing ${name} certificate\n`);
    }
    out.set(component, lines);
  }
  for (const name of UPGRADE_KUBECONFIG_RENEWALS) {
    const h = handlers.find((x) => x.name === name);
    if (h) await renewCertificate(machine, cluster, h);
  }
  return out;
}

/** Rewrites this member's manifests at `target` and (optionally) renews its certificates. */
async function upgradeStaticPods(ctx: KubeToolsContext, machine: NodeMachine, cluster: KubeCluster, target: KubeVersion, renew: boolean, io: CommandIO, duration: number): Promise<void> {
  const member = memberOf(cluster, machine);
  if (!member) return;
  io.stdout(`[upgrade/control-plane] Upgrading your static Pod-hosted control plane to version "${formatVersion(target)}" (timeout: 5m0s)...\n[upgrade/staticpods] Writing new Static Pod manifests to "/etc/kubernetes/tmp/kubeadm-upgraded-manifests"\n`);
  const renewed = renew ? await renewForUpgrade(machine, cluster) : new Map<string, string[]>();
  await ctx.env.clock.sleep(duration, io.signal);
  member.version = target;
  writeManifests(machine, cluster, cluster.nodes.get(member.nodeName)?.internalIp ?? machine.spec.guestIp, target, cluster.etcd.mode === "stacked" && cluster.etcd.members.has(member.nodeName));
  // The kubelet restarts kube-apiserver with the new manifest and kubeadm waits for it to come back
  // ("[upgrade/staticpods] Waiting for the kubelet to restart the component"): it then serves the renewed certificate.
  const node = cluster.nodes.get(member.nodeName);
  if (member.api && node?.kubeletRunning) {
    await stopMemberApi(ctx, cluster, member, machine);
    await startMemberApi(ctx, cluster, member, machine);
  }
  for (const component of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
    io.stdout(`[upgrade/staticpods] Preparing for "${component}" upgrade\n${(renewed.get(component) ?? []).join("")}[upgrade/staticpods] Moving new manifest to "/etc/kubernetes/manifests/${component}.yaml"\n[upgrade/staticpods] Waiting for the kubelet to restart the component\n[upgrade/staticpods] This can take up to 5m0s\n[upgrade/staticpods] Component "${component}" upgraded successfully!\n`);
  }
  io.stdout("[upgrade/control-plane] The control plane instance for this node was successfully upgraded!\n");
}

async function apply(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO, cluster: KubeCluster, kubeadm: KubeVersion, flags: Flags): Promise<number> {
  const phase = kubeadm.minor >= 30 ? "error execution phase preflight: " : "";
  const targetText = flags.positionals[0];
  if (!targetText) throw new CommandFailure(`missing one or more required arguments: [version]${STACK}`);
  io.stdout(readingConfigLines("upgrade", kubeadm));
  const config = clusterConfigFailure(cluster.version, kubeadm);
  if (config) throw new CommandFailure(`[upgrade/init config] FATAL: ${config}${STACK}`);
  io.stdout("[upgrade/preflight] Running preflight checks\n[upgrade] Running cluster health checks\n");
  checkHealth(machine, cluster, flags, phase);
  const target = parseTarget(targetText);
  if (!target) throw new CommandFailure(`${phase}unable to parse normalized version "${targetText}" as a semantic version${STACK}`);
  const normalized = `v${targetText.replace(/^v/, "")}`;
  // ClusterVersion() asks the API server's /version: during an HA upgrade the lowest member's version.
  const current = cluster.servingVersion();
  io.stdout(`[upgrade/preflight] You have chosen to upgrade the cluster version to "${normalized}"\n[upgrade/versions] Cluster version: ${formatVersion(current)}\n[upgrade/versions] kubeadm version: ${formatVersion(kubeadm)}\n`);
  const kubelets = [...cluster.nodes.values()].map((n) => n.kubeletVersion);
  const failure = policyFailure(versionPolicy(target, normalized, current, kubeadm, kubelets), flagBool(flags, "force"), kubeadm);
  if (failure) throw new CommandFailure(`${failure}${STACK}`);
  if (!confirmed(io, flags)) throw new CommandFailure(`won't proceed; the user didn't answer (Y|y) in order to continue${STACK}`);
  io.stdout("[upgrade/preflight] Pulling images required for setting up a Kubernetes cluster\n[upgrade/preflight] This might take a minute or two, depending on the speed of your internet connection\n[upgrade/preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n");
  const pulls = imageProblems(machine, cluster, target).filter(() => !ignoredChecks(flags).has("imagepull") && !ignoredChecks(flags).has("all"));
  if (pulls.length > 0) throw new CommandFailure(`${phase}[preflight] Some fatal errors occurred:\n${pulls.join("")}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`${STACK}`);
  if (flagBool(flags, "dry-run")) {
    io.stdout(`[dryrun] Would upgrade the control plane of this node to "${normalized}"\n[dryrun] Finished dryrunning successfully!\n`);
    return 0;
  }
  await upgradeStaticPods(ctx, machine, cluster, target, renewCerts(flags), io, DURATIONS.upgradeApply);
  cluster.version = target;
  cluster.store.upsert(kubeadmConfigMap(cluster, kubeadmApiVersionOf(cluster)));
  upgradeAddons(cluster);
  reconcileCluster(cluster);
  io.stdout(`[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!\n[addons] Applied essential addon: CoreDNS\n[addons] Applied essential addon: kube-proxy\n\n`);
  if (kubeadm.minor >= 31) io.stdout(`[upgrade] SUCCESS! A control plane node of your cluster was upgraded to "${normalized}".\n\n[upgrade] Now please proceed with upgrading the rest of the nodes by following the right order.\n`);
  else io.stdout(`[upgrade/successful] SUCCESS! Your cluster was upgraded to "${normalized}". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.\n`);
  return 0;
}

function kubeadmApiVersionOf(cluster: KubeCluster): string {
  const cm = cluster.store.get("v1", "ConfigMap", "kubeadm-config", "kube-system");
  const data = (cm?.data ?? {}) as Record<string, string>;
  const match = /apiVersion:\s*(\S+)/.exec(data.ClusterConfiguration ?? "");
  return match?.[1] ?? "kubeadm.k8s.io/v1beta3";
}

async function upgradeNode(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO, flags: Flags): Promise<number> {
  // newNodeData: a control-plane node is one with the kube-apiserver manifest; it reads the cluster
  // configuration with admin.conf, a worker with kubelet.conf.
  const isControlPlane = machine.fs.exists("/etc/kubernetes/manifests/kube-apiserver.yaml");
  const cluster = isControlPlane ? controlPlaneCluster(ctx, machine) : kubeletIdentity(ctx, machine)?.cluster;
  if (!cluster) {
    const file = isControlPlane ? "/etc/kubernetes/admin.conf" : "/etc/kubernetes/kubelet.conf";
    throw new CommandFailure(`couldn't create a Kubernetes client from file "${file}": failed to load admin kubeconfig: open ${file}: no such file or directory${STACK}`);
  }
  const kubeadm = kubeadmVersionOf(io);
  const config = clusterConfigFailure(cluster.version, kubeadm);
  if (config) throw new CommandFailure(`unable to fetch the kubeadm-config ConfigMap: ${config}${STACK}`);
  io.stdout(`${readingConfigLines("upgrade", kubeadm)}[preflight] Running pre-flight checks\n`);
  const member = memberOf(cluster, machine);
  if (!isControlPlane || !member) {
    io.stdout("[preflight] Skipping prepull. Not a control plane node.\n[upgrade/control-plane] Skipping phase. Not a control plane node.\n[upgrade/kubeconfig] Skipping phase. Not a control plane node.\n[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!\n[upgrade/addon] Skipping the addon/coredns phase. Not a control plane node.\n[upgrade/addon] Skipping the addon/kube-proxy phase. Not a control plane node.\n");
    return 0;
  }
  io.stdout("[preflight] Pulling images required for setting up a Kubernetes cluster\n[preflight] This might take a minute or two, depending on the speed of your internet connection\n[preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n");
  const pulls = imageProblems(machine, cluster, cluster.version).filter(() => !ignoredChecks(flags).has("imagepull") && !ignoredChecks(flags).has("all"));
  if (pulls.length > 0) throw new CommandFailure(`error execution phase preflight: [preflight] Some fatal errors occurred:\n${pulls.join("")}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`${STACK}`);
  if (flagBool(flags, "dry-run")) {
    io.stdout(`[dryrun] Would upgrade the control plane of this node to "${formatVersion(cluster.version)}"\n[dryrun] Finished dryrunning successfully!\n`);
    return 0;
  }
  // The target is ClusterConfiguration.kubernetesVersion: before any apply this rewrites the current version.
  await upgradeStaticPods(ctx, machine, cluster, cluster.version, renewCerts(flags), io, DURATIONS.upgradeNode);
  reconcileCluster(cluster);
  io.stdout("[upgrade/kubeconfig] The kubeconfig files for this node were successfully upgraded!\n[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!\n[upgrade] The upgrade for this node was successfully completed!\n");
  return 0;
}

export async function kubeadmUpgrade(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const [sub, ...rest] = args;
  const flags = parseFlags(rest, UPGRADE_FLAGS);
  const kubeadm = kubeadmVersionOf(io);
  // upgrade apply|diff|node|plan call ValidateMixedArguments from v1.30 (cmd/kubeadm/app/cmd/upgrade/*.go).
  if (kubeadm.minor >= 30) rejectMixedConfig(flags.values, kubeadm);
  const notRoot = requireRootFailure(io);
  if (notRoot) throw notRoot;
  if (sub === "node") return upgradeNode(ctx, machine, io, flags);
  if (sub === "plan" || sub === "apply") {
    const kubeconfig = flagString(flags, "kubeconfig") ?? "/etc/kubernetes/admin.conf";
    let cluster: KubeCluster;
    try {
      cluster = await adminCluster(ctx, machine, io.user, kubeconfig);
    } catch (err) {
      if (!(err instanceof CommandFailure) || !/^failed to load admin kubeconfig/.test(err.message)) throw err;
      throw new CommandFailure(`couldn't create a Kubernetes client from file "${kubeconfig}": ${err.message}`);
    }
    if (sub === "plan") return plan(machine, cluster, kubeadm, flags, io);
    return apply(ctx, machine, io, cluster, kubeadm, flags);
  }
  throw new CommandFailure(sub ? `unknown command "${sub}" for "kubeadm upgrade"` : "missing subcommand; \"upgrade\" is not meant to be run on its own");
}
