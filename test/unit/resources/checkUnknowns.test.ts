// Preview sends unknowns at any depth. A rule that depends on an unknown value must not fail preview
// (it runs again at `up` once the value is known), while rules on known values still do; check() keeps
// every unknown where the program put it.
import { provider } from "../../../provider/resources/kubernetesCluster";
import { provider as cniProvider } from "../../../provider/resources/cniConfiguration";
import { provider as versionProvider } from "../../../provider/resources/kubernetesSupportedVersion";
import { UNKNOWN, pathsOverlap, restoreUnknowns, unknownPaths } from "../../../provider/resources/common/unknowns";

const base = {
  name: "prod",
  zoneId: "zone-1",
  kubernetesVersionId: "iso-1",
  kubernetesVersion: "1.33.5",
  serviceOfferingId: "off-1",
};

async function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const r = await provider.check!(olds, news);
  return { inputs: r.inputs as Record<string, unknown>, failures: r.failures ?? [] };
}

describe("unknown paths", () => {
  it("finds unknowns at any depth, named as failures name them", () => {
    expect(unknownPaths({ a: UNKNOWN, b: { c: UNKNOWN, d: 1 }, e: [1, UNKNOWN] })).toEqual(["a", "b.c", "e[1]"]);
  });

  it("overlaps a path with its parents and children only", () => {
    expect(pathsOverlap("privateRegistry", "privateRegistry.password")).toBe(true);
    expect(pathsOverlap("privateRegistry.password", "privateRegistry")).toBe(true);
    expect(pathsOverlap("nodes[0]", "nodes")).toBe(true);
    expect(pathsOverlap("privateRegistry.url", "privateRegistry.password")).toBe(false);
    expect(pathsOverlap("size", "sizeLimit")).toBe(false);
  });

  it("restores unknown leaves into a parsed copy", () => {
    expect(restoreUnknowns({ a: { b: 1 }, n: [1] }, { a: { b: 1, c: UNKNOWN }, n: [1, UNKNOWN], t: UNKNOWN })).toEqual({ a: { b: 1, c: UNKNOWN }, n: [1, UNKNOWN], t: UNKNOWN });
  });
});

describe("KubernetesCluster check with unknowns in preview", () => {
  it("accepts cniConfigDetails while cniConfigurationId is an unknown output (the README's CNI example)", async () => {
    const { inputs, failures } = await check({ ...base, cniConfigurationId: UNKNOWN, cniConfigDetails: { POD_CIDR: "10.244.0.0/16" } });
    expect(failures).toEqual([]);
    expect(inputs.cniConfigurationId).toBe(UNKNOWN);
    expect(inputs.cniConfigDetails).toEqual({ POD_CIDR: "10.244.0.0/16" });
  });

  it("still refuses cniConfigDetails without any cniConfigurationId", async () => {
    const { failures } = await check({ ...base, cniConfigDetails: { POD_CIDR: "10.244.0.0/16" } });
    expect(failures.map((f) => f.property)).toEqual(["cniConfigDetails"]);
  });

  it("accepts a privateRegistry whose password is unknown, and keeps it unknown", async () => {
    const { inputs, failures } = await check({ ...base, privateRegistry: { url: "registry.example.com", username: "ci", password: UNKNOWN } });
    expect(failures).toEqual([]);
    expect(inputs.privateRegistry).toEqual({ url: "registry.example.com", username: "ci", password: UNKNOWN });
  });

  it("still refuses a bad registry url beside an unknown password", async () => {
    const { failures } = await check({ ...base, privateRegistry: { url: "ftp://x", username: "ci", password: UNKNOWN } });
    expect(failures.map((f) => f.property)).toEqual(["privateRegistry.url"]);
  });

  it("accepts a fully unknown privateRegistry object", async () => {
    const { inputs, failures } = await check({ ...base, privateRegistry: UNKNOWN });
    expect(failures).toEqual([]);
    expect(inputs.privateRegistry).toBe(UNKNOWN);
  });

  it("runs the other rules while a required value is unknown", async () => {
    const { inputs, failures } = await check({ ...base, zoneId: UNKNOWN, kubernetesVersionId: UNKNOWN, size: 20 });
    expect(failures.map((f) => f.property)).toEqual(["size"]);
    expect(inputs.zoneId).toBe(UNKNOWN);
  });

  it("defers the HA floor and the size limit while the numbers they read are unknown", async () => {
    expect((await check({ ...base, kubernetesVersion: UNKNOWN, controlNodes: 3 })).failures).toEqual([]);
    expect((await check({ ...base, controlNodes: UNKNOWN, size: 9 })).failures).toEqual([]);
    expect((await check({ ...base, controlNodes: 2, size: 9 })).failures.map((f) => f.property)).toEqual(["size"]);
  });

  it("defers the upgrade step while the new version is unknown, and checks it once known", async () => {
    const olds = { ...base, kubernetesVersion: "1.31.4" };
    expect((await check({ ...base, kubernetesVersion: UNKNOWN }, olds)).failures).toEqual([]);
    expect((await check({ ...base, kubernetesVersion: "1.33.5" }, olds)).failures.map((f) => f.property)).toEqual(["kubernetesVersion"]);
  });

  it("keeps nested unknowns in per-role offerings", async () => {
    const { inputs, failures } = await check({ ...base, serviceOfferingId: undefined, nodeOfferings: { control: UNKNOWN, worker: "off-2" } });
    expect(failures).toEqual([]);
    expect(inputs.nodeOfferings).toEqual({ control: UNKNOWN, worker: "off-2" });
  });
});

describe("the other resources' check with unknowns", () => {
  it("CniConfiguration: an unknown userData or param list passes preview", async () => {
    const r = await cniProvider.check!({}, { name: "calico", userData: UNKNOWN, params: [UNKNOWN, "MTU"] });
    expect(r.failures ?? []).toEqual([]);
    expect((r.inputs as Record<string, unknown>).params).toEqual([UNKNOWN, "MTU"]);
  });

  it("KubernetesSupportedVersion: an unknown url passes, a bad version still fails", async () => {
    expect((await versionProvider.check!({}, { semanticVersion: "1.33.5", url: UNKNOWN })).failures ?? []).toEqual([]);
    const bad = await versionProvider.check!({}, { semanticVersion: "1.33", url: UNKNOWN });
    expect((bad.failures ?? []).map((f) => f.property)).toEqual(["semanticVersion"]);
  });
});
