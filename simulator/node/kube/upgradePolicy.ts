// What `kubeadm upgrade` checks before it changes anything: the version-skew policy and the cluster
// health checks, with kubeadm's words.
//
// Upstream: kubernetes/kubernetes cmd/kubeadm/app/phases/upgrade/policy.go (EnforceVersionPolicies:
// MaximumAllowedMinorVersionUpgradeSkew = 1, MaximumAllowedMinorVersionDowngradeSkew = 1,
// MaximumAllowedMinorVersionKubeletSkew = 3 since v1.28 (KEP-3935; 1 before)), cmd/kubeadm/app/
// constants/constants.go (MinimumControlPlaneVersion = kubeadm's minor - 1), cmd/kubeadm/app/cmd/
// upgrade/apply.go & phases/upgrade/apply/preflight.go (enforceVersionPolicies: fatal vs --force),
// cmd/kubeadm/app/phases/upgrade/health.go (CheckClusterHealth: ControlPlaneNodesReady,
// StaticPodManifest), cmd/kubeadm/app/util/error.go FormatErrMsg.
import type { NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import { isNodeReady } from "./reconcile";
import { compareVersions, formatVersion, type KubeVersion } from "./versions";

export interface SkewErrors {
  mandatory: string[];
  skippable: string[];
}

const UPGRADE_SKEW = 1;
const DOWNGRADE_SKEW = 1;
const KUBELET_SKEW = 3;

/** kubeadm's versionutil.ParseSemantic after KubernetesReleaseVersion's "v" normalisation. */
export function parseTarget(text: string): (KubeVersion & { preRelease: string }) | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), preRelease: m[4] ?? "" };
}

export function versionPolicy(target: KubeVersion & { preRelease: string }, targetText: string, cluster: KubeVersion, kubeadm: KubeVersion, kubelets: KubeVersion[]): SkewErrors {
  const errs: SkewErrors = { mandatory: [], skippable: [] };
  const t = targetText;
  const released = target.preRelease === "";
  const minimum = { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0 };
  // constants.MinimumControlPlaneVersion.AtLeast(newK8sVersion); the message names the cluster version, as upstream's does.
  if (compareVersions(minimum, target) >= 0) {
    errs.mandatory.push(`Specified version to upgrade to "${t}" is equal to or lower than the minimum supported version "${formatVersion(cluster)}". Please specify a higher version to upgrade to`);
  }
  if (target.minor > cluster.minor + UPGRADE_SKEW) {
    (released ? errs.mandatory : errs.skippable).push(`Specified version to upgrade to "${t}" is too high; kubeadm can upgrade only ${UPGRADE_SKEW} minor version at a time`);
  }
  if (target.minor < cluster.minor - DOWNGRADE_SKEW) {
    (released ? errs.mandatory : errs.skippable).push(`Specified version to downgrade to "${t}" is too low; kubeadm can downgrade only ${DOWNGRADE_SKEW} minor version at a time`);
  }
  if (compareVersions(kubeadm, target) < 0) {
    if (target.minor > kubeadm.minor) {
      (released ? errs.mandatory : errs.skippable).push(`Specified version to upgrade to "${t}" is at least one minor release higher than the kubeadm minor release (${target.minor} > ${kubeadm.minor}). Such an upgrade is not supported`);
    } else {
      errs.skippable.push(`Specified version to upgrade to "${t}" is higher than the kubeadm version "${formatVersion(kubeadm)}". Upgrade kubeadm first using the tool you used to install kubeadm`);
    }
  }
  if (kubeadm.major > target.major || kubeadm.minor > target.minor) {
    errs.skippable.push(`Kubeadm version ${formatVersion(kubeadm)} can only be used to upgrade to Kubernetes version ${kubeadm.major}.${kubeadm.minor}`);
  }
  if (!released) errs.skippable.push(`Specified version to upgrade to "${t}" is an unstable version and such upgrades weren't allowed via setting the --allow-*-upgrades flags`);
  const tooOld = [...new Set(kubelets.filter((k) => target.minor > k.minor + KUBELET_SKEW).map(formatVersion))];
  if (tooOld.length > 0) errs.skippable.push(`There are kubelets in this cluster that are too old that have these versions [${tooOld.join(" ")}]`);
  return errs;
}

/**
 * Reading the ClusterConfiguration from the cluster normalises its version, and a kubeadm more than one
 * minor newer than the cluster refuses it (cmd/kubeadm/app/util/config/common.go NormalizeKubernetesVersion,
 * called through FetchInitConfigurationFromCluster → SetInitDynamicDefaults).
 */
export function clusterConfigFailure(cluster: KubeVersion, kubeadm: KubeVersion): string | undefined {
  const minimum = { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0 };
  if (compareVersions(cluster, minimum) >= 0) return undefined;
  return `this version of kubeadm only supports deploying clusters with the control plane version >= ${formatVersion(minimum)}. Current version: ${formatVersion(cluster)}`;
}

/** FormatErrMsg: "\t- <error>\n" per error. */
function formatErrs(errs: string[]): string {
  return errs.map((e) => `\t- ${e}\n`).join("");
}

/** The error enforceVersionPolicies returns, or undefined (skippable ones pass with --force). */
export function policyFailure(errs: SkewErrors, force: boolean, kubeadm: KubeVersion): string | undefined {
  // v1.30 moved apply into phases ("error execution phase preflight: …" and no "--" in "--version").
  const flag = kubeadm.minor >= 30 ? "the version argument" : "the --version argument";
  const prefix = kubeadm.minor >= 30 ? "error execution phase preflight: " : "[upgrade/version] FATAL: ";
  if (errs.mandatory.length > 0) return `${prefix}${flag} is invalid due to these fatal errors:\n\n${formatErrs(errs.mandatory)}\nPlease fix the misalignments highlighted above and try upgrading again`;
  if (errs.skippable.length > 0 && !force) return `${prefix}${flag} is invalid due to these errors:\n\n${formatErrs(errs.skippable)}\nCan be bypassed if you pass the --force flag`;
  return undefined;
}

/** CheckClusterHealth's failures (names as --ignore-preflight-errors takes them). */
export function healthIssues(machine: NodeMachine, cluster: KubeCluster, ignored: Set<string>): string[] {
  const issues: Array<{ name: string; message: string }> = [];
  const notReady = [...cluster.nodes.values()].filter((n) => n.controlPlane && cluster.store.get("v1", "Node", n.nodeName) && !isNodeReady(n, cluster)).map((n) => n.nodeName);
  if (notReady.length > 0) issues.push({ name: "ControlPlaneNodesReady", message: `there are NotReady control-planes in the cluster: [${notReady.join(" ")}]` });
  const missing = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"].map((c) => `/etc/kubernetes/manifests/${c}.yaml`).filter((p) => !machine.fs.exists(p));
  if (missing.length > 0) {
    issues.push({
      name: "StaticPodManifest",
      message: `The control plane seems to be Static Pod-hosted, but some of the manifests don't seem to exist on disk. This probably means you're running 'kubeadm upgrade' on a remote machine, which is not supported for a Static Pod-hosted cluster. Manifest files not found: [${missing.join(" ")}]`,
    });
  }
  const all = ignored.has("all");
  return issues.filter((i) => !all && !ignored.has(i.name.toLowerCase())).map((i) => `\t[ERROR ${i.name}]: ${i.message}\n`);
}

export function healthFailure(lines: string[]): string {
  return `[upgrade/health] FATAL: [preflight] Some fatal errors occurred:\n${lines.join("")}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\``;
}
