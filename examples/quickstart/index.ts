// Quickstart: one control node and two workers, from a binaries ISO registered as a Kubernetes version.
//
// Stack config (pulumi config set ...):
//   zoneId, serviceOfferingId        where the nodes run and how big they are
//   kubernetesVersion, isoUrl        the version (e.g. 1.33.5) and the URL of its binaries ISO
//   isoChecksum (optional)           sha256 of the ISO
//   clusterName (optional)           default "quickstart"
//   description (optional)           changes in place
// Provider config (or CLOUDSTACK_API_URL / CLOUDSTACK_API_KEY / CLOUDSTACK_SECRET_KEY in the environment):
//   cloudstack-kubernetes:apiUrl, cloudstack-kubernetes:apiKey, cloudstack-kubernetes:secretKey (--secret)
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

const cluster = new cks.KubernetesCluster("quickstart", {
  ...connection,
  name: config.get("clusterName") ?? "quickstart",
  description: config.get("description") ?? "Pulumi quickstart cluster",
  zoneId: config.require("zoneId"),
  kubernetesVersionId: version.id,
  kubernetesVersion: version.semanticVersion,
  serviceOfferingId: config.require("serviceOfferingId"),
  controlNodes: 1,
  size: 2,
});

export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const nodes = cluster.nodes.apply((list) => list.map((n) => ({ name: n.name, role: n.role, privateIp: n.privateIp })));
