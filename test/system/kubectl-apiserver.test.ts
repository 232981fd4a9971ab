// Real kubectl against the simulator's per-cluster API server (mTLS with a test PKI).
import { execFile, execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import { startApiServer, type ApiServerHandle } from "../../simulator/apiserver";
import { buildBinariesIso, parseIsoImage } from "../../simulator/iso";
import { clusterView, node, seededStore } from "../unit/simulator-apiserver/fixtures";
import { clientCert, createCa, kubeconfig, serverCert, type CertAndKey, type TestCa } from "../unit/simulator-apiserver/testPki";

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? "kubectl";

const HAVE_KUBECTL = (() => {
  try {
    execFileSync(KUBECTL, ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!HAVE_KUBECTL) console.warn(`kubectl not found (${KUBECTL}; Debian/Ubuntu package kubectl from pkgs.k8s.io): skipping the kubectl system tests`);

describe("kubectl against the simulated API server", () => {
  let dir: string;
  let server: ApiServerHandle;
  let ca: TestCa;
  let admin: CertAndKey;
  const state = { healthy: true, version: "v1.31.4" };
  const store = seededStore();

  beforeAll(async () => {
    if (!HAVE_KUBECTL) return;
    dir = mkdtempSync(join(tmpdir(), "kubectl-apiserver-"));
    ca = await createCa("kubernetes");
    const serving = await serverCert(ca, ["127.0.0.1"]);
    admin = await clientCert(ca, "kubernetes-admin", ["system:masters"]);
    server = await startApiServer(clusterView(store, { caCertPem: ca.certPem, serverCertPem: serving.certPem, serverKeyPem: serving.keyPem }, state));
    writeFileSync(join(dir, "admin.conf"), kubeconfig(`https://127.0.0.1:${server.port}`, ca.certPem, admin));
  });

  afterAll(async () => {
    if (server) await server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function kubectl(args: string[], config = "admin.conf"): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
      const pending = run(KUBECTL, ["--kubeconfig", join(dir, config), "--cache-dir", join(dir, "cache"), "--request-timeout", "10s", ...args], {
        env: { ...process.env, HOME: dir },
        timeout: 20_000,
      });
      // kubectl must never wait for a prompt answer.
      pending.child.stdin?.end();
      const { stdout, stderr } = await pending;
      return { stdout, stderr, code: 0 };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number };
      return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: typeof e.code === "number" ? e.code : 1 };
    }
  }

  const maybe = HAVE_KUBECTL ? it : it.skip;

  maybe("kubectl version shows the server's gitVersion", async () => {
    const r = await kubectl(["version", "-o", "json"]);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as { serverVersion: { gitVersion: string; major: string; minor: string; platform: string } };
    expect(v.serverVersion).toMatchObject({ gitVersion: "v1.31.4", major: "1", minor: "31", platform: "linux/amd64" });
  });

  maybe("kubectl get nodes prints the server-side columns", async () => {
    const r = await kubectl(["get", "nodes"]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0].split(/\s+/)).toEqual(["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    expect(lines[1]).toMatch(/^sim-control-1\s+Ready\s+control-plane\s+\d+s\s+v1\.31\.4$/);
    expect(lines[2]).toMatch(/^sim-node-1\s+Ready\s+<none>/);
    expect(lines[3]).toMatch(/^sim-node-2\s+NotReady\s+<none>/);
  });

  maybe("kubectl get nodes -o wide adds the addresses", async () => {
    const r = await kubectl(["get", "nodes", "-o", "wide"]);
    expect(r.stdout.split("\n")[0]).toMatch(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
    expect(r.stdout).toMatch(/sim-node-1 .*10\.1\.1\.11\s+<none>\s+Ubuntu 22\.04\.4 LTS/);
  });

  maybe("kubectl get pods -A lists pods of every namespace", async () => {
    const r = await kubectl(["get", "pods", "-A"]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0].split(/\s+/)).toEqual(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(r.stdout).toMatch(/default\s+web-5d8f7c9b6-xyz12\s+0\/1\s+Pending\s+1/);
    expect(r.stdout).toMatch(/kube-system\s+coredns-7db6d8ff4d-abcde\s+1\/1\s+Running/);
    expect(r.stdout).toMatch(/kube-system\s+etcd-sim-control-1\s+1\/1\s+Running/);
  });

  maybe("kubectl get pods in a namespace, with a label selector, and -o json", async () => {
    const ns = await kubectl(["get", "pods", "-n", "kube-system", "-l", "app=etcd", "-o", "name"]);
    expect(ns.stdout.trim()).toBe("pod/etcd-sim-control-1");
    const json = await kubectl(["get", "pods", "-n", "default", "-o", "json"]);
    const list = JSON.parse(json.stdout) as { kind: string; items: Array<{ metadata: { name: string } }> };
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => i.metadata.name)).toEqual(["web-5d8f7c9b6-xyz12"]);
  });

  maybe("kubectl get namespaces, deployments and daemonsets", async () => {
    const ns = await kubectl(["get", "ns"]);
    expect(ns.stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    expect(ns.stdout).toMatch(/kube-system\s+Active/);
    const deploy = await kubectl(["get", "deploy", "-n", "kube-system"]);
    expect(deploy.stdout).toMatch(/coredns\s+2\/2\s+2\s+2/);
    const ds = await kubectl(["get", "daemonsets", "-A"]);
    expect(ds.stdout).toMatch(/kube-system\s+kube-proxy\s+3\s+3\s+3\s+3\s+3\s+kubernetes.io\/os=linux/);
  });

  maybe("kubectl get of a missing node fails with NotFound", async () => {
    const r = await kubectl(["get", "node", "nope"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('nodes "nope" not found');
  });

  maybe("kubectl cluster-info prints the control plane and cluster services", async () => {
    const r = await kubectl(["cluster-info"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Kubernetes control plane`);
    expect(r.stdout).toContain(`https://127.0.0.1:${server.port}`);
    expect(r.stdout).toMatch(/CoreDNS.* is running at .*\/api\/v1\/namespaces\/kube-system\/services\/kube-dns:dns\/proxy/);
  });

  maybe("kubectl cordon, uncordon and delete a node", async () => {
    expect((await kubectl(["cordon", "sim-node-1"])).code).toBe(0);
    expect((await kubectl(["get", "node", "sim-node-1"])).stdout).toMatch(/Ready,SchedulingDisabled/);
    expect((await kubectl(["uncordon", "sim-node-1"])).code).toBe(0);
    expect((await kubectl(["get", "node", "sim-node-1"])).stdout).not.toMatch(/SchedulingDisabled/);
    const del = await kubectl(["delete", "node", "sim-node-2"]);
    expect(del.stdout).toContain('node "sim-node-2" deleted');
    expect(store.get("v1", "Node", "sim-node-2")).toBeUndefined();
  });

  maybe("kubectl create and apply (create, then patch) work, including the binaries ISO's manifests", async () => {
    expect((await kubectl(["create", "namespace", "demo"])).stdout).toContain("namespace/demo created");
    const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  mode: ${value}\n`;
    writeFileSync(join(dir, "cm.yaml"), cm("one"));
    expect((await kubectl(["apply", "-f", join(dir, "cm.yaml")])).stdout).toContain("configmap/settings created");
    writeFileSync(join(dir, "cm.yaml"), cm("two"));
    expect((await kubectl(["apply", "-f", join(dir, "cm.yaml")])).stdout).toContain("configmap/settings configured");
    expect(store.get("v1", "ConfigMap", "settings", "demo")?.data).toEqual({ mode: "two" });

    const iso = new Map(parseIsoImage(buildBinariesIso("1.31.4")).map((e) => [e.path, e.data]));
    for (const manifest of ["network.yaml", "dashboard.yaml"]) {
      writeFileSync(join(dir, manifest), iso.get(manifest) ?? "");
      const r = await kubectl(["apply", "-f", join(dir, manifest)]);
      expect(r.stderr).toBe("");
    }
    expect((await kubectl(["get", "ds", "-n", "kube-flannel", "-o", "name"])).stdout.trim()).toBe("daemonset.apps/kube-flannel-ds");
    const dash = await kubectl(["get", "deploy,svc", "-n", "kubernetes-dashboard", "-o", "name"]);
    expect(dash.stdout).toContain("deployment.apps/kubernetes-dashboard");
    expect(dash.stdout).toContain("service/kubernetes-dashboard");
  });

  maybe("kubectl wait sees a node become Ready (watch)", async () => {
    store.upsert(node("sim-node-3", { ip: "10.1.1.13", ready: false }));
    const waiting = kubectl(["wait", "--for=condition=Ready", "node/sim-node-3", "--timeout=20s"]);
    await new Promise((r) => setTimeout(r, 700));
    store.upsert(node("sim-node-3", { ip: "10.1.1.13", ready: true }));
    const r = await waiting;
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("node/sim-node-3 condition met");
  });

  maybe("kubectl without a client certificate is refused", async () => {
    writeFileSync(join(dir, "anon.conf"), kubeconfig(`https://127.0.0.1:${server.port}`, ca.certPem, { token: "not-a-certificate" }));
    const r = await kubectl(["get", "nodes"], "anon.conf");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("You must be logged in to the server (Unauthorized)");
    // The version endpoint stays open to anonymous callers.
    expect((await kubectl(["version", "-o", "json"], "anon.conf")).stdout).toContain('"gitVersion": "v1.31.4"');
  });

  maybe("kubectl with a certificate from another CA is refused", async () => {
    const other = await createCa("kubernetes");
    writeFileSync(join(dir, "foreign.conf"), kubeconfig(`https://127.0.0.1:${server.port}`, ca.certPem, await clientCert(other, "kubernetes-admin", ["system:masters"])));
    const r = await kubectl(["get", "pods", "-A"], "foreign.conf");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("You must be logged in to the server (Unauthorized)");
  });
});
