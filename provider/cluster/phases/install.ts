// Installs Kubernetes from the binaries ISO on one node, step by step over SSH, in the order of
// docs/binaries-iso.md. Probed first: a node that already has the binaries and manifests is skipped.
import * as cmd from "../../kubernetes/commands";
import { editContainerdConfig, pickPauseImage, sandboxImageEdits } from "../../kubernetes/containerdConfig";
import { checkVersion, deriveCksContents, manifestContents, pickBinariesIsoDevice, relativeListing, type IsoContents } from "../../kubernetes/isoLayout";
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
  await mountBinariesIso(ctx, node);
  const iso = await readIsoContents(ctx, node, version);
  const f = iso.files;
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
    for (const file of iso.imageFiles) steps.push(cmd.importImage(cmd.isoPath(file)));
    steps.push(cmd.installFile(cmd.isoPath(f.networkManifest), `${cmd.MANIFEST_DIR}/network.yaml`));
    steps.push(cmd.installFile(cmd.isoPath(f.dashboardManifest), `${cmd.MANIFEST_DIR}/dashboard.yaml`));
  } else {
    if (!f.etcd) throw new Error(`the Kubernetes ${version} ISO has no etcd archive (files.etcd), so external etcd nodes cannot be installed; rebuild the ISO with an etcd version or set etcdNodes: 0`);
    steps.push(cmd.extractTgz(cmd.isoPath(f.etcd), cmd.BIN_DIR, 1));
  }
  for (const step of steps) await ctx.run(node, step);
  if (iso.kubernetesVersion === undefined) {
    // A CKS-layout ISO without a kube-apiserver archive names no version: ask the installed kubeadm.
    checkVersion((await ctx.run(node, cmd.kubeadmVersion())).stdout.trim(), version, `the ISO's kubeadm (${node.name})`);
  }
  if (node.role !== "etcd") await pinSandboxImage(ctx, node);
  await ctx.run(node, cmd.daemonReload());
  if (node.role !== "etcd") await ctx.run(node, cmd.enableNow("kubelet"));
  await ctx.run(node, cmd.umountIso(), { allowFailure: true });
  await ctx.run(node, cmd.writeFile(marker, `${version}\n`, { mode: "0644" }));
}

/** Mounts the binaries ISO (waiting for its device: the ISO may be attached after boot) unless mounted. */
export async function mountBinariesIso(ctx: ClusterContext, node: NodeRecord): Promise<void> {
  const mounted = await ctx.run(node, cmd.isIsoMounted(), { allowFailure: true });
  if (mounted.code === 0) return;
  const device = await pollUntil(
    async () => {
      const r = await ctx.run(node, cmd.findIsoDevice(), { allowFailure: true });
      return r.code === 0 ? pickBinariesIsoDevice(r.stdout) : undefined;
    },
    { deadline: ctx.deadline, what: `waiting for the ISO device on ${node.name}`, intervalMs: 500 },
  );
  await ctx.run(node, cmd.mountIso(device));
}

/** manifest.json when the ISO has one, else what CKS's layout implies from its file names. */
export async function readIsoContents(ctx: ClusterContext, node: NodeRecord, version: string): Promise<IsoContents> {
  const listing = relativeListing((await ctx.run(node, cmd.listIso())).stdout, cmd.ISO_MOUNT_POINT);
  if (listing.includes("manifest.json")) return manifestContents((await ctx.run(node, cmd.catManifest())).stdout, version);
  return deriveCksContents(listing, version);
}

/**
 * Points containerd's pod sandbox image at the pause image just imported from the ISO, then restarts
 * containerd. containerd's default (pause 3.6 on 1.6, 3.8 on 1.7, 3.10 on 2.x) is rarely the one the
 * ISO carries, and the nodes cannot pull, so every pod sandbox (the static pods included) would fail.
 * CKS's node templates do the same (setup-kube-system: "sandbox_image" from the imported pause image).
 */
export async function pinSandboxImage(ctx: ClusterContext, node: NodeRecord): Promise<void> {
  const images = (await ctx.run(node, cmd.listImages())).stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const pause = pickPauseImage(images);
  if (!pause) throw new Error(`the ISO carries no pause image (none of ${images.length} imported images is .../pause:<tag>), so no pod sandbox can start on ${node.name}; rebuild the ISO with the images of \`kubeadm config images list\``);
  await ctx.run(node, editContainerdConfig(sandboxImageEdits(pause)));
  await ctx.run(node, cmd.restartContainerd());
}
