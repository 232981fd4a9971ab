import { World, CNI_MANIFEST } from "./harness";

const ENV = { KUBECONFIG: "/etc/kubernetes/admin.conf" };

async function readyCluster(world: World) {
  const cp = world.machine("cp-1");
  expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef")).code).toBe(0);
  const w = world.machine("worker-1");
  expect((await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`)).code).toBe(0);
  cp.fs.write("/root/cni.yaml", CNI_MANIFEST);
  expect((await world.run(cp, "kubectl apply -f /root/cni.yaml", { env: ENV })).code).toBe(0);
  return { cp, w };
}

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: web }
    spec:
      containers: [{ name: web, image: nginx:1.27 }]
`;

describe("kubectl against a simulated cluster", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("drain refuses DaemonSet pods without --ignore-daemonsets, then evicts and cordons; uncordon and delete", async () => {
    const { cp } = await readyCluster(world);
    cp.fs.write("/root/app.yaml", APP);
    expect((await world.run(cp, "kubectl apply -f /root/app.yaml", { env: ENV })).stdout).toBe("deployment.apps/web created\n");
    const pods = await world.run(cp, "kubectl get pods -o wide", { env: ENV });
    expect(pods.stdout.split("\n").filter((l) => /^web-/.test(l) && /Running/.test(l) && /worker-1/.test(l))).toHaveLength(2);

    const refused = await world.run(cp, "kubectl drain worker-1", { env: ENV });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("node/worker-1 cordoned\n");
    expect(refused.stderr).toContain("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kube-proxy-");

    const drained = await world.run(cp, "kubectl drain worker-1 --ignore-daemonsets --delete-emptydir-data", { env: ENV });
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(/evicting pod default\/web-/);
    expect(drained.stdout).toMatch(/node\/worker-1 drained\n$/);
    expect(drained.stderr).toContain("Warning: ignoring DaemonSet-managed Pods");
    const nodes = await world.run(cp, "kubectl get nodes", { env: ENV });
    expect(nodes.stdout).toMatch(/worker-1\s+Ready,SchedulingDisabled\s+<none>/);
    // Evicted replicas have nowhere to go (the control plane is tainted): Pending.
    const after = await world.run(cp, "kubectl get pods", { env: ENV });
    expect(after.stdout.split("\n").filter((l) => /^web-/.test(l) && /Pending/.test(l))).toHaveLength(2);

    expect((await world.run(cp, "kubectl uncordon worker-1", { env: ENV })).stdout).toBe("node/worker-1 uncordoned\n");
    expect((await world.run(cp, "kubectl get pods", { env: ENV })).stdout.split("\n").filter((l) => /^web-.*Running/.test(l))).toHaveLength(2);
    const deleted = await world.run(cp, "kubectl delete node worker-1", { env: ENV });
    expect(deleted.stdout).toBe('node "worker-1" deleted\n');
    const missing = await world.run(cp, "kubectl get node worker-1", { env: ENV });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): nodes "worker-1" not found\n');
  });

  test("label and annotate honour --overwrite", async () => {
    const { cp } = await readyCluster(world);
    expect((await world.run(cp, "kubectl label node worker-1 tier=web", { env: ENV })).stdout).toBe("node/worker-1 labeled\n");
    const clash = await world.run(cp, "kubectl label node worker-1 tier=db", { env: ENV });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe("error: 'tier' already has a value (web), and --overwrite is false\n");
    expect((await world.run(cp, "kubectl label node worker-1 tier=db --overwrite", { env: ENV })).code).toBe(0);
    expect((await world.run(cp, "kubectl get nodes -l tier=db -o name", { env: ENV })).stdout).toBe("node/worker-1\n");
    expect((await world.run(cp, "kubectl annotate node cp-1 cluster-autoscaler.kubernetes.io/scale-down-disabled=true", { env: ENV })).stdout).toBe("node/cp-1 annotated\n");
    const json = JSON.parse((await world.run(cp, "kubectl get node cp-1 -o json", { env: ENV })).stdout) as { metadata: { annotations: Record<string, string> }; status: { nodeInfo: { kubeletVersion: string } } };
    expect(json.metadata.annotations["cluster-autoscaler.kubernetes.io/scale-down-disabled"]).toBe("true");
    expect(json.status.nodeInfo.kubeletVersion).toBe("v1.31.4");
  });

  test("kubeconfig lookup: --kubeconfig, $HOME/.kube/config, none, foreign CA, unknown flags and commands", async () => {
    const { cp } = await readyCluster(world);
    const none = await world.run(cp, "kubectl get nodes");
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
    expect((await world.run(cp, "kubectl --kubeconfig /etc/kubernetes/admin.conf get ns")).stdout).toMatch(/^NAME\s+STATUS\s+AGE\ndefault\s+Active/);
    cp.fs.write("/root/.kube/config", cp.fs.read("/etc/kubernetes/admin.conf")!);
    const all = await world.run(cp, "kubectl get pods -A");
    expect(all.stdout.split("\n")[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(all.stdout).toMatch(/kube-system\s+kube-apiserver-cp-1\s+1\/1\s+Running/);

    // A second cluster's admin credentials do not work against the first one.
    const other = world.machine("other-cp");
    expect((await world.run(other, "kubeadm init")).code).toBe(0);
    const foreign = other.fs.read("/etc/kubernetes/admin.conf")!.toString().replace(/server: .*/, `server: https://${cp.spec.guestIp}:6443`);
    cp.fs.write("/root/foreign.conf", foreign);
    const rejected = await world.run(cp, "kubectl --kubeconfig /root/foreign.conf get nodes");
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain("x509: certificate signed by unknown authority");

    const flag = await world.run(cp, "kubectl get nodes --foo", { env: ENV });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain("unknown flag: --foo");
    const cmd = await world.run(cp, "kubectl frobnicate", { env: ENV });
    expect(cmd.stderr).toContain('error: unknown command "frobnicate" for "kubectl"');
    const kubeletCreds = await world.run(cp, "kubectl --kubeconfig /etc/kubernetes/kubelet.conf delete node worker-1");
    expect(kubeletCreds.code).toBe(1);
    expect(kubeletCreds.stderr).toContain("Forbidden");
  });

  test("applied kinds beyond the built-in table can be read back and deleted; unknown namespaces are refused", async () => {
    const { cp } = await readyCluster(world);
    cp.fs.write(
      "/root/rbac.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: cluster-admin-binding\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: User, name: admin }]\n",
    );
    expect((await world.run(cp, "kubectl apply -f /root/rbac.yaml", { env: ENV })).stdout).toBe("clusterrolebinding.rbac.authorization.k8s.io/cluster-admin-binding created\n");
    expect((await world.run(cp, "kubectl get clusterrolebindings -o name", { env: ENV })).stdout).toBe("clusterrolebinding.rbac.authorization.k8s.io/cluster-admin-binding\n");
    expect((await world.run(cp, "kubectl delete clusterrolebinding cluster-admin-binding", { env: ENV })).stdout).toBe('clusterrolebinding.rbac.authorization.k8s.io "cluster-admin-binding" deleted\n');
    cp.fs.write("/root/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nowhere\n");
    const missingNs = await world.run(cp, "kubectl apply -f /root/cm.yaml", { env: ENV });
    expect(missingNs.code).toBe(1);
    expect(missingNs.stderr).toContain('namespaces "nowhere" not found');
  });

  test("version and cluster-info", async () => {
    const { cp } = await readyCluster(world);
    const v = await world.run(cp, "kubectl version", { env: ENV });
    expect(v.stdout).toBe("Client Version: v1.31.4\nKustomize Version: v5.4.2\nServer Version: v1.31.4\n");
    const json = JSON.parse((await world.run(cp, "kubectl version -o json", { env: ENV })).stdout) as { serverVersion: { gitVersion: string } };
    expect(json.serverVersion.gitVersion).toBe("v1.31.4");
    expect((await world.run(cp, "kubectl version --client")).stdout).toBe("Client Version: v1.31.4\nKustomize Version: v5.4.2\n");
    expect((await world.run(cp, "kubectl cluster-info", { env: ENV })).stdout).toContain(`Kubernetes control plane is running at https://${cp.spec.guestIp}:6443`);
  });

  test("node-never-ready fault keeps nodes NotReady; kubelet stop makes a node NotReady", async () => {
    world.activeFaults.add("node-never-ready");
    const { cp } = await readyCluster(world);
    expect((await world.run(cp, "kubectl get nodes", { env: ENV })).stdout).toMatch(/worker-1\s+NotReady/);
    world.activeFaults.clear();
    const fresh = new World();
    try {
      const { cp: cp2, w } = await readyCluster(fresh);
      expect((await fresh.run(cp2, "kubectl get nodes", { env: ENV })).stdout).toMatch(/worker-1\s+Ready/);
      await fresh.systemctl(w, "stop", "kubelet");
      expect((await fresh.run(cp2, "kubectl get nodes", { env: ENV })).stdout).toMatch(/worker-1\s+NotReady/);
      await fresh.systemctl(w, "start", "kubelet");
      expect((await fresh.run(cp2, "kubectl get nodes", { env: ENV })).stdout).toMatch(/worker-1\s+Ready/);
    } finally {
      await fresh.close();
    }
  });
});
