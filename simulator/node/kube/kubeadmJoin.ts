// `kubeadm join`: discovery through the fabric (the cluster-info ConfigMap, CA pinning, bootstrap
// token), preflight, then a worker (kubelet.conf, Node) or a control-plane member (certificate key,
// certificates, stacked etcd member, another API server).
import type { CommandIO, NodeMachine } from "../types";
import type { ControlPlaneMember, KubeCluster } from "./cluster";
import { DURATIONS, type KubeToolsContext } from "./context";
import { checkDownloadableCerts } from "./copyCerts";
import { CommandFailure, phaseFailure, settlePreflight, type PreflightIssue } from "./failure";
import { flagArray, flagBool, flagString, parseFlags, type FlagSpecs } from "./flags";
import { KubeadmConfigError, loadJoinConfiguration, type JoinConfiguration } from "./kubeadmConfig";
import { caCertHashProblem, validateJoin } from "./kubeadmConfigValidate";
import { rejectMixedConfig } from "./kubeadmMixedArgs";
import { kubeadmVersionOf, parseToken, readConfigFile, requireRootFailure } from "./kubeadmShared";
import { registerNode } from "./lifecycle";
import { locateCluster, splitHostPort, type Located } from "./locate";
import { ETCD_PORTS, KUBELET_PORT, KUBE_CONTROLLER_MANAGER_PORT, KUBE_SCHEDULER_PORT, execChecks, inPathIssues, ipv4Issues, lookPath, portIssues } from "./hostPreflight";
import { KUBELET_PATHS, containerdActive, imagePresent, importedImages, installedVersion } from "./nodeFacts";
import { apiServerSans, writeControlPlaneFiles, writeKubeletConf, writeManifests } from "./nodeFiles";
import { issueCertificate } from "./pki";
import { isNodeReady, reconcileCluster } from "./reconcile";
import { restartKubelet } from "./services";
import { compareVersions, formatVersion, requiredImages, type KubeVersion } from "./versions";

export const JOIN_FLAGS: FlagSpecs = {
  config: { kind: "string" },
  token: { kind: "string" },
  "discovery-token": { kind: "string" },
  "tls-bootstrap-token": { kind: "string" },
  "discovery-token-ca-cert-hash": { kind: "array" },
  "discovery-token-unsafe-skip-ca-verification": { kind: "bool" },
  "discovery-file": { kind: "string" },
  "control-plane": { kind: "bool" },
  "certificate-key": { kind: "string" },
  "apiserver-advertise-address": { kind: "string" },
  "apiserver-bind-port": { kind: "string" },
  "node-name": { kind: "string" },
  "cri-socket": { kind: "string" },
  "ignore-preflight-errors": { kind: "array" },
  "skip-phases": { kind: "array" },
  "dry-run": { kind: "bool" },
  patches: { kind: "string" },
  rootfs: { kind: "string" },
  v: { kind: "string", short: "v" },
};

interface JoinPlan {
  endpoint: string;
  token: string;
  caHashes: string[];
  skipCaVerification: boolean;
  controlPlane: boolean;
  certificateKey?: string;
  nodeName: string;
  advertiseAddress: string;
  ignored: string[];
}

