// containerd.service: the daemon loads /etc/containerd/config.toml at start and exits when it cannot
// (containerd cmd/containerd/command/main.go: "failed to load TOML"; config.go ValidateVersion), so
// systemd reports the unit failed. An absent file means containerd's built-in defaults.
import type { NodeMachine, ServiceHook } from "../types";
import { ContainerdConfigError, installedContainerdVersion, readCriConfig, type ContainerdCriConfig } from "./containerdConfig";

export const CONTAINERD_CONFIG = "/etc/containerd/config.toml";

/** The CRI settings the running containerd uses (read at its last start); undefined when not running. */
export function runningCriConfig(m: NodeMachine): ContainerdCriConfig | undefined {
  return m.ext.get("containerd.cri") as ContainerdCriConfig | undefined;
}

export function loadCriConfig(m: NodeMachine): ContainerdCriConfig {
  const version = installedContainerdVersion((p) => m.fs.read(p));
  const text = m.fs.read(CONTAINERD_CONFIG)?.toString("utf8") ?? "";
  try {
    return readCriConfig(text, version);
  } catch (e) {
    if (e instanceof ContainerdConfigError) throw new Error(`containerd: failed to load TOML from ${CONTAINERD_CONFIG}: ${e.message}`);
    throw e;
  }
}

export const containerdHook: ServiceHook = {
  async start(m) {
    m.ext.set("containerd.cri", loadCriConfig(m));
  },
  async stop(m) {
    m.ext.delete("containerd.cri");
  },
};
