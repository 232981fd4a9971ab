import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { buildBinariesIso, binariesIsoManifest } from "../../../simulator/iso/builder";
import { buildIsoCatalog, CATALOG_VERSIONS } from "../../../simulator/iso/catalog";
import { isoVolumeId, parseIsoImage } from "../../../simulator/iso/isoReader";
import { IsoManifestSchema } from "../../../simulator/iso/manifest";
import { parseStandIn } from "../../../simulator/iso/standIns";
import { readTgz } from "../../../simulator/iso/tar";

function toolExists(tool: string): boolean {
  try {
    execFileSync("which", [tool], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function isoFiles(image: Buffer): Map<string, { data: Buffer; mode: number }> {
  return new Map(parseIsoImage(image).filter((e) => e.type === "file").map((e) => [e.path, { data: e.data, mode: e.mode }]));
}

describe("binaries ISO builder (docs/binaries-iso.md)", () => {
  const image = buildBinariesIso("1.31.4", { etcd: true });
  const files = isoFiles(image);
  const manifest = IsoManifestSchema.parse(JSON.parse(files.get("manifest.json")?.data.toString() ?? "null"));

  it("has volume id CDROM and a valid manifest naming the version and components", () => {
    expect(isoVolumeId(image)).toBe("CDROM");
    expect(manifest.kubernetesVersion).toBe("1.31.4");
    expect(manifest.arch).toBe("amd64");
    expect(manifest.files).toMatchObject({
      kubeadm: "k8s/kubeadm",
      kubelet: "k8s/kubelet",
      kubectl: "k8s/kubectl",
      cniPlugins: `cni/cni-plugins-linux-amd64-v${manifest.cniPluginsVersion}.tgz`,
      crictl: `cri-tools/crictl-v${manifest.crictlVersion}-linux-amd64.tar.gz`,
      kubeletService: "kubelet.service",
      kubeadmDropIn: "10-kubeadm.conf",
      networkManifest: "network.yaml",
      dashboardManifest: "dashboard.yaml",
      etcd: `etcd/etcd-v${manifest.etcdVersion}-linux-amd64.tar.gz`,
    });
  });

  it("contains every file the manifest lists, and nothing unlisted", () => {
    const listed = [...Object.values(manifest.files), ...manifest.images.map((i) => i.file), "manifest.json"];
    for (const path of listed) expect(files.has(path)).toBe(true);
    expect([...files.keys()].sort()).toEqual([...new Set(listed)].sort());
  });

  it("ships executable stand-in binaries that carry their version", () => {
    for (const name of ["kubeadm", "kubelet", "kubectl"]) {
      const f = files.get(`k8s/${name}`);
      expect(f?.data.toString()).toBe(`# ${name} v1.31.4 (cloudstack-sim stand-in)\n`);
      expect(f?.mode).toBe(0o755);
    }
  });

  it("packs CNI plugins and crictl at the archive root, etcd under etcd-v<v>-linux-amd64/", () => {
    const cni = readTgz(files.get(manifest.files.cniPlugins)?.data ?? Buffer.alloc(0));
    const names = cni.map((e) => e.path);
    expect(names).toEqual(expect.arrayContaining(["bridge", "host-local", "loopback", "portmap"]));
    expect(names.every((n) => !n.includes("/"))).toBe(true);
    expect(parseStandIn(cni.find((e) => e.path === "bridge")?.data ?? "")).toEqual({ name: "bridge", version: manifest.cniPluginsVersion });
    const crictl = readTgz(files.get(manifest.files.crictl)?.data ?? Buffer.alloc(0));
    expect(crictl.map((e) => [e.path, e.mode])).toEqual([["crictl", 0o755]]);
    const etcd = readTgz(files.get(manifest.files.etcd ?? "")?.data ?? Buffer.alloc(0));
    const dir = `etcd-v${manifest.etcdVersion}-linux-amd64`;
    expect(etcd.filter((e) => e.type === "file").map((e) => e.path)).toEqual(expect.arrayContaining([`${dir}/etcd`, `${dir}/etcdctl`]));
    expect(parseStandIn(etcd.find((e) => e.path === `${dir}/etcdctl`)?.data ?? "")?.version).toBe(manifest.etcdVersion);
  });

  it("lists kubeadm's images for the version plus the manifests' images, each archive naming its image", () => {
    const names = manifest.images.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(["registry.k8s.io/kube-apiserver:v1.31.4", "registry.k8s.io/kube-proxy:v1.31.4", "registry.k8s.io/pause:3.10"]));
    const referenced = [files.get("network.yaml"), files.get("dashboard.yaml")]
      .flatMap((f) => [...(f?.data.toString() ?? "").matchAll(/image: (\S+)/g)].map((m) => m[1]));
    expect(referenced.length).toBeGreaterThan(0);
    for (const image of referenced) expect(names).toContain(image);
    for (const image of manifest.images) expect(files.get(image.file)?.data.toString()).toBe(`# image ${image.name} (cloudstack-sim stand-in)\n`);
  });

  it("carries parseable manifests: a CNI DaemonSet and the dashboard namespace, Deployment and Service", () => {
    const kinds = (path: string) =>
      parseAllDocuments(files.get(path)?.data.toString() ?? "").map((d) => {
        const o = d.toJS() as { kind: string; metadata: { name: string; namespace?: string } };
        return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
      });
    expect(kinds("network.yaml")).toEqual(expect.arrayContaining(["Namespace//kube-flannel", "DaemonSet/kube-flannel/kube-flannel-ds"]));
    expect(kinds("dashboard.yaml")).toEqual(
      expect.arrayContaining([
        "Namespace//kubernetes-dashboard",
        "Deployment/kubernetes-dashboard/kubernetes-dashboard",
        "Service/kubernetes-dashboard/kubernetes-dashboard",
      ]),
    );
  });

  it("ships real systemd units", () => {
    const unit = files.get("kubelet.service")?.data.toString() ?? "";
    expect(unit).toMatch(/^\[Unit\]/);
    expect(unit).toContain("ExecStart=/opt/bin/kubelet\n");
    expect(unit).toContain("WantedBy=multi-user.target");
    expect(files.get("10-kubeadm.conf")?.data.toString()).toMatch(/\[Service\][\s\S]*ExecStart=\n/);
  });

  it("omits etcd when not asked, and accepts a leading v", () => {
    const m = binariesIsoManifest("v1.30.2");
    expect(m.kubernetesVersion).toBe("1.30.2");
    expect(m.etcdVersion).toBeUndefined();
    expect(m.files.etcd).toBeUndefined();
    const plain = isoFiles(buildBinariesIso("1.30.2", {}));
    expect([...plain.keys()].some((p) => p.startsWith("etcd/"))).toBe(false);
    expect(() => binariesIsoManifest("1.30")).toThrow(/MAJOR.MINOR.PATCH/);
    expect(parseYaml(plain.get("manifest.json")?.data.toString() ?? "")).toEqual(m);
  });
});

describe("ISO catalog", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "iso-catalog-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes five consecutive minors and a second 1.32 patch, deterministically, reusing good files", async () => {
    const all = await buildIsoCatalog(dir);
    const first = all.filter((e) => e.layout === "manifest");
    expect(first.map((e) => e.version)).toEqual(["1.29.15", "1.30.14", "1.31.13", "1.32.9", "1.32.10", "1.33.5"]);
    expect(CATALOG_VERSIONS).toHaveLength(6);
    for (const entry of first) {
      expect(entry.fileName).toBe(`cks-binaries-${entry.version}.iso`);
      expect(entry.path).toBe(join(dir, entry.fileName));
      expect(statSync(entry.path).size).toBe(entry.size);
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      const m = IsoManifestSchema.parse(JSON.parse(isoFiles(readFileSync(entry.path)).get("manifest.json")?.data.toString() ?? ""));
      expect(m.kubernetesVersion).toBe(entry.version);
      expect(m.files.etcd).toBeDefined();
    }
    const mtime = statSync(first[0].path).mtimeMs;
    // A tampered file is rewritten; an intact one is not touched.
    writeFileSync(first[1].path, "garbage");
    const second = await buildIsoCatalog(dir);
    expect(second).toEqual(all);
    expect(statSync(first[0].path).mtimeMs).toBe(mtime);
    expect(readFileSync(first[1].path).length).toBe(first[1].size);
  });
});

