// The new version's binaries on a node being upgraded, in kubeadm's order (kubernetes/website
// content/en/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade.md): kubeadm and the images first,
// kubelet and kubectl only after `kubeadm upgrade apply|node`, so no kubelet ever runs newer than its
// apiserver. Binaries go in with `install` (a new inode: `cp` onto a running kubelet fails with
// ETXTBSY, open(2)), and the kubelet restarts once, at the end.
import * as cmd from "../../kubernetes/commands";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { installMarker, mountBinariesIso, pinSandboxImage, readIsoContents } from "../phases/install";
import type { IsoContents } from "../../kubernetes/isoLayout";

/** Whether the node finished installing `version` (both stages). */
export async function installedVersion(ctx: ClusterContext, node: NodeRecord, version: string): Promise<boolean> {
  return (await ctx.run(node, cmd.nodeCommand(["test", "-f", installMarker(version)]), { allowFailure: true })).code === 0;
}

/** Stage 1: the ISO mounted, CNI plugins, crictl, kubeadm and the images (containerd restarted with the new pause image). */
export async function installKubeadmStage(ctx: ClusterContext, node: NodeRecord, version: string): Promise<IsoContents> {
  await mountBinariesIso(ctx, node);
  const iso = await readIsoContents(ctx, node, version);
  const f = iso.files;
  const steps: cmd.NodeCommand[] = [
    cmd.mkdirs([cmd.BIN_DIR, cmd.CNI_BIN_DIR, cmd.MANIFEST_DIR]),
    cmd.extractTgz(cmd.isoPath(f.cniPlugins), cmd.CNI_BIN_DIR),
    cmd.extractTgz(cmd.isoPath(f.crictl), cmd.BIN_DIR),
    cmd.installBinary(cmd.isoPath(f.kubeadm)),
    ...iso.imageFiles.map((file) => cmd.importImage(cmd.isoPath(file))),
    cmd.installFile(cmd.isoPath(f.networkManifest), `${cmd.MANIFEST_DIR}/network.yaml`),
    cmd.installFile(cmd.isoPath(f.dashboardManifest), `${cmd.MANIFEST_DIR}/dashboard.yaml`),
  ];
  for (const step of steps) await ctx.run(node, step);
  await pinSandboxImage(ctx, node);
  return iso;
}

/** Stage 2 (after kubeadm upgraded the node): kubelet and kubectl, the unit files, one kubelet restart. */
export async function installKubeletStage(ctx: ClusterContext, node: NodeRecord, version: string, iso: IsoContents): Promise<void> {
  const f = iso.files;
  const steps: cmd.NodeCommand[] = [
    cmd.installBinary(cmd.isoPath(f.kubelet)),
    cmd.installBinary(cmd.isoPath(f.kubectl)),
    cmd.installKubeletUnit(cmd.isoPath(f.kubeletService)),
    cmd.installKubeadmDropIn(cmd.isoPath(f.kubeadmDropIn)),
    cmd.daemonReload(),
    cmd.restartUnit("kubelet"),
  ];
  for (const step of steps) await ctx.run(node, step);
  await ctx.run(node, cmd.umountIso(), { allowFailure: true });
  await ctx.run(node, cmd.writeFile(installMarker(version), `${version}\n`, { mode: "0644" }));
}
