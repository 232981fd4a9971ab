import { makeClusterProvider } from "../../../provider/resources/kubernetesCluster";
import { UNKNOWN } from "../../../provider/resources/common/unknowns";

const provider = makeClusterProvider();
const base = { name: "prod", zoneId: "z1", kubernetesVersionId: "v1", serviceOfferingId: "o1" };

async function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const r = await provider.check!(olds, news);
  return { inputs: r.inputs as Record<string, unknown>, failures: r.failures ?? [] };
}

async function failureFor(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const { failures } = await check(news, olds);
  expect(failures.length).toBeGreaterThan(0);
  return failures;
}

describe("KubernetesCluster check", () => {
  it("accepts minimal inputs and applies the CKS defaults", async () => {
    const { inputs, failures } = await check({ ...base, __provider: "shim" });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ size: 1, controlNodes: 1, etcdNodes: 0, nodeRootDiskSize: 8, __provider: "shim" });
  });

  it.each([
    ["name", { name: undefined }],
    ["zoneId", { zoneId: undefined }],
    ["kubernetesVersionId", { kubernetesVersionId: undefined }],
    ["size", { size: 0 }],
    ["size", { size: 1.5 }],
    ["controlNodes", { controlNodes: 0 }],
    ["etcdNodes", { etcdNodes: -1 }],
    ["nodeRootDiskSize", { nodeRootDiskSize: 7 }],
    ["apiUrl", { apiUrl: "not a url" }],
    ["timeouts.create", { timeouts: { create: "soon" } }],
    ["nodeOfferings", { nodeOfferings: { master: "x" } }],
  ])("names %s when it is invalid", async (property, patch) => {
    const failures = await failureFor({ ...base, ...patch });
    expect(failures.map((f) => f.property)).toContain(property);
    for (const f of failures) expect(f.reason).toContain(f.property || "inputs");
  });

  it("limits controlNodes + size to the maximum cluster size, and maxClusterSize raises it", async () => {
    const failures = await failureFor({ ...base, size: 9, controlNodes: 2, kubernetesVersion: "1.31.4" });
    expect(failures[0].property).toBe("size");
    expect(failures[0].reason).toMatch(/11 exceeds the maximum cluster size 10/);
    expect((await check({ ...base, size: 9, controlNodes: 2, maxClusterSize: 12 })).failures).toEqual([]);
  });

  it("requires an offering for every node type in use", async () => {
    const none = await failureFor({ ...base, serviceOfferingId: undefined });
    expect(none.map((f) => f.property)).toEqual(["serviceOfferingId", "serviceOfferingId"]);
    const partial = await failureFor({ ...base, serviceOfferingId: undefined, nodeOfferings: { control: "a", worker: "b" }, etcdNodes: 1 });
    expect(partial.map((f) => f.property)).toEqual(["nodeOfferings.etcd"]);
    expect(partial[0].reason).toMatch(/set serviceOfferingId, or nodeOfferings.etcd/);
    expect((await check({ ...base, serviceOfferingId: undefined, nodeOfferings: { control: "a", worker: "b" } })).failures).toEqual([]);
  });

  it("wants the private registry all or nothing, with a valid URL", async () => {
    const partial = await failureFor({ ...base, privateRegistry: { url: "https://r.example.com", username: "u" } });
    expect(partial[0].property).toBe("privateRegistry.password");
    const badUrl = await failureFor({ ...base, privateRegistry: { url: "ht tp://x y", username: "u", password: "p" } });
    expect(badUrl[0].property).toBe("privateRegistry.url");
    expect((await check({ ...base, privateRegistry: { url: "registry.example.com:5000", username: "u", password: "p" } })).failures).toEqual([]);
  });

  it("never echoes the registry password in a failure", async () => {
    const failures = await failureFor({ ...base, privateRegistry: { url: "ht tp://x y", username: "u", password: "s3cr3t-pass" } });
    expect(JSON.stringify(failures)).not.toContain("s3cr3t-pass");
  });

  it("validates the external load balancer IP and that it comes with a network", async () => {
    const bad = await failureFor({ ...base, externalLoadBalancerIpAddress: "300.1.1.1", networkId: "n1" });
    expect(bad.map((f) => f.property)).toEqual(["externalLoadBalancerIpAddress"]);
    const noNet = await failureFor({ ...base, externalLoadBalancerIpAddress: "10.0.0.5" });
    expect(noNet.map((f) => f.property)).toEqual(["networkId"]);
    expect((await check({ ...base, externalLoadBalancerIpAddress: "2001:db8::1", networkId: "n1" })).failures).toEqual([]);
  });

  it("requires cniConfigurationId with cniConfigDetails", async () => {
    const failures = await failureFor({ ...base, cniConfigDetails: { CIDR: "10.0.0.0/8" } });
    expect(failures[0].property).toBe("cniConfigDetails");
    expect((await check({ ...base, cniConfigDetails: { CIDR: "10.0.0.0/8" }, cniConfigurationId: "c1" })).failures).toEqual([]);
  });

  it("rejects names that leave nothing DNS-compatible after sanitising", async () => {
    const failures = await failureFor({ ...base, name: "!!!" });
    expect(failures[0].property).toBe("name");
    expect((await check({ ...base, name: "My Cluster_1" })).failures).toEqual([]);
  });

  it("applies the HA floor and the minimum supported version when the version is known", async () => {
    const old = await failureFor({ ...base, kubernetesVersion: "1.21.9" });
    expect(old[0].property).toBe("kubernetesVersion");
    expect(old[0].reason).toMatch(/1\.22\.0/);
    const malformed = await failureFor({ ...base, kubernetesVersion: "v1.31" });
    expect(malformed[0].property).toBe("kubernetesVersion");
    expect((await check({ ...base, kubernetesVersion: "1.31.4", controlNodes: 3 })).failures).toEqual([]);
  });

  it("validates version changes with the upgrade rules", async () => {
    const skip = await failureFor({ ...base, kubernetesVersion: "1.31.0" }, { ...base, kubernetesVersion: "1.29.3" });
    expect(skip[0].property).toBe("kubernetesVersion");
    expect(skip[0].reason).toMatch(/1\.29\.3 → 1\.31\.0/);
    const down = await failureFor({ ...base, kubernetesVersion: "1.30.0" }, { ...base, kubernetesVersion: "1.31.4" });
    expect(down[0].property).toBe("kubernetesVersion");
    expect((await check({ ...base, kubernetesVersion: "1.31.0" }, { ...base, kubernetesVersion: "1.30.5" })).failures).toEqual([]);
  });

  it("does not reject values that are unknown during preview, and keeps them", async () => {
    const { inputs, failures } = await check({ ...base, kubernetesVersionId: UNKNOWN, networkId: UNKNOWN });
    expect(failures).toEqual([]);
    expect(inputs.kubernetesVersionId).toBe(UNKNOWN);
    expect(inputs.networkId).toBe(UNKNOWN);
  });
});
