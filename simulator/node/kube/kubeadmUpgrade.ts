// `kubeadm upgrade plan|apply|node`: version-skew policy (never down, one minor at a time, never past
// kubeadm's own version), then the control-plane components of this node move to the new version.
import type { CommandIO, NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import { kubeadmConfigMap, upgradeAddons } from "./clusterObjects";
import { DURATIONS, type KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { flagBool, flagString, parseFlags, type FlagSpecs } from "./flags";
import { adminCluster } from "./kubeadmAdmin";
import { kubeadmVersionOf, requireRootFailure } from "./kubeadmShared";
import { controlPlaneCluster } from "./nodeFacts";
import { writeManifests } from "./nodeFiles";
import { reconcileCluster } from "./reconcile";
import { rejectMixedConfig } from "./kubeadmMixedArgs";
import { compareVersions, formatVersion, parseKubeVersion, type KubeVersion } from "./versions";

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

function skewProblems(target: KubeVersion, current: KubeVersion, kubeadm: KubeVersion): string[] {
  const problems: string[] = [];
  const t = formatVersion(target);
  if (compareVersions(target, { ...kubeadm }) > 0) {
    problems.push(`Specified version to upgrade to "${t}" is higher than the kubeadm version "${formatVersion(kubeadm)}". Upgrade kubeadm first using the tool you used to install kubeadm`);
  }
  if (target.major === current.major && target.minor > current.minor + 1) {
    problems.push(`Specified version to upgrade to "${t}" is too high; kubeadm can upgrade only 1 minor version at a time`);
  }
  if (compareVersions(target, current) < 0) {
    problems.push(`Specified version to upgrade to "${t}" is lower than the cluster version "${formatVersion(current)}"; downgrades are not supported`);
  }
  const minimum = { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0 };
  if (compareVersions(target, minimum) < 0) {
    problems.push(`Specified version to upgrade to "${t}" is equal to or lower than the minimum supported version "${formatVersion(minimum)}". Please specify a higher version to upgrade to`);
  }
  return problems;
}

function plan(cluster: KubeCluster, kubeadm: KubeVersion, io: CommandIO): number {
  const current = cluster.version;
  const target = compareVersions(kubeadm, current) > 0 && kubeadm.minor <= current.minor + 1 ? kubeadm : current;
  io.stdout(
    `[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...\n[upgrade] Running cluster health checks\n[upgrade] Fetching available versions to upgrade to\n[upgrade/versions] Cluster version: ${formatVersion(current)}\n[upgrade/versions] kubeadm version: ${formatVersion(kubeadm)}\n`,
  );
  io.stderr("I1124 00:00:00.000000       1 version.go:261] remote version is much newer; falling back to: stable-1\n[upgrade/versions] WARNING: Couldn't fetch latest stable version from the internet: unable to get URL \"https://dl.k8s.io/release/stable.txt\"\n[upgrade/versions] WARNING: Falling back to current kubeadm version as latest stable version\n");
  if (compareVersions(target, current) === 0) {
    io.stdout("\nAwesome, you're up-to-date! Enjoy!\n");
    return 0;
  }
  const rows: string[][] = [["COMPONENT", "NODE", "CURRENT", "TARGET"]];
  for (const node of cluster.nodes.values()) rows.push(["kubelet", node.nodeName, formatVersion(node.kubeletVersion), formatVersion(target)]);
  const table = (r: string[][]) => {
    const widths = r[0]?.map((_, i) => Math.max(...r.map((row) => (row[i] ?? "").length))) ?? [];
    return r.map((row) => row.map((c, i) => c.padEnd((widths[i] ?? 0) + 3)).join("").trimEnd()).join("\n");
  };
  const cp: string[][] = [["COMPONENT", "NODE", "CURRENT", "TARGET"]];
  for (const member of cluster.controlPlane.values()) {
    for (const component of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) cp.push([component, member.nodeName, formatVersion(member.version), formatVersion(target)]);
  }
  cp.push(["kube-proxy", "", formatVersion(current), formatVersion(target)]);
  io.stdout(
    `[upgrade/versions] Target version: ${formatVersion(target)}\n[upgrade/versions] Latest version in the v${current.major}.${current.minor} series: ${formatVersion(current)}\n\nComponents that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\n${table(rows)}\n\nUpgrade to the latest stable version:\n\n${table(cp)}\n\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${formatVersion(target)}\n\n_____________________________________________________________________\n`,
  );
  return 0;
}

function confirmed(io: CommandIO, yes: boolean): boolean {
  if (yes) return true;
  io.stdout("[upgrade] Are you sure you want to proceed? [y/N]: ");
  return /^\s*y/i.test(io.stdin.toString("utf8"));
}

async function apply(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO, cluster: KubeCluster, kubeadm: KubeVersion, targetText: string | undefined, yes: boolean): Promise<number> {
  if (!targetText) throw new CommandFailure("missing one or more required arguments: [version]\nTo see the stack trace of this error execute with --v=5 or higher");
  const target = parseKubeVersion(targetText);
  if (!target) throw new CommandFailure(`unable to parse normalized version "${targetText}" as a semantic version`);
  const member = [...cluster.controlPlane.values()].find((m) => m.vmId === machine.spec.vmId);
  if (!member) throw new CommandFailure("error execution phase preflight: [upgrade/config] FATAL: this node is not a control-plane node of the cluster\nTo see the stack trace of this error execute with --v=5 or higher");
  io.stdout(`[upgrade] Reading configuration from the cluster...\n[preflight] Running pre-flight checks.\n[upgrade] Running cluster health checks\n[upgrade/version] You have chosen to upgrade the cluster version to "${formatVersion(target)}"\n[upgrade/versions] Cluster version: ${formatVersion(cluster.version)}\n[upgrade/versions] kubeadm version: ${formatVersion(kubeadm)}\n`);
  const problems = skewProblems(target, cluster.version, kubeadm);
  if (problems.length > 0) {
    throw new CommandFailure(`error execution phase preflight: [upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n${problems.map((p) => `\t- ${p}`).join("\n")}\nTo see the stack trace of this error execute with --v=5 or higher`);
  }
  if (!confirmed(io, yes)) throw new CommandFailure("won't proceed; the user didn't answer (Y|y) in order to continue");
  io.stdout(`[upgrade/staticpods] Preparing for "${formatVersion(target)}"\n`);
  await ctx.env.clock.sleep(DURATIONS.upgradeApply, io.signal);
  cluster.version = target;
  member.version = target;
  writeManifests(machine, cluster, cluster.nodes.get(member.nodeName)?.internalIp ?? machine.spec.guestIp, target, cluster.etcd.mode === "stacked" && cluster.etcd.members.has(member.nodeName));
  cluster.store.upsert(kubeadmConfigMap(cluster, kubeadmApiVersionOf(cluster)));
  upgradeAddons(cluster);
  reconcileCluster(cluster);
  io.stdout(
    `[upgrade/staticpods] Component "kube-apiserver" upgraded successfully!\n[upgrade/staticpods] Component "kube-controller-manager" upgraded successfully!\n[upgrade/staticpods] Component "kube-scheduler" upgraded successfully!\n[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n[addons] Applied essential addon: CoreDNS\n[addons] Applied essential addon: kube-proxy\n\n[upgrade/successful] SUCCESS! Your cluster was upgraded to "${formatVersion(target)}". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.\n`,
  );
  return 0;
}

function kubeadmApiVersionOf(cluster: KubeCluster): string {
  const cm = cluster.store.get("v1", "ConfigMap", "kubeadm-config", "kube-system");
  const data = (cm?.data ?? {}) as Record<string, string>;
  const match = /apiVersion:\s*(\S+)/.exec(data.ClusterConfiguration ?? "");
  return match?.[1] ?? "kubeadm.k8s.io/v1beta3";
}

async function upgradeNode(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO): Promise<number> {
  const cluster = controlPlaneCluster(ctx, machine);
  io.stdout("[upgrade] Reading configuration from the cluster...\n[preflight] Running pre-flight checks\n");
  const member = cluster ? [...cluster.controlPlane.values()].find((m) => m.vmId === machine.spec.vmId) : undefined;
  if (!cluster || !member || !machine.fs.exists("/etc/kubernetes/manifests/kube-apiserver.yaml")) {
    io.stdout("[preflight] Skipping prepull. Not a control plane node.\n[upgrade/control-plane] Skipping phase. Not a control plane node.\n[upgrade/kubeconfig] Skipping phase. Not a control plane node.\n[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!\n[upgrade/addon] Skipping the addon/coredns phase. Not a control plane node.\n[upgrade/addon] Skipping the addon/kube-proxy phase. Not a control plane node.\n");
    return 0;
  }
  io.stdout(`[upgrade/control-plane] Upgrading your Static Pod-hosted control plane instance to version "${formatVersion(cluster.version)}"...\n`);
  await ctx.env.clock.sleep(DURATIONS.upgradeNode, io.signal);
  member.version = cluster.version;
  writeManifests(machine, cluster, cluster.nodes.get(member.nodeName)?.internalIp ?? machine.spec.guestIp, cluster.version, cluster.etcd.mode === "stacked" && cluster.etcd.members.has(member.nodeName));
  reconcileCluster(cluster);
  io.stdout("[upgrade/control-plane] The control plane instance for this node was successfully upgraded!\n[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!\n[upgrade] The upgrade for this node was successfully completed!\n");
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
  if (sub === "node") return upgradeNode(ctx, machine, io);
  if (sub === "plan" || sub === "apply") {
    const cluster = await adminCluster(ctx, machine, io.user, flagString(flags, "kubeconfig"));
    if (sub === "plan") return plan(cluster, kubeadm, io);
    return apply(ctx, machine, io, cluster, kubeadm, flags.positionals[0], flagBool(flags, "yes"));
  }
  throw new CommandFailure(sub ? `unknown command "${sub}" for "kubeadm upgrade"` : "missing subcommand; \"upgrade\" is not meant to be run on its own");
}
