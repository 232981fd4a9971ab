// kubectl drain on a node: the pod filters (kubectl/pkg/drain/filters.go), evictions that respect
// PodDisruptionBudgets with kubectl's 5 s retries until --timeout (kubectl/pkg/drain/drain.go
// evictPods), --disable-eviction, and pods rescheduled on the nodes that are left (reconcile.ts).
import { World, CNI_MANIFEST } from "./harness";

const ENV = { KUBECONFIG: "/etc/kubernetes/admin.conf" };

const WEB = (pdb: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers: [{ name: web, image: nginx:1.27 }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: default
spec:
  ${pdb}
  selector: { matchLabels: { app: web } }
`;

async function twoWorkers(world: World) {
  const cp = world.machine("cp-1");
  expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef")).code).toBe(0);
  for (const name of ["worker-1", "worker-2"]) {
    const w = world.machine(name);
    expect((await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`)).code).toBe(0);
  }
  cp.fs.write("/root/cni.yaml", CNI_MANIFEST);
  expect((await world.run(cp, "kubectl apply -f /root/cni.yaml", { env: ENV })).code).toBe(0);
  return cp;
}

async function podsByNode(world: World, cp: ReturnType<World["machine"]>): Promise<Record<string, string[]>> {
  const doc = JSON.parse((await world.run(cp, "kubectl get pods -o json", { env: ENV })).stdout) as { items: Array<{ metadata: { name: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status: { phase: string } }> };
  const out: Record<string, string[]> = {};
  for (const p of doc.items.filter((i) => i.metadata.labels?.app === "web")) (out[p.spec.nodeName ?? ""] ??= []).push(p.status.phase);
  return out;
}

describe("kubectl drain with PodDisruptionBudgets", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("a budget with no room: 429 retried every 5 s until --timeout, then kubectl's failure text and exit 1", async () => {
    const cp = await twoWorkers(world);
    cp.fs.write("/root/web.yaml", WEB("minAvailable: 2"));
    expect((await world.run(cp, "kubectl apply -f /root/web.yaml", { env: ENV })).stdout).toBe("deployment.apps/web created\npoddisruptionbudget.policy/web created\n");
    expect(await podsByNode(world, cp)).toEqual({ "worker-1": ["Running"], "worker-2": ["Running"] });
    expect((await world.run(cp, "kubectl get pdb web", { env: ENV })).stdout).toMatch(/^web\s+2\s+N\/A\s+0\s/m);

    const r = await world.run(cp, "kubectl drain worker-1 --ignore-daemonsets --delete-emptydir-data --timeout=12s", { env: ENV });
    expect(r.code).toBe(1);
    // Attempts at 0 s, 5 s and 10 s; at 15 s the 12 s timeout has passed.
    expect(r.stderr.match(/\(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n/g)).toHaveLength(3);
    expect(r.stderr).toMatch(/There are pending pods in node "worker-1" when an error occurred: error when evicting pods\/"web-[a-z0-9-]+" -n "default": global timeout reached: 12s\npod\/web-/);
    expect(r.stderr).toMatch(/error: unable to drain node "worker-1" due to error:error when evicting pods\/"web-[a-z0-9-]+" -n "default": global timeout reached: 12s, continuing command\.\.\.\nThere are pending nodes to be drained:\n worker-1\n/);
    expect(await podsByNode(world, cp)).toEqual({ "worker-1": ["Running"], "worker-2": ["Running"] });
    expect((await world.run(cp, "kubectl get nodes", { env: ENV })).stdout).toMatch(/worker-1\s+Ready,SchedulingDisabled/);
  });

  test("a budget with room: the pod is evicted and rescheduled on the other worker; --disable-eviction bypasses a budget", async () => {
    const cp = await twoWorkers(world);
    cp.fs.write("/root/web.yaml", WEB("maxUnavailable: 1"));
    expect((await world.run(cp, "kubectl apply -f /root/web.yaml", { env: ENV })).code).toBe(0);
    const r = await world.run(cp, "kubectl drain worker-1 --ignore-daemonsets --delete-emptydir-data --timeout=60s", { env: ENV });
    expect(r.stderr).not.toContain("disruption budget");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/evicting pod default\/web-.*\npod\/web-.* evicted\nnode\/worker-1 drained\n$/);
    expect(await podsByNode(world, cp)).toEqual({ "worker-2": ["Running", "Running"] });
    expect((await world.run(cp, "kubectl uncordon worker-1", { env: ENV })).code).toBe(0);

    cp.fs.write("/root/web.yaml", WEB("minAvailable: 2"));
    expect((await world.run(cp, "kubectl apply -f /root/web.yaml", { env: ENV })).code).toBe(0);
    const forced = await world.run(cp, "kubectl drain worker-2 --ignore-daemonsets --disable-eviction --timeout=5s", { env: ENV });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/deleting pod default\/web-/);
    expect(await podsByNode(world, cp)).toEqual({ "worker-1": ["Running", "Running"] });
  });

  test("unmanaged pods need --force and emptyDir pods --delete-emptydir-data; a bad --timeout is a flag error", async () => {
    const cp = await twoWorkers(world);
    cp.fs.write("/root/bare.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\n  namespace: default\nspec:\n  nodeName: worker-1\n  volumes: [{ name: tmp, emptyDir: {} }]\n  containers: [{ name: c, image: busybox }]\n");
    expect((await world.run(cp, "kubectl apply -f /root/bare.yaml", { env: ENV })).code).toBe(0);
    const refused = await world.run(cp, "kubectl drain worker-1 --ignore-daemonsets", { env: ENV });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('due to error:[cannot delete Pods that declare no controller (use --force to override): default/bare, cannot delete Pods with local storage (use --delete-emptydir-data to override): default/bare]');
    const bad = await world.run(cp, "kubectl drain worker-1 --timeout=soon", { env: ENV });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"');
    expect((await world.run(cp, "kubectl drain worker-1 --timeout=300", { env: ENV })).stderr).toContain('time: missing unit in duration "300"');
    const ok = await world.run(cp, "kubectl drain worker-1 --ignore-daemonsets --delete-emptydir-data --force", { env: ENV });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain("Warning: deleting Pods that declare no controller: default/bare");
  });
});
