// Real util-linux blkid, isoinfo and xorriso against the simulator's binaries ISOs:
// - blkid (-o export, and -p low-level probing, both work on image files) and `isoinfo -d` report the
//   same label, UUID, type and block size for the simulator's images (both layouts) as the simulator's
//   own blkid reports on a node;
// - an ISO built by real xorriso in CKS's layout (what create-kubernetes-binaries-iso.sh produces when
//   its mkisofs is xorriso's: label ISOIMAGE, no manifest.json) is read by the simulator's ISO reader
//   and installed by the provider in a full cluster create.
import { spawnSync } from "child_process";
import { createServer, type Server } from "http";
import { createHash } from "crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { buildBinariesIso, cksLayoutIsoFiles, parseIsoImage } from "../../simulator/iso";
import { probeIso9660, probeIsoFile } from "../../simulator/node/blockDevices";
import { deriveCksContents, parseBlkidExport, pickBinariesIsoDevice } from "../../provider/kubernetes/isoLayout";
import type { Simulator } from "../../simulator";
import { nodesOf, sshToNode } from "../integration/cluster-options/helpers";
import { clusterArgs, connection, providers, startSim } from "../integration/cluster/harness";
import { realTool } from "../helpers/realTools";

const INSTALL = "bash .ci/install.d/containerd.sh";
const blkid = realTool("blkid", INSTALL);
const isoinfo = realTool("isoinfo", INSTALL);
const xorriso = realTool("xorriso", INSTALL);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "iso-blkid-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `blkid -o export` tags of one image file, in blkid's order, without DEVNAME. */
function realTags(args: string[], file: string): [string, string][] {
  const r = run([blkid.require(), ...args, "-o", "export", file]);
  expect(r.code).toBe(0);
  const [device] = parseBlkidExport(r.stdout);
  return Object.entries(device.tags);
}

describe.each([
  { layout: "manifest" as const, volumeId: "CDROM" },
  { layout: "cks" as const, volumeId: "ISOIMAGE" },
])("the simulator's $layout-layout ISO (label $volumeId)", ({ layout, volumeId }) => {
  let file: string;
  beforeAll(() => {
    file = join(dir, `sim-${layout}.iso`);
    writeFileSync(file, buildBinariesIso("1.31.13", { etcd: true, layout, volumeId }));
  });

  blkid.it("real blkid reports exactly the tags the simulator's blkid prints", () => {
    const sim = probeIsoFile(file);
    expect(sim).toEqual(realTags([], file));
    // Low-level probing adds descriptive tags but agrees on the shared ones.
    const probed = new Map(realTags(["-p"], file));
    for (const [k, v] of sim ?? []) expect(probed.get(k)).toBe(v);
    expect(probed.get("LABEL")).toBe(volumeId);
    expect(probed.get("TYPE")).toBe("iso9660");
  });

  isoinfo.it("isoinfo -d reads the same volume id and block size", () => {
    const r = run([isoinfo.require(), "-d", "-i", file]);
    expect(r.code).toBe(0);
    const tags = new Map(probeIsoFile(file));
    expect(r.stdout).toMatch(new RegExp(`^Volume id: ${tags.get("LABEL")}$`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^Logical block size is: ${tags.get("BLOCK_SIZE")}$`, "m"));
    expect(r.stdout).toMatch(/Rock Ridge signatures/);
  });
});

/** The CKS layout with the simulator's small stand-ins, written to a directory for xorriso. */
function writeCksTree(root: string, version: string): void {
  for (const f of cksLayoutIsoFiles(version, { etcd: true })) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.data, { mode: f.mode ?? 0o644 });
  }
}

describe("an ISO built by real xorriso in CKS's layout", () => {
  const version = "1.31.13";
  let iso: Buffer;
  let file: string;
  beforeAll(() => {
    if (!xorriso.path && process.env.CI !== "true") return;
    const root = join(dir, "cks-tree");
    writeCksTree(root, version);
    file = join(dir, "xorriso-cks.iso");
    // create-kubernetes-binaries-iso.sh: `mkisofs -o <out> -J -R -l <dir>`, here xorriso's mkisofs emulation.
    const r = run([xorriso.require(), "-as", "mkisofs", "-o", file, "-J", "-R", "-l", root]);
    expect(r.code).toBe(0);
    iso = readFileSync(file);
  });

  xorriso.it("is labelled ISOIMAGE, as blkid and the simulator both see it", () => {
    expect(new Map(probeIso9660(iso)).get("LABEL")).toBe("ISOIMAGE");
    if (blkid.path) expect(probeIsoFile(file)).toEqual(realTags([], file));
  });

  xorriso.it("is read by the simulator's ISO reader, and the provider works its contents out from the names", () => {
    const entries = parseIsoImage(iso).filter((e) => e.type === "file");
    const paths = entries.map((e) => e.path).sort();
    expect(paths).toEqual(cksLayoutIsoFiles(version, { etcd: true }).map((f) => f.path).sort());
    expect(paths).not.toContain("manifest.json");
    for (const f of cksLayoutIsoFiles(version, { etcd: true })) expect(entries.find((e) => e.path === f.path)?.data.equals(f.data)).toBe(true);
    const contents = deriveCksContents(paths, version);
    expect(contents).toMatchObject({ layout: "cks", kubernetesVersion: version, files: { cniPlugins: "cni/cni-plugins-amd64.tgz", crictl: "cri-tools/crictl-linux-amd64.tar.gz", etcd: "etcd/etcd-linux-amd64.tar.gz" } });
    expect(contents.imageFiles).toContain("docker/pause:3.10.tar");
  });

  describe("installed by the provider in a cluster create", () => {
    let sim: Simulator;
    let server: Server;
    let url: string;
    beforeAll(async () => {
      if (!iso) return;
      server = createServer((_req, res) => {
        res.setHeader("content-length", String(iso.length));
        res.end(iso);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/setup-v${version}.iso`;
      sim = await startSim();
    });
    afterAll(async () => {
      await sim?.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    xorriso.it("comes up Running with the ISO's binaries and pause image", async () => {
      const p = providers();
      const sha256 = createHash("sha256").update(iso).digest("hex");
      const v = await p.version.create({ ...connection(sim), semanticVersion: version, url, checksum: sha256, minCpuNumber: 2, minMemory: 2048, state: "Enabled" });
      const { id, outs } = await p.cluster.create(clusterArgs(sim, v.id, version, { name: "xorriso", size: 1 }));
      expect(outs.state).toBe("Running");
      const node = nodesOf(outs).find((n) => n.role === "worker")!;
      const ssh = await sshToNode(outs, node);
      try {
        // Detached after create: blkid finds no iso9660 device and exits 2, as util-linux does.
        const after = await ssh.exec("sudo blkid -t TYPE=iso9660 -o export");
        expect(after.code).toBe(2);
        expect(pickBinariesIsoDevice(after.stdout)).toBe(undefined);
        expect(await ssh.run("/opt/bin/kubeadm version -o short")).toBe(`v${version}\n`);
        expect(await ssh.run("sudo ctr -n k8s.io images ls -q")).toContain("registry.k8s.io/pause:3.10");
      } finally {
        ssh.close();
      }
      await p.cluster.delete!(id, outs);
      await p.version.delete!(v.id, v.outs as Record<string, unknown>);
    }, 180_000);
  });
});