function plan(args: string[], io: CommandIO, machine: NodeMachine): JoinPlan {
  const flags = parseFlags(args, JOIN_FLAGS);
  const kubeadm = kubeadmVersionOf(io);
  rejectMixedConfig(flags.values, kubeadm);
  let join: JoinConfiguration | undefined;
  const configPath = flagString(flags, "config");
  if (configPath) {
    try {
      const docs = loadJoinConfiguration(readConfigFile(machine, io, configPath), kubeadm);
      for (const w of docs.warnings) io.stderr(w + "\n");
      join = docs.join;
    } catch (err) {
      if (err instanceof KubeadmConfigError) throw new CommandFailure(err.message, err.exitCode);
      throw err;
    }
  }
  if (flags.positionals.length > 1) throw new CommandFailure(`accepts at most 1 arg(s), received ${flags.positionals.length}`);
  const bootstrap = join?.discovery.bootstrapToken;
  const endpoint = flags.positionals[0] ?? bootstrap?.apiServerEndpoint ?? "";
  const token = flagString(flags, "discovery-token") ?? flagString(flags, "token") ?? bootstrap?.token ?? "";
  const caHashes = [...flagArray(flags, "discovery-token-ca-cert-hash"), ...(bootstrap?.caCertHashes ?? [])];
  const skipCaVerification = flagBool(flags, "discovery-token-unsafe-skip-ca-verification") || bootstrap?.unsafeSkipCAVerification === true;
  if (!join) {
    // Without --config, kubeadm builds a JoinConfiguration from the flags and validates it the same
    // way (cmd/kubeadm/app/cmd/join.go newJoinData -> ValidateJoinConfiguration), exit status 3.
    const fromFlags: JoinConfiguration = {
      kind: "JoinConfiguration",
      discovery: {
        ...(endpoint !== "" || token !== "" ? { bootstrapToken: { token, apiServerEndpoint: endpoint, caCertHashes: caHashes, unsafeSkipCAVerification: skipCaVerification } } : {}),
        tlsBootstrapToken: flagString(flags, "tls-bootstrap-token") ?? token,
      },
      ...(flagBool(flags, "control-plane")
        ? { controlPlane: { certificateKey: flagString(flags, "certificate-key"), localAPIEndpoint: { advertiseAddress: flagString(flags, "apiserver-advertise-address") } } }
        : {}),
    };
    const errors = validateJoin(fromFlags);
    if (errors.length > 0) throw new CommandFailure(errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`, 3);
  }
  const controlPlane = flagBool(flags, "control-plane") || join?.controlPlane !== undefined;
  return {
    endpoint,
    token,
    caHashes,
    skipCaVerification,
    controlPlane,
    certificateKey: flagString(flags, "certificate-key") ?? join?.controlPlane?.certificateKey,
    nodeName: (flagString(flags, "node-name") ?? join?.nodeRegistration?.name ?? machine.hostname).toLowerCase(),
    advertiseAddress: flagString(flags, "apiserver-advertise-address") ?? join?.controlPlane?.localAPIEndpoint?.advertiseAddress ?? machine.spec.guestIp,
    ignored: [...flagArray(flags, "ignore-preflight-errors"), ...(join?.nodeRegistration?.ignorePreflightErrors ?? [])],
  };
}

const IDENTITY = "couldn't validate the identity of the API Server";

/** Token discovery, retried like kubeadm until its discovery timeout while the server refuses. */
async function discover(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO, p: JoinPlan): Promise<KubeCluster> {
  // pubkeypin.Set.Allow runs before anything is fetched (cmd/kubeadm/app/discovery/token/token.go).
  for (const hash of p.caHashes) {
    const problem = caCertHashProblem(hash);
    if (problem) throw phaseFailure("preflight", `${IDENTITY}: invalid discovery token CA certificate hash: ${problem}`);
  }
  const target = splitHostPort(p.endpoint);
  if (!target) throw phaseFailure("preflight", `${IDENTITY}: invalid API server endpoint "${p.endpoint}"`);
  const url = `https://${p.endpoint}/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s`;
  let located: Located = { kind: "refused", detail: "connect: connection refused" };
  const attempts = Math.max(1, Math.floor(DURATIONS.discoveryTimeout / DURATIONS.discoveryRetry));
  for (let attempt = 0; attempt < attempts; attempt++) {
    located = await locateCluster(ctx, machine.spec.vmId, target.host, target.port);
    if (located.kind !== "refused") break;
    if (attempt === 0) io.stdout(`[discovery] Failed to request cluster-info, will try again: Get "${url}": dial tcp ${p.endpoint}: ${located.detail}\n`);
    await ctx.env.clock.sleep(DURATIONS.discoveryRetry, io.signal);
  }
  if (located.kind === "refused") {
    throw phaseFailure("preflight", `${IDENTITY}: failed to request the cluster-info ConfigMap: Get "${url}": dial tcp ${p.endpoint}: ${located.detail}`);
  }
  if (located.kind === "unknown") throw phaseFailure("preflight", `${IDENTITY}: ${located.detail}`);
  const cluster = located.cluster;
  if (!p.skipCaVerification && !p.caHashes.some((h) => h.toLowerCase() === cluster.caHash)) {
    throw phaseFailure("preflight", `${IDENTITY}: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${cluster.caHash}" are pinned`);
  }
  const { id, secret } = parseToken(p.token);
  if (!cluster.validToken(id, secret, ctx.env.clock.now())) {
    io.stdout(`[discovery] The cluster-info ConfigMap does not yet contain a JWS signature for token ID "${id}", will try again\n`);
    throw phaseFailure("preflight", `${IDENTITY}: token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`);
  }
  return cluster;
}

/**
 * JoinNodeChecks (kubernetes cmd/kubeadm/app/preflight/checks.go): addCommonChecks with no Kubernetes
 * version (so no conntrack check from kubeadm 1.32), Port-10250, and addIPv4Checks when the API server
 * endpoint is an IPv4 address. A control-plane join also runs InitNodeChecks as a secondary control plane.
 */
function preflightIssues(machine: NodeMachine, cluster: KubeCluster, p: JoinPlan, host: { path: string; kubeadm: KubeVersion }): PreflightIssue[] {
  const issues: PreflightIssue[] = [];
  if (p.controlPlane) {
    issues.push(...portIssues(machine, [6443, KUBE_SCHEDULER_PORT, KUBE_CONTROLLER_MANAGER_PORT]));
    if (cluster.etcd.mode === "stacked") issues.push(...portIssues(machine, ETCD_PORTS));
  }
  if (!containerdActive(machine)) issues.push({ name: "CRI", message: "container runtime is not running: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory" });
  for (const file of ["/etc/kubernetes/kubelet.conf", "/etc/kubernetes/pki/ca.crt"]) {
    if (machine.fs.exists(file)) issues.push({ name: `FileAvailable-${file.replace(/[/.]/g, "-")}`, message: `${file} already exists` });
  }
  issues.push(...inPathIssues(machine.fs, host.path, execChecks(host.kubeadm, undefined)));
  const kubeletPath = lookPath(machine.fs, "kubelet", host.path);
  const kubelet = kubeletPath ? installedVersion(machine, "kubelet", [kubeletPath]) : undefined;
  const cp = cluster.version;
  if (!kubeletPath || !kubelet) {
    issues.push({ name: "KubeletVersion", message: "couldn't get kubelet version: cannot execute 'kubelet --version': executable file not found in $PATH" });
  } else if (kubelet.major > cp.major || (kubelet.major === cp.major && kubelet.minor > cp.minor)) {
    issues.push({ name: "KubeletVersion", message: `the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "${formatVersion(kubelet).slice(1)}" Control plane version: "${formatVersion(cp).slice(1)}"` });
  } else if (kubelet.major === cp.major && kubelet.minor < cp.minor - 3) {
    issues.push({ name: "KubeletVersion", message: `Kubelet version "${formatVersion(kubelet).slice(1)}" is lower than kubeadm can support. Please upgrade kubelet` });
  }
  issues.push(...portIssues(machine, [KUBELET_PORT]));
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(p.endpoint.replace(/:\d+$/, ""))) issues.push(...ipv4Issues(machine, host.kubeadm));
  if (p.controlPlane) {
    const manifests = machine.fs.list("/etc/kubernetes/manifests");
    if (manifests && manifests.length > 0) issues.push({ name: "DirAvailable--etc-kubernetes-manifests", message: "/etc/kubernetes/manifests is not empty" });
    const images = importedImages(machine);
    for (const image of requiredImages(cluster.version, cluster.imageRepository)) {
      if (cluster.etcd.mode === "external" && image.includes("/etcd:")) continue;
      if (!imagePresent(images, image, /kube-(apiserver|controller-manager|scheduler|proxy):/.test(image))) {
        issues.push({ name: "ImagePull", message: `failed to pull image ${image}: dial tcp: lookup registry.k8s.io: no such host` });
      }
    }
  }
  return issues;
}

function checkNameFree(cluster: KubeCluster, nodeName: string): void {
  const existing = cluster.nodes.get(nodeName);
  if (existing && cluster.store.get("v1", "Node", nodeName) && isNodeReady(existing, cluster)) {
    throw phaseFailure("kubelet-start", `a Node with name "${nodeName}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`);
  }
}

function checkCertificateKey(ctx: KubeToolsContext, cluster: KubeCluster, key: string | undefined): void {
  if (!cluster.controlPlaneEndpoint) {
    throw phaseFailure("preflight", "\nOne or more conditions for hosting a new control plane instance is not satisfied.\n\nunable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address\n\nPlease ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n");
  }
  const uploaded = cluster.certificateKey;
  if (!uploaded || ctx.env.clock.now() >= uploaded.expiresAt) {
    throw phaseFailure("control-plane-prepare/download-certs", 'error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one');
  }
  if (!key || key !== uploaded.key) {
    throw phaseFailure("control-plane-prepare/download-certs", "error downloading certs: error decoding certs: error decrypting data: cipher: message authentication failed");
  }
  checkDownloadableCerts(cluster, uploaded.certs);
}

async function joinControlPlane(machine: NodeMachine, io: CommandIO, cluster: KubeCluster, p: JoinPlan): Promise<ControlPlaneMember> {
  const kubeadm = kubeadmVersionOf(io);
  io.stdout('[control-plane-prepare] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[download-certs] Saving the certificates to the folder: "/etc/kubernetes/pki"\n[certs] Using certificateDir folder "/etc/kubernetes/pki"\n');
  const sans = apiServerSans(cluster, p.nodeName, p.advertiseAddress);
  const serverTls = await issueCertificate(cluster.ca, { commonName: "kube-apiserver", dnsNames: sans.dnsNames, ips: sans.ips, usage: "server", now: machine.clock.now() });
  io.stdout(`[certs] Generating "apiserver" certificate and key\n[certs] apiserver serving cert is signed for DNS names [${sans.dnsNames.join(" ")}] and IPs [${sans.ips.join(" ")}]\n[certs] Valid certificates and keys now exist in "/etc/kubernetes/pki"\n[kubeconfig] Generating kubeconfig files\n`);
  await writeControlPlaneFiles(machine, cluster, { nodeName: p.nodeName, advertiseAddress: p.advertiseAddress, kubeadmVersion: kubeadm, serverTls });
  const stacked = cluster.etcd.mode === "stacked";
  writeManifests(machine, cluster, p.advertiseAddress, cluster.version, stacked);
  const member: ControlPlaneMember = { nodeName: p.nodeName, vmId: machine.spec.vmId, version: cluster.version, serverTls };
  cluster.controlPlane.set(p.nodeName, member);
  if (cluster.etcd.mode === "stacked") {
    cluster.etcd.members.add(p.nodeName);
    io.stdout(`[check-etcd] Checking that the etcd cluster is healthy\n[etcd] Announced new etcd member joining to the existing etcd cluster\n[etcd] Creating static Pod manifest for "etcd"\n`);
  }
  return member;
}

export async function kubeadmJoin(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const p = plan(args, io, machine);
  const notRoot = requireRootFailure(io);
  if (notRoot && !p.ignored.some((i) => ["all", "isprivilegeduser"].includes(i.toLowerCase()))) throw notRoot;
  io.stdout("[preflight] Running pre-flight checks\n");
  const cluster = await discover(ctx, machine, io, p);
  const kubeadm = kubeadmVersionOf(io);
  const minimum = { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0 };
  if (compareVersions(cluster.version, minimum) < 0) {
    throw phaseFailure("preflight", `this version of kubeadm only supports deploying clusters with the control plane version >= ${formatVersion(minimum)}. Current version: ${formatVersion(cluster.version)}`);
  }
  const warnings = settlePreflight(preflightIssues(machine, cluster, p, { path: io.env.PATH ?? "", kubeadm }), p.ignored);
  for (const w of warnings) io.stderr(w + "\n");
  io.stdout("[preflight] Reading configuration from the cluster...\n[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  if (p.controlPlane) {
    checkCertificateKey(ctx, cluster, p.certificateKey);
    io.stdout("[preflight] Running pre-flight checks before initializing the new control plane instance\n");
  }
  checkNameFree(cluster, p.nodeName);
  await ctx.env.clock.sleep(p.controlPlane ? DURATIONS.controlPlaneJoin : DURATIONS.workerJoin, io.signal);
  if (p.controlPlane) await joinControlPlane(machine, io, cluster, p);
  else await writeKubeletConf(machine, cluster, p.nodeName);
  io.stdout('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n[kubelet-start] Starting the kubelet\n[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s\n');
  const previous = cluster.nodes.get(p.nodeName);
  const hadNodeObject = cluster.store.get("v1", "Node", p.nodeName) !== undefined;
  registerNode(cluster, {
    nodeName: p.nodeName,
    vmId: machine.spec.vmId,
    vmName: machine.spec.name,
    internalIp: p.controlPlane ? p.advertiseAddress : machine.spec.guestIp,
    controlPlane: p.controlPlane,
    kubeletRunning: false,
    kubeletVersion: installedVersion(machine, "kubelet", KUBELET_PATHS) ?? cluster.version,
    readyReached: false,
    generation: (previous?.generation ?? 0) + 1,
  });
  if (!(await restartKubelet(ctx, machine))) {
    // The Node object is the kubelet's own registration after its TLS bootstrap: a kubelet that never
    // started registered nothing (kubernetes/kubernetes pkg/kubelet/kubelet_node_status.go registerWithAPIServer).
    if (!hadNodeObject) {
      cluster.store.delete("v1", "Node", p.nodeName);
      reconcileCluster(cluster);
    }
    throw phaseFailure("kubelet-start", "failed while waiting for the kubelet to start: The HTTP call equal to 'curl -sSL http://127.0.0.1:10248/healthz' returned error: Get \"http://127.0.0.1:10248/healthz\": dial tcp 127.0.0.1:10248: connect: connection refused.");
  }
  io.stdout("[kubelet-check] The kubelet is healthy after 1.001s\n[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap\n");
  if (p.controlPlane) {
    io.stdout(
      `[mark-control-plane] Marking the node ${p.nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]\n[mark-control-plane] Marking the node ${p.nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n\nThis node has joined the cluster and a new control plane instance was created:\n\n* Certificate signing request was sent to apiserver and approval was received.\n* The Kubelet was informed of the new secure connection details.\n* Control plane label and taint were applied to the new node.\n* The Kubernetes control plane instances scaled up.\n* A new etcd member was added to the local/stacked etcd cluster.\n\nTo start administering your cluster from this node, you need to run the following as a regular user:\n\n\tmkdir -p $HOME/.kube\n\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\nRun 'kubectl get nodes' to see this node join the cluster.\n\n`,
    );
  } else {
    io.stdout("\nThis node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response was received.\n* The Kubelet was informed of the new secure connection details.\n\nRun 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n");
  }
  return 0;
}
