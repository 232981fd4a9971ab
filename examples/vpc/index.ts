// A cluster in an existing VPC: the provider creates a tier for it (with an ACL list of its own that
// admits node SSH, the API and egress), a VPC public IP with port forwards and the `api-lb` rule, and
// puts the three control nodes on distinct hosts. Delete removes the tier, its ACL list and the
// affinity group; the VPC stays.
//
// Stack config: zoneId, serviceOfferingId, kubernetesVersion, isoUrl, isoChecksum (optional), vpcId,
// tierCidr (optional; the VPC's first free /24 when absent), clusterName (optional, default "vpc").
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

const cluster = new cks.KubernetesCluster("vpc", {
  ...connection,
  name: config.get("clusterName") ?? "vpc",
  zoneId: config.require("zoneId"),
  kubernetesVersionId: version.id,
  kubernetesVersion: version.semanticVersion,
  serviceOfferingId: config.require("serviceOfferingId"),
  vpcId: config.require("vpcId"),
  vpcTierCidr: config.get("tierCidr"),
  controlNodes: 3,
  controlNodeAntiAffinity: true,
  size: 2,
});

export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const tier = cluster.networkId;
export const aclList = cluster.networkAclId;
export const controlAffinityGroup = cluster.controlAffinityGroupId;
