// `kubeadm init`: flags or --config, preflight, a new cluster model with real PKI, files on the
// node, the kubelet and this node's API server, and the output kubeadm prints (join commands last).
import { randomUUID } from "crypto";
import type { CommandIO, NodeMachine } from "../types";
import { KubeCluster, type ControlPlaneMember, type EtcdTopology } from "./cluster";
import { createInitialObjects, storeTokenSecret } from "./clusterObjects";
import { DURATIONS, LIFETIMES, type KubeToolsContext } from "./context";
import { certsToTransfer, kubeadmCertsData } from "./copyCerts";
import { etcdValidationMessage, validateEtcd } from "./kubeadmEtcdValidation";
import { CommandFailure, phaseFailure } from "./failure";
import { flagArray, flagBool, flagString, parseFlags, parseGoDuration, type FlagSpecs } from "./flags";
import { KubeadmConfigError, loadInitConfiguration, type KubeadmConfigDocs } from "./kubeadmConfig";
import { certificateKeyProblem } from "./kubeadmConfigValidate";
import { rejectMixedConfig } from "./kubeadmMixedArgs";
import { generateCertificateKey, generateToken, joinCommand, kubeadmVersionOf, newBootstrapToken, readConfigFile, requireRootFailure } from "./kubeadmShared";
import { kubeadmInitPhase } from "./kubeadmUploadCerts";
import { registerNode } from "./lifecycle";
import { initPreflight } from "./initPreflight";
import { splitHostPort } from "./locate";
import { KUBELET_PATHS, installedVersion } from "./nodeFacts";
import { apiServerSans, writeControlPlaneFiles, writeManifests } from "./nodeFiles";
import { createCa, createKeyPair, issueCertificate } from "./pki";
import { restartKubelet } from "./services";
import { compareVersions, formatVersion, parseKubeVersion, type KubeVersion } from "./versions";

export const INIT_FLAGS: FlagSpecs = {
  config: { kind: "string" },
  token: { kind: "string" },
  "token-ttl": { kind: "string" },
  "control-plane-endpoint": { kind: "string" },
  "upload-certs": { kind: "bool" },
  "certificate-key": { kind: "string" },
  "apiserver-cert-extra-sans": { kind: "array" },
  "apiserver-advertise-address": { kind: "string" },
  "apiserver-bind-port": { kind: "string" },
  "kubernetes-version": { kind: "string" },
  "cri-socket": { kind: "string" },
  "pod-network-cidr": { kind: "string" },
  "service-cidr": { kind: "string" },
  "service-dns-domain": { kind: "string" },
  "node-name": { kind: "string" },
  "image-repository": { kind: "string" },
  "ignore-preflight-errors": { kind: "array" },
  "skip-phases": { kind: "array" },
  "skip-token-print": { kind: "bool" },
  "skip-certificate-key-print": { kind: "bool" },
  "dry-run": { kind: "bool" },
  "feature-gates": { kind: "string" },
  "cert-dir": { kind: "string" },
  patches: { kind: "string" },
  rootfs: { kind: "string" },
  v: { kind: "string", short: "v" },
};

export interface InitPlan {
  kubeadm: KubeVersion;
  version: KubeVersion;
  nodeName: string;
  advertiseAddress: string;
  bindPort: number;
  controlPlaneEndpoint?: string;
  certSans: string[];
  podSubnet?: string;
  serviceSubnet: string;
  imageRepository: string;
  token: string;
  tokenTtlMs: number;
  uploadCerts: boolean;
  certificateKey?: string;
  etcd: EtcdTopology;
  ignored: string[];
  kubeadmApiVersion: string;
  warnings: string[];
  skipPhases: string[];
}

function withPort(endpoint: string, port: number): string {
  const parsed = splitHostPort(endpoint);
  if (!parsed) throw new CommandFailure(`invalid value "${endpoint}" given for controlPlaneEndpoint`);
  return /:\d+$/.test(endpoint) && !endpoint.endsWith("]") ? endpoint : `${endpoint}:${port}`;
}

