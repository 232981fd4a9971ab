// Upgrade in place: two Kubernetes versions registered side by side, and a cluster on the one that
// `clusterVersion` names. Changing clusterVersion to the other (the next minor) and running `pulumi up`
// upgrades the cluster in place: the control plane first, then the workers `maxUnavailable` at a time.
//
// Stack config: zoneId, serviceOfferingId; fromVersion, fromIsoUrl, fromIsoChecksum (optional);
// toVersion, toIsoUrl, toIsoChecksum (optional); clusterVersion (fromVersion to create, toVersion to
// upgrade); workers (optional, default 3), maxUnavailable (optional, default 1), nodeReadyTimeout
// (optional, default 10m), clusterName (optional).
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

function version(which: "from" | "to"): { semanticVersion: string; resource: cks.KubernetesSupportedVersion } {
  const semanticVersion = config.require(`${which}Version`);
  const resource = new cks.KubernetesSupportedVersion(`k8s-${semanticVersion}`, {
    ...connection,
    semanticVersion,
    url: config.require(`${which}IsoUrl`),
    checksum: config.get(`${which}IsoChecksum`),
    zoneId: config.require("zoneId"),
  });
  return { semanticVersion, resource };
}

const versions = [version("from"), version("to")];
const wanted = config.require("clusterVersion");
const chosen = versions.find((v) => v.semanticVersion === wanted);
if (!chosen) throw new Error(`clusterVersion ${wanted} is neither fromVersion nor toVersion`);
const maxUnavailable = config.get("maxUnavailable");
const nodeReadyTimeout = config.get("nodeReadyTimeout");

const cluster = new cks.KubernetesCluster("upgrade", {
  ...connection,
  name: config.get("clusterName") ?? "upgrade",
  zoneId: config.require("zoneId"),
  kubernetesVersionId: chosen.resource.id,
  kubernetesVersion: chosen.resource.semanticVersion,
  serviceOfferingId: config.require("serviceOfferingId"),
  size: config.getNumber("workers") ?? 3,
  upgrade: {
    maxUnavailable: maxUnavailable === undefined ? 1 : /%$/.test(maxUnavailable) ? maxUnavailable : Number(maxUnavailable),
    ...(nodeReadyTimeout ? { nodeReadyTimeout } : {}),
  },
});

export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const kubernetesVersion = cluster.kubernetesVersion;
export const certificatesExpireAt = cluster.certificatesExpireAt;
export const nodes = cluster.nodes.apply((list) => list.map((n) => ({ name: n.name, role: n.role, kubeletVersion: n.kubeletVersion })));
