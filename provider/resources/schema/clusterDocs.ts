// KubernetesCluster: a description for every input, and the output-only properties with their types.
import { z } from "zod";
import type { OutputSpec } from "./resourceSpecs";

export const CLUSTER_INPUT_DOCS: Record<string, string> = {
  name: "The cluster's name; node names are made from it after CKS's DNS sanitising.",
  description: "Free text kept with the cluster.",
  zoneId: "The id of the zone to deploy into.",
  kubernetesVersionId: "The id of a `KubernetesSupportedVersion` (its ISO).",
  kubernetesVersion: "The version's semantic version (`version.semanticVersion`), so that preview can check the version rules offline.",
  serviceOfferingId: "The service offering of every node type without one in `nodeOfferings`: a fixed offering with at least 2 vCPU, 2048 MB and the version's minimums.",
  size: "The number of worker nodes; changes in place (workers are added and joined, or drained and removed).",
  controlNodes: "The number of control-plane nodes; more than one needs Kubernetes ≥ 1.16.0, and the API is then load-balanced on the public IP.",
  etcdNodes: "External etcd members; 0 runs etcd stacked on the control nodes.",
  maxClusterSize: "The most nodes (control + workers) the cloud allows, CloudStack's `cloud.kubernetes.cluster.max.size` (default 10).",
  networkId: "An existing network: an isolated one (SourceNat, Firewall, PortForwarding, UserData, Dhcp) not used by another cluster, or a Shared one. One is created from `DefaultNetworkOfferingforKubernetesService` when absent.",
  keypair: "An existing SSH keypair added to every node for operators.",
  nodeRootDiskSize: "The root disk of every node, in GB (at least 8).",
  externalLoadBalancerIpAddress: "On a Shared network: the address of the operator's load balancer in front of the control nodes' API port.",
  privateRegistry: "A private container registry the nodes pull from: url, username and password together (email optional). Always stored as a secret; the credentials reach the nodes over SSH, never in userdata.",
  hypervisor: "The hypervisor to deploy the nodes on.",
  nodeOfferings: "A service offering per node type (`control`, `worker`, `etcd`), over `serviceOfferingId`.",
  nodeTemplates: "A template per node type (`control`, `worker`, `etcd`), over `templateId`.",
  templateId: "The node template; the zone's CKS-ready (`forcks`) template when absent.",
  asNumber: "The BGP AS number handed to the CNI configuration's `{{ AS_NUMBER }}`.",
  cniConfigurationId: "The id of a `CniConfiguration` to use instead of the ISO's network manifest.",
  cniConfigDetails: "Values for the CNI configuration's `{{ VARIABLE }}` placeholders.",
  account: "The account that owns the cluster's resources (with `domainId`).",
  domainId: "The domain of `account`.",
  projectId: "The project that owns the cluster's resources.",
  upgrade:
    "How rolling changes (upgrades, offering changes) take nodes out of service: `maxUnavailable` workers at once (a count or `\"N%\"`, default 1), `drainTimeout` (default `5m`) during which PodDisruptionBudgets are honoured, `force` (default false: a drain still blocked after drainTimeout fails the node; true deletes the pods), `nodeReadyTimeout` (default `10m`) for a node to be Ready again.",
  timeouts: "This provider's own deadlines per operation, as durations such as `45m` (defaults: create 60m, update 60m, delete 30m); Pulumi does not enforce `customTimeouts` for dynamic providers.",
};

const NodeInfo = z.object({
  virtualMachineId: z.string().optional(),
  name: z.string(),
  role: z.enum(["control", "worker", "etcd"]),
  privateIp: z.string().optional(),
  sshPort: z.int(),
  kubeletVersion: z.string().optional(),
});

export const CLUSTER_OUTPUTS: Record<string, OutputSpec> = {
  clusterId: { schema: z.string(), description: "The cluster's id (also the resource id); every CloudStack resource it created is tagged with it." },
  prefix: { schema: z.string(), description: "The prefix of the node names, `<name>-<first 6 characters of the id>`." },
  state: { schema: z.enum(["Creating", "Running", "Stopped", "Alert", "Error"]), description: "`Running`, `Stopped`, `Alert` (see `stateReason`) or `Error` (a failed operation, resumed by the next `pulumi up`)." },
  stateReason: { schema: z.string(), description: "What is wrong when `state` is not `Running`." },
  endpoint: { schema: z.string(), description: "The API endpoint, `https://<public ip>:6443/`." },
  ipAddress: { schema: z.string(), description: "The cluster's public IP address." },
  ipAddressId: { schema: z.string(), description: "The id of the public IP address." },
  networkCreated: { schema: z.boolean(), description: "Whether the cluster created its network (and deletes it with the cluster)." },
  directAccess: { schema: z.boolean(), description: "Whether nodes are reached directly on a Shared network rather than through port forwards." },
  kubeconfig: { schema: z.string(), description: "The admin kubeconfig (secret); its server is `endpoint`." },
  isoId: { schema: z.string(), description: "The binaries ISO the nodes were installed from." },
  nodes: { schema: z.array(NodeInfo), description: "Every node: VM id, name, role, private IP, SSH port on the public IP, kubelet version." },
  virtualMachineIds: { schema: z.array(z.string()), description: "The ids of the cluster's VMs." },
  certificatesExpireAt: { schema: z.string(), description: "When the control plane's certificates expire (ISO 8601): the earliest notAfter among apiserver, apiserver-kubelet-client, front-proxy-client and admin.conf on every control node; updated after create and after every upgrade." },
  upgradeInProgress: {
    schema: z.object({ version: z.string(), versionId: z.string(), fromVersion: z.string() }),
    description: "Set while an upgrade is unfinished (after a failure): the target version, its id and the version it started from. The next `pulumi up` carries on.",
  },
  cpuNumber: { schema: z.number(), description: "Total vCPUs over the nodes." },
  memory: { schema: z.number(), description: "Total memory over the nodes, in MB." },
  sshPrivateKey: { schema: z.string(), description: "The cluster's SSH private key (secret), generated locally; log in as `cloud`." },
  sshPublicKey: { schema: z.string(), description: "The cluster's SSH public key, registered as `keypairName`." },
  hostKeys: { schema: z.record(z.string(), z.string()), description: "Node name → pinned SSH host key fingerprint." },
  keypairName: { schema: z.string(), description: "The CloudStack keypair holding the cluster's public key (`cks-<prefix>`)." },
};
