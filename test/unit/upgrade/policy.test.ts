import { batchSize, batches, skewViolations } from "../../../provider/cluster/upgrade/policy";
import { planUpdate } from "../../../provider/cluster/operations";
import { upgradeOperation } from "../../../provider/cluster/operations/upgrade";
import { createOperation } from "../../../provider/cluster/operations/create";
import { provider } from "../../../provider/resources/kubernetesCluster";
import type { ClusterState } from "../../../provider/cluster/clusterState";
import { ClusterInputsSchema } from "../../../provider/resources/clusterInputs";

const base = { name: "prod", zoneId: "zone-1", kubernetesVersionId: "iso-132", kubernetesVersion: "1.32.9", serviceOfferingId: "off-1", size: 4 };

describe("worker batches", () => {
  it("takes maxUnavailable workers at a time, a percentage rounding down but never below 1", () => {
    expect(batchSize(1, 12)).toBe(1);
    expect(batchSize(3, 12)).toBe(3);
    expect(batchSize(20, 4)).toBe(4);
    expect(batchSize("25%", 12)).toBe(3);
    expect(batchSize("10%", 4)).toBe(1);
    expect(batchSize("100%", 5)).toBe(5);
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe("version skew mid-upgrade", () => {
  it("accepts apiservers one minor apart and kubelets not newer than the oldest apiserver", () => {
    expect(skewViolations({ c1: "1.33.5", c2: "1.32.9" }, { c1: "1.32.9", w1: "1.32.9" })).toEqual([]);
  });
  it("names apiservers two minors apart and a kubelet newer than its apiserver", () => {
    expect(skewViolations({ c1: "1.33.5", c2: "1.31.13" }, {})[0]).toMatch(/c1 \(1\.33\.5\) and on c2 \(1\.31\.13\) are more than one minor apart/);
    expect(skewViolations({ c1: "1.32.9" }, { w1: "1.33.5" })[0]).toMatch(/kubelet on w1 \(1\.33\.5\) is newer than kube-apiserver on c1/);
  });
});

describe("which operations an update runs", () => {
  const running = { clusterId: "c", prefix: "p", state: "Running", kubeconfig: "k", hostKeys: {}, nodes: [], virtualMachineIds: [] } as ClusterState;
  it("upgrades on a version change, and before a size change", () => {
    expect(planUpdate(["kubernetesVersionId", "kubernetesVersion", "size"], running)).toEqual(["upgrade", "scale"]);
    expect(planUpdate(["description"], running)).toEqual([]);
  });
  it("carries on with an unfinished upgrade even when nothing changed", () => {
    expect(planUpdate([], { ...running, state: "Alert", upgradeInProgress: { version: "1.33.5", versionId: "iso-133", fromVersion: "1.32.9" } })).toEqual(["upgrade"]);
  });
  it("resumes an unfinished create first", () => {
    expect(planUpdate(["size"], { ...running, state: "Error" })).toEqual(["create"]);
  });
  it("lists each operation's phases in order, on one screen", () => {
    const inputs = ClusterInputsSchema.parse(base);
    expect(upgradeOperation(inputs, running).map((p) => p.name)).toEqual(["validate-upgrade", "probe-versions", "control-plane", "etcd", "workers", "external-nodes", "certificates", "kubeconfig", "finish"]);
    expect(createOperation(inputs, running).map((p) => p.name)).toContain("scale-down");
  });
});

describe("upgrade rules in check (preview)", () => {
  async function check(news: Record<string, unknown>, olds: Record<string, unknown> = base) {
    return (await provider.check!(olds, news)).failures ?? [];
  }
  it("accepts the next minor and a newer patch", async () => {
    expect(await check({ ...base, kubernetesVersionId: "iso-133", kubernetesVersion: "1.33.5" })).toEqual([]);
    expect(await check({ ...base, kubernetesVersionId: "iso-13210", kubernetesVersion: "1.32.10" })).toEqual([]);
  });
  it("refuses a skipped minor and a downgrade, naming kubernetesVersion and the next allowed step", async () => {
    const skip = await check({ ...base, kubernetesVersion: "1.33.5" }, { ...base, kubernetesVersion: "1.31.13" });
    expect(skip).toEqual([expect.objectContaining({ property: "kubernetesVersion", reason: expect.stringMatching(/1\.31\.13 → 1\.33\.5 skips a minor: upgrade to 1\.32\.x first/) })]);
    const down = await check({ ...base, kubernetesVersion: "1.31.13" });
    expect(down[0]?.reason).toMatch(/downgrade/);
  });
  it("refuses a bad upgrade.maxUnavailable and drainTimeout, naming the field", async () => {
    const f = await check({ ...base, upgrade: { maxUnavailable: "0%", drainTimeout: "soon" } });
    expect(f.map((x) => x.property).sort()).toEqual(["upgrade.drainTimeout", "upgrade.maxUnavailable"]);
  });
});
