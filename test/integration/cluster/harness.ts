// Shared setup for the cluster integration tests: a simulator and the three providers driven directly.
import { startSimulator, type Simulator } from "../../../simulator";
import { defaultSeed } from "../../../simulator/cloud";
import { makeClusterProvider } from "../../../provider/resources/kubernetesCluster";
import { makeSupportedVersionProvider } from "../../../provider/resources/kubernetesSupportedVersion";
import { makeCniConfigurationProvider } from "../../../provider/resources/cniConfiguration";
import { createCloudApi } from "../../../provider/cluster/cloudApi";

export const quiet = (): void => undefined;

/**
 * A simulator whose user account may expunge VMs (allow.user.expunge.recover.vm=true): with CloudStack's
 * default (false) a non-admin can only destroy, and the cluster's network stays until an administrator
 * expunges the VMs; teardown then fails with a message saying so (unit-tested in teardown.test.ts).
 */
export async function startSim(opts: { seed?: Record<string, unknown>; faults?: unknown; timeScale?: number } = {}): Promise<Simulator> {
  const seed = (opts.seed ?? defaultSeed()) as ReturnType<typeof defaultSeed>;
  const withExpunge = { ...seed, settings: { ...seed.settings, "allow.user.expunge.recover.vm": "true" } };
  return startSimulator({ timeScale: opts.timeScale ?? 0.002, seed: withExpunge, faults: opts.faults, randomSeed: Math.floor(Math.random() * 1e9), strict: true });
}

export function connection(sim: Simulator) {
  return { apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey };
}

export function providers(progress: (line: string) => void = quiet) {
  return {
    version: makeSupportedVersionProvider({ progressSink: progress, readyTimeoutMs: 60_000 }),
    cni: makeCniConfigurationProvider(),
    cluster: makeClusterProvider({ progressSink: progress }),
  };
}

export function api(sim: Simulator) {
  return createCloudApi(connection(sim));
}

/** Registers the simulator's first ISO as a supported version. */
export async function createVersion(sim: Simulator, p = providers()) {
  const iso = sim.isos[0];
  const { id, outs } = await p.version.create({ ...connection(sim), semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory: 2048, state: "Enabled" });
  return { id, outs: outs as Record<string, unknown>, semanticVersion: iso.version };
}

import { SEED_IDS } from "../../../simulator";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function clusterArgs(sim: Simulator, versionId: string, semanticVersion: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...connection(sim),
    name: "demo",
    zoneId: SEED_IDS.zone,
    kubernetesVersionId: versionId,
    kubernetesVersion: semanticVersion,
    serviceOfferingId: SEED_IDS.offerings.small,
    templateId: SEED_IDS.templates.debianCks,
    size: 2,
    controlNodes: 1,
    etcdNodes: 0,
    nodeRootDiskSize: 8,
    timeouts: { create: "3m", update: "3m", delete: "3m" },
    __provider: "serialized-shim",
    ...patch,
  };
}

/** Runs the real kubectl with the kubeconfig output; returns the nodes' names and readiness. */
export async function kubectlNodes(kubeconfig: string): Promise<{ name: string; ready: boolean }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    const stdout: string = await new Promise((resolve, reject) =>
      execFile("/usr/bin/kubectl", ["--kubeconfig", file, "get", "nodes", "-o", "json", "--request-timeout=20s"], { timeout: 30_000 }, (err, out, errOut) =>
        err ? reject(new Error(`kubectl failed: ${errOut || err.message}`)) : resolve(out),
      ),
    );
    const list = JSON.parse(stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
    return list.items.map((n) => ({ name: n.metadata.name, ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Nothing tagged with the cluster id, and none of the cluster's resources, is left. */
export async function expectNoLeaks(sim: Simulator, props: Record<string, unknown>): Promise<void> {
  const a = api(sim);
  const clusterId = String(props.clusterId);
  const { TAG } = await import("../../../provider/cluster/tags");
  expect(await a.listAll("listTags", { key: TAG.clusterId, value: clusterId, listall: true }, "tag")).toEqual([]);
  const vms = (await a.listAll("listVirtualMachines", { name: String(props.prefix), listall: true }, "virtualmachine")) as { name: string; state: string }[];
  expect(vms.filter((v) => v.state !== "Destroyed" && v.state !== "Expunging")).toEqual([]);
  const ips = (await a.listAll("listPublicIpAddresses", { listall: true }, "publicipaddress")) as { id: string }[];
  expect(ips.filter((ip) => ip.id === props.ipAddressId)).toEqual([]);
  if (props.networkCreated) {
    const nets = (await a.listAll("listNetworks", { listall: true }, "network")) as { id: string }[];
    expect(nets.filter((n) => n.id === props.networkId)).toEqual([]);
  }
  const keys = (await a.listAll("listSSHKeyPairs", { listall: true }, "sshkeypair")) as { name: string }[];
  expect(keys.filter((k) => k.name === props.keypairName)).toEqual([]);
}

/** True when at least two VM deploy jobs ran at the same time (CKS deploys one by one). */
export function deploysOverlap(sim: Simulator): boolean {
  const jobs = sim.audit.records({ kind: "job", command: "deployVirtualMachine" }).map((r) => ({ start: r.start, end: r.end }));
  return jobs.some((a, i) => jobs.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
}
