// End-to-end helpers: build a kubeadm cluster on the simulator by hand, exactly as an operator would on
// real VMs — CloudStack API calls for the infrastructure (through the provider's CloudStack client),
// then SSH to each node for the ISO install, `kubeadm init` and `kubeadm join`. As on a stock Debian
// image, /opt/bin is on no PATH and sudo's secure_path lacks it: kubeadm runs as `sudo env PATH=... kubeadm`.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { utils } from "ssh2";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { CloudStackClient } from "../../provider/cloudstack";
import { SEED_IDS, startSimulator, type Simulator, type SimulatorOptions } from "../../simulator";
import { SimSshClient } from "./sim-ssh";

/** Scale of simulated time: a realistic ~4 minute bootstrap runs in a few seconds. */
export const E2E_TIME_SCALE = 0.01;

export interface TestKeyPair {
  /** "ssh-ed25519 AAAA... comment" */
  publicKey: string;
  /** OpenSSH private key; test-only, never printed. */
  privateKey: string;
}

/**
 * A fresh ed25519 key pair. ssh2 1.17's generateKeyPairSync now and then (about 1 in 300) emits a key
 * whose 32-byte public half lost a leading zero byte, which ssh2 itself then refuses to parse
 * ("Malformed OpenSSH private key"); draw again until both halves parse.
 */
export function generateKey(comment: string): TestKeyPair {
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519", { comment });
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) {
      return { publicKey: pair.public.trim(), privateKey: pair.private };
    }
  }
}

/** The #cloud-config an operator would write: user `cloud` with passwordless sudo and the key. */
export function cloudUserConfig(publicKey: string): string {
  return [
    "#cloud-config",
    "users:",
    "  - name: cloud",
    "    sudo: ALL=(ALL) NOPASSWD:ALL",
    "    shell: /bin/bash",
    "    groups: [sudo]",
    "    ssh_authorized_keys:",
    `      - ${publicKey}`,
    "",
  ].join("\n");
}

export async function startE2eSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  // strict: the project's own tests refuse any parameter CloudStack does not declare.
  return startSimulator({ timeScale: E2E_TIME_SCALE, randomSeed: Math.floor(Math.random() * 1e9), strict: true, ...options });
}

export function clientFor(sim: Simulator): CloudStackClient {
  return new CloudStackClient({ apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey, asyncPollMs: 20 });
}

async function waitFor<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>, pollMs = 25): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** registerIso with the sha256 checksum, then wait until CloudStack reports it Ready. */
export async function registerBinariesIso(sim: Simulator, client: CloudStackClient, version = sim.isos[0]?.version): Promise<{ id: string; version: string }> {
  const entry = sim.isos.find((i) => i.version === version);
  if (!entry) throw new Error(`the simulator serves no binaries ISO for ${String(version)}`);
  const iso = await client.registerIso({
    name: `kubernetes-${entry.version}`,
    displaytext: `Kubernetes binaries ${entry.version}`,
    url: entry.url,
    zoneid: SEED_IDS.zone,
    checksum: `{SHA-256}${entry.sha256}`,
    bootable: false,
  });
  await waitFor(`ISO ${iso.id} to be Ready`, 20_000, async () => {
    const [live] = await client.listIsos({ id: iso.id, isofilter: "self" });
    if (live?.status && /fail/i.test(live.status)) throw new Error(`ISO download failed: ${live.status}`);
    return live?.isready ? live : undefined;
  });
  return { id: iso.id, version: entry.version };
}

export interface E2eNode {
  vmId: string;
  name: string;
  guestIp: string;
  /** Public port forwarded to the node's port 22. */
  sshPort: number;
}

export interface E2eInfra {
  sim: Simulator;
  client: CloudStackClient;
  iso: { id: string; version: string };
  networkId: string;
  publicIp: { id: string; address: string };
  key: TestKeyPair;
  keyPairName: string;
  nodes: E2eNode[];
}

