// Installs Kubernetes from the binaries ISO on one node, step by step over SSH, in the order of
// docs/binaries-iso.md. Probed first: a node that already has the binaries and manifests is skipped.
import * as cmd from "../../kubernetes/commands";
import { parseIsoManifest } from "../../kubernetes/isoManifest";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { pollUntil } from "../retry";

/** The marker a completed install leaves; includes the version so another version's install is redone. */
export function installMarker(version: string): string {
  return `${cmd.MANIFEST_DIR}/.installed-${version}`;
}

export async function installFromIso(ctx: ClusterContext, node: NodeRecord, version: string): Promise<void> {
  const phase = "install";
  const marker = installMarker(version);
  const done = await ctx.run(node, cmd.nodeCommand(["test", "-f", marker]), { allowFailure: true });
  if (done.code === 0) {
    ctx.progress.line(phase, `Kubernetes ${version} already installed`, node.name);
    return;
  }
  ctx.progress.line(phase, `installing Kubernetes ${version} from the ISO`, node.name);
  const mounted = await ctx.run(node, cmd.isIsoMounted(), { allowFailure: true });
  if (mounted.code !== 0) {
    // The ISO may be attached after boot: wait until the CD-ROM shows up.
    const device = await pollUntil(
      async () => {
        const r = await ctx.run(node, cmd.findIsoDevice(), { allowFailure: true });
        const dev = r.stdout.trim().split(/\s+/)[0];
        return r.code === 0 && dev ? dev : undefined;
      },
      { deadline: ctx.deadline, what: `waiting for the ISO device on ${node.name}`, intervalMs: 500 },
    );
    await ctx.run(node, cmd.mountIso(device));
  }
  const manifest = parseIsoManifest((await ctx.run(node, cmd.catManifest())).stdout, version);
  const f = manifest.files;
  const steps: cmd.NodeCommand[] = [
    cmd.mkdirs([cmd.BIN_DIR, cmd.CNI_BIN_DIR, "/etc/systemd/system/kubelet.service.d", cmd.MANIFEST_DIR]),
    cmd.extractTgz(cmd.isoPath(f.cniPlugins), cmd.CNI_BIN_DIR),
    cmd.extractTgz(cmd.isoPath(f.crictl), cmd.BIN_DIR),
    cmd.installBinary(cmd.isoPath(f.kubeadm)),
    cmd.installBinary(cmd.isoPath(f.kubelet)),
    cmd.installBinary(cmd.isoPath(f.kubectl)),
    cmd.installKubeletUnit(cmd.isoPath(f.kubeletService)),
    cmd.installKubeadmDropIn(cmd.isoPath(f.kubeadmDropIn)),
  ];
  if (node.role !== "etcd") {
    for (const image of manifest.images) steps.push(cmd.importImage(cmd.isoPath(image.file)));
    steps.push(cmd.installFile(cmd.isoPath(f.networkManifest), `${cmd.MANIFEST_DIR}/network.yaml`));
    steps.push(cmd.installFile(cmd.isoPath(f.dashboardManifest), `${cmd.MANIFEST_DIR}/dashboard.yaml`));
  } else {
    if (!f.etcd) throw new Error(`the Kubernetes ${version} ISO has no etcd archive (files.etcd), so external etcd nodes cannot be installed; rebuild the ISO with an etcd version or set etcdNodes: 0`);
    steps.push(cmd.extractTgz(cmd.isoPath(f.etcd), cmd.BIN_DIR, 1));
  }
  steps.push(cmd.daemonReload());
  if (node.role !== "etcd") steps.push(cmd.enableNow("kubelet"));
  for (const step of steps) await ctx.run(node, step);
  await ctx.run(node, cmd.umountIso(), { allowFailure: true });
  await ctx.run(node, cmd.writeFile(marker, `${version}\n`, { mode: "0644" }));
}
