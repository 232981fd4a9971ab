// Entry point of node/kube: registers kubeadm, kubectl and the kubelet/etcd service hooks on a
// machine's command table. One closure (context + cluster registry) is shared by every machine that
// installKubeTools is called for with the same NodeEnvironment, so joins can find clusters.
import { stopStaticPodWatches } from "./staticPods";
import type { CommandTable, NodeEnvironment } from "../types";
import type { KubeToolsContext, StartApiServer } from "./context";
import { etcdCommand, etcdctlCommand, kubeletCommand } from "./binaries";
import { kubeadmCommand } from "./kubeadm";
import { kubectlCommand } from "./kubectl";
import { ClusterRegistry } from "./registry";
import { etcdHook, kubeletHook } from "./services";

export type { StartApiServer, ApiServerHandle } from "./context";

export interface KubeToolsOptions {
  /** Defaults to simulator/apiserver's startApiServer. */
  startApiServer?: StartApiServer;
  /** Loopback address for API server and etcd listeners (default 127.0.0.1). */
  listenHost?: string;
}

const contexts = new WeakMap<NodeEnvironment, KubeToolsContext>();

function defaultStartApiServer(): StartApiServer {
  return async (view, opts) => {
    // Loaded lazily: the API server module is a sibling part of the simulator.
    const mod = require("../../apiserver") as { startApiServer?: StartApiServer };
    if (typeof mod.startApiServer !== "function") throw new Error("simulator/apiserver does not export startApiServer");
    return mod.startApiServer(view, opts);
  };
}

/** The shared context for an environment (created on first use). */
export function kubeToolsContext(env: NodeEnvironment, options: KubeToolsOptions = {}): KubeToolsContext {
  let ctx = contexts.get(env);
  if (!ctx) {
    ctx = { env, registry: new ClusterRegistry(), startApiServer: options.startApiServer ?? defaultStartApiServer(), listenHost: options.listenHost ?? "127.0.0.1" };
    contexts.set(env, ctx);
  }
  return ctx;
}

export function installKubeTools(table: CommandTable, env: NodeEnvironment, options: KubeToolsOptions = {}): void {
  const ctx = kubeToolsContext(env, options);
  table.register("kubeadm", kubeadmCommand(ctx));
  table.register("kubectl", kubectlCommand(ctx));
  table.register("kubelet", kubeletCommand);
  table.register("etcd", etcdCommand);
  table.register("etcdctl", etcdctlCommand(ctx));
  table.registerService("kubelet", kubeletHook(ctx));
  table.registerService("etcd", etcdHook(ctx));
}

/** Stop every API server started by kube tools for this environment (simulator shutdown). */
export async function closeKubeTools(env: NodeEnvironment): Promise<void> {
  const ctx = contexts.get(env);
  if (!ctx) return;
  stopStaticPodWatches(ctx);
  for (const cluster of ctx.registry.all()) {
    for (const member of cluster.controlPlane.values()) {
      const handle = member.api;
      member.api = undefined;
      if (member.address) ctx.registry.unbindApiServer(member.address);
      if (handle) await handle.close().catch(() => undefined);
    }
  }
}
