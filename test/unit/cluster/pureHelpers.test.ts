import { parseDuration } from "../../../provider/cluster/duration";
import { nodePrefix, sanitiseClusterName } from "../../../provider/cluster/names";
import { mapLimit } from "../../../provider/cluster/concurrency";
import { bootstrapToken, certificateKey } from "../../../provider/cluster/bootstrapSecrets";
import { planNodes } from "../../../provider/cluster/clusterState";
import { renderNodeUserData } from "../../../provider/kubernetes/userdata";
import { generateClusterKeyPair } from "../../../provider/ssh";

describe("durations", () => {
  it.each([["45m", 2_700_000], ["1h30m", 5_400_000], ["90s", 90_000], ["2h", 7_200_000], ["500ms", 500]])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(["", "45", "m", "1d", "-5m", "0s"])("rejects %p with the expected form", (text) => expect(() => parseDuration(text)).toThrow(/45m/));
});

describe("names (CKS §3.5, deterministic)", () => {
  it("keeps DNS labels, sanitises the rest with k8s-, lower case, ≤ 43", () => {
    expect(sanitiseClusterName("Prod-1")).toBe("prod-1");
    expect(sanitiseClusterName("my cluster_1")).toBe("k8s-mycluster1");
    expect(sanitiseClusterName("a".repeat(60))).toHaveLength(43);
    expect(sanitiseClusterName("%%%")).toBe("");
  });
  it("suffixes 6 hex chars of the cluster id, so node names fit a hostname", () => {
    const prefix = nodePrefix("x".repeat(80), "ABCDEF12-3456-4789-8abc-def012345678");
    expect(prefix).toMatch(/-abcdef$/);
    for (const n of planNodes(prefix, { controlNodes: 10, size: 10, etcdNodes: 10 })) expect(n.name.length).toBeLessThanOrEqual(63);
  });
  it("plans CKS ports: controls then workers from 2222, etcd from 50000", () => {
    const nodes = planNodes("p", { controlNodes: 2, size: 2, etcdNodes: 2 });
    expect(nodes.map((n) => `${n.name}:${n.sshPort}`)).toEqual(["p-control-1:2222", "p-control-2:2223", "p-worker-1:2224", "p-worker-2:2225", "p-etcd-1:50000", "p-etcd-2:50001"]);
  });
});

describe("mapLimit", () => {
  it("never exceeds the bound, runs everything, and rethrows the first failure", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const run = mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      seen.push(i);
      if (i === 2 || i === 5) throw new Error(`boom ${i}`);
      return i;
    });
    await expect(run).rejects.toThrow("boom 2");
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("bootstrap secrets", () => {
  it("are kubeadm-shaped, stable for a cluster, and differ between clusters", () => {
    const key = generateClusterKeyPair().privateKey;
    expect(bootstrapToken(key, "c1")).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(certificateKey(key, "c1")).toMatch(/^[0-9a-f]{64}$/);
    expect(bootstrapToken(key, "c1")).toBe(bootstrapToken(key, "c1"));
    expect(bootstrapToken(key, "c2")).not.toBe(bootstrapToken(key, "c1"));
  });
});

describe("node userdata stays within CloudStack's limit", () => {
  it("for every role with the largest names and a sizeable CNI part", () => {
    const pub = generateClusterKeyPair().publicKey;
    const cni = `#cloud-config\nwrite_files:\n- path: /etc/cni/big.yaml\n  content: |\n${"    # filler line for a large CNI manifest\n".repeat(600)}`;
    for (const role of ["control", "worker", "etcd"] as const) {
      const r = renderNodeUserData({ hostname: `${"a".repeat(43)}-abcdef-${role}-10`, role, sshPublicKeys: [pub], loginUser: "cloud", extraCloudConfigParts: role === "control" ? [cni] : [] });
      expect(r.userData.length).toBeLessThanOrEqual(32768);
      expect(Buffer.from(r.userData, "base64").length).toBe(r.bytes);
    }
  });
});

describe("progress lines", () => {
  it("detect the dynamic-provider host and Pulumi programs", () => {
    const { insidePulumiEngine } = require("../../../provider/cluster/progress");
    expect(insidePulumiEngine({}, ["node", "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:1"])).toBe(true);
    expect(insidePulumiEngine({ PULUMI_NODEJS_ENGINE: "127.0.0.1:5" }, ["node", "x.js"])).toBe(true);
    expect(insidePulumiEngine({}, ["node", "/p/node_modules/jest/bin/jest.js"])).toBe(false);
  });
  it("have the documented shape", () => {
    const { Progress } = require("../../../provider/cluster/progress");
    const lines: string[] = [];
    new Progress("cluster", "prod", (l: string) => lines.push(l)).line("vms", "deploying VM", "prod-abc123-worker-2");
    expect(lines).toEqual(["[cluster prod] vms: deploying VM (prod-abc123-worker-2)"]);
  });
});
