// A cluster whose network add-on comes from a CniConfiguration instead of the ISO's network.yaml:
// a #cloud-config with {{ VARIABLE }} placeholders, filled per cluster from cniConfigDetails. The
// rendered files land on the first control node; its runcmd lines run there over SSH with the admin
// kubeconfig. Changing the template replaces the CniConfiguration (and the clusters using it).
//
// Stack config: zoneId, serviceOfferingId, kubernetesVersion, isoUrl, isoChecksum (optional),
// clusterName (optional, default "custom-cni"), podCidr (optional, default 10.244.0.0/16),
// cniImage (optional, default registry.example.com/demo-cni:1.0).
// Provider config: cloudstack-kubernetes:apiUrl / apiKey / secretKey (--secret), or CLOUDSTACK_* env.
import * as pulumi from "@pulumi/pulumi";
import * as cks from "pulumi-cloudstack-kubernetes";

const config = new pulumi.Config();
const cloud = new pulumi.Config("cloudstack-kubernetes");
const connection = {
  apiUrl: cloud.get("apiUrl"),
  apiKey: cloud.get("apiKey"),
  secretKey: cloud.getSecret("secretKey"),
};

// A DaemonSet standing in for a real CNI (Calico, Cilium, ...): what matters is the placeholder.
const manifest = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: demo-cni
  namespace: kube-system
  annotations:
    pod-cidr: "{{ POD_CIDR }}"
spec:
  selector:
    matchLabels: {app: demo-cni}
  template:
    metadata:
      labels: {app: demo-cni}
    spec:
      hostNetwork: true
      containers:
      - name: cni
        image: ${config.get("cniImage") ?? "registry.example.com/demo-cni:1.0"}
`;

const indent = (text: string, spaces: number): string =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => " ".repeat(spaces) + line)
    .join("\n");

const cni = new cks.CniConfiguration("demo-cni", {
  ...connection,
  name: "demo-cni",
  params: ["POD_CIDR"],
  userData: `#cloud-config
write_files:
- path: /etc/cks-cni/cni.yaml
  permissions: '0644'
  content: |
${indent(manifest, 4)}
runcmd:
- kubectl apply -f /etc/cks-cni/cni.yaml
`,
});

const version = new cks.KubernetesSupportedVersion("k8s-version", {
  ...connection,
  semanticVersion: config.require("kubernetesVersion"),
  url: config.require("isoUrl"),
  checksum: config.get("isoChecksum"),
  zoneId: config.require("zoneId"),
});

const cluster = new cks.KubernetesCluster("custom-cni", {
  ...connection,
  name: config.get("clusterName") ?? "custom-cni",
  zoneId: config.require("zoneId"),
  kubernetesVersionId: version.id,
  kubernetesVersion: version.semanticVersion,
  serviceOfferingId: config.require("serviceOfferingId"),
  size: 1,
  cniConfigurationId: cni.id,
  cniConfigDetails: { POD_CIDR: config.get("podCidr") ?? "10.244.0.0/16" },
});

export const cniConfigurationId = cni.id;
export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const nodes = cluster.nodes.apply((list) => list.map((n) => ({ name: n.name, role: n.role, privateIp: n.privateIp })));
