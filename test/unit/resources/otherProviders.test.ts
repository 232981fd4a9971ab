import { makeSupportedVersionProvider } from "../../../provider/resources/kubernetesSupportedVersion";
import { makeCniConfigurationProvider } from "../../../provider/resources/cniConfiguration";
import { TAG } from "../../../provider/cluster/tags";
import { FakeCloud } from "../cluster/fakeCloud";

const conn = { apiUrl: "http://127.0.0.1:1/client/api", apiKey: "key", secretKey: "secret" };

describe("KubernetesSupportedVersion", () => {
  const args = { ...conn, semanticVersion: "1.31.4", url: "http://127.0.0.1:9/isos/k8s-1.31.4.iso", minCpuNumber: 2, minMemory: 2048, state: "Enabled" };

  it("checks the version, the URL and the minimums", async () => {
    const p = makeSupportedVersionProvider();
    const bad = await p.check!({}, { semanticVersion: "1.31", url: "ftp://x", minCpuNumber: 1, minMemory: 1024 });
    expect(bad.failures!.map((f) => f.property).sort()).toEqual(["minCpuNumber", "minMemory", "url"]);
    const old = await p.check!({}, { semanticVersion: "1.20.0", url: "http://x/y.iso" });
    expect(old.failures!.map((f) => f.property)).toEqual(["semanticVersion"]);
    const ok = await p.check!({}, { semanticVersion: "1.31.4", url: "http://x/y.iso" });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toMatchObject({ state: "Enabled", minCpuNumber: 2, minMemory: 2048 });
  });

  it("diffs state and minimums in place, the rest by replacement", async () => {
    const p = makeSupportedVersionProvider();
    expect(await p.diff!("i", args, { ...args, state: "Disabled" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await p.diff!("i", args, { ...args, minMemory: 4096 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    for (const key of ["semanticVersion", "url", "checksum", "zoneId", "name"]) {
      expect((await p.diff!("i", args, { ...args, [key]: key === "semanticVersion" ? "1.31.5" : "changed" })).replaces).toEqual([key]);
    }
    expect((await p.diff!("i", args, args)).changes).toBe(false);
  });

  it("registers and tags the ISO, waits until Ready, updates tags in place, and refuses delete while in use", async () => {
    const cloud = new FakeCloud();
    const p = makeSupportedVersionProvider({ cloud: () => cloud, progressSink: () => undefined });
    setTimeout(() => (cloud.isos[0].isready = true), 300);
    const { id, outs } = await p.create({ ...args, __provider: "x" });
    expect(cloud.calls.find((c) => c.command === "registerIso")!.params).toMatchObject({ name: "Kubernetes-1.31.4", zoneid: "-1", bootable: false, ispublic: false, url: args.url });
    expect(outs).toMatchObject({ isoId: id, isoName: "Kubernetes-1.31.4", isoState: "Ready", supportsHa: true, state: "Enabled" });
    const tag = (key: string) => cloud.tags.find((t) => t.resourceid === id && t.key === key)?.value;
    expect(tag(TAG.semanticVersion)).toBe("1.31.4");

    await p.update!(id, outs, { ...args, state: "Disabled" });
    expect(tag(TAG.state)).toBe("Disabled");
    expect(cloud.tags.filter((t) => t.resourceid === id && t.key === TAG.state)).toHaveLength(1);
    const read = await p.read!(id, outs);
    expect(read.props).toMatchObject({ state: "Disabled", isoState: "Ready" });

    cloud.tags.push({ resourcetype: "UserVm", resourceid: "vm-1", key: TAG.versionId, value: id }, { resourcetype: "UserVm", resourceid: "vm-1", key: TAG.clusterName, value: "prod" });
    await expect(p.delete!(id, outs)).rejects.toThrow(/still used by Kubernetes cluster\(s\) prod/);
    cloud.tags = cloud.tags.filter((t) => t.resourceid !== "vm-1");
    await p.delete!(id, outs);
    expect(cloud.isos).toEqual([]);
    await p.delete!(id, outs); // already gone: done
    expect((await p.read!(id, outs)).id).toBe("");
  });

  it("says zone not found, and registers nothing, for an unknown zoneId", async () => {
    const cloud = new FakeCloud();
    const p = makeSupportedVersionProvider({ cloud: () => cloud, progressSink: () => undefined });
    const err = (await p.create({ ...args, zoneId: "nowhere" }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/zoneId: zone not found: no zone with id "nowhere".*Nothing was registered/);
    expect(cloud.calls.map((c) => c.command)).not.toContain("registerIso");
  });

  it("keeps a partial state when the ISO fails to download", async () => {
    const cloud = new FakeCloud();
    const p = makeSupportedVersionProvider({ cloud: () => cloud, progressSink: () => undefined });
    setTimeout(() => (cloud.isos[0].status = "Failed post download script: checksum mismatch"), 100);
    const err = (await p.create({ ...args, __provider: "x" }).catch((e: unknown) => e)) as { id: string; properties: Record<string, unknown>; message: string };
    expect(err.message).toMatch(/checksum mismatch/);
    expect(err.id).toBe(cloud.isos[0].id);
    expect(err.properties.__provider).toBe("x");
  });
});

describe("CniConfiguration", () => {
  const args = { ...conn, name: "calico", userData: "#cloud-config\nruncmd:\n- echo {{ CIDR }}\n", params: ["CIDR"] };

  it("registers with registerCniConfiguration and deletes with the matching API", async () => {
    const cloud = new FakeCloud();
    const p = makeCniConfigurationProvider({ cloud: () => cloud });
    const { id, outs } = await p.create(args);
    expect(outs).toMatchObject({ name: "calico", params: ["CIDR"], apiKind: "cniConfiguration" });
    const call = cloud.calls.find((c) => c.command === "registerCniConfiguration")!;
    expect(Buffer.from(String(call.params.cniconfig), "base64").toString()).toBe(args.userData);
    expect(call.params.params).toBe("CIDR");
    await p.delete!(id, outs);
    expect(cloud.cniconfigs).toEqual([]);
  });

  it("falls back to registerUserData (+ tags) on clouds without the CNI API", async () => {
    const cloud = new FakeCloud();
    cloud.hasCniApi = false;
    const p = makeCniConfigurationProvider({ cloud: () => cloud });
    const { id, outs } = await p.create(args);
    expect(outs.apiKind).toBe("userData");
    expect(cloud.userdata).toHaveLength(1);
    expect(cloud.tags.some((t) => t.resourceid === id && t.key === TAG.kind && t.value === "cni-configuration")).toBe(true);
    expect((await p.read!(id, outs)).id).toBe(id);
    cloud.tags.push({ resourcetype: "UserVm", resourceid: "vm-1", key: TAG.cniId, value: id }, { resourcetype: "UserVm", resourceid: "vm-1", key: TAG.clusterName, value: "edge" });
    await expect(p.delete!(id, outs)).rejects.toThrow(/still used by Kubernetes cluster\(s\) edge/);
    cloud.tags = cloud.tags.filter((t) => t.resourceid !== "vm-1");
    await p.delete!(id, outs);
    expect(cloud.userdata).toEqual([]);
  });

  it("replaces on any change (delete first: names are unique)", async () => {
    const p = makeCniConfigurationProvider();
    expect(await p.diff!("i", args, { ...args, params: ["CIDR", "MTU"] })).toEqual({ changes: true, replaces: ["params"], deleteBeforeReplace: true });
    expect((await p.diff!("i", args, { ...args, apiKey: "k2" })).replaces).toEqual([]);
    const bad = await p.check!({}, { name: "x", userData: "", params: ["9bad"] });
    expect(bad.failures!.map((f) => f.property).sort()).toEqual(["params[0]", "userData"]);
  });
});
