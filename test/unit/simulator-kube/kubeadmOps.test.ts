import { X509Certificate } from "crypto";
import { World, imagesFor } from "./harness";

const ENV = { KUBECONFIG: "/etc/kubernetes/admin.conf" };

describe("kubeadm preflight, config files, upgrades, etcd, reset and certs", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("preflight: root, images, a second init, version window, unknown flags", async () => {
    const cp = world.machine("cp-1", "1.31.4", { images: false });
    const notRoot = await world.run(cp, "kubeadm init", { user: "cloud" });
    expect(notRoot.code).toBe(1);
    expect(notRoot.stderr).toContain("[ERROR IsPrivilegedUser]: user is not running as root");

    const noImages = await world.run(cp, "kubeadm init");
    expect(noImages.code).toBe(1);
    expect(noImages.stderr).toContain("[ERROR ImagePull]: failed to pull image registry.k8s.io/kube-apiserver:v1.31.4");
    expect(cp.fs.exists("/etc/kubernetes/admin.conf")).toBe(false);

    cp.ext.set("containerd.images", new Set(imagesFor("1.31.4")));
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const again = await world.run(cp, "kubeadm init");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("[ERROR DirAvailable--etc-kubernetes-manifests]: /etc/kubernetes/manifests is not empty");

    const cp2 = world.machine("cp-2");
    const tooOld = await world.run(cp2, "kubeadm init --kubernetes-version v1.29.3");
    expect(tooOld.stderr).toContain("this version of kubeadm only supports deploying clusters with the control plane version >= v1.30.0. Current version: v1.29.3");
    const tooNew = await world.run(cp2, "kubeadm init --kubernetes-version v1.32.0");
    expect(tooNew.code).toBe(1);
    expect(tooNew.stderr).toContain("[ERROR KubernetesVersion]");
    const unknown = await world.run(cp2, "kubeadm init --foo");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split("\n")[0]).toBe("unknown flag: --foo");
    const mixed = await world.run(cp2, "kubeadm init --config /root/x.yaml --kubernetes-version v1.31.4");
    expect(mixed.stderr).toContain("can not mix '--config' with arguments [kubernetes-version]");
    const sub = await world.run(cp2, "kubeadm frob");
    expect(sub.stderr).toContain('unknown command "frob" for "kubeadm"');
  });

  test("--skip-phases addon/kube-proxy leaves kube-proxy out (for kube-proxy-free CNIs)", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --skip-phases=addon/kube-proxy")).code).toBe(0);
    const ds = await world.run(cp, "kubectl get ds -n kube-system", { env: ENV });
    expect(ds.stderr).toBe("No resources found in kube-system namespace.\n");
    const deploy = await world.run(cp, "kubectl get deploy -n kube-system -o name", { env: ENV });
    expect(deploy.stdout).toBe("deployment.apps/coredns\n");
  });

  test("kubelet-fail fault makes init fail at wait-control-plane", async () => {
    world.activeFaults.add("kubelet-fail");
    const cp = world.machine("cp-1");
    const res = await world.run(cp, "kubeadm init");
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("error execution phase wait-control-plane");
    expect(cp.services.get("kubelet")?.active).toBe("failed");
  });

  test("--config: v1beta4 with list extraArgs on 1.31; v1beta4 refused on 1.30", async () => {
    const cp = world.machine("cp-1");
    cp.fs.write(
      "/etc/kubernetes/kubeadm-config.yaml",
      `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - token: abcdef.0123456789abcdef
    ttl: "0s"
nodeRegistration:
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
controlPlaneEndpoint: 10.9.9.9:6443
apiServer:
  certSANs: [10.9.9.9, api.example.test]
  extraArgs:
    - name: audit-log-maxage
      value: "30"
`,
    );
    const ok = await world.run(cp, "kubeadm init --config /etc/kubernetes/kubeadm-config.yaml --upload-certs");
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const cert = new X509Certificate(cp.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString());
    expect(cert.subjectAltName).toContain("DNS:api.example.test");
    expect(ok.stdout).toContain("kubeadm join 10.9.9.9:6443 --token abcdef.0123456789abcdef");

    const old = world.machine("cp-old", "1.30.8");
    old.fs.write("/root/c.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n");
    const refused = await world.run(old, "kubeadm init --config /root/c.yaml");
    expect(refused.code).toBe(1);
    // v1.28-v1.30 register v1beta4 as experimental (util/config/common.go validateSupportedVersion).
    expect(refused.stderr).toContain('experimental API spec: "kubeadm.k8s.io/v1beta4" is not allowed');
    old.fs.write("/root/d.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    - name: x\n      value: y\n");
    const wrongShape = await world.run(old, "kubeadm init --config /root/d.yaml");
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr).toContain("apiServer.extraArgs");
  });

  test("external etcd must be reachable through the fabric", async () => {
    const etcdVm = world.machine("etcd-0");
    const config = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
etcd:
  external:
    endpoints: [http://${etcdVm.spec.guestIp}:2379]
`;
    const cp = world.machine("cp-1");
    cp.fs.write("/root/kubeadm.yaml", config);
    const down = await world.run(cp, "kubeadm init --config /root/kubeadm.yaml");
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("[ERROR ExternalEtcdVersion]: could not connect to etcd");

    etcdVm.fs.write("/opt/bin/etcd", "# etcd v3.5.15 (cloudstack-sim stand-in)\n");
    await world.systemctl(etcdVm, "start", "etcd");
    expect(etcdVm.exposed.get(2379)).toBeGreaterThan(0);
    const up = await world.run(cp, "kubeadm init --config /root/kubeadm.yaml");
    // v1.31 deprecates v1beta3: init warns and goes on.
    expect(up.stderr).toMatch(/^W\d{4} [^\n]*uses a deprecated API spec: "kubeadm.k8s.io\/v1beta3" \(kind: "ClusterConfiguration"\)[^\n]*\n$/);
    expect(up.code).toBe(0);
    expect(cp.fs.exists("/etc/kubernetes/manifests/etcd.yaml")).toBe(false);
    const pods = await world.run(cp, "kubectl get pods -n kube-system -o name", { env: ENV });
    expect(pods.stdout).not.toContain("pod/etcd-");
  });

  // Upgrades: see upgrade.test.ts.

  test("a kubeadm two minors newer than the control plane cannot join it", async () => {
    const cp = world.machine("cp-1", "1.30.8");
    expect((await world.run(cp, `kubeadm init --control-plane-endpoint 10.9.9.9:6443 --upload-certs --certificate-key ${"1".repeat(64)} --token abcdef.0123456789abcdef`)).code).toBe(0);
    world.forwards.set("10.9.9.9:6443", { machine: cp, port: 6443 });
    const tooNewKubeadm = world.machine("w-new", "1.32.0", { kubelet: "1.30.8" });
    const skew = await world.run(tooNewKubeadm, "kubeadm join 10.9.9.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification");
    expect(skew.code).toBe(1);
    expect(skew.stderr).toContain("this version of kubeadm only supports deploying clusters with the control plane version >= v1.31.0. Current version: v1.30.8");
  });

  test("reset stops the kubelet and the API server, removes state, leaves the Node object", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --control-plane-endpoint 10.9.9.9:6443 --upload-certs --certificate-key " + "1".repeat(64) + " --token abcdef.0123456789abcdef")).code).toBe(0);
    world.forwards.set("10.9.9.9:6443", { machine: cp, port: 6443 });
    const cp2 = world.machine("cp-2");
    expect((await world.run(cp2, `kubeadm join 10.9.9.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification --control-plane --certificate-key ${"1".repeat(64)}`)).code).toBe(0);
    const noForce = await world.run(cp2, "kubeadm reset");
    expect(noForce.code).toBe(1);
    const reset = await world.run(cp2, "kubeadm reset -f");
    expect(reset.code).toBe(0);
    expect(cp2.exposed.has(6443)).toBe(false);
    expect(cp2.services.get("kubelet")?.active).toBe("inactive");
    expect(cp2.fs.exists("/etc/kubernetes/admin.conf")).toBe(false);
    expect(cp2.fs.list("/etc/kubernetes/manifests")).toEqual([]);
    const nodes = await world.run(cp, "kubectl get nodes", { env: ENV });
    expect(nodes.stdout).toMatch(/cp-2\s+NotReady/);
    const pods = await world.run(cp, "kubectl get pods -n kube-system -o name", { env: ENV });
    expect(pods.stdout).not.toContain("etcd-cp-2");
  });

  test("certs check-expiration and renew; config images list; version -o short", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const check = await world.run(cp, "kubeadm certs check-expiration");
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/admin\.conf\s+\w{3} \d{2}, \d{4} \d{2}:\d{2} UTC\s+36[45]d/);
    expect(check.stdout).toMatch(/\nca\s+.*\s+9y\s+no/);
    const before = cp.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString();
    const renew = await world.run(cp, "kubeadm certs renew all");
    expect(renew.code).toBe(0);
    const after = cp.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString();
    expect(after).not.toBe(before);
    const ca = new X509Certificate(cp.fs.read("/etc/kubernetes/pki/ca.crt")!.toString());
    expect(new X509Certificate(after).verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(after).subjectAltName).toBe(new X509Certificate(before).subjectAltName);
    expect((await world.run(cp, "kubectl get nodes -o name", { env: ENV })).stdout).toBe("node/cp-1\n");

    const images = await world.run(cp, "kubeadm config images list --kubernetes-version v1.31.4");
    expect(images.stdout.split("\n").slice(0, 4)).toEqual(["registry.k8s.io/kube-apiserver:v1.31.4", "registry.k8s.io/kube-controller-manager:v1.31.4", "registry.k8s.io/kube-scheduler:v1.31.4", "registry.k8s.io/kube-proxy:v1.31.4"]);
    expect((await world.run(cp, "kubeadm version -o short")).stdout).toBe("v1.31.4\n");
    expect((await world.run(cp, "kubeadm version")).stdout).toContain('GitVersion:"v1.31.4"');
  });

  test("token list and delete", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef --token-ttl 0")).code).toBe(0);
    const list = await world.run(cp, "kubeadm token list");
    expect(list.stdout).toMatch(/abcdef\.0123456789abcdef\s+<forever>\s+<never>\s+authentication,signing/);
    expect((await world.run(cp, "kubeadm token delete abcdef")).stdout).toBe('bootstrap token "abcdef" deleted\n');
    const w = world.machine("w");
    const join = await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`);
    expect(join.code).toBe(1);
    expect(join.stderr).toContain('token id "abcdef" is invalid for this cluster or it has expired');
  });
});
