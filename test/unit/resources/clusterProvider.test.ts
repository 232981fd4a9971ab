import { makeClusterProvider } from "../../../provider/resources/kubernetesCluster";
import { ResourceInitError } from "../../../provider/resources/common/initError";
import { FakeCloud, FakeCloudError } from "../cluster/fakeCloud";
import { cloudWithVersion, noConnector } from "../cluster/helpers";

const conn = { apiUrl: "http://127.0.0.1:1/client/api", apiKey: "key", secretKey: "very-secret-key" };
const base = { ...conn, name: "demo", zoneId: "z1", kubernetesVersionId: "iso-1", serviceOfferingId: "off-small", size: 2, controlNodes: 1, etcdNodes: 0, nodeRootDiskSize: 8, __provider: "serialized-shim" };

function providerWith(cloud: FakeCloud) {
  return makeClusterProvider({ cloud: () => cloud, connector: () => noConnector, progressSink: () => undefined });
}

describe("KubernetesCluster create failure", () => {
  it("throws an init error naming phase, node and cause, carrying id and the partial state", async () => {
    const cloud = cloudWithVersion();
    cloud.failWith = (command, params) => (command === "deployVirtualMachine" && params.name.endsWith("worker-2") ? new FakeCloudError(command, 533, "Insufficient capacity") : undefined);
    const err = await providerWith(cloud).create(base).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    const e = err as ResourceInitError;
    expect(e.message).toMatch(/KubernetesCluster demo: vms failed on demo-[0-9a-f]{6}-worker-2: deployVirtualMachine \(533\): Insufficient capacity/);
    expect(e.message).toMatch(/pulumi up/);
    expect(e.message).not.toContain("very-secret-key");
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    const p = e.properties;
    expect(p).toMatchObject({ __provider: "serialized-shim", state: "Error", clusterId: e.id, apiUrl: conn.apiUrl, apiKey: "key", secretKey: "very-secret-key", networkCreated: true });
    expect(p.sshPrivateKey).toMatch(/PRIVATE KEY/);
    expect(p.ipAddressId).toBe(cloud.ips[0].id);
    expect((p.virtualMachineIds as string[]).length).toBe(2);
    expect(JSON.stringify(p)).not.toContain("undefined");
  });

  it("fails validation before creating anything", async () => {
    const cloud = cloudWithVersion();
    const err = (await providerWith(cloud).create({ ...base, serviceOfferingId: "off-tiny" }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/validate failed: serviceOfferingId: service offering Tiny/);
    expect(cloud.calls.filter((c) => !c.command.startsWith("list"))).toEqual([]);
  });

  it("says nothing was created, and does not advise a resume, when validation fails", async () => {
    const cloud = cloudWithVersion();
    const err = (await providerWith(cloud).create({ ...base, serviceOfferingId: "off-tiny" }).catch((e: unknown) => e)) as Error;
    expect(err).not.toBeInstanceOf(ResourceInitError);
    expect(err.message).toMatch(/Nothing was created; fix the input/);
    expect(err.message).not.toMatch(/resume|pulumi destroy/);
  });

  it("says zone not found for an unknown zone id, before looking at the version", async () => {
    const cloud = cloudWithVersion();
    const err = (await providerWith(cloud).create({ ...base, zoneId: "no-such-zone" }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/zoneId: zone not found: no zone with id "no-such-zone"/);
    expect(err.message).not.toMatch(/ISO/);
    expect(cloud.calls.map((c) => c.command)).not.toContain("listIsos");
  });

  it("tells a zone name from a zone id", async () => {
    const cloud = cloudWithVersion();
    const err = (await providerWith(cloud).create({ ...base, zoneId: "Zone1" }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/zoneId: "Zone1" is the name of zone z1, not its id; pass zoneId: "z1"/);
  });

  it("names the missing credentials", async () => {
    const saved = { ...process.env };
    delete process.env.CLOUDSTACK_API_URL;
    delete process.env.CLOUDSTACK_API_KEY;
    delete process.env.CLOUDSTACK_SECRET_KEY;
    try {
      await expect(providerWith(new FakeCloud()).create({ ...base, apiUrl: undefined, apiKey: undefined, secretKey: undefined })).rejects.toThrow(
        /apiUrl \(or CLOUDSTACK_API_URL\), apiKey \(or CLOUDSTACK_API_KEY\), secretKey \(or CLOUDSTACK_SECRET_KEY\)/,
      );
    } finally {
      process.env = saved;
    }
  });
});

describe("KubernetesCluster update", () => {
  const running = { ...base, state: "Running", kubeconfig: "apiVersion: v1", clusterId: "c-1", prefix: "demo-c1", nodes: [], hostKeys: {} };

  it("applies description and credential changes without touching the cloud", async () => {
    const cloud = new FakeCloud();
    const r = await providerWith(cloud).update!("c-1", running, { ...base, description: "new", apiKey: "key2" });
    expect(r.outs).toMatchObject({ description: "new", apiKey: "key2", state: "Running", kubeconfig: "apiVersion: v1" });
    expect(cloud.calls).toEqual([]);
  });

  it("resumes a failed create on update, reusing the id and key, without duplicates", async () => {
    const cloud = cloudWithVersion();
    cloud.failWith = (command, params) => (command === "deployVirtualMachine" && params.name.endsWith("worker-2") ? new FakeCloudError(command, 533, "Insufficient capacity") : undefined);
    const provider = providerWith(cloud);
    const e = (await provider.create(base).catch((x: unknown) => x)) as ResourceInitError;
    cloud.failWith = () => undefined;
    // The resumed run gets past the cloud phases and stops at the first SSH step of this unit test.
    const again = (await provider.update!(e.id, e.properties, base).catch((x: unknown) => x)) as ResourceInitError;
    expect(again).toBeInstanceOf(ResourceInitError);
    expect(again.id).toBe(e.id);
    expect(again.message).toMatch(/cloud-init failed on .*no SSH in this test/);
    expect(again.properties.sshPrivateKey).toBe(e.properties.sshPrivateKey);
    expect(cloud.count("createNetwork")).toBe(1);
    expect(cloud.count("associateIpAddress")).toBe(1);
    expect(cloud.count("registerSSHKeyPair")).toBe(1);
    expect(cloud.vms).toHaveLength(3);
  });
});
