// node/: the simulated VMs. The cloud creates one runtime and drives it through NodeRuntime.
export { createNodeRuntime, generateHostKey, SimNodeRuntime, BOOT_MS, type NodeRuntimeDeps } from "./runtime";
export { SimMachine, type IsoReader } from "./machine";
export { appendJournal, journal } from "./services";
export { listImages } from "./tools/containerd";
export { swapEnabled, loadedModules, sysctlValue } from "./tools/system";
export { standInHeader } from "./baseImage";
export type * from "./types";
