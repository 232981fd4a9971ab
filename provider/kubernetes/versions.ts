// Kubernetes version rules: what we accept, which kubeadm config API a version gets, and which
// upgrades kubeadm allows (one minor at a time, never down, never across majors).
import * as semver from "semver";

/** kubeadm's v1beta3 config API appeared in 1.22 (and v1beta2 went away in 1.26); we render v1beta3/v1beta4 only. */
export const MIN_SUPPORTED_VERSION = "1.22.0";
/** CKS's floor for clusters with more than one control node. */
export const HA_MIN_VERSION = "1.16.0";
/** kubeadm's v1beta4 config API is the one to use from 1.31 on. */
const KUBEADM_V1BETA4_FROM = "1.31.0";

const STRICT = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** A strict MAJOR.MINOR.PATCH version such as "1.31.4" (no "v", no pre-release, no shorthand). */
export function parseVersion(value: string): semver.SemVer {
  const text = typeof value === "string" ? value : String(value);
  const parsed = STRICT.test(text) ? semver.parse(text) : null;
  if (parsed === null) {
    throw new Error(`Invalid Kubernetes version "${text}": expected MAJOR.MINOR.PATCH, for example "1.31.4"`);
  }
  return parsed;
}

/** Throws when `version` is older than MIN_SUPPORTED_VERSION. */
export function assertSupportedVersion(version: string): void {
  if (semver.lt(parseVersion(version), MIN_SUPPORTED_VERSION)) {
    throw new Error(`Kubernetes ${version} is not supported: the minimum is ${MIN_SUPPORTED_VERSION} (kubeadm config API v1beta3)`);
  }
}

export function supportsHa(version: string): boolean {
  return semver.gte(parseVersion(version), HA_MIN_VERSION);
}

/** The version part of kubeadm's config API group, `kubeadm.k8s.io/<this>`. */
export type KubeadmApiVersion = "v1beta3" | "v1beta4";

/** The kubeadm configuration API to render for `version`: v1beta3 below 1.31, v1beta4 from 1.31. */
export function kubeadmApiVersion(version: string): KubeadmApiVersion {
  return semver.gte(parseVersion(version), KUBEADM_V1BETA4_FROM) ? "v1beta4" : "v1beta3";
}

export type UpgradeCheck = { ok: true; kind: "patch" | "minor" | "none" } | { ok: false; reason: string };

/**
 * Whether `from` → `to` is an upgrade kubeadm performs: the same version (nothing to do), a newer
 * patch of the same minor, or the next minor. Downgrades, skipped minors and major changes are refused
 * with a reason that names the allowed next step.
 */
export function checkUpgrade(from: string, to: string): UpgradeCheck {
  const a = parseVersion(from);
  const b = parseVersion(to);
  const arrow = `${a.version} → ${b.version}`;
  if (a.major !== b.major) {
    return { ok: false, reason: `${arrow} changes the major version: Kubernetes upgrades stay within major ${a.major}` };
  }
  if (semver.eq(a, b)) return { ok: true, kind: "none" };
  if (semver.lt(b, a)) {
    return { ok: false, reason: `${arrow} is a downgrade: Kubernetes cannot be downgraded; keep ${a.version} or upgrade to a later ${a.major}.${a.minor}.x or ${a.major}.${a.minor + 1}.x` };
  }
  if (b.minor === a.minor) return { ok: true, kind: "patch" };
  if (b.minor === a.minor + 1) return { ok: true, kind: "minor" };
  return { ok: false, reason: `${arrow} skips a minor: upgrade to ${a.major}.${a.minor + 1}.x first` };
}

/** checkUpgrade that throws Error(reason) when the upgrade is not allowed. */
export function assertUpgrade(from: string, to: string): "patch" | "minor" | "none" {
  const result = checkUpgrade(from, to);
  if (!result.ok) throw new Error(result.reason);
  return result.kind;
}
