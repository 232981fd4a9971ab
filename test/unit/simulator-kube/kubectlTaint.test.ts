// `kubectl taint` in the simulator (kubernetes/kubectl pkg/cmd/taint): add, overwrite, remove, refusals.
import { World, CNI_MANIFEST } from "./harness";

const ENV = { KUBECONFIG: "/etc/kubernetes/admin.conf" };

describe("kubectl taint", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("adds, refuses a clash without --overwrite, overwrites, removes, and the node object carries it", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef")).code).toBe(0);
    const w = world.machine("worker-1");
    expect((await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`)).code).toBe(0);
    cp.fs.write("/root/cni.yaml", CNI_MANIFEST);
    expect((await world.run(cp, "kubectl apply -f /root/cni.yaml", { env: ENV })).code).toBe(0);
    const taints = async (): Promise<unknown> => (JSON.parse((await world.run(cp, "kubectl get node worker-1 -o json", { env: ENV })).stdout) as { spec: { taints?: unknown } }).spec.taints;

    expect((await world.run(cp, "kubectl taint nodes worker-1 dedicated=gpu:NoSchedule", { env: ENV })).stdout).toBe("node/worker-1 tainted\n");
    expect(await taints()).toEqual([{ key: "dedicated", value: "gpu", effect: "NoSchedule" }]);
    const clash = await world.run(cp, "kubectl taint nodes worker-1 dedicated=db:NoSchedule", { env: ENV });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe("error: node worker-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n");
    expect((await world.run(cp, "kubectl taint nodes worker-1 dedicated=db:NoSchedule --overwrite", { env: ENV })).code).toBe(0);
    expect(await taints()).toEqual([{ key: "dedicated", value: "db", effect: "NoSchedule" }]);
    expect((await world.run(cp, "kubectl taint nodes worker-1 spot:PreferNoSchedule dedicated:NoSchedule-", { env: ENV })).stdout).toBe("node/worker-1 modified\n");
    expect(await taints()).toEqual([{ key: "spot", effect: "PreferNoSchedule" }]);
    const gone = await world.run(cp, "kubectl taint nodes worker-1 nothing:NoExecute-", { env: ENV });
    expect(gone.code).toBe(1);
    const bad = await world.run(cp, "kubectl taint nodes worker-1 a=b:Sometimes", { env: ENV });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid taint effect: Sometimes, unsupported taint effect/);
    expect((await world.run(cp, "kubectl taint nodes worker-1 spot-", { env: ENV })).stdout).toBe("node/worker-1 untainted\n");
    expect(await taints()).toBeUndefined();
  });
});
