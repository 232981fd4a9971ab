// Pod sandboxes as the kubelet gets them from containerd's CRI plugin: every pod, static pods
// included, first runs the sandbox ("pause") image that containerd is configured with
// (sandbox_image in 1.x, pinned_images.sandbox in 2.x; containerd docs/cri/config.md). containerd
// pulls it when it is not in the k8s.io namespace (internal/cri/server/podsandbox/sandbox_run.go,
// ensureImageExists). The nodes have no Internet, so a pull only works from a private registry that
// containerd is configured for (config_path/<host>/hosts.toml, docs/hosts.md) and that the node can
// reach through the simulator's fabric. Otherwise RunPodSandbox fails with "failed to pull image",
// which the kubelet reports as ErrImagePull/CreatePodSandboxError and retries forever.
import type { NodeMachine } from "../types";
import type { KubeToolsContext } from "./context";
import { imagePresent, importedImages } from "./nodeFacts";

/** The slice of containerd's running CRI config that node/tools publishes in ext "containerd.cri". */
interface RunningCri {
  sandboxImage: string;
  registryConfigPath: string;
}

function runningCri(machine: NodeMachine): RunningCri | undefined {
  const v = machine.ext.get("containerd.cri") as Partial<RunningCri> | undefined;
  if (!v || typeof v.sandboxImage !== "string") return undefined;
  return { sandboxImage: v.sandboxImage, registryConfigPath: typeof v.registryConfigPath === "string" ? v.registryConfigPath : "" };
}

/** "registry.k8s.io/pause:3.10" → { host: "registry.k8s.io", port: 443 }; docker.io for bare names. */
function registryOf(ref: string): { host: string; port: number } {
  const first = ref.split("/")[0];
  const host = ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
  const [name, port] = host.split(":");
  return { host: name, port: port ? Number(port) : 443 };
}

/** Whether containerd on this node could pull `ref`: only from a configured private registry it can reach. */
export function pullable(ctx: KubeToolsContext, machine: NodeMachine, ref: string, configPath: string): boolean {
  if (configPath === "") return false;
  const { host, port } = registryOf(ref);
  const hostDir = port === 443 ? host : `${host}:${port}`;
  if (!machine.fs.exists(`${configPath}/${hostDir}/hosts.toml`)) return false;
  return ctx.env.fabric.resolve(machine.spec.vmId, host, port) !== null;
}

/** Why no pod sandbox can start on this node, in containerd's words; undefined when one can. */
export function podSandboxProblem(ctx: KubeToolsContext, machine: NodeMachine): string | undefined {
  const cri = runningCri(machine);
  // The simulator's containerd publishes its config when it starts; without it (machines built by
  // hand in unit tests) nothing is known, and nothing is refused.
  if (!cri) return undefined;
  const image = cri.sandboxImage;
  if (imagePresent(importedImages(machine), image, true)) return undefined;
  if (pullable(ctx, machine, image, cri.registryConfigPath)) return undefined;
  const { host } = registryOf(image);
  return `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "${image}": failed to pull image "${image}": failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://${host}/v2/${image.slice(host.length + 1).replace(/:[^:/]+$/, "")}/manifests/${image.slice(image.lastIndexOf(":") + 1)}": dial tcp: lookup ${host} on 127.0.0.53:53: server misbehaving`;
}
