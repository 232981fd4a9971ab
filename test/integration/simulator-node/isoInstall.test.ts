import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeRuntime, generateHostKey } from "../../../simulator/node";
import { AuditLog, Fabric, Faults, bootSpec, fastClock } from "../../unit/simulator-node/helpers";
import { connect, exec } from "./sshClient";

// The ISO builder is another part of the simulator; this test runs the documented install sequence
// (docs/binaries-iso.md) against a real ISO 9660 image it produces.
const iso = (() => {
  try {
    return require("../../../simulator/iso") as { buildBinariesIso?: (v: string, o?: { etcd?: boolean }) => Buffer };
  } catch {
    return {};
  }
})();
const maybe = typeof iso.buildBinariesIso === "function" ? it : it.skip;

describe("simulated node: installing from a binaries ISO over SSH", () => {
  const dir = mkdtempSync(join(tmpdir(), "node-iso-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = generateHostKey();

  maybe("blkid, mount, tar, install, ctr import, systemctl, umount", async () => {
    const isoPath = join(dir, "k8s-1.31.4.iso");
    writeFileSync(isoPath, iso.buildBinariesIso!("1.31.4", { etcd: true }));
    const rt = createNodeRuntime({ clock: fastClock(), audit: new AuditLog(), faults: new Faults(), fabric: new Fabric(), dataDir: dir, extensions: () => undefined });
    const vm = bootSpec({ deployKeys: [key.public] });
    await rt.start(vm);
    rt.setIso(vm.vmId, isoPath);
    let port: number | undefined;
    while (!port) {
      port = rt.endpoint(vm.vmId, 22)?.port;
      await new Promise((r) => setTimeout(r, 5));
    }
    const { client } = await connect(port, "cloud", key.private);
    const sh = async (cmd: string) => {
      const r = await exec(client, cmd);
      if (r.code !== 0) throw new Error(`${cmd} → ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    expect(await sh("sudo blkid -o device -t LABEL=CDROM")).toBe("/dev/sr0\n");
    await sh("sudo mkdir -p /mnt/k8sdisk && sudo mount -o ro /dev/sr0 /mnt/k8sdisk");
    const manifest = JSON.parse(await sh("cat /mnt/k8sdisk/manifest.json")) as { kubernetesVersion: string; files: Record<string, string>; images: { file: string; name: string }[] };
    expect(manifest.kubernetesVersion).toBe("1.31.4");
    const f = manifest.files;
    await sh("sudo mkdir -p /opt/bin /opt/cni/bin /etc/systemd/system/kubelet.service.d");
    await sh(`sudo tar -xzf /mnt/k8sdisk/${f.cniPlugins} -C /opt/cni/bin && sudo tar -xzf /mnt/k8sdisk/${f.crictl} -C /opt/bin`);
    await sh(`sudo install -m 0755 /mnt/k8sdisk/${f.kubeadm} /mnt/k8sdisk/${f.kubelet} /mnt/k8sdisk/${f.kubectl} /opt/bin/`);
    await sh(`sudo install -m 0644 /mnt/k8sdisk/${f.kubeletService} /etc/systemd/system/kubelet.service`);
    await sh(`sudo install -m 0644 /mnt/k8sdisk/${f.kubeadmDropIn} /etc/systemd/system/kubelet.service.d/10-kubeadm.conf`);
    for (const image of manifest.images) expect(await sh(`sudo ctr -n k8s.io images import /mnt/k8sdisk/${image.file}`)).toContain(`unpacking`);
    await sh(`sudo tar -xzf /mnt/k8sdisk/${f.etcd} -C /opt/bin --strip-components=1`);
    await sh("sudo systemctl daemon-reload && sudo umount /mnt/k8sdisk");
    expect(await sh("ls /opt/cni/bin | grep -c .")).not.toBe("0\n");
    expect(await sh("head -n 1 /opt/bin/kubeadm")).toBe("# kubeadm v1.31.4 (cloudstack-sim stand-in)\n");
    expect(await sh("stat -c %a /opt/bin/kubeadm /opt/bin/etcd")).toBe("755\n755\n");
    expect(await sh("sudo /opt/bin/crictl images -q | wc -l")).toBe(`${manifest.images.length}\n`);
    expect(await sh("sudo systemctl is-enabled kubelet || true")).toBe("disabled\n");
    expect((await exec(client, "test -e /mnt/k8sdisk/manifest.json")).code).toBe(1);
    client.end();
    await rt.close();
  });

  it("registers node/kube's tools when simulator/node/kube exports installKubeTools", () => {
    const rt = createNodeRuntime({ clock: fastClock(), audit: new AuditLog(), faults: new Faults(), fabric: new Fabric(), dataDir: dir });
    let kube: { installKubeTools?: unknown } = {};
    try {
      kube = require("../../../simulator/node/kube");
    } catch {
      // not there yet
    }
    expect(rt.table.command("kubeadm") !== undefined).toBe(typeof kube.installKubeTools === "function");
    expect(rt.table.command("cat")).toBeDefined();
  });
});
