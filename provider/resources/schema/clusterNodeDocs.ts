// schema.json's words for ClusterNode (issue 13): every input and output-only property.
import { z } from "zod";
import { ClusterNodeInputsSchema, CLUSTER_NODE_DIFF_PLAN } from "../clusterNodeInputs";
import { CONNECTION_DOCS } from "./connectionDocs";
import type { ResourceSpec } from "./resourceSpecs";

/** Encrypted in state however they were passed (the SDK wraps them in pulumi.secret). */
export const CLUSTER_NODE_SECRET_INPUTS = ["secretKey", "sshPrivateKey"] as const;
export const CLUSTER_NODE_SECRET_OUTPUTS = ["secretKey", "sshPrivateKey"] as const;

const INPUT_DOCS: Record<string, string> = {
  ...CONNECTION_DOCS,
  clusterId: "The cluster's `clusterId` output. The SDK fills this and the other cluster inputs from `cluster`.",
  clusterName: "The cluster's name, used in tags and progress lines.",
  zoneId: "The cluster's zone.",
  networkId: "The cluster's network: the VM's default NIC must be on it.",
  ipAddress: "The cluster's public IP (absent on direct-access Shared networks, where the node is reached at its own address).",
  ipAddressId: "The id of the cluster's public IP: the node's SSH port forward and firewall rule go on it.",
  externalLoadBalancerIpAddress: "The cluster's external load balancer address, when it has one (the API endpoint the node joins).",
  keypairName: "The cluster's keypair: the VM must have been deployed with it, or `resetSshKey` resets the VM's key to it.",
  sshPrivateKey: "The cluster's SSH private key (secret).",
  sshPublicKey: "The cluster's SSH public key, written to the node's worker userdata.",
  clusterNodes: "The cluster's `nodes` output: its first control node runs `kubeadm token create` and `kubectl`.",
  hostKeys: "The cluster's pinned SSH host keys (its `hostKeys` output).",
  maxClusterSize: "The cluster's `maxClusterSize`: external nodes' SSH ports start above 2222 + this (default 10), so the cluster's own scale-ups never take them.",
  kubernetesVersionId: "The KubernetesSupportedVersion (ISO) whose binaries the node installs: the cluster's. With `manualUpgrade: true`, change it (with `kubernetesVersion`) to upgrade this node.",
  kubernetesVersion: "The semantic version of `kubernetesVersionId`; learnt from its tags when absent. A change with `manualUpgrade: true` upgrades the node: one minor step at a time, never down, never past the control plane.",
  account: "The account that owns the VM and the cluster (with domainId).",
  domainId: "The domain of `account`.",
  projectId: "The project that owns the VM and the cluster.",
  virtualMachineId: "The existing VM to add as a worker: Running, at least 2 CPU and 2048 MB, its default NIC on the cluster's network, not a member of any cluster. It is never destroyed; delete only takes it out of the cluster.",
  nodeName: "The Kubernetes node name; the VM's name (lower-cased) when absent.",
  manualUpgrade: "When true, the cluster's upgrades skip this node (CKS `manualupgrade`), and it upgrades when its own `kubernetesVersion` changes. Default false: the cluster's upgrades include it, after the cluster's own workers.",
  labels: "Kubernetes labels for the node, applied with `kubectl label`; labels removed here are removed from the node.",
  taints: "Kubernetes taints for the node (`key`, optional `value`, `effect` NoSchedule, PreferNoSchedule or NoExecute), applied with `kubectl taint`.",
  sshPort: "The public port on the cluster's IP that forwards to the node's port 22; the next free port above the cluster's range when absent.",
  resetSshKey: "When the VM was not deployed with the cluster's keypair: reset its key with `resetSSHKeyForVirtualMachine`. That STOPS AND STARTS the VM, and it only reaches the login user if the template applies keys at boot.",
  loginUser: "The template's login user that receives the cluster's key (default `cloud`, as CKS).",
  timeouts: 'Durations such as "20m" for create, update and delete (defaults 30m, 30m, 15m).',
};

export const CLUSTER_NODE_SPEC: ResourceSpec = {
  name: "ClusterNode",
  description:
    "An existing VM joined to a KubernetesCluster as a worker, as CloudStack 4.21's `addNodesToKubernetesCluster` does: SSH port forward and firewall rule on the cluster's IP (isolated networks), the cluster's binaries ISO, the worker userdata and a reboot, `kubeadm join` with a fresh token, labels and taints, then Ready. Delete drains the node, runs `kubeadm reset -f`, deletes the Node, revokes its rules and removes its tags; the VM keeps running. While a ClusterNode exists the cluster cannot be deleted.",
  inputs: ClusterNodeInputsSchema,
  inputDocs: INPUT_DOCS,
  outputs: {
    state: { schema: z.enum(["Ready", "Error"]), description: "`Ready` once the node joined and is Ready; `Error` after a failed join (`pulumi up` resumes it)." },
    stateReason: { schema: z.string(), description: "Why the state is not Ready." },
    privateIp: { schema: z.string(), description: "The node's address on the cluster's network." },
    hostKey: { schema: z.string(), description: "The node's pinned SSH host key fingerprint." },
    kubeletVersion: { schema: z.string(), description: "The kubelet version the node reports." },
    keyReset: { schema: z.boolean(), description: "Whether the provider reset the VM's SSH key (and so stopped and started it)." },
    vmState: { schema: z.string(), description: "The VM's state at the last refresh." },
  },
  secretInputs: CLUSTER_NODE_SECRET_INPUTS,
  secretOutputs: CLUSTER_NODE_SECRET_OUTPUTS,
  replacing: CLUSTER_NODE_DIFF_PLAN.replacing,
};
