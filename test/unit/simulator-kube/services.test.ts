import { World, settle } from "./harness";

describe("kubelet and etcd service hooks", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("a kubelet without kubelet.conf crash-loops (activating); the kubelet-fail fault fails the unit; no binary fails", async () => {
    const m = world.machine("n1");
    const hook = world.hooks.get("kubelet")!;
    await hook.start(m);
    m.services.set("kubelet", { active: "active", enabled: true }); // what systemctl records on success
    await settle();
    expect(m.services.get("kubelet")?.active).toBe("activating");

    world.activeFaults.add("kubelet-fail");
    await expect(hook.start(m)).rejects.toThrow(/kubelet.service failed/);
    world.activeFaults.clear();
    m.fs.remove("/opt/bin/kubelet");
    await expect(hook.start(m)).rejects.toThrow(/Failed to locate executable/);
  });

  test("etcd needs its binary, then listens on private port 2379 and answers /version", async () => {
    const m = world.machine("etcd-0");
    const hook = world.hooks.get("etcd")!;
    await expect(hook.start(m)).rejects.toThrow(/etcd/);
    m.fs.write("/opt/bin/etcd", "# etcd v3.5.15 (cloudstack-sim stand-in)\n");
    await hook.start(m);
    const port = m.exposed.get(2379)!;
    const body = await (await fetch(`http://127.0.0.1:${port}/version`)).json();
    expect(body).toEqual({ etcdserver: "3.5.15", etcdcluster: "3.5.0" });
    await hook.stop(m);
    expect(m.exposed.has(2379)).toBe(false);
  });

  test("kubelet --version, etcd --version and etcdctl endpoint health", async () => {
    const m = world.machine("etcd-0");
    m.fs.write("/opt/bin/etcd", "# etcd v3.5.15 (cloudstack-sim stand-in)\n");
    m.fs.write("/opt/bin/etcdctl", "# etcdctl v3.5.15 (cloudstack-sim stand-in)\n");
    expect((await world.run(m, "kubelet --version")).stdout).toBe("Kubernetes v1.31.4\n");
    expect((await world.run(m, "etcd --version")).stdout).toContain("etcd Version: 3.5.15");
    const down = await world.run(m, `etcdctl --endpoints=http://${m.spec.guestIp}:2379 endpoint health`);
    expect(down.code).toBe(1);
    await world.systemctl(m, "start", "etcd");
    const up = await world.run(m, `etcdctl --endpoints=http://${m.spec.guestIp}:2379 endpoint health`);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("is healthy");
    expect((await world.run(m, "etcdctl endpoint health")).code).toBe(0);
  });

  test("stopping the only control node's kubelet takes its API server down; starting brings it back", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const before = cp.exposed.get(6443);
    await world.systemctl(cp, "stop", "kubelet");
    expect(cp.exposed.has(6443)).toBe(false);
    const down = await world.run(cp, "kubectl get nodes", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } });
    expect(down.stderr).toContain(`The connection to the server ${cp.spec.guestIp}:6443 was refused`);
    await world.systemctl(cp, "start", "kubelet");
    expect(cp.exposed.get(6443)).toBeGreaterThan(0);
    expect(cp.exposed.get(6443)).not.toBe(before);
    expect((await world.run(cp, "kubectl get nodes -o name", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } })).stdout).toBe("node/cp-1\n");
    // A deleted Node comes back when its kubelet restarts, as the real kubelet re-registers.
    expect((await world.run(cp, "kubectl delete node cp-1", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } })).code).toBe(0);
    expect((await world.run(cp, "kubectl get nodes -o name", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } })).stderr).toBe("No resources found\n");
    await world.systemctl(cp, "stop", "kubelet");
    await world.systemctl(cp, "start", "kubelet");
    expect((await world.run(cp, "kubectl get nodes -o name", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } })).stdout).toBe("node/cp-1\n");
  });
});
