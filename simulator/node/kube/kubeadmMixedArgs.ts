// Which flags kubeadm lets a user pass next to --config: everything else is refused with
// "can not mix '--config' with arguments [...]". Source: ValidateMixedArguments and isAllowedFlag in
// cmd/kubeadm/app/apis/kubeadm/validation/validation.go, read in v1.29.15, v1.30.14, v1.31.13,
// v1.32.9 and v1.33.5; called by init, join, reset and token (and from v1.31 by upgrade
// apply|diff|node|plan). pflag's Visit walks the set flags in lexical order; %v prints [a b].
import { CommandFailure } from "./failure";
import type { KubeVersion } from "./versions";

/** options.CfgPath, IgnorePreflightErrors, DryRun, KubeconfigPath, NodeName, KubeconfigDir, UploadCerts + literals (every version). */
const BASE = ["config", "ignore-preflight-errors", "dry-run", "kubeconfig", "node-name", "kubeconfig-dir", "upload-certs", "print-join-command", "rootfs", "v", "log-file"];

/** What each minor adds to BASE. Note that --certificate-key, --patches, --token and --control-plane are never allowed. */
function extras(minor: number): string[] {
  if (minor <= 29) return [];
  if (minor === 30) return ["yes"];
  // v1.31 only: --feature-gates and the upgrade diff manifest flags were allowed for the transition to UpgradeConfiguration.
  if (minor === 31) return ["yes", "feature-gates", "api-server-manifest", "controller-manager-manifest", "scheduler-manifest", "allow-missing-template-keys", "output", "show-managed-fields"];
  return ["yes", "print-manifest", "allow-missing-template-keys", "output", "show-managed-fields"];
}

export function allowedWithConfig(flag: string, kubeadm: KubeVersion): boolean {
  return flag.startsWith("skip-") || BASE.includes(flag) || extras(kubeadm.minor).includes(flag);
}

/** Throws kubeadm's refusal when --config is set together with a flag outside the allow-list. */
export function rejectMixedConfig(values: Map<string, string[]>, kubeadm: KubeVersion): void {
  if (!values.has("config")) return;
  const mixed = [...values.keys()].filter((k) => !allowedWithConfig(k, kubeadm)).sort();
  if (mixed.length > 0) throw new CommandFailure(`can not mix '--config' with arguments [${mixed.join(" ")}]`);
}
