// provider/kubernetes: node-side building blocks (see docs/internal-contracts.md).
export * from "./versions";
export * from "./commands";
export * from "./isoManifest";
export * from "./kubeadmConfig";
export * from "./userdata";
export * from "./registry";
export * from "./etcdUnit";
export * from "./kubeconfig";
export * from "./cniTemplate";
export * from "./joinCommand";
export * from "./diagnostics";