export interface ProvisionOptions {
  count?: number;
  namePrefix?: string;
  /** Cloud-config text (plain); defaults to cloudUserConfig(key). */
  userData?: (key: TestKeyPair) => string;
  /** The key registered as the deploy keypair; defaults to the generated cluster key. */
  deployKey?: TestKeyPair;
  /** First public SSH port (2222 → node 0, 2223 → node 1, ...). */
  firstSshPort?: number;
  attachIso?: boolean;
}

/**
 * ISO, isolated network (DefaultNetworkOfferingforKubernetesService), keypair, N Medium VMs with the
 * keypair and #cloud-config userdata, a public IP, port forwards 2222.. → 22 and an LB 6443 → 6443
 * on the first (control) VM, and the ISO attached to every VM.
 */
export async function provisionInfra(sim: Simulator, options: ProvisionOptions = {}): Promise<E2eInfra> {
  const client = clientFor(sim);
  const count = options.count ?? 3;
  const prefix = options.namePrefix ?? "e2e";
  const key = generateKey(`${prefix}@e2e`);
  const deployKey = options.deployKey ?? key;
  const firstSshPort = options.firstSshPort ?? 2222;

  const iso = await registerBinariesIso(sim, client);
  const [offering] = await client.listNetworkOfferings({ name: "DefaultNetworkOfferingforKubernetesService" });
  if (!offering) throw new Error("no DefaultNetworkOfferingforKubernetesService in the seed");
  const network = await client.createNetwork({ name: `${prefix}-net`, displaytext: `${prefix} network`, networkofferingid: offering.id, zoneid: SEED_IDS.zone });
  const keyPairName = `${prefix}-key`;
  await client.registerSSHKeyPair({ name: keyPairName, publickey: deployKey.publicKey });
  const renderUserData = options.userData ?? ((k: TestKeyPair): string => cloudUserConfig(k.publicKey));
  const userData = Buffer.from(renderUserData(key)).toString("base64");

  const vms = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.deployVirtualMachine({
        zoneid: SEED_IDS.zone,
        serviceofferingid: SEED_IDS.offerings.medium,
        templateid: SEED_IDS.templates.debianCks,
        networkids: network.id,
        name: `${prefix}-node-${i + 1}`,
        displayname: `${prefix}-node-${i + 1}`,
        keypair: keyPairName,
        userdata: userData,
      }),
    ),
  );
  const publicIp = await client.associateIpAddress({ networkid: network.id });
  const nodes: E2eNode[] = [];
  for (const [i, vm] of vms.entries()) {
    const guestIp = vm.nic?.[0]?.ipaddress;
    if (typeof guestIp !== "string") throw new Error(`VM ${vm.name} has no guest IP`);
    await client.createPortForwardingRule({
      ipaddressid: publicIp.id,
      privateport: 22,
      publicport: firstSshPort + i,
      protocol: "tcp",
      virtualmachineid: vm.id,
      openfirewall: true,
    });
    nodes.push({ vmId: vm.id, name: String(vm.name), guestIp, sshPort: firstSshPort + i });
  }
  const lb = await client.createLoadBalancerRule({
    name: `${prefix}-api`,
    algorithm: "roundrobin",
    privateport: 6443,
    publicport: 6443,
    publicipid: publicIp.id,
    networkid: network.id,
    openfirewall: true,
  });
  await client.assignToLoadBalancerRule({ id: lb.id, virtualmachineids: [nodes[0].vmId] });
  if (options.attachIso ?? true) await Promise.all(nodes.map((n) => client.attachIso({ id: iso.id, virtualmachineid: n.vmId })));
  return { sim, client, iso, networkId: network.id, publicIp: { id: publicIp.id, address: String(publicIp.ipaddress) }, key, keyPairName, nodes };
}

/** SSH to a node through its port forward on the public IP, as `cloud` with the cluster key by default. */
export function sshTo(infra: E2eInfra, node: E2eNode, login: { username?: string; privateKey?: string } = {}): Promise<SimSshClient> {
  return SimSshClient.connectWithRetry(
    { host: infra.publicIp.address, port: node.sshPort, username: login.username ?? "cloud", privateKey: login.privateKey ?? infra.key.privateKey },
    20_000,
  );
}

