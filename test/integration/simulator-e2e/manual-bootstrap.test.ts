// An operator bootstraps a kubeadm cluster by hand on simulated VMs: CloudStack API calls for the
// infrastructure, SSH through the port forwards for the ISO install, kubeadm init / join and the CNI,
// then the real kubectl through the load-balanced public endpoint.
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import type { Simulator } from "../../../simulator";
import {
  bootstrapCluster,
  kubectl,
  provisionInfra,
  startE2eSimulator,
  waitForReadyNodes,
  type BootstrappedCluster,
} from "../../helpers/sim-cluster";

let sim: Simulator;
let cluster: BootstrappedCluster;

beforeAll(async () => {
  sim = await startE2eSimulator();
  const infra = await provisionInfra(sim);
  cluster = await bootstrapCluster(infra);
}, 60_000);

afterAll(async () => {
  await cluster?.cleanup();
  await sim?.stop();
});

/** containerd lists images by their fully qualified reference (docker.io/library/... for short names). */
function normalizeImageRef(ref: string): string {
  const first = ref.split("/")[0];
  const hasDomain = ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasDomain) return ref;
  return ref.includes("/") ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

const nodeNames = (): string[] => cluster.infra.nodes.map((n) => n.name).sort();

test("the ISO install leaves every binary, unit and image the manifest names on each node", async () => {
  const version = cluster.infra.iso.version;
  expect(cluster.manifest.kubernetesVersion).toBe(version);
  for (const ssh of cluster.sessions) {
    expect((await ssh.run("/opt/bin/kubeadm version -o short")).trim()).toBe(`v${version}`);
    expect((await ssh.run("/opt/bin/kubelet --version")).trim()).toBe(`Kubernetes v${version}`);
    const images = (await ssh.run("sudo ctr -n k8s.io images ls -q")).trim().split("\n");
    for (const image of cluster.manifest.images) expect(images).toContain(normalizeImageRef(image.name));
    expect((await ssh.exec("test -x /opt/cni/bin/bridge && test -x /opt/bin/crictl")).code).toBe(0);
    expect((await ssh.exec("test -f /etc/systemd/system/kubelet.service.d/10-kubeadm.conf")).code).toBe(0);
    expect((await ssh.run("systemctl is-active kubelet")).trim()).toBe("active");
    expect((await ssh.run("systemctl is-enabled kubelet")).trim()).toBe("enabled");
    // The CD-ROM was unmounted at the end of the install.
    expect(await ssh.run("mount")).not.toContain("/mnt/k8sdisk");
  }
});

test("the real kubectl sees three Ready nodes through the public endpoint", async () => {
  const nodes = await waitForReadyNodes(cluster.kubeconfigPath, 3);
  expect(nodes.map((n) => n.name).sort()).toEqual(nodeNames());
  expect(nodes.filter((n) => n.controlPlane).map((n) => n.name)).toEqual([cluster.infra.nodes[0].name]);

  const plain = await kubectl(cluster.kubeconfigPath, ["get", "nodes"]);
  expect(plain.code).toBe(0);
  const rows = plain.stdout.trim().split("\n");
  expect(rows[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
  const table = rows.slice(1).map((r) => r.split(/\s+/));
  expect(table.map((r) => r[0]).sort()).toEqual(nodeNames());
  for (const r of table) {
    expect(r[1]).toBe("Ready");
    expect(r[4]).toBe(`v${cluster.infra.iso.version}`);
  }
});

test("the kubeconfig talks to the public IP, and kubectl version reports the ISO's version", async () => {
  const config = await kubectl(cluster.kubeconfigPath, ["config", "view", "-o", "jsonpath={.clusters[0].cluster.server}"]);
  expect(config.stdout).toBe(`https://${cluster.infra.publicIp.address}:6443`);
  const r = await kubectl(cluster.kubeconfigPath, ["version", "-o", "json"]);
  expect(r.code).toBe(0);
  const version = z.object({ serverVersion: z.object({ gitVersion: z.string(), major: z.string(), minor: z.string() }) }).parse(JSON.parse(r.stdout));
  expect(version.serverVersion.gitVersion).toBe(`v${cluster.infra.iso.version}`);
  expect(`${version.serverVersion.major}.${version.serverVersion.minor}`).toBe(cluster.infra.iso.version.split(".").slice(0, 2).join("."));
  const plain = await kubectl(cluster.kubeconfigPath, ["version"]);
  expect(plain.stdout).toContain(`Server Version: v${cluster.infra.iso.version}`);
});

const PodListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string() }),
      spec: z.object({ nodeName: z.string().optional() }).loose(),
      status: z.object({ phase: z.string().optional() }).loose(),
    }),
  ),
});

