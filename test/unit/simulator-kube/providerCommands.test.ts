// The command lines the provider builds (provider/kubernetes/commands.ts), as the simulator answers them.
import { World, CNI_MANIFEST } from "./harness";

const KEY = "ab".repeat(32);

function initConfig(ip: string, etcd?: string): string {
  return `apiVersion: kubeadm.k8s.io/v1beta4
bootstrapTokens:
  - groups: [system:bootstrappers:kubeadm:default-node-token]
    token: abcdef.0123456789abcdef
    ttl: 24h0m0s
    usages: [signing, authentication]
certificateKey: ${KEY}
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${ip}
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///run/containerd/containerd.sock
  name: cp-1
---
apiVersion: kubeadm.k8s.io/v1beta4
apiServer:
  certSANs: [203.0.113.10]
clusterName: kubernetes
controlPlaneEndpoint: 203.0.113.10:6443
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
networking: { dnsDomain: cluster.local, podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
${etcd ?? ""}`;
}

describe("provider command lines", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("init --config --upload-certs, upload-certs again after expiry, then an HA join and worker join", async () => {
    const cp = world.machine("CP-1");
    cp.fs.write("/etc/kubernetes/kubeadm-init.yaml", initConfig(cp.spec.guestIp), { mode: 0o600 });
    const init = await world.run(cp, "kubeadm init --config /etc/kubernetes/kubeadm-init.yaml --upload-certs");
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    world.forwards.set("203.0.113.10:6443", { machine: cp, port: 6443 });
    const kc = "kubectl --kubeconfig /etc/kubernetes/admin.conf";

    world.clock.offset = 3 * 3_600_000;
    const cp2 = world.machine("cp-2");
    const join = (m: typeof cp2, hash: string, extra = "") =>
      world.run(m, `kubeadm join 203.0.113.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${hash} --node-name ${m.spec.name} --cri-socket unix:///run/containerd/containerd.sock ${extra}`);
    const token = await world.run(cp, "kubeadm token create --print-join-command --ttl 2h");
    const hash = /(sha256:[0-9a-f]{64})/.exec(token.stdout)![1]!;
    const stale = await join(cp2, hash, `--control-plane --certificate-key ${KEY} --apiserver-advertise-address ${cp2.spec.guestIp}`);
    expect(stale.code).toBe(1);
    const upload = await world.run(cp, `kubeadm init phase upload-certs --upload-certs --certificate-key ${KEY}`);
    expect(upload.code).toBe(0);
    expect(upload.stdout.trim().split("\n").pop()).toBe(KEY);
    const generated = await world.run(cp, "kubeadm init phase upload-certs --upload-certs");
    const newKey = generated.stdout.trim().split("\n").pop()!;
    expect(newKey).toMatch(/^[0-9a-f]{64}$/);
    expect(newKey).not.toBe(KEY);
    const ok = await join(cp2, hash, `--control-plane --certificate-key ${newKey} --apiserver-advertise-address ${cp2.spec.guestIp}`);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const w = world.machine("w-1");
    expect((await join(w, hash)).code).toBe(0);

    cp.fs.write("/root/cni.yaml", CNI_MANIFEST);
    expect((await world.run(cp, `${kc} apply -f /root/cni.yaml`)).code).toBe(0);
    const nodes = JSON.parse((await world.run(cp, `${kc} get nodes -o json`)).stdout) as { kind: string; items: Array<{ metadata: { name: string; labels: Record<string, string> }; spec: { podCIDR?: string }; status: { conditions: Array<{ type: string; status: string }> } }> };
    expect(nodes.items.map((n) => n.spec.podCIDR)).toEqual(["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]);
    expect(nodes.kind).toBe("List");
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(["cp-1", "cp-2", "w-1"]);
    expect(nodes.items.every((n) => n.status.conditions.find((c) => c.type === "Ready")?.status === "True")).toBe(true);
    expect(nodes.items[1]!.metadata.labels["node-role.kubernetes.io/control-plane"]).toBe("");

    expect((await world.run(cp, `${kc} annotate --overwrite node cp-1 cluster-autoscaler.kubernetes.io/scale-down-disabled=true`)).stdout).toBe("node/cp-1 annotated\n");
    expect((await world.run(cp, `${kc} label --overwrite node w-1 pool=a`)).stdout).toBe("node/w-1 labeled\n");
    expect((await world.run(cp, `${kc} drain w-1 --ignore-daemonsets --delete-emptydir-data --force --timeout=300s`)).code).toBe(0);
    expect((await world.run(cp, `${kc} delete node w-1 --ignore-not-found`)).stdout).toBe('node "w-1" deleted\n');
    const again = await world.run(cp, `${kc} delete node w-1 --ignore-not-found`);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    expect((await world.run(cp, `${kc} delete -f /root/cni.yaml`)).stdout).toBe('serviceaccount "weave-net" deleted\ndaemonset.apps "weave-net" deleted\n');
    expect((await world.run(cp, `${kc} -n kube-system delete deployment coredns`)).stdout).toBe('deployment.apps "coredns" deleted\n');
  });

  test("external etcd members from the provider's config", async () => {
    const etcd = world.machine("etcd-0");
    etcd.fs.write("/opt/bin/etcd", "# etcd v3.5.15 (cloudstack-sim stand-in)\n");
    await world.systemctl(etcd, "start", "etcd");
    const cp = world.machine("cp-1");
    cp.fs.write("/root/init.yaml", initConfig(cp.spec.guestIp, `etcd:\n  external:\n    endpoints: [http://${etcd.spec.guestIp}:2379]\n`));
    const init = await world.run(cp, "kubeadm init --config /root/init.yaml --upload-certs");
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(cp.fs.read("/etc/kubernetes/manifests/kube-apiserver.yaml")!.toString()).toContain(`--etcd-servers=http://${etcd.spec.guestIp}:2379`);
  });
});
