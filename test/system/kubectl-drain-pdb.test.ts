// The real kubectl, from outside, runs a workload on a simulated cluster: a Deployment and a
// PodDisruptionBudget (policy/v1) applied through the public endpoint reach the node model (pods
// scheduled on Ready schedulable workers), and `kubectl drain` goes through the eviction subresource,
// so a budget that allows no disruption blocks it until --timeout, and one that allows it lets the pod
// be evicted and rescheduled on another worker.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../simulator";
import { realTool } from "../helpers/realTools";
import { bootstrapCluster, provisionInfra, startE2eSimulator, waitForReadyNodes, type BootstrappedCluster, type ToolResult } from "../helpers/sim-cluster";

const KUBECTL = realTool("kubectl", "bash .ci/install.d/kubectl.sh (Debian package kubernetes-client, or kubectl on PATH)");

function run(kubeconfig: string, args: string[], timeoutMs = 40_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(KUBECTL.require(), ["--kubeconfig", kubeconfig, "--request-timeout=10s", ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const WORKLOAD = (minAvailable: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.k8s.io/pause:3.10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: default
spec:
  minAvailable: ${minAvailable}
  selector:
    matchLabels: { app: web }
`;

interface PodRow {
  name: string;
  node: string;
  phase: string;
}

async function webPods(kubeconfig: string): Promise<PodRow[]> {
  const out = await run(kubeconfig, ["get", "pods", "-l", "app=web", "-o", "json"]);
  const doc = JSON.parse(out.stdout) as { items: Array<{ metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }> };
  return doc.items.map((p) => ({ name: p.metadata.name, node: p.spec.nodeName ?? "", phase: p.status.phase ?? "" }));
}

describe("real kubectl: Deployment + PodDisruptionBudget and drain through the eviction subresource", () => {
  let sim: Simulator;
  let cluster: BootstrappedCluster;
  let dir: string;

  beforeAll(async () => {
    if (!KUBECTL.path) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubectl-pdb-"));
    sim = await startE2eSimulator();
    cluster = await bootstrapCluster(await provisionInfra(sim, { namePrefix: "pdb" }));
    await waitForReadyNodes(cluster.kubeconfigPath, 3);
  }, 90_000);

  afterAll(async () => {
    await cluster?.cleanup();
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  KUBECTL.it(
    "apply schedules the pods on the workers; a budget with no room blocks drain until --timeout; one with room lets it evict and reschedule",
    async () => {
      const k = cluster.kubeconfigPath;
      const [, w1, w2] = cluster.infra.nodes.map((n) => n.name);
      const file = path.join(dir, "web.yaml");
      fs.writeFileSync(file, WORKLOAD(2));
      const applied = await run(k, ["apply", "-f", file]);
      expect(applied.stderr).toBe("");
      expect(applied.stdout).toContain("deployment.apps/web created");
      expect(applied.stdout).toContain("poddisruptionbudget.policy/web created");

      const pods = await webPods(k);
      expect(pods.map((p) => p.node).sort()).toEqual([w1, w2].sort());
      expect(pods.every((p) => p.phase === "Running")).toBe(true);
      const pdb = await run(k, ["get", "pdb", "web"]);
      expect(pdb.stdout).toMatch(/^web\s+2\s+N\/A\s+0\s/m);

      const blocked = await run(k, ["drain", w1, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=3s"]);
      expect(blocked.code).not.toBe(0);
      expect(blocked.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
      expect(blocked.stderr).toContain("global timeout reached: 3s");
      // The pod is still where it was; the node stays cordoned, as a failed drain leaves it.
      expect((await webPods(k)).filter((p) => p.node === w1)).toHaveLength(1);
      expect((await run(k, ["get", "nodes", w1])).stdout).toMatch(/Ready,SchedulingDisabled/);

      fs.writeFileSync(file, WORKLOAD(1));
      expect((await run(k, ["apply", "-f", file])).stdout).toContain("poddisruptionbudget.policy/web configured");
      const drained = await run(k, ["drain", w1, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=20s"]);
      expect(drained.stderr).not.toContain("disruption budget");
      expect(drained.code).toBe(0);
      expect(drained.stdout).toContain(`node/${w1} drained`);
      const after = await webPods(k);
      expect(after).toHaveLength(2);
      expect(after.every((p) => p.node === w2 && p.phase === "Running")).toBe(true);
      expect((await run(k, ["uncordon", w1])).stdout).toContain(`node/${w1} uncordoned`);
    },
    90_000,
  );

  KUBECTL.it(
    "the admin API stops kubelet on a node out of band (NotReady), starts it again (Ready), and moves the clock",
    async () => {
      const k = cluster.kubeconfigPath;
      const worker = cluster.infra.nodes[2].name;
      const admin = (p: string, body: unknown) =>
        fetch(sim.apiUrl.replace(/\/client\/api$/, p), { method: "POST", headers: { "X-Sim-Admin-Key": sim.adminApiKey, "Content-Type": "application/json" }, body: JSON.stringify(body) });
      expect((await admin(`/admin/nodes/${worker}/services/kubelet`, { action: "stop" })).status).toBe(200);
      const status = async () => /^(\S+)\s+(\S+)/m.exec((await run(k, ["get", "nodes", worker, "--no-headers"])).stdout)?.[2];
      expect(await status()).toBe("NotReady");
      const noKey = await fetch(sim.apiUrl.replace(/\/client\/api$/, `/admin/nodes/${worker}/services/kubelet`), { method: "POST", body: JSON.stringify({ action: "start" }) });
      expect(noKey.status).toBe(401);
      expect((await admin("/admin/nodes/no-such-vm/services/kubelet", { action: "start" })).status).toBe(404);
      const started = await admin(`/admin/nodes/${worker}/services/kubelet`, { action: "start" });
      expect(await started.json()).toMatchObject({ vm: worker, unit: "kubelet", active: "active" });
      await waitForReadyNodes(k, 3, 20_000);

      const before = Date.now();
      const moved = (await (await admin("/admin/clock", { advanceMs: 400 * 86_400_000 })).json()) as { now: string };
      expect(Date.parse(moved.now) - before).toBeGreaterThanOrEqual(400 * 86_400_000);
      expect((await admin("/admin/clock", { advanceMs: -1 })).status).toBe(400);
    },
    60_000,
  );
});