function plan(args: string[], io: CommandIO, machine: NodeMachine): InitPlan {
  const flags = parseFlags(args, INIT_FLAGS);
  const kubeadm = kubeadmVersionOf(io);
  rejectMixedConfig(flags.values, kubeadm);
  let docs: KubeadmConfigDocs = { apiVersion: "", warnings: [] };
  const configPath = flagString(flags, "config");
  if (configPath) {
    try {
      docs = loadInitConfiguration(readConfigFile(machine, io, configPath), kubeadm);
    } catch (err) {
      if (err instanceof KubeadmConfigError) throw new CommandFailure(err.message, err.exitCode);
      throw err;
    }
  }
  const init = docs.init;
  const cc = docs.cluster;
  const versionText = flagString(flags, "kubernetes-version") ?? cc?.kubernetesVersion ?? formatVersion(kubeadm);
  const version = parseKubeVersion(versionText.replace(/^stable(-\d+(\.\d+)?)?$/, formatVersion(kubeadm)));
  if (!version) throw new CommandFailure(`couldn't parse Kubernetes version "${versionText}"`);
  const minimum = { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0 };
  if (compareVersions(version, minimum) < 0) {
    throw new CommandFailure(`this version of kubeadm only supports deploying clusters with the control plane version >= ${formatVersion(minimum)}. Current version: ${formatVersion(version)}`);
  }
  const bindPort = Number(flagString(flags, "apiserver-bind-port") ?? init?.localAPIEndpoint?.bindPort ?? 6443);
  const endpointText = flagString(flags, "control-plane-endpoint") ?? cc?.controlPlaneEndpoint;
  const ttlText = flagString(flags, "token-ttl") ?? init?.bootstrapTokens?.[0]?.ttl ?? "24h0m0s";
  const tokenTtlMs = parseGoDuration(ttlText);
  if (tokenTtlMs === undefined) throw new CommandFailure(`invalid argument "${ttlText}" for "--token-ttl" flag: time: invalid duration "${ttlText}"`);
  const certificateKey = flagString(flags, "certificate-key") ?? init?.certificateKey;
  // --certificate-key lands in InitConfiguration.CertificateKey and meets ValidateCertificateKey (exit 3).
  const keyProblem = certificateKeyProblem(certificateKey ?? "");
  if (keyProblem) throw new CommandFailure(`certificateKey: Invalid value: "<hidden>": ${keyProblem}`, 3);
  const etcdInvalid = etcdValidationMessage(validateEtcd(cc?.etcd));
  if (etcdInvalid) throw new CommandFailure(etcdInvalid);
  const external = cc?.etcd?.external;
  return {
    kubeadm,
    version,
    nodeName: (flagString(flags, "node-name") ?? init?.nodeRegistration?.name ?? machine.hostname).toLowerCase(),
    advertiseAddress: flagString(flags, "apiserver-advertise-address") ?? init?.localAPIEndpoint?.advertiseAddress ?? machine.spec.guestIp,
    bindPort,
    controlPlaneEndpoint: endpointText ? withPort(endpointText, bindPort) : undefined,
    certSans: [...flagArray(flags, "apiserver-cert-extra-sans"), ...(cc?.apiServer?.certSANs ?? [])],
    podSubnet: flagString(flags, "pod-network-cidr") ?? cc?.networking?.podSubnet,
    serviceSubnet: flagString(flags, "service-cidr") ?? cc?.networking?.serviceSubnet ?? "10.96.0.0/12",
    imageRepository: flagString(flags, "image-repository") ?? cc?.imageRepository ?? "registry.k8s.io",
    token: flagString(flags, "token") ?? init?.bootstrapTokens?.[0]?.token ?? generateToken(),
    tokenTtlMs,
    uploadCerts: flagBool(flags, "upload-certs"),
    certificateKey,
    etcd: external ? { mode: "external", endpoints: external.endpoints } : { mode: "stacked", members: new Set() },
    ignored: [...flagArray(flags, "ignore-preflight-errors"), ...(init?.nodeRegistration?.ignorePreflightErrors ?? [])],
    skipPhases: [...flagArray(flags, "skip-phases"), ...(init?.skipPhases ?? [])],
    kubeadmApiVersion: docs.apiVersion || (kubeadm.minor >= 31 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3"),
    warnings: docs.warnings,
  };
}

function successText(cluster: KubeCluster, p: InitPlan, certificateKey: string | undefined): string {
  const lines = [
    "",
    "Your Kubernetes control-plane has initialized successfully!",
    "",
    "To start using your cluster, you need to run the following as a regular user:",
    "",
    "  mkdir -p $HOME/.kube",
    "  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config",
    "  sudo chown $(id -u):$(id -g) $HOME/.kube/config",
    "",
    "Alternatively, if you are the root user, you can run:",
    "",
    "  export KUBECONFIG=/etc/kubernetes/admin.conf",
    "",
    "You should now deploy a pod network to the cluster.",
    'Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:',
    "  https://kubernetes.io/docs/concepts/cluster-administration/addons/",
    "",
  ];
  if (cluster.controlPlaneEndpoint) {
    lines.push(
      "You can now join any number of control-plane nodes running the following command on each as root:",
      "",
      `  ${joinCommand(cluster, p.token, certificateKey ?? "", true)}`,
      "",
    );
    if (certificateKey) {
      lines.push(
        "Please note that the certificate-key gives access to cluster sensitive data, keep it secret!",
        'As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use',
        '"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.',
        "",
      );
    }
    lines.push("Then you can join any number of worker nodes by running the following on each as root:", "", `${joinCommand(cluster, p.token, undefined, true)} `);
  } else {
    lines.push("Then you can join any number of worker nodes by running the following on each as root:", "", `${joinCommand(cluster, p.token, undefined, true)} `);
  }
  return lines.join("\n") + "\n";
}

export async function kubeadmInit(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  if (args[0] === "phase") return kubeadmInitPhase(ctx, args.slice(1), io, machine);
  const p = plan(args, io, machine);
  const notRoot = requireRootFailure(io);
  if (notRoot && !p.ignored.some((i) => ["all", "isprivilegeduser"].includes(i.toLowerCase()))) throw notRoot;
  for (const w of p.warnings) io.stderr(w + "\n");
  io.stdout(`[init] Using Kubernetes version: ${formatVersion(p.version)}\n[preflight] Running pre-flight checks\n`);
  const warnings = await initPreflight(ctx, machine, p, io.env.PATH ?? "");
  for (const w of warnings) io.stderr(w + "\n");
  io.stdout("[preflight] Pulling images required for setting up a Kubernetes cluster\n[preflight] This might take a minute or two, depending on the speed of your internet connection\n[preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n");

  // PKI and the cluster model.
  const ca = await createCa("kubernetes", 10, machine.clock.now());
  const cluster = new KubeCluster({
    id: randomUUID(),
    version: p.version,
    ca,
    controlPlaneEndpoint: p.controlPlaneEndpoint,
    advertiseEndpoint: `${p.advertiseAddress}:${p.bindPort}`,
    certSans: p.certSans,
    podSubnet: p.podSubnet,
    serviceSubnet: p.serviceSubnet,
    etcd: p.etcd,
    imageRepository: p.imageRepository,
    sharedPki: { serviceAccount: await createKeyPair(), frontProxyCa: await createCa("front-proxy-ca", 10, machine.clock.now()) },
  });
  cluster.clockNow = () => machine.clock.now();
  const sans = apiServerSans(cluster, p.nodeName, p.advertiseAddress);
  const serverTls = await issueCertificate(ca, { commonName: "kube-apiserver", dnsNames: sans.dnsNames, ips: sans.ips, usage: "server", now: machine.clock.now() });
  io.stdout(
    `[certs] Using certificateDir folder "/etc/kubernetes/pki"\n[certs] Generating "ca" certificate and key\n[certs] Generating "apiserver" certificate and key\n[certs] apiserver serving cert is signed for DNS names [${sans.dnsNames.join(" ")}] and IPs [${sans.ips.join(" ")}]\n[certs] Generating "apiserver-kubelet-client" certificate and key\n[certs] Generating "front-proxy-ca" certificate and key\n[certs] Generating "front-proxy-client" certificate and key\n`,
  );
  if (p.etcd.mode === "external") io.stdout("[certs] External etcd mode: Skipping etcd/ca certificate authority generation\n");
  io.stdout('[certs] Generating "sa" key and public key\n[kubeconfig] Using kubeconfig folder "/etc/kubernetes"\n');
  await writeControlPlaneFiles(machine, cluster, { nodeName: p.nodeName, advertiseAddress: p.advertiseAddress, kubeadmVersion: p.kubeadm, serverTls });
  const confs = ["admin.conf", ...(p.kubeadm.minor >= 29 ? ["super-admin.conf"] : []), "kubelet.conf", "controller-manager.conf", "scheduler.conf"];
  for (const c of confs) io.stdout(`[kubeconfig] Writing "${c}" kubeconfig file\n`);
  writeManifests(machine, cluster, p.advertiseAddress, p.version, p.etcd.mode === "stacked");
  if (p.etcd.mode === "stacked") io.stdout('[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"\n');
  io.stdout('[control-plane] Using manifest folder "/etc/kubernetes/manifests"\n[control-plane] Creating static Pod manifest for "kube-apiserver"\n[control-plane] Creating static Pod manifest for "kube-controller-manager"\n[control-plane] Creating static Pod manifest for "kube-scheduler"\n');
  io.stdout('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n[kubelet-start] Starting the kubelet\n');

  ctx.registry.add(cluster);
  createInitialObjects(cluster, p.kubeadmApiVersion, {
    kubeProxy: !p.skipPhases.some((s) => s === "addon/kube-proxy" || s === "addon/all" || s === "addon"),
    coreDns: !p.skipPhases.some((s) => s === "addon/coredns" || s === "addon/all" || s === "addon"),
  });
  const member: ControlPlaneMember = { nodeName: p.nodeName, vmId: machine.spec.vmId, version: p.version, serverTls };
  cluster.controlPlane.set(p.nodeName, member);
  if (p.etcd.mode === "stacked") p.etcd.members.add(p.nodeName);
  registerNode(cluster, {
    nodeName: p.nodeName,
    vmId: machine.spec.vmId,
    vmName: machine.spec.name,
    internalIp: p.advertiseAddress,
    controlPlane: true,
    kubeletRunning: false,
    kubeletVersion: installedVersion(machine, "kubelet", KUBELET_PATHS) ?? p.version,
    readyReached: false,
    generation: 0,
  });
  io.stdout('[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"\n[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s\n');
  await ctx.env.clock.sleep(DURATIONS.init, io.signal);
  if (!(await restartKubelet(ctx, machine))) {
    io.stdout("[kubelet-check] The kubelet is not healthy after 4m0.000s\n\nUnfortunately, an error has occurred, likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n\nIf you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:\n\t- 'systemctl status kubelet'\n\t- 'journalctl -xeu kubelet'\n");
    throw phaseFailure("wait-control-plane", "failed while waiting for the kubelet to start: The HTTP call equal to 'curl -sSL http://127.0.0.1:10248/healthz' returned error: Get \"http://127.0.0.1:10248/healthz\": dial tcp 127.0.0.1:10248: connect: connection refused.");
  }
  io.stdout("[kubelet-check] The kubelet is healthy after 1.001s\n[api-check] Waiting for a healthy API server. This can take up to 4m0s\n");
  if (!member.api) {
    // The kubelet runs, but the kube-apiserver static pod never did (no pod sandbox: podSandbox.ts), so
    // kubeadm's WaitForAPI polls /healthz until its timeout (kubernetes cmd/kubeadm/app/util/apiclient/
    // wait.go WaitForAPI; cmd/kubeadm/app/cmd/phases/init/waitcontrolplane.go).
    await ctx.env.clock.sleep(DURATIONS.init, io.signal);
    io.stdout(`[api-check] The API server is not healthy after 4m0.000s\n\nUnfortunately, an error has occurred:\n\tcontext deadline exceeded\n\nThis error is likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n\nIf you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:\n\t- 'systemctl status kubelet'\n\t- 'journalctl -xeu kubelet'\n\nAdditionally, a control plane component may have crashed or exited when started by the container runtime.\nTo troubleshoot, list all containers using your preferred container runtimes CLI.\nHere is one example how you may list all running Kubernetes containers by using crictl:\n\t- 'crictl --runtime-endpoint unix:///var/run/containerd/containerd.sock ps -a | grep kube | grep -v pause'\n\tOnce you have found the failing container, you can inspect its logs with:\n\t- 'crictl --runtime-endpoint unix:///var/run/containerd/containerd.sock logs CONTAINERID'\n`);
    throw phaseFailure("wait-control-plane", p.kubeadm.minor >= 30 ? "could not initialize a Kubernetes cluster" : "couldn't initialize a Kubernetes cluster");
  }
  io.stdout("[api-check] The API server is healthy after 5.501s\n");
  io.stdout('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster\n');

  let certificateKey: string | undefined;
  if (p.uploadCerts) {
    certificateKey = p.certificateKey ?? generateCertificateKey();
    cluster.certificateKey = { key: certificateKey, expiresAt: ctx.env.clock.now() + LIFETIMES.certificateKey, certs: certsToTransfer(p.etcd.mode) };
    cluster.store.upsert({ apiVersion: "v1", kind: "Secret", metadata: { name: "kubeadm-certs", namespace: "kube-system" }, type: "Opaque", data: kubeadmCertsData(p.etcd.mode) });
    io.stdout(`[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${certificateKey}\n`);
  } else {
    io.stdout("[upload-certs] Skipping phase. Please see --upload-certs\n");
  }
  io.stdout(`[mark-control-plane] Marking the node ${p.nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]\n[mark-control-plane] Marking the node ${p.nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n`);
  const token = newBootstrapToken(p.token, p.tokenTtlMs, ctx.env.clock.now(), "The default bootstrap token generated by 'kubeadm init'.");
  cluster.tokens.set(token.id, token);
  storeTokenSecret(cluster, token);
  io.stdout(`[bootstrap-token] Using token: ${p.token}\n[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles\n[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace\n[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key\n`);
  if (!p.skipPhases.some((s) => s.startsWith("addon"))) io.stdout("[addons] Applied essential addon: CoreDNS\n[addons] Applied essential addon: kube-proxy\n");
  io.stdout(successText(cluster, p, certificateKey));
  return 0;
}
