// kubeadm's InitConfiguration + ClusterConfiguration for the first control-plane node. Only fields valid
// in both v1beta3 (< 1.31) and v1beta4 (>= 1.31) are used; where the two differ (extraArgs became a list
// of {name, value} in v1beta4) the renderer writes the form of the version's API.
import { z } from "zod";
import { stringify } from "yaml";
import { kubeadmApiVersion } from "./versions";
import { CRI_SOCKET } from "./commands";

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, "expected an IPv4 address");
const host = z.string().min(1).regex(/^[A-Za-z0-9.:-]+$/, "expected an IP address or DNS name");

/** Inputs of renderKubeadmInitConfig. */
export const kubeadmInitInputSchema = z.object({
  /** e.g. "1.31.4" (a leading v is accepted). */
  kubernetesVersion: z.string().regex(/^v?\d+\.\d+\.\d+$/, "expected a version like 1.31.4"),
  /** Bootstrap token `[a-z0-9]{6}.[a-z0-9]{16}`. */
  token: z.string().regex(/^[a-z0-9]{6}\.[a-z0-9]{16}$/, "expected a kubeadm token like abcdef.0123456789abcdef"),
  /** TTL of the bootstrap token; never "0" (CKS's token never expired). */
  tokenTtl: z.string().regex(/^(\d+h)?(\d+m)?(\d+s)?$/).refine((t) => t !== "" && !/^0+[hms]?$/.test(t) && t !== "0h0m0s", "token TTL must be positive").default("24h0m0s"),
  /** 64 hex characters: encrypts the certificates uploaded for additional control-plane nodes. */
  certificateKey: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lower-case hex characters"),
  nodeName: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "expected a lower-case DNS name"),
  /** The node's own (private) address for its API server. */
  advertiseAddress: ipv4,
  /** The stable public endpoint: controlPlaneEndpoint and the first certificate SAN. */
  publicIp: host,
  apiServerPort: z.number().int().min(1).max(65535).default(6443),
  extraCertSans: z.array(host).default([]),
  podSubnet: z.string().default("10.244.0.0/16"),
  serviceSubnet: z.string().default("10.96.0.0/12"),
  /** External etcd members' IPs; absent or empty = stacked etcd. */
  externalEtcdIps: z.array(ipv4).default([]),
  apiServerExtraArgs: z.record(z.string(), z.string()).default({}),
  clusterName: z.string().min(1).default("kubernetes"),
});

/** Inputs of renderKubeadmInitConfig (before defaults). */
export type KubeadmInitInput = z.input<typeof kubeadmInitInputSchema>;

/** extraArgs in the API's shape: a map in v1beta3, a list of {name, value} in v1beta4. */
function extraArgs(apiVersion: string, args: Record<string, string>): Record<string, string> | Array<{ name: string; value: string }> {
  if (apiVersion === "v1beta3") return { ...args };
  return Object.entries(args).map(([name, value]) => ({ name, value }));
}

/**
 * Renders the multi-document kubeadm config for `kubeadm init --config`. The file holds the bootstrap
 * token and certificate key: write it with mode 0600. Throws a zod error naming the field on bad input.
 */
export function renderKubeadmInitConfig(input: KubeadmInitInput): string {
  const cfg = kubeadmInitInputSchema.parse(input);
  const version = cfg.kubernetesVersion.replace(/^v/, "");
  const apiVersion = kubeadmApiVersion(version);
  const group = `kubeadm.k8s.io/${apiVersion}`;

  const init = {
    apiVersion: group,
    kind: "InitConfiguration",
    bootstrapTokens: [
      {
        token: cfg.token,
        ttl: cfg.tokenTtl,
        usages: ["signing", "authentication"],
        groups: ["system:bootstrappers:kubeadm:default-node-token"],
      },
    ],
    certificateKey: cfg.certificateKey,
    nodeRegistration: { name: cfg.nodeName, criSocket: CRI_SOCKET },
    localAPIEndpoint: { advertiseAddress: cfg.advertiseAddress, bindPort: cfg.apiServerPort },
  };

  const certSANs = [...new Set([cfg.publicIp, ...cfg.extraCertSans])];
  const apiServer: Record<string, unknown> = { certSANs };
  if (Object.keys(cfg.apiServerExtraArgs).length > 0) apiServer.extraArgs = extraArgs(apiVersion, cfg.apiServerExtraArgs);

  const cluster: Record<string, unknown> = {
    apiVersion: group,
    kind: "ClusterConfiguration",
    clusterName: cfg.clusterName,
    kubernetesVersion: `v${version}`,
    // The public endpoint for every cluster, one control node included, as CKS does: its
    // KubernetesClusterStartWorker passes `--control-plane-endpoint <serverIp>:6443` whenever the version
    // is >= 1.16 (isKubernetesVersionSupportsHA is a version check, not a node count). It works with one
    // control node because the virtual router hair-pins: the API's public 6443 is an haproxy rule on
    // the VR, and port forwards get a guest-side DNAT + SNAT (systemvm/debian/opt/cloud/bin/configure.py
    // forward_vr), so a node reaches its own public IP. A stable endpoint is also what lets kubeadm join
    // more control nodes later ("unable to add a new control plane instance to a cluster that doesn't
    // have a stable controlPlaneEndpoint address"). certSANs keep the public IP either way.
    controlPlaneEndpoint: `${cfg.publicIp}:${cfg.apiServerPort}`,
    apiServer,
    networking: { podSubnet: cfg.podSubnet, serviceSubnet: cfg.serviceSubnet, dnsDomain: "cluster.local" },
  };
  if (cfg.externalEtcdIps.length > 0) {
    // CKS quirk kept on purpose: CKS's etcd nodes (and the simulator's) serve plain HTTP on 2379, so
    // the endpoints are http://. TLS for external etcd is future work.
    cluster.etcd = { external: { endpoints: cfg.externalEtcdIps.map((ip) => `http://${ip}:2379`) } };
  }

  return [stringify(init), stringify(cluster)].join("---\n");
}
