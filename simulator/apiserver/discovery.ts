// Legacy (non-aggregated) discovery documents and /version. kubectl asks /apis for the aggregated
// APIGroupDiscoveryList first; answered with plain application/json it falls back to these documents.
import { RESOURCE_TYPES, VERBS, servedGroups } from "./resources";

export function apiVersions(serverAddress: string): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

export function apiGroupList(): unknown {
  const groups = [...servedGroups()]
    .filter(([name]) => name !== "")
    .map(([name, versions]) => {
      const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    });
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

export function apiGroup(group: string): unknown | undefined {
  const versions = servedGroups().get(group);
  if (!versions || group === "") return undefined;
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: "APIGroup", apiVersion: "v1", name: group, versions: list, preferredVersion: list[0] };
}

export function apiResourceList(group: string, version: string): unknown | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    },
    { name: `${t.plural}/status`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: ["get", "patch", "update"] },
    // kubectl drain looks for pods/eviction (kind Eviction, group policy) before it evicts (drain.CheckEvictionSupport).
    ...(t.kind === "Pod" ? [{ name: "pods/eviction", singularName: "", namespaced: true, group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] }] : []),
  ]);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources };
}

/** /version for a gitVersion like "v1.31.4". */
export function versionInfo(gitVersion: string): unknown {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: match ? match[1] : "",
    minor: match ? match[2] : "",
    gitVersion,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2024-01-01T00:00:00Z",
    goVersion: "go1.22.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}