test("get pods -A shows the control plane's static pods and the CNI applied from the ISO's network.yaml", async () => {
  const plain = await kubectl(cluster.kubeconfigPath, ["get", "pods", "-A"]);
  expect(plain.code).toBe(0);
  expect(plain.stdout.split("\n")[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);

  const r = await kubectl(cluster.kubeconfigPath, ["get", "pods", "-A", "-o", "json"]);
  expect(r.code).toBe(0);
  const pods = PodListSchema.parse(JSON.parse(r.stdout)).items;
  const control = cluster.infra.nodes[0].name;
  const system = pods.filter((p) => p.metadata.namespace === "kube-system").map((p) => p.metadata.name);
  for (const component of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
    expect(system).toContain(`${component}-${control}`);
  }

  // The namespace the CNI manifest creates, read from the copy installed on the node.
  const networkYaml = await cluster.sessions[0].run("cat /etc/kubernetes/cks/network.yaml");
  const namespaces = parseAllDocuments(networkYaml)
    .map((d) => z.object({ kind: z.string(), metadata: z.object({ name: z.string() }) }).safeParse(d.toJSON()))
    .filter((p) => p.success && p.data.kind === "Namespace")
    .map((p) => p.data!.metadata.name);
  expect(namespaces.length).toBeGreaterThan(0);
  const cniPods = pods.filter((p) => namespaces.includes(p.metadata.namespace));
  // A DaemonSet: one pod on every node, all running.
  expect(new Set(cniPods.map((p) => p.spec.nodeName))).toEqual(new Set(nodeNames()));
  for (const p of [...cniPods, ...pods.filter((p) => p.metadata.namespace === "kube-system")]) expect(p.status.phase).toBe("Running");
});

test("the audit holds every command typed over SSH, with the join token redacted", () => {
  const token = /--token\s+(\S+)/.exec(cluster.joinCommand)?.[1];
  expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  const typed = sim.audit.records({ kind: "node" }).filter((r) => r.source === "ssh");
  // Typed as `sudo env PATH=/opt/bin:... kubeadm init ...` (Debian's secure_path has no /opt/bin).
  const kubeadmVerb = (r: { argv?: string[] }): string | undefined => (r.argv?.slice(0, 3).join(" ").startsWith("sudo env PATH=/opt/bin:") && r.argv[3] === "kubeadm" ? r.argv[4] : undefined);
  const init = typed.filter((r) => kubeadmVerb(r) === "init");
  expect(init).toHaveLength(1);
  expect(init[0]).toMatchObject({ node: cluster.infra.nodes[0].name, user: "cloud", exitCode: 0 });
  expect(init[0].argv).toEqual(expect.arrayContaining(["--control-plane-endpoint", `${cluster.infra.publicIp.address}:6443`, "--upload-certs"]));

  const joins = typed.filter((r) => kubeadmVerb(r) === "join");
  expect(joins.map((r) => r.node).sort()).toEqual(cluster.infra.nodes.slice(1).map((n) => n.name).sort());
  for (const j of joins) {
    expect(j.exitCode).toBe(0);
    expect(j.argv?.[j.argv.indexOf("--token") + 1]).toBe("[REDACTED]");
  }
  expect(JSON.stringify(sim.audit.records())).not.toContain(String(token));
  // Every install step of docs/binaries-iso.md ran on every node.
  for (const node of cluster.infra.nodes) {
    const mine = typed.filter((r) => r.node === node.name).map((r) => (r.argv ?? []).join(" "));
    expect(mine).toEqual(expect.arrayContaining([expect.stringMatching(/^sudo blkid -o device -t LABEL=CDROM$/), expect.stringMatching(/^sudo systemctl enable --now kubelet$/)]));
    expect(mine.filter((c) => c.startsWith("sudo ctr -n k8s.io images import"))).toHaveLength(cluster.manifest.images.length);
  }
});
