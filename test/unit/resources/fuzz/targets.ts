// Every resource whose check() the fuzz tests drive, with its input names and one valid input.
// A new resource joins the fuzzing by adding one entry to TARGETS.
import { makeClusterProvider } from "../../../../provider/resources/kubernetesCluster";
import { makeSupportedVersionProvider } from "../../../../provider/resources/kubernetesSupportedVersion";
import { makeCniConfigurationProvider } from "../../../../provider/resources/cniConfiguration";
import { ClusterInputsSchema } from "../../../../provider/resources/clusterInputs";
import { SupportedVersionInputsSchema } from "../../../../provider/resources/supportedVersionInputs";
import { CniInputsSchema } from "../../../../provider/resources/cniConfiguration";
import { makeClusterNodeProvider } from "../../../../provider/resources/clusterNode";
import { ClusterNodeInputsSchema } from "../../../../provider/resources/clusterNodeInputs";

export interface CheckResult {
  inputs?: Record<string, unknown>;
  failures?: { property?: string; reason: string }[];
}

export interface FuzzTarget {
  resource: string;
  check(news: unknown, olds?: unknown): Promise<CheckResult>;
  /** The input names a failure's property may start with. */
  inputKeys: readonly string[];
  /** Nested objects' own keys, so `privateRegistry.url` is a real path and `privateRegistry.x` is not. */
  nestedKeys: Readonly<Record<string, readonly string[] | "any">>;
  /** An input that check() accepts as it is. */
  valid: Record<string, unknown>;
}

const connection = { apiUrl: "https://cloud.example.com/client/api", apiKey: "k", secretKey: "s" };
const noNetwork = () => {
  throw new Error("check() must make no network calls");
};

const cluster = makeClusterProvider({ cloud: noNetwork, progressSink: () => undefined });
const version = makeSupportedVersionProvider({ cloud: noNetwork, progressSink: () => undefined });
const cni = makeCniConfigurationProvider({ cloud: noNetwork });
const clusterNode = makeClusterNodeProvider({ cloud: noNetwork, progressSink: () => undefined });

const keysOf = (schema: { shape: Record<string, unknown> }): string[] => Object.keys(schema.shape);

export const TARGETS: FuzzTarget[] = [
  {
    resource: "KubernetesCluster",
    check: (news, olds) => cluster.check!(olds ?? {}, news) as Promise<CheckResult>,
    inputKeys: keysOf(ClusterInputsSchema),
    nestedKeys: {
      privateRegistry: ["url", "username", "password", "email"],
      timeouts: ["create", "update", "delete"],
      nodeOfferings: ["control", "worker", "etcd"],
      nodeTemplates: ["control", "worker", "etcd"],
      cniConfigDetails: "any",
    },
    valid: { ...connection, name: "prod-k8s", zoneId: "zone-1", kubernetesVersionId: "ver-1", kubernetesVersion: "1.31.4", serviceOfferingId: "off-1", size: 2 },
  },
  {
    resource: "KubernetesSupportedVersion",
    check: (news, olds) => version.check!(olds ?? {}, news) as Promise<CheckResult>,
    inputKeys: keysOf(SupportedVersionInputsSchema),
    nestedKeys: {},
    valid: { ...connection, semanticVersion: "1.31.4", url: "https://download.example.com/k8s-1.31.4.iso" },
  },
  {
    resource: "CniConfiguration",
    check: (news, olds) => cni.check!(olds ?? {}, news) as Promise<CheckResult>,
    inputKeys: keysOf(CniInputsSchema),
    nestedKeys: { params: "any" },
    valid: { ...connection, name: "calico", userData: "#cloud-config\nruncmd:\n  - [echo, '{{ CLUSTER_CIDR }}']\n", params: ["CLUSTER_CIDR"] },
  },
  {
    resource: "ClusterNode",
    check: (news, olds) => clusterNode.check!(olds ?? {}, news) as Promise<CheckResult>,
    inputKeys: keysOf(ClusterNodeInputsSchema),
    nestedKeys: { labels: "any", taints: "any", clusterNodes: "any", hostKeys: "any", timeouts: ["create", "update", "delete"] },
    valid: {
      ...connection,
      clusterId: "c-1",
      networkId: "net-1",
      keypairName: "cks-prod-abc123",
      sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
      sshPublicKey: "ssh-ed25519 AAAA cks",
      clusterNodes: [{ name: "prod-abc123-control-1", role: "control", index: 1, sshPort: 2222 }],
      kubernetesVersionId: "ver-1",
      kubernetesVersion: "1.31.4",
      virtualMachineId: "vm-1",
      labels: { "example.com/pool": "gpu" },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
    },
  },
];

/** A failure's property is a real input path: a known input, and a known key below it where that is fixed. */
export function isRealInputPath(target: FuzzTarget, property: string): boolean {
  const m = /^([^.[\]]+)(?:\.([^.[\]]+)|\[(\d+)\])?/.exec(property);
  if (!m) return false;
  const [, root, child] = m;
  if (!target.inputKeys.includes(root)) return false;
  if (child === undefined) return true;
  const nested = target.nestedKeys[root];
  return nested === "any" || (nested !== undefined && nested.includes(child));
}
