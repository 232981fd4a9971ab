import { X509Certificate, createHash } from "crypto";
import YAML from "yaml";
import { World, CNI_MANIFEST } from "./harness";

const INIT = "kubeadm init --token abcdef.0123456789abcdef --token-ttl 0 --control-plane-endpoint 10.9.9.9:6443 --upload-certs --certificate-key 1111111111111111111111111111111111111111111111111111111111111111 --apiserver-cert-extra-sans=10.9.9.9 --kubernetes-version=1.31.4 --cri-socket /run/containerd/containerd.sock";

function caFromAdminConf(text: string): string {
  const cfg = YAML.parse(text) as { clusters: Array<{ cluster: { "certificate-authority-data": string } }> };
  return Buffer.from(cfg.clusters[0]!.cluster["certificate-authority-data"], "base64").toString("utf8");
}

function independentHash(caPem: string): string {
  const der = new X509Certificate(caPem).publicKey.export({ type: "spki", format: "der" });
  return "sha256:" + createHash("sha256").update(der).digest("hex");
}

describe("kubeadm init and join", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("init writes real PKI, starts the kubelet and an API server, and prints join commands", async () => {
    const cp = world.machine("cp-1");
    const init = await world.run(cp, INIT);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("Your Kubernetes control-plane has initialized successfully!");
    expect(init.stdout).toMatch(/kubeadm join 10\.9\.9\.9:6443 --token abcdef\.0123456789abcdef \\\n\t--discovery-token-ca-cert-hash sha256:[0-9a-f]{64}/);
    expect(init.stdout).toContain("--control-plane --certificate-key 1111111111111111111111111111111111111111111111111111111111111111");

    const caPem = cp.fs.read("/etc/kubernetes/pki/ca.crt")!.toString();
    const ca = new X509Certificate(caPem);
    expect(ca.subject).toBe("CN=kubernetes");
    expect(ca.ca).toBe(true);
    const hash = /--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/.exec(init.stdout)![1];
    expect(hash).toBe(independentHash(caPem));

    const apiserver = new X509Certificate(cp.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString());
    expect(apiserver.checkIssued(ca)).toBe(true);
    expect(apiserver.verify(ca.publicKey)).toBe(true);
    for (const san of ["DNS:cp-1", "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local", "IP Address:10.96.0.1", "IP Address:10.9.9.9", `IP Address:${cp.spec.guestIp}`]) {
      expect(apiserver.subjectAltName).toContain(san);
    }
    const adminConf = cp.fs.read("/etc/kubernetes/admin.conf")!.toString();
    expect(adminConf).toContain("server: https://10.9.9.9:6443");
    expect(caFromAdminConf(adminConf)).toBe(caPem);
    const adminCert = new X509Certificate(Buffer.from((YAML.parse(adminConf) as { users: Array<{ user: Record<string, string> }> }).users[0]!.user["client-certificate-data"]!, "base64"));
    expect(adminCert.subject).toContain("O=kubeadm:cluster-admins");
    expect(adminCert.verify(ca.publicKey)).toBe(true);
    expect(cp.fs.exists("/etc/kubernetes/super-admin.conf")).toBe(true);
    expect(cp.fs.exists("/etc/kubernetes/kubelet.conf")).toBe(true);
    expect(cp.fs.list("/etc/kubernetes/manifests")).toEqual(["etcd.yaml", "kube-apiserver.yaml", "kube-controller-manager.yaml", "kube-scheduler.yaml"]);
    expect(cp.services.get("kubelet")?.active).toBe("active");
    expect(cp.exposed.get(6443)).toBeGreaterThan(0);

    const unrouted = await world.run(cp, "kubectl get nodes", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } });
    expect(unrouted.code).toBe(1);
    expect(unrouted.stderr).toBe("The connection to the server 10.9.9.9:6443 was refused - did you specify the right host or port?\n");
    world.routes.set("10.9.9.9:6443", { host: "127.0.0.1", port: cp.exposed.get(6443)! });
    const nodes = await world.run(cp, "kubectl get nodes", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } });
    expect(nodes.code).toBe(0);
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\ncp-1\s+NotReady\s+control-plane\s+\d+s\s+v1\.31\.4\n$/);
  });

  test("admin.conf for kubeadm older than 1.29 uses system:masters and no super-admin.conf", async () => {
    const cp = world.machine("cp-old", "1.28.9");
    const init = await world.run(cp, "kubeadm init --ignore-preflight-errors=ImagePull");
    expect(init.code).toBe(0);
    const adminConf = YAML.parse(cp.fs.read("/etc/kubernetes/admin.conf")!.toString()) as { users: Array<{ user: Record<string, string> }> };
    const cert = new X509Certificate(Buffer.from(adminConf.users[0]!.user["client-certificate-data"]!, "base64"));
    expect(cert.subject).toContain("O=system:masters");
    expect(cp.fs.exists("/etc/kubernetes/super-admin.conf")).toBe(false);
  });

  test("worker join with the printed join command; wrong hash and expired token fail", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --kubernetes-version v1.31.4")).code).toBe(0);
    const created = await world.run(cp, "kubeadm token create --ttl 1h --print-join-command");
    expect(created.code).toBe(0);
    const joinLine = created.stdout.trim();
    expect(joinLine).toMatch(new RegExp(`^kubeadm join ${cp.spec.guestIp.replace(/\./g, "\\.")}:6443 --token [a-z0-9]{6}\\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}$`));

    const w1 = world.machine("worker-1");
    const joined = await world.run(w1, joinLine);
    expect(joined.stderr).toBe("");
    expect(joined.code).toBe(0);
    expect(joined.stdout).toContain("This node has joined the cluster");
    expect(w1.services.get("kubelet")?.active).toBe("active");
    const kubeletConf = YAML.parse(w1.fs.read("/etc/kubernetes/kubelet.conf")!.toString()) as { users: Array<{ user: Record<string, string> }> };
    const nodeCert = new X509Certificate(Buffer.from(kubeletConf.users[0]!.user["client-certificate-data"]!, "base64"));
    expect(nodeCert.subject).toBe("O=system:nodes\nCN=system:node:worker-1");

    const w2 = world.machine("worker-2");
    const wrongHash = joinLine.replace(/sha256:[0-9a-f]{64}/, "sha256:" + "0".repeat(64));
    const bad = await world.run(w2, wrongHash);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "sha256:[0-9a-f]{64}" are pinned/);

    world.clock.offset = 2 * 3_600_000; // the 1h token has expired
    const expired = await world.run(w2, joinLine);
    expect(expired.code).toBe(1);
    const tokenId = /--token ([a-z0-9]{6})\./.exec(joinLine)![1];
    expect(expired.stderr).toContain(`token id "${tokenId}" is invalid for this cluster or it has expired`);
    expect(expired.stderr).not.toMatch(/[a-z0-9]{6}\.[a-z0-9]{16}/); // the token secret is never echoed

    const list = await world.run(cp, "kubectl get nodes -o name", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } });
    expect(list.stdout).toBe("node/cp-1\nnode/worker-1\n");
  });

  test("join reached through a public listener finds the cluster over TLS; nothing listening is connection refused", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --control-plane-endpoint 203.0.113.5:6443 --token abcdef.0123456789abcdef")).code).toBe(0);
    world.routes.set("203.0.113.5:6443", await world.proxy({ host: "127.0.0.1", port: cp.exposed.get(6443)! }));
    const w = world.machine("worker-1");
    const ok = await world.run(w, "kubeadm join 203.0.113.5:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification");
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);

    const w2 = world.machine("worker-2");
    const refused = await world.run(w2, "kubeadm join 198.51.100.1:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error execution phase preflight: couldn't validate the identity of the API Server");
    expect(refused.stderr).toContain("connection refused");
  });

  test("control-plane join needs a valid, unexpired certificate key and adds an etcd member and an API server", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, INIT)).code).toBe(0);
    world.routes.set("10.9.9.9:6443", { host: "127.0.0.1", port: cp.exposed.get(6443)! });
    const base = "kubeadm join 10.9.9.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification --control-plane";

    const cp2 = world.machine("cp-2");
    const wrongKey = await world.run(cp2, `${base} --certificate-key ${"2".repeat(64)}`);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain("error decrypting data");

    const ok = await world.run(cp2, `${base} --certificate-key ${"1".repeat(64)}`);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("A new etcd member was added");
    expect(cp2.exposed.get(6443)).toBeGreaterThan(0);
    expect(cp2.exposed.get(6443)).not.toBe(cp.exposed.get(6443));
    expect(new X509Certificate(cp2.fs.read("/etc/kubernetes/pki/ca.crt")!.toString()).fingerprint256).toBe(new X509Certificate(cp.fs.read("/etc/kubernetes/pki/ca.crt")!.toString()).fingerprint256);

    const pods = await world.run(cp2, "kubectl get pods -n kube-system -o name", { env: { KUBECONFIG: "/etc/kubernetes/admin.conf" } });
    expect(pods.stdout).toContain("pod/etcd-cp-1");
    expect(pods.stdout).toContain("pod/etcd-cp-2");
    expect(pods.stdout).toContain("pod/kube-apiserver-cp-2");

    world.clock.offset = 3 * 3_600_000; // uploaded certs are deleted after two hours
    const cp3 = world.machine("cp-3");
    const expired = await world.run(cp3, `${base} --certificate-key ${"1".repeat(64)}`);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('Secret "kubeadm-certs" was not found');
  });

  test("control-plane join without a controlPlaneEndpoint is refused", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef --upload-certs")).code).toBe(0);
    const cp2 = world.machine("cp-2");
    const res = await world.run(cp2, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification --control-plane --certificate-key ${"1".repeat(64)}`);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("doesn't have a stable controlPlaneEndpoint address");
  });

  test("a kubelet newer than the control plane is refused at join", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef")).code).toBe(0);
    const w = world.machine("worker-new", "1.31.4", { kubelet: "1.32.0" });
    const res = await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("[ERROR KubeletVersion]: the kubelet version is higher than the control plane version");
  });

  test("nodes turn Ready after a CNI manifest is applied", async () => {
    const cp = world.machine("cp-1");
    expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef")).code).toBe(0);
    const w = world.machine("worker-1");
    expect((await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`)).code).toBe(0);
    cp.fs.write("/root/cni.yaml", CNI_MANIFEST);
    const env = { KUBECONFIG: "/etc/kubernetes/admin.conf" };
    const applied = await world.run(cp, "kubectl apply -f /root/cni.yaml", { env });
    expect(applied.stdout).toBe("serviceaccount/weave-net created\ndaemonset.apps/weave-net created\n");
    const nodes = await world.run(cp, "kubectl get nodes", { env });
    expect(nodes.stdout).toMatch(/cp-1\s+Ready\s+control-plane/);
    expect(nodes.stdout).toMatch(/worker-1\s+Ready\s+<none>/);
    const again = await world.run(cp, "kubectl apply -f /root/cni.yaml", { env });
    expect(again.stdout).toBe("serviceaccount/weave-net unchanged\ndaemonset.apps/weave-net unchanged\n");
    const coredns = await world.run(cp, "kubectl get pods -n kube-system -l k8s-app=kube-dns", { env });
    expect(coredns.stdout.trim().split("\n").slice(1).every((l) => /\s1\/1\s+Running\s/.test(l))).toBe(true);
  });
});