describe("external ISO tools read our images", () => {
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "iso-ext-"));
    path = join(dir, "b.iso");
    writeFileSync(path, buildBinariesIso("1.31.4", { etcd: true }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  if (!toolExists("isoinfo")) console.warn("isoinfo not installed (Debian package genisoimage): skipping isoinfo checks");
  if (!toolExists("xorriso")) console.warn("xorriso not installed (Debian package xorriso): skipping xorriso checks");

  (toolExists("isoinfo") ? it : it.skip)("isoinfo sees volume CDROM, Rock Ridge, Joliet, long names and modes", () => {
    const info = execFileSync("isoinfo", ["-d", "-i", path]).toString();
    expect(info).toContain("Volume id: CDROM");
    expect(info).toContain("Joliet");
    expect(info).toContain("Rock Ridge signatures");
    const rr = execFileSync("isoinfo", ["-l", "-R", "-i", path]).toString();
    expect(rr).toMatch(/-rwxr-xr-x .* kubeadm/);
    expect(rr).toContain("crictl-v1.31.1-linux-amd64.tar.gz");
    const joliet = execFileSync("isoinfo", ["-f", "-J", "-i", path]).toString();
    expect(joliet).toContain("/cni/cni-plugins-linux-amd64-v1.5.1.tgz");
    const extracted = execFileSync("isoinfo", ["-R", "-i", path, "-x", "/k8s/kubeadm"]).toString();
    expect(extracted).toBe("# kubeadm v1.31.4 (cloudstack-sim stand-in)\n");
  });

  (toolExists("xorriso") ? it : it.skip)("xorriso lists the tree without complaints", () => {
    const out = execFileSync("xorriso", ["-indev", path, "-find", "/", "-exec", "lsdl"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
    expect(out).toMatch(/-rwxr-xr-x .*'\/k8s\/kubelet'/);
    expect(out).toContain("'/etcd/etcd-v3.5.15-linux-amd64.tar.gz'");
    expect(out).toContain("'/manifest.json'");
  });

  (toolExists("tar") ? it : it.skip)("GNU tar lists the .tgz files", () => {
    const files = isoFiles(readFileSync(path));
    writeFileSync(join(dir, "cni.tgz"), files.get("cni/cni-plugins-linux-amd64-v1.5.1.tgz")?.data ?? Buffer.alloc(0));
    expect(execFileSync("tar", ["-tzf", join(dir, "cni.tgz")]).toString()).toMatch(/^bridge$/m);
  });

  it("also serves CKS-layout builds (CloudStack's create-kubernetes-binaries-iso.sh): no manifest.json, label ISOIMAGE", async () => {
    const cks = (await buildIsoCatalog(dir)).filter((e) => e.layout === "cks");
    expect(cks.map((e) => e.version)).toEqual(["1.31.13", "1.33.5"]);
    for (const entry of cks) {
      const image = readFileSync(entry.path);
      expect(isoVolumeId(image)).toBe("ISOIMAGE");
      const files = isoFiles(image);
      expect(files.has("manifest.json")).toBe(false);
      for (const path of ["k8s/kubeadm", "k8s/kubelet", "k8s/kubectl", "cni/cni-plugins-amd64.tgz", "cri-tools/crictl-linux-amd64.tar.gz", "kubelet.service", "10-kubeadm.conf", "network.yaml", "dashboard.yaml", "etcd/etcd-linux-amd64.tar.gz", `docker/kube-apiserver:v${entry.version}.tar`]) {
        expect(files.has(path)).toBe(true);
      }
      // The binaries keep curl's mode: the script never leaves them executable.
      expect(files.get("k8s/kubelet")?.mode).toBe(0o644);
    }
  });
});
