// Each provider serialized exactly as dynamic.Resource does, loaded by the real
// @pulumi/pulumi/cmd/dynamic-provider host (cwd = project root) and driven over gRPC through Check,
// Diff, Create, Read, Update and Delete against the simulator.
import * as fs from "fs";
import * as path from "path";
import type { Simulator } from "../../simulator";
import { DIFF_NONE, DIFF_SOME, PROJECT_ROOT, ResourceInitFailedError, serializeProvider, startDynHost, type DynHost, type Props } from "../helpers/dynhost";
import { startProgramSim } from "../helpers/program-runner";

// The package as a user's program imports it (node_modules/pulumi-cloudstack-kubernetes -> dist/).
const sdk = require("pulumi-cloudstack-kubernetes") as Record<string, object>;
const SHIMS = {
  KubernetesSupportedVersion: ["kubernetesSupportedVersionShim", "kubernetesSupportedVersion"],
  CniConfiguration: ["cniConfigurationShim", "cniConfiguration"],
  KubernetesCluster: ["kubernetesClusterShim", "kubernetesCluster"],
} as const;
const OLD_CLUSTER_PROVIDER = fs.readFileSync(path.join(__dirname, "fixtures", "kubernetesCluster-provider-0.0.1.txt"), "utf8");
const urn = (type: string, name: string): string => `urn:pulumi:dev::cks-engine::pulumi-nodejs:dynamic/cloudstack-kubernetes:${type}::${name}`;

let sim: Simulator;
let host: DynHost;
const texts: Record<string, string> = {};
let conn: Props;

beforeAll(async () => {
  sim = await startProgramSim(0.005);
  conn = { apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey };
  for (const [type, [shim]] of Object.entries(SHIMS)) texts[type] = await serializeProvider(sdk[shim]!);
  host = await startDynHost({ cwd: PROJECT_ROOT, env: { PULUMI_NODEJS_PROJECT: "cks-engine", PULUMI_NODEJS_STACK: "dev" } });
  await host.configure({ "cks-engine:unused": "x" });
});

afterAll(async () => {
  await host?.close();
  await sim?.stop();
});

