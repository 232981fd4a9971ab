// Highly available control plane: three control nodes behind the public endpoint's load balancer,
// one external etcd node, two workers. HA needs Kubernetes >= 1.16.
//
// Stack config: zoneId, serviceOfferingId, kubernetesVersion, isoUrl, isoChecksum (optional),
// clusterName (optional, default "ha"), workers (optional, default 2).
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

const version = new cks.KubernetesSupportedVersion("k8s-version", {
  ...connection,
  semanticVersion: config.require("kubernetesVersion"),
  url: config.require("isoUrl"),
  checksum: config.get("isoChecksum"),
  zoneId: config.require("zoneId"),
});

const cluster = new cks.KubernetesCluster("ha", {
  ...connection,
  name: config.get("clusterName") ?? "ha",
  description: "HA control plane with an external etcd member",
  zoneId: config.require("zoneId"),
  kubernetesVersionId: version.id,
  kubernetesVersion: version.semanticVersion,
  serviceOfferingId: config.require("serviceOfferingId"),
  controlNodes: 3,
  etcdNodes: 1,
  size: config.getNumber("workers") ?? 2,
});

export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const nodes = cluster.nodes.apply((list) => list.map((n) => ({ name: n.name, role: n.role, privateIp: n.privateIp })));
