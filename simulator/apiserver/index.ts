// The per-cluster Kubernetes API server of the simulator and its object store.
export { startApiServer, type ApiServerHandle, type ApiServerOptions } from "./server";
export { MemoryKubeStore } from "./store";
export { RESOURCE_TYPES, type ResourceType } from "./resources";
export { humanDuration } from "./humanDuration";
export type { KubeUser } from "./auth";