describe("the serialized providers", () => {
  it.each(Object.entries(SHIMS))("%s is a small shim that requires the package entry point and captures no secret", (_type, [, module]) => {
    const text = texts[_type]!;
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain(`require("pulumi-cloudstack-kubernetes/provider/resources/${module}")`);
    // Nothing captured by reference through a deep path that a dependency upgrade could move.
    expect(text).not.toMatch(/require\("(?!pulumi-cloudstack-kubernetes\/provider\/resources\/)[^"]+"\)/);
    for (const secret of [sim.apiKey, sim.secretKey, sim.adminApiKey, sim.adminSecretKey]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/PRIVATE KEY|apiVersion: v1/);
  });

  it("reports the SDK version the host was built from", async () => {
    expect(await host.pluginVersion()).toBe((require("@pulumi/pulumi/package.json") as { version: string }).version);
  });
});

describe("KubernetesSupportedVersion through the host", () => {
  it("checks, creates, diffs, updates in place, reads and deletes", async () => {
    const u = urn("KubernetesSupportedVersion", "v");
    const iso = sim.isos[0]!;
    const bad = await host.check(u, {}, { ...conn, semanticVersion: "1.2.3", url: "ftp://x", __provider: texts.KubernetesSupportedVersion });
    expect(bad.failures.map((f) => f.property)).toEqual(expect.arrayContaining(["url"]));

    const news = { ...conn, semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, __provider: texts.KubernetesSupportedVersion };
    const checked = await host.check(u, {}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.__provider).toBe(texts.KubernetesSupportedVersion);
    const { id, outs } = await host.create(u, checked.inputs);
    expect(outs).toMatchObject({ isoId: id, isoState: "Ready", semanticVersion: iso.version, state: "Enabled" });
    expect(outs.__provider).toBe(texts.KubernetesSupportedVersion);

    expect((await host.diff(u, id, outs, checked.inputs)).changes).toBe(DIFF_NONE);
    const disabled = (await host.check(u, checked.inputs, { ...news, state: "Disabled" })).inputs;
    const inPlace = await host.diff(u, id, outs, disabled);
    expect(inPlace).toMatchObject({ changes: DIFF_SOME, replaces: [] });
    const replacing = await host.diff(u, id, outs, { ...disabled, name: "renamed" });
    expect(replacing).toMatchObject({ changes: DIFF_SOME, replaces: ["name"] });

    const updated = await host.update(u, id, outs, disabled);
    expect(updated).toMatchObject({ state: "Disabled", isoId: id });
    const read = await host.read(u, id, updated);
    expect(read).toMatchObject({ id, props: { state: "Disabled", isoState: "Ready" } });

    await host.delete(u, id, updated);
    expect((await host.read(u, id, updated)).id).toBe("");
  });

  it("turns a create that failed after registering the ISO into ErrorResourceInitFailed with the partial state", async () => {
    const u = urn("KubernetesSupportedVersion", "bad-checksum");
    const iso = sim.isos[0]!;
    const { inputs } = await host.check(u, {}, { ...conn, semanticVersion: iso.version, url: iso.url, checksum: "0".repeat(64), name: "bad-checksum", __provider: texts.KubernetesSupportedVersion });
    const err = await host.create(u, inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResourceInitFailedError);
    const failed = err as ResourceInitFailedError;
    expect(failed.message).toMatch(/checksum|fail/i);
    expect(failed.message).not.toContain(sim.adminSecretKey);
    expect(failed.id).toBeTruthy();
    expect(failed.properties.__provider).toBe(texts.KubernetesSupportedVersion);
    await host.delete(u, failed.id, failed.properties);
    expect((await host.read(u, failed.id, failed.properties)).id).toBe("");
  });
});

describe("CniConfiguration through the host", () => {
  it("replaces on any change, deleting first, and deletes", async () => {
    const u = urn("CniConfiguration", "cni");
    const news = { ...conn, name: "engine-cni", userData: "#cloud-config\nruncmd:\n- echo {{ CIDR }}\n", params: ["CIDR"], __provider: texts.CniConfiguration };
    const { inputs } = await host.check(u, {}, news);
    const { id, outs } = await host.create(u, inputs);
    expect(outs).toMatchObject({ name: "engine-cni", params: ["CIDR"] });
    const changed = (await host.check(u, inputs, { ...news, userData: "#cloud-config\nruncmd:\n- echo {{ CIDR }} changed\n" })).inputs;
    expect(await host.diff(u, id, outs, changed)).toEqual({ changes: DIFF_SOME, replaces: ["userData"], deleteBeforeReplace: true });
    await host.delete(u, id, outs);
    expect((await host.read(u, id, outs)).id).toBe("");
  });
});

describe("KubernetesCluster through the host", () => {
  it("creates a cluster, diffs, updates in place, reads, and deletes with the provider text of an earlier release", async () => {
    const iso = sim.isos[sim.isos.length - 1]!;
    const vu = urn("KubernetesSupportedVersion", "for-cluster");
    const version = await host.create(vu, (await host.check(vu, {}, { ...conn, semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, name: "for-cluster", __provider: texts.KubernetesSupportedVersion })).inputs);

    const u = urn("KubernetesCluster", "engine");
    const { SEED_IDS } = await import("../../simulator");
    const news: Props = { ...conn, name: "engine", zoneId: SEED_IDS.zone, kubernetesVersionId: version.id, kubernetesVersion: iso.version, serviceOfferingId: SEED_IDS.offerings.medium, size: 1, __provider: texts.KubernetesCluster };
    const invalid = await host.check(u, {}, { ...news, size: 0 });
    expect(invalid.failures).toEqual([expect.objectContaining({ property: "size" })]);
    const { inputs } = await host.check(u, {}, news);
    const { id, outs } = await host.create(u, inputs);
    expect(outs).toMatchObject({ state: "Running", endpoint: expect.stringMatching(/^https:\/\/127\.[\d.]+:6443\/$/), kubeconfig: expect.stringContaining("apiVersion: v1") });
    expect(outs.nodes).toHaveLength(2);
    expect(outs.__provider).toBe(texts.KubernetesCluster);

    const described = (await host.check(u, inputs, { ...news, description: "changed" })).inputs;
    expect(await host.diff(u, id, outs, described)).toMatchObject({ changes: DIFF_SOME, replaces: [] });
    expect(await host.diff(u, id, outs, { ...described, name: "other" })).toMatchObject({ changes: DIFF_SOME, replaces: ["name"] });
    const updated = await host.update(u, id, outs, described);
    expect(updated).toMatchObject({ description: "changed", state: "Running", kubeconfig: outs.kubeconfig });
    expect((await host.read(u, id, updated)).props).toMatchObject({ state: "Running" });

    // State written by an earlier release: its __provider text is not today's, yet delete works,
    // because that text only requires the installed package. Today's teardown runs (its progress lines).
    expect(OLD_CLUSTER_PROVIDER).not.toBe(texts.KubernetesCluster);
    const before = host.output.length;
    await host.delete(u, id, { ...updated, __provider: OLD_CLUSTER_PROVIDER });
    expect(host.output.slice(before).join("\n")).toMatch(/\[cluster engine\] delete: destroying VM/);
    const { createCloudApi } = await import("../../provider/cluster/cloudApi");
    const vms = (await createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey }).listAll("listVirtualMachines", { listall: true }, "virtualmachine")) as { name: string }[];
    expect(vms.filter((vm) => vm.name.startsWith("engine-"))).toEqual([]);
    expect((await host.read(u, id, { ...updated, __provider: OLD_CLUSTER_PROVIDER })).id).toBe("");
    await host.delete(vu, version.id, version.outs);
  });
});