/** manifest.json as docs/binaries-iso.md defines it (only what the install needs). */
export const ManifestSchema = z.object({
  kubernetesVersion: z.string(),
  arch: z.string(),
  files: z.object({
    kubeadm: z.string(),
    kubelet: z.string(),
    kubectl: z.string(),
    cniPlugins: z.string(),
    crictl: z.string(),
    kubeletService: z.string(),
    kubeadmDropIn: z.string(),
    networkManifest: z.string(),
    dashboardManifest: z.string(),
    etcd: z.string().optional(),
  }),
  images: z.array(z.object({ name: z.string(), file: z.string() })),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const MOUNT_POINT = "/mnt/k8sdisk";

function pauseImage(manifest: Manifest): string {
  const pause = manifest.images.find((i) => /\/pause:[^/]+$/.test(i.name));
  if (!pause) throw new Error("the ISO manifest names no pause image");
  return pause.name;
}

/** Wait for cloud-init, find and mount the CD-ROM, install everything the manifest names, start the kubelet. */
export async function installFromIso(ssh: SimSshClient): Promise<Manifest> {
  await ssh.run("cloud-init status --wait", { timeoutMs: 30_000 });
  const device = (await ssh.run("sudo blkid -o device -t LABEL=CDROM")).trim();
  if (device === "") throw new Error(`${ssh.label}: no CD-ROM device`);
  await ssh.run(`sudo mkdir -p ${MOUNT_POINT}`);
  await ssh.run(`sudo mount -o ro ${device} ${MOUNT_POINT}`);
  const manifest = ManifestSchema.parse(JSON.parse(await ssh.run(`cat ${MOUNT_POINT}/manifest.json`)));
  const f = manifest.files;
  const at = (p: string): string => `${MOUNT_POINT}/${p}`;
  const steps = [
    // kubeadm's prerequisites (install-kubeadm docs; preflight FileContent--proc-sys-net-ipv4-ip_forward,
    // and up to kubeadm 1.29 FileContent--proc-sys-net-bridge-bridge-nf-call-iptables).
    "sudo modprobe br_netfilter",
    "sudo sysctl -w net.ipv4.ip_forward=1",
    "sudo mkdir -p /opt/bin /opt/cni/bin /etc/systemd/system/kubelet.service.d",
    `sudo tar -xzf ${at(f.cniPlugins)} -C /opt/cni/bin`,
    `sudo tar -xzf ${at(f.crictl)} -C /opt/bin`,
    `sudo install -m 0755 ${at(f.kubeadm)} ${at(f.kubelet)} ${at(f.kubectl)} /opt/bin/`,
    `sudo install -m 0644 ${at(f.kubeletService)} /etc/systemd/system/kubelet.service`,
    `sudo install -m 0644 ${at(f.kubeadmDropIn)} /etc/systemd/system/kubelet.service.d/10-kubeadm.conf`,
    ...manifest.images.map((img) => `sudo ctr -n k8s.io images import ${at(img.file)}`),
    // The packaged config disables CRI, and containerd's default sandbox (pause 3.8 on 1.7) is not on
    // the ISO: pods could not start offline. Pin the ISO's pause image, as CKS's setup-kube-system does.
    "sudo sh -c 'containerd config default > /etc/containerd/config.toml'",
    `sudo sed -i 's#^\\([[:space:]]*sandbox_image = \\).*#\\1"${pauseImage(manifest)}"#' /etc/containerd/config.toml`,
    "sudo systemctl restart containerd",
    "sudo mkdir -p /etc/kubernetes/cks",
    `sudo install -m 0644 ${at(f.networkManifest)} ${at(f.dashboardManifest)} /etc/kubernetes/cks/`,
    "sudo systemctl daemon-reload",
    "sudo systemctl enable --now kubelet",
    `sudo umount ${MOUNT_POINT}`,
  ];
  for (const step of steps) await ssh.run(step);
  return manifest;
}

export interface BootstrappedCluster {
  infra: E2eInfra;
  manifest: Manifest;
  joinCommand: string;
  /** admin.conf with its server rewritten to https://<publicIp>:6443, written to a 0600 temp file. */
  kubeconfigPath: string;
  adminConf: string;
  /** Open sessions, node order as infra.nodes. */
  sessions: SimSshClient[];
  cleanup(): Promise<void>;
}

/**
 * `kubeadm init` on node 0, join `workers` of the others (default all) as workers, apply the ISO's
 * network manifest, fetch admin.conf. Nodes left out are installed but not joined (for join tests).
 */
export async function bootstrapCluster(infra: E2eInfra, options: { workers?: number } = {}): Promise<BootstrappedCluster> {
  const sessions = await Promise.all(infra.nodes.map((n) => sshTo(infra, n)));
  const manifests = await Promise.all(sessions.map((s) => installFromIso(s)));
  const control = sessions[0];
  const endpoint = `${infra.publicIp.address}:6443`;
  await control.run(
    `sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin kubeadm init --control-plane-endpoint ${endpoint} --apiserver-cert-extra-sans ${infra.publicIp.address} --upload-certs --pod-network-cidr 10.244.0.0/16`,
    { timeoutMs: 30_000 },
  );
  const joinCommand = (await control.run("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin kubeadm token create --print-join-command")).trim();
  const workers = sessions.slice(1, 1 + (options.workers ?? sessions.length - 1));
  await Promise.all(workers.map((s) => s.run(`sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${joinCommand}`, { timeoutMs: 30_000 })));
  await control.run("sudo /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /etc/kubernetes/cks/network.yaml");
  const adminConf = await control.run("sudo cat /etc/kubernetes/admin.conf");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-e2e-kubeconfig-"));
  const kubeconfigPath = path.join(dir, "config");
  fs.writeFileSync(kubeconfigPath, withServer(adminConf, `https://${endpoint}`), { mode: 0o600 });
  return {
    infra,
    manifest: manifests[0],
    joinCommand,
    kubeconfigPath,
    adminConf,
    sessions,
    async cleanup() {
      for (const s of sessions) s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const KubeconfigSchema = z.object({
  clusters: z.array(z.object({ name: z.string(), cluster: z.record(z.string(), z.unknown()) })).min(1),
}).loose();

/** The kubeconfig with every cluster's server replaced (what an operator does with sed). */
export function withServer(kubeconfig: string, server: string): string {
  const doc = KubeconfigSchema.parse(parseYaml(kubeconfig));
  for (const c of doc.clusters) c.cluster.server = server;
  return stringifyYaml(doc);
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real kubectl (override with $KUBECTL). */
export const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

/** Run the real kubectl against a kubeconfig file; a later --request-timeout in args overrides the default. */
export function kubectl(kubeconfigPath: string, args: string[], timeoutMs = 20_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ["--kubeconfig", kubeconfigPath, "--request-timeout=10s", ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const NodeListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
      status: z.object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() }).optional(),
    }),
  ),
});

export interface NodeReadiness {
  name: string;
  ready: boolean;
  controlPlane: boolean;
}

export async function kubectlNodes(kubeconfigPath: string): Promise<NodeReadiness[]> {
  const r = await kubectl(kubeconfigPath, ["get", "nodes", "-o", "json"]);
  if (r.code !== 0) throw new Error(`kubectl get nodes failed (${r.code}): ${r.stderr.trim()}`);
  return NodeListSchema.parse(JSON.parse(r.stdout)).items.map((n) => ({
    name: n.metadata.name,
    ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    controlPlane: n.metadata.labels?.["node-role.kubernetes.io/control-plane"] !== undefined,
  }));
}

/** Poll `kubectl get nodes -o json` through the public endpoint until `count` nodes are Ready. */
export function waitForReadyNodes(kubeconfigPath: string, count: number, deadlineMs = 30_000): Promise<NodeReadiness[]> {
  return waitFor(
    `${count} Ready nodes`,
    deadlineMs,
    async () => {
      const nodes = await kubectlNodes(kubeconfigPath).catch(() => []);
      return nodes.length === count && nodes.every((n) => n.ready) ? nodes : undefined;
    },
    200,
  );
}
