// What every kube tool shares across the machines of one simulator: the environment, the cluster
// registry, and how to start a per-cluster API server.
import type { KubeClusterView } from "../../contracts";
import type { NodeEnvironment } from "../types";
import type { ClusterRegistry } from "./registry";

export interface ApiServerHandle {
  port: number;
  close(): Promise<void>;
}

export type StartApiServer = (view: KubeClusterView, opts?: { host?: string }) => Promise<ApiServerHandle>;

export interface KubeToolsContext {
  readonly env: NodeEnvironment;
  readonly registry: ClusterRegistry;
  readonly startApiServer: StartApiServer;
  /** Loopback address API servers and etcd listeners bind to. */
  readonly listenHost: string;
}

/** Realistic durations (ms, before the clock's scale). */
export const DURATIONS = {
  init: 60_000,
  controlPlaneJoin: 45_000,
  workerJoin: 20_000,
  nodeReadyAfterCni: 10_000,
  upgradeApply: 90_000,
  upgradeNode: 30_000,
  reset: 5_000,
  discoveryRetry: 5_000,
  discoveryTimeout: 300_000,
} as const;

/** Token and certificate-key lifetimes (ms, compared with clock.now()). */
export const LIFETIMES = {
  defaultTokenTtl: 24 * 3_600_000,
  certificateKey: 2 * 3_600_000,
} as const;
