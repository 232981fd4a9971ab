// The edits the provider makes to containerd's generated config (`containerd config default`), for both
// config formats: version = 2 (containerd 1.x) and version = 3 (containerd 2.x). Each edit is one sed
// expression that works on either format, so a node needs no detection step.
//
// Where the keys live (containerd docs/cri/config.md and docs/hosts.md, v1.7 and v2.x):
//   1.x  [plugins."io.containerd.grpc.v1.cri"]                         sandbox_image = "..."
//        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]  SystemdCgroup = false
//        [plugins."io.containerd.grpc.v1.cri".registry]                config_path = ""
//   2.x  [plugins.'io.containerd.cri.v1.images'.pinned_images]         sandbox = '...'
//        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]  (no SystemdCgroup line)
//        [plugins.'io.containerd.cri.v1.images'.registry]              config_path = ''
// 2.x writes TOML literal strings ('...'), and its default has no SystemdCgroup line at all, so the old
// `s/SystemdCgroup = false/.../` and `s#config_path = ""#...#` edits silently did nothing there.
import { nodeCommand, type NodeCommand } from "./commands";
import { CONTAINERD_CERTS_DIR } from "./registry";

export const CONTAINERD_CONFIG_PATH = "/etc/containerd/config.toml";

// Quote characters are matched with `.` so the expressions carry no quote of either kind (they pass
// through cloud-init's runcmd and a shell unharmed) and match both "..." (1.x) and '...' (2.x) tables.
const RUNC_OPTIONS_HEADER = String.raw`^\([[:space:]]*\)\[plugins\..io\.containerd\.\(grpc\.v1\.cri\|cri\.v1\.runtime\).\.containerd\.runtimes\.runc\.options\][[:space:]]*$`;

/**
 * sed expressions for the boot-time edits: systemd cgroup driver for runc, and the certs.d registry
 * layout. SystemdCgroup is deleted wherever it is and written again right under the runc options
 * header, because 2.x's default omits the key and a duplicate key would make the TOML invalid.
 */
export function containerdBootEdits(): string[] {
  return [
    String.raw`/^[[:space:]]*SystemdCgroup[[:space:]]*=/d`,
    String.raw`s#${RUNC_OPTIONS_HEADER}#&\n\1  SystemdCgroup = true#`,
    // Every config_path (CRI registry; 1.7/2.x also the transfer service's) points at certs.d.
    String.raw`s#^\([[:space:]]*config_path[[:space:]]*=[[:space:]]*\).*#\1"${CONTAINERD_CERTS_DIR}"#`,
  ];
}

const IMAGE_REF = /^[a-z0-9][a-z0-9.-]*(?::\d+)?(?:\/[a-z0-9][a-z0-9._-]*)+:[\w][\w.-]*$/;

/**
 * sed expressions that point the pod sandbox image at `image`: `sandbox_image` (1.x) and
 * `pinned_images.sandbox` (2.x; the only key in the default config spelt exactly `sandbox`).
 */
export function sandboxImageEdits(image: string): string[] {
  if (!IMAGE_REF.test(image)) throw new Error(`sandbox image must be a full reference like registry.k8s.io/pause:3.10: ${image}`);
  return [
    String.raw`s#^\([[:space:]]*sandbox_image[[:space:]]*=[[:space:]]*\).*#\1"${image}"#`,
    String.raw`s#^\([[:space:]]*sandbox[[:space:]]*=[[:space:]]*\).*#\1"${image}"#`,
  ];
}

/** `sed -i -e ... /etc/containerd/config.toml` with the given expressions. */
export function editContainerdConfig(expressions: string[], path: string = CONTAINERD_CONFIG_PATH): NodeCommand {
  if (expressions.length === 0) throw new Error("editContainerdConfig: no edits");
  return nodeCommand(["sed", "-i", ...expressions.flatMap((e) => ["-e", e]), path], { sudo: true });
}

/** argv of the runcmd entry that applies the boot-time edits (userdata has no sudo: cloud-init is root). */
export function containerdBootEditArgv(path: string = CONTAINERD_CONFIG_PATH): string[] {
  return ["sed", "-i", ...containerdBootEdits().flatMap((e) => ["-e", e]), path];
}

/**
 * The pause image to pin: the ISO's `pause` image. With several, the one kubeadm's version wants is
 * not knowable here, so the highest tag wins (newer kubeadm wants newer pause). Undefined when none.
 */
export function pickPauseImage(images: readonly string[]): string | undefined {
  const pause = images.filter((i) => /(^|\/)pause:[^/:]+$/.test(i));
  const tagKey = (ref: string): number[] => (ref.slice(ref.lastIndexOf(":") + 1).match(/\d+/g) ?? []).map(Number);
  pause.sort((a, b) => {
    const x = tagKey(a);
    const y = tagKey(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
    return 0;
  });
  return pause[pause.length - 1];
}
