// A rolling upgrade by hand over SSH, with the exact command lines the provider's upgrade operation
// runs (sudo env PATH=…): the new ISO's binaries installed over the running kubelet, `kubeadm upgrade
// plan` / `apply` on the control node, cordon / drain / `upgrade node` / `systemctl restart kubelet` /
// uncordon per node, a workload with a PodDisruptionBudget kept running, and every node reporting the
// new kubelet version in `kubectl get nodes -o json`.
import { z } from "zod";
import type { Simulator } from "../../../simulator";
import { bootstrapCluster, MOUNT_POINT, ManifestSchema, provisionInfra, registerBinariesIso, startE2eSimulator, waitForReadyNodes, type BootstrappedCluster } from "../../helpers/sim-cluster";
import type { SimSshClient } from "../../helpers/sim-ssh";

const SUDO = "sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const KUBECTL = `${SUDO} kubectl --kubeconfig /etc/kubernetes/admin.conf`;

const NodeList = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), labels: z.record(z.string(), z.string()) }),
      spec: z.object({ unschedulable: z.boolean().optional() }),
      status: z.object({ nodeInfo: z.object({ kubeletVersion: z.string() }), conditions: z.array(z.object({ type: z.string(), status: z.string() })) }),
    }),
  ),
});

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: registry.k8s.io/pause:3.10 }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: default }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: web } } }
`;

let sim: Simulator;
let cluster: BootstrappedCluster;

beforeAll(async () => {
  sim = await startE2eSimulator();
  cluster = await bootstrapCluster(await provisionInfra(sim, { namePrefix: "upg" }));
  await waitForReadyNodes(cluster.kubeconfigPath, 3);
}, 90_000);

afterAll(async () => {
  await cluster?.cleanup();
  await sim?.stop();
});

async function nodes(ssh: SimSshClient) {
  return NodeList.parse(JSON.parse(await ssh.run(`${KUBECTL} get nodes -o json`))).items;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Attach the new ISO, install its kubeadm/kubelet/kubectl with install(1) and import its images. */
async function installNewBinaries(ssh: SimSshClient, vmId: string, isoId: string): Promise<void> {
  const client = cluster.infra.client;
  await client.detachIso({ virtualmachineid: vmId });
  await client.attachIso({ id: isoId, virtualmachineid: vmId });
  await ssh.run(`sudo mount -o ro /dev/sr0 ${MOUNT_POINT}`);
  const manifest = ManifestSchema.parse(JSON.parse(await ssh.run(`cat ${MOUNT_POINT}/manifest.json`)));
  const at = (p: string) => `${MOUNT_POINT}/${p}`;
  // cp onto the running kubelet is refused, as Linux refuses it (ETXTBSY); install(1) replaces it.
  const busy = await ssh.exec(`sudo cp ${at(manifest.files.kubelet)} /opt/bin/kubelet`);
  expect(busy.code).toBe(1);
  expect(busy.stderr).toBe("cp: cannot create regular file '/opt/bin/kubelet': Text file busy\n");
  await ssh.run(`sudo install -m 0755 ${at(manifest.files.kubeadm)} ${at(manifest.files.kubelet)} ${at(manifest.files.kubectl)} /opt/bin/`);
  for (const image of manifest.images) await ssh.run(`sudo ctr -n k8s.io images import ${at(image.file)}`);
  await ssh.run(`sudo umount ${MOUNT_POINT}`);
}

test("1.N → 1.N+1 by hand: plan, apply, then cordon/drain/upgrade node/restart kubelet/uncordon per node", async () => {
  const from = cluster.infra.iso.version;
  const [major, minor] = from.split(".").map(Number);
  const entry = sim.isos.find((i) => i.version.startsWith(`${major}.${minor + 1}.`));
  if (!entry) throw new Error(`the simulator serves no ISO for ${major}.${minor + 1}`);
  const target = `v${entry.version}`;
  const iso = await registerBinariesIso(sim, cluster.infra.client, entry.version);
  const [cp, w1, w2] = cluster.sessions;
  const names = cluster.infra.nodes.map((n) => n.name);

  await cp.run(`${KUBECTL} apply -f -`, { stdin: WORKLOAD });
  await until("web pods Running", async () => ((await cp.run(`${KUBECTL} get pods -l app=web --no-headers`)).match(/Running/g)?.length === 2 ? true : undefined));

  // Control node: new binaries, plan (exit 0), apply.
  await installNewBinaries(cp, cluster.infra.nodes[0].vmId, iso.id);
  const plan = await cp.run(`${SUDO} kubeadm upgrade plan ${target}`);
  expect(plan).toContain(`kubeadm upgrade apply ${target}`);
  const applied = await cp.run(`${SUDO} kubeadm upgrade apply ${target} --yes`, { timeoutMs: 30_000 });
  // kubeadm 1.31+ prints "[upgrade] SUCCESS! A control plane node of your cluster was upgraded to …", older ones this:
  expect(applied).toMatch(new RegExp(`SUCCESS! (A control plane node of your cluster|Your cluster) was upgraded to "${target.replace(/\./g, "\\.")}"`));

  const steps = [
    { ssh: cp, name: names[0], vmId: cluster.infra.nodes[0].vmId, installed: true },
    { ssh: w1, name: names[1], vmId: cluster.infra.nodes[1].vmId, installed: false },
    { ssh: w2, name: names[2], vmId: cluster.infra.nodes[2].vmId, installed: false },
  ];
  for (const step of steps) {
    expect(await cp.run(`${KUBECTL} cordon ${step.name}`)).toBe(`node/${step.name} cordoned\n`);
    const drained = await cp.run(`${KUBECTL} drain ${step.name} --ignore-daemonsets --delete-emptydir-data --timeout=60s`, { timeoutMs: 30_000 });
    expect(drained).toContain(`node/${step.name} drained`);
    if (!step.installed) await installNewBinaries(step.ssh, step.vmId, iso.id);
    if (step.ssh !== cp) expect(await step.ssh.run(`${SUDO} kubeadm upgrade node`)).toContain("[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!");
    // Before the restart the node still reports the old kubelet.
    expect((await nodes(cp)).find((n) => n.metadata.name === step.name)?.status.nodeInfo.kubeletVersion).toBe(`v${from}`);
    await step.ssh.run(`${SUDO} systemctl restart kubelet`);
    await until(`${step.name} Ready at ${target}`, async () => {
      const n = (await nodes(cp)).find((x) => x.metadata.name === step.name);
      return n?.status.nodeInfo.kubeletVersion === target && n.status.conditions.some((c) => c.type === "Ready" && c.status === "True") ? true : undefined;
    });
    expect(await cp.run(`${KUBECTL} uncordon ${step.name}`)).toBe(`node/${step.name} uncordoned\n`);
  }

  const final = await nodes(cp);
  expect(final.map((n) => [n.metadata.name, n.status.nodeInfo.kubeletVersion, n.spec.unschedulable ?? false])).toEqual(names.map((n) => [n, target, false]));
  expect(final.find((n) => n.metadata.name === names[0])?.metadata.labels["node-role.kubernetes.io/control-plane"]).toBe("");
  expect(await cp.run(`${KUBECTL} version -o json`)).toContain(`"gitVersion": "${target}"`);
  expect((await cp.run(`${KUBECTL} get pods -l app=web --no-headers`)).match(/Running/g)).toHaveLength(2);
  const expiry = await cp.run(`${SUDO} kubeadm certs check-expiration`);
  expect(expiry).toMatch(/^apiserver\s+.* UTC\s+364d\s+ca\s+no/m);
}, 120_000);
