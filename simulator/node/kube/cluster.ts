// The model of one cluster created by `kubeadm init`: version, endpoint, CA, bootstrap tokens, the
// uploaded certificate key, etcd membership, control-plane members and node runtime facts. Kubernetes
// objects live in its KubeStore, which the per-cluster API server serves.
import type { KubeClusterView, SocketAddress } from "../../contracts";
import { MemoryKubeStore } from "../../apiserver/store";
import type { ApiServerHandle } from "./context";
import { discoveryHash, type CertKeyPair } from "./pki";
import { reconcileCluster } from "./reconcile";
import { compareVersions, formatVersion, type KubeVersion } from "./versions";

export interface BootstrapToken {
  id: string;
  secret: string;
  /** clock.now() value after which it is invalid; null = never. */
  expiresAt: number | null;
  description: string;
  usages: string[];
  groups: string[];
}

export interface ControlPlaneMember {
  nodeName: string;
  vmId: string;
  /** Version of this member's control-plane components (changed by upgrade apply / upgrade node). */
  version: KubeVersion;
  serverTls: CertKeyPair;
  api?: ApiServerHandle;
  address?: SocketAddress;
}

/** Runtime facts about a node's kubelet; the Node object's status is derived from them. */
export interface NodeRuntime {
  nodeName: string;
  vmId: string;
  vmName: string;
  internalIp: string;
  controlPlane: boolean;
  kubeletRunning: boolean;
  kubeletVersion: KubeVersion;
  /** Set when the readiness delay elapsed with the kubelet running and a CNI installed. */
  readyReached: boolean;
  /** Bumped on every kubelet start/stop so that stale readiness timers do nothing. */
  generation: number;
  /**
   * Set while no pod sandbox can start on the node (podSandbox.ts): its static pods and DaemonSet
   * pods (kube-proxy, the CNI) never run, so it never becomes Ready.
   */
  podSandboxError?: string;
}

export type EtcdTopology = { mode: "stacked"; members: Set<string> } | { mode: "external"; endpoints: string[] };

export interface ClusterInit {
  id: string;
  version: KubeVersion;
  ca: CertKeyPair;
  /** host:port; absent when init had no --control-plane-endpoint. */
  controlPlaneEndpoint?: string;
  /** host:port of the first control node's API (advertise address). */
  advertiseEndpoint: string;
  certSans: string[];
  podSubnet?: string;
  serviceSubnet: string;
  etcd: EtcdTopology;
  imageRepository: string;
  /** Shared control-plane secrets that `--upload-certs` hands to joining control nodes. */
  sharedPki: SharedPki;
}

export interface SharedPki {
  serviceAccount: { publicKeyPem: string; privateKeyPem: string };
  frontProxyCa: CertKeyPair;
}

export class KubeCluster {
  readonly name = "kubernetes";
  readonly store = new MemoryKubeStore();
  readonly id: string;
  readonly ca: CertKeyPair;
  readonly caHash: string;
  readonly controlPlaneEndpoint?: string;
  readonly advertiseEndpoint: string;
  readonly certSans: string[];
  readonly podSubnet?: string;
  readonly serviceSubnet: string;
  readonly etcd: EtcdTopology;
  readonly imageRepository: string;
  readonly sharedPki: SharedPki;
  /** ClusterConfiguration.kubernetesVersion: the target of the last `upgrade apply`. */
  version: KubeVersion;
  readonly tokens = new Map<string, BootstrapToken>();
  /** The last upload-certs: its key, expiry and the kubeadm-certs Secret keys it uploaded (copyCerts.ts). */
  certificateKey?: { key: string; expiresAt: number; certs: string[] };
  readonly controlPlane = new Map<string, ControlPlaneMember>();
  readonly nodes = new Map<string, NodeRuntime>();
  /** Resource types first seen in applied manifests (CRDs, RBAC, ...), so kubectl can get them back. */
  readonly appliedTypes = new Map<string, { apiVersion: string; kind: string; namespaced: boolean }>();
  /** Whether a CNI manifest has been applied (see markCniIfPresent in kubectlApply). */
  cniInstalled = false;
  /** The simulator clock's now() (set by kubeadm init from the node's clock). */
  clockNow: () => number = () => Date.now();

  constructor(init: ClusterInit) {
    this.id = init.id;
    this.version = init.version;
    this.ca = init.ca;
    this.caHash = discoveryHash(init.ca.certPem);
    this.controlPlaneEndpoint = init.controlPlaneEndpoint;
    this.advertiseEndpoint = init.advertiseEndpoint;
    this.certSans = init.certSans;
    this.podSubnet = init.podSubnet;
    this.serviceSubnet = init.serviceSubnet;
    this.etcd = init.etcd;
    this.imageRepository = init.imageRepository;
    this.sharedPki = init.sharedPki;
  }

  /** Where nodes and kubeconfigs point: the control-plane endpoint, else the first advertise address. */
  get endpoint(): string {
    return this.controlPlaneEndpoint ?? this.advertiseEndpoint;
  }

  /** The lowest version among running API servers (what /version answers during an upgrade). */
  servingVersion(): KubeVersion {
    let lowest: KubeVersion | undefined;
    for (const member of this.controlPlane.values()) {
      if (!member.api) continue;
      if (!lowest || compareVersions(member.version, lowest) < 0) lowest = member.version;
    }
    return lowest ?? this.version;
  }

  liveApiServers(): ControlPlaneMember[] {
    return [...this.controlPlane.values()].filter((m) => m.api);
  }

  /** Stacked etcd keeps quorum while more than half of its members' nodes run; external etcd is assumed up. */
  etcdHealthy(): boolean {
    if (this.etcd.mode === "external") return true;
    const members = [...this.etcd.members];
    if (members.length === 0) return false;
    const up = members.filter((name) => this.nodes.get(name)?.kubeletRunning && this.controlPlane.get(name)?.api).length;
    return up * 2 > members.length;
  }

  validToken(id: string, secret: string, now: number): boolean {
    const token = this.tokens.get(id);
    if (!token || token.secret !== secret) return false;
    return token.expiresAt === null || now < token.expiresAt;
  }

  /** The view one API server (of control node `member`) serves. */
  viewFor(member: ControlPlaneMember): KubeClusterView {
    return {
      name: this.name,
      store: this.store,
      gitVersion: () => formatVersion(this.servingVersion()),
      tls: { caCertPem: this.ca.certPem, serverCertPem: member.serverTls.certPem, serverKeyPem: member.serverTls.keyPem },
      healthy: () => this.etcdHealthy() && this.liveApiServers().length > 0,
      // Controllers and kubelets act on what an outside kubectl wrote (Deployments, PDBs, cordons, evictions).
      changed: () => reconcileCluster(this),
      now: () => this.clockNow(),
    };
  }
}
