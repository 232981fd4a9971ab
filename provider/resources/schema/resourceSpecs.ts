// What schema.json says about each resource, next to the zod input schemas it is generated from:
// descriptions, output-only properties, secrets and which input changes replace. The secret lists are
// the ones the SDK applies, and the replace lists are the ones diff() uses, so neither can drift.
import { z } from "zod";
import { ClusterInputsSchema } from "../clusterInputs";
import { CLUSTER_REPLACING_INPUTS } from "../clusterDiff";
import { CniInputsSchema, CNI_DIFF_PLAN } from "../cniConfiguration";
import { SupportedVersionInputsSchema, SUPPORTED_VERSION_DIFF_PLAN } from "../supportedVersionInputs";
import { CONNECTION_DOCS } from "./connectionDocs";
import { CLUSTER_INPUT_DOCS, CLUSTER_OUTPUTS } from "./clusterDocs";
import { CLUSTER_NODE_SPEC } from "./clusterNodeDocs";

export interface OutputSpec {
  schema: z.ZodType;
  description: string;
}

export interface ResourceSpec {
  /** The resource's name in the SDK and its schema token `cloudstack-kubernetes:index:<name>`. */
  name: string;
  description: string;
  inputs: z.ZodObject;
  inputDocs: Record<string, string>;
  /** Properties that only exist as outputs. Every input is an output too. */
  outputs: Record<string, OutputSpec>;
  secretInputs: readonly string[];
  secretOutputs: readonly string[];
  replacing: readonly string[];
}

/** Inputs encrypted in state however the program passed them (the SDK wraps them in pulumi.secret). */
export const CLUSTER_SECRET_INPUTS = ["secretKey", "privateRegistry", "kubeconfig"] as const;
export const CLUSTER_SECRET_OUTPUTS = ["kubeconfig", "sshPrivateKey", "secretKey", "privateRegistry"] as const;
export const CONNECTION_SECRET_INPUTS = ["secretKey"] as const;

const supportedVersion: ResourceSpec = {
  name: "KubernetesSupportedVersion",
  description:
    "A Kubernetes version: a binaries ISO registered (`registerIso`) and tagged in CloudStack, in the layout of docs/binaries-iso.md or of CloudStack's own create-kubernetes-binaries-iso.sh. Create waits until the ISO is Ready; delete is refused while a cluster uses the version.",
  inputs: SupportedVersionInputsSchema,
  inputDocs: {
    ...CONNECTION_DOCS,
    semanticVersion: "The Kubernetes version the ISO carries, `MAJOR.MINOR.PATCH`, at least 1.22.0.",
    url: "The http(s) URL CloudStack downloads the binaries ISO from.",
    checksum: "The ISO's sha256; CloudStack refuses a download that does not match.",
    zoneId: "The zone to register the ISO in; all zones when absent.",
    minCpuNumber: "The fewest vCPUs a node of this version may have (CKS minimum 2).",
    minMemory: "The least memory, in MB, a node of this version may have (CKS minimum 2048).",
    state: "`Enabled`, or `Disabled`: a disabled version cannot be used by new clusters.",
    name: "The ISO's name; `Kubernetes-<semanticVersion>` when absent.",
  },
  outputs: {
    isoId: { schema: z.string(), description: "The registered ISO's id (also the resource id)." },
    isoName: { schema: z.string(), description: "The registered ISO's name." },
    isoState: { schema: z.string(), description: "The ISO's download state as CloudStack reports it (`Ready` once usable)." },
    supportsHa: { schema: z.boolean(), description: "Whether clusters of this version may have more than one control node." },
  },
  secretInputs: CONNECTION_SECRET_INPUTS,
  secretOutputs: CONNECTION_SECRET_INPUTS,
  replacing: SUPPORTED_VERSION_DIFF_PLAN.replacing,
};

const cniConfiguration: ResourceSpec = {
  name: "CniConfiguration",
  description:
    "A network add-on for clusters: a `#cloud-config` with `{{ VARIABLE }}` placeholders, registered with `registerCniConfiguration` (CloudStack ≥ 4.21) or, where that API is missing, `registerUserData`. Any change replaces it; delete is refused while a cluster references it.",
  inputs: CniInputsSchema,
  inputDocs: {
    ...CONNECTION_DOCS,
    name: "The configuration's name, unique per account.",
    userData: "The `#cloud-config` template. Its `runcmd` lines run over SSH on the first control node after `kubeadm init`; the rest goes into that node's userdata exactly as written.",
    params: "The placeholder variable names the template uses; a cluster supplies their values in `cniConfigDetails`.",
  },
  outputs: {
    apiKind: { schema: z.enum(["cniConfiguration", "userData"]), description: "Which CloudStack API holds the template: `cniConfiguration` or `userData` (before 4.21)." },
  },
  secretInputs: CONNECTION_SECRET_INPUTS,
  secretOutputs: CONNECTION_SECRET_INPUTS,
  replacing: CNI_DIFF_PLAN.replacing,
};

const kubernetesCluster: ResourceSpec = {
  name: "KubernetesCluster",
  description:
    "A Kubernetes cluster built client-side the way CloudStack Kubernetes Service builds it: network, public IP, firewall, port-forwarding and load-balancer rules and VMs through the CloudStack API, then kubeadm over cloud-init and SSH. Its `kubeconfig` (secret) is published once the API answers through `endpoint`.",
  inputs: ClusterInputsSchema,
  inputDocs: { ...CONNECTION_DOCS, ...CLUSTER_INPUT_DOCS },
  outputs: CLUSTER_OUTPUTS,
  secretInputs: CLUSTER_SECRET_INPUTS,
  secretOutputs: CLUSTER_SECRET_OUTPUTS,
  replacing: CLUSTER_REPLACING_INPUTS,
};

export const RESOURCE_SPECS: readonly ResourceSpec[] = [supportedVersion, cniConfiguration, kubernetesCluster, CLUSTER_NODE_SPEC];
