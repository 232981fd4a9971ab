// kubeadm certs check-expiration / renew with the simulator clock (cmd/kubeadm/app/cmd/certs.go):
// certificates made at simulated time T expire at T + 1 year (CA 10 years); moving the clock forward
// ages them; renew all makes fresh ones; the API server serves its renewed certificate after a restart.
import * as https from "node:https";
import * as tls from "node:tls";
import { shortHumanDuration } from "../../../simulator/node/kube/kubeadmCerts";
import { resolveKubeconfig } from "../../../simulator/node/kube/kubeconfig";
import { World, type TestMachine } from "./harness";

const ENV = { KUBECONFIG: "/etc/kubernetes/admin.conf" };
const DAY = 86_400_000;

function servedNotAfter(port: number): Promise<Date> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve(new Date(cert.valid_to));
    });
    socket.on("error", reject);
  });
}

function getNodesOverHttps(machine: TestMachine, port: number): Promise<number> {
  const cfg = resolveKubeconfig(machine.fs.read("/etc/kubernetes/admin.conf")!.toString(), () => undefined);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", port, path: "/api/v1/nodes", ca: cfg.caCertPem, cert: cfg.clientCertPem, key: cfg.clientKeyPem, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("kubeadm certs with the simulator clock", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("ShortHumanDuration as apimachinery prints it", () => {
    expect(shortHumanDuration(-5_000)).toBe("<invalid>");
    expect(shortHumanDuration(-500)).toBe("0s");
    expect(shortHumanDuration(59_000)).toBe("59s");
    expect(shortHumanDuration(59 * 60_000)).toBe("59m");
    expect(shortHumanDuration(23 * 3_600_000)).toBe("23h");
    expect(shortHumanDuration(364 * DAY + 23 * 3_600_000)).toBe("364d");
    expect(shortHumanDuration(10 * 365 * DAY - 1_000)).toBe("9y");
  });

  test("check-expiration prints kubeadm's two tables: leaves one year from init, CAs ten years", async () => {
    const cp = world.machine("cp-1", "1.32.4");
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const r = await world.run(cp, "kubeadm certs check-expiration");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      '[check-expiration] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...',
      "[check-expiration] Use 'kubeadm init phase upload-config --config your-config.yaml' to re-upload it.",
      "",
    ]);
    expect(lines[3]).toMatch(/^CERTIFICATE {16}EXPIRES {18}RESIDUAL TIME {3}CERTIFICATE AUTHORITY {3}EXTERNALLY MANAGED$/);
    const names = lines.slice(4, lines.indexOf("", 4)).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(["admin.conf", "apiserver", "apiserver-kubelet-client", "controller-manager.conf", "front-proxy-client", "scheduler.conf", "super-admin.conf"]);
    const year = new Date(world.clock.now() + 365 * DAY);
    const month = year.toUTCString().slice(8, 11);
    expect(r.stdout).toMatch(new RegExp(`^admin\\.conf {17}${month} \\d{2}, ${year.getUTCFullYear()} \\d{2}:\\d{2} UTC   364d {12}ca {22}no {6}$`, "m"));
    expect(r.stdout).toMatch(/^front-proxy-client\s+.* UTC\s+364d\s+front-proxy-ca\s+no/m);
    expect(r.stdout).toMatch(/^CERTIFICATE AUTHORITY {3}EXPIRES {18}RESIDUAL TIME {3}EXTERNALLY MANAGED\nca\s+.* UTC\s+9y\s+no {6}\nfront-proxy-ca\s+.* UTC\s+9y\s+no {6}\n$/m);
    expect((await world.run(cp, "kubeadm certs check-expiration", { user: "cloud" })).code).not.toBe(0);
  });

  test("a year later the leaves have expired (kubectl is refused); renew all makes them valid for a year from the simulated now", async () => {
    const cp = world.machine("cp-1", "1.31.4");
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const port = cp.exposed.get(6443)!;
    const servedAtInit = await servedNotAfter(port);
    world.clock.offset = 366 * DAY;

    const old = await world.run(cp, "kubeadm certs check-expiration");
    expect(old.stdout).toMatch(/^apiserver\s+.* UTC\s+<invalid>\s+ca\s+no/m);
    expect(old.stdout).toMatch(/^ca\s+.* UTC\s+8y\s+no/m);
    expect(old.stdout).toContain("[check-expiration] Reading configuration from the cluster...\n");
    const refused = await world.run(cp, "kubectl get nodes", { env: ENV });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("error: You must be logged in to the server (Unauthorized)\n");
    // The API server judges client certificates by the simulated time too.
    expect(await getNodesOverHttps(cp, port)).toBe(401);

    const renew = await world.run(cp, "kubeadm certs renew all");
    expect(renew.code).toBe(0);
    expect(renew.stdout).toBe(
      "[renew] Reading configuration from the cluster...\n[renew] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n\n" +
        [
          "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself",
          "certificate for serving the Kubernetes API",
          "certificate for the API server to connect to kubelet",
          "certificate embedded in the kubeconfig file for the controller manager to use",
          "certificate for the front proxy client",
          "certificate embedded in the kubeconfig file for the scheduler manager to use",
          "certificate embedded in the kubeconfig file for the super-admin",
        ]
          .map((l) => `${l} renewed\n`)
          .join("") +
        "\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n",
    );
    const fresh = await world.run(cp, "kubeadm certs check-expiration");
    expect(fresh.stdout).toMatch(/^apiserver\s+.* UTC\s+364d\s+ca\s+no/m);
    expect((await world.run(cp, "kubectl get nodes -o name", { env: ENV })).stdout).toBe("node/cp-1\n");
    expect(await getNodesOverHttps(cp, port)).toBe(200);

    // The running API server keeps its old serving certificate until it restarts.
    expect((await servedNotAfter(port)).getTime()).toBe(servedAtInit.getTime());
    await world.systemctl(cp, "stop", "kubelet");
    await world.systemctl(cp, "start", "kubelet");
    const served = await servedNotAfter(cp.exposed.get(6443)!);
    expect(served.getTime()).toBeGreaterThan(servedAtInit.getTime() + 300 * DAY);
  });

  test("renew one certificate by name; an unknown name is refused", async () => {
    const cp = world.machine("cp-1", "1.33.1");
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const before = cp.fs.read("/etc/kubernetes/scheduler.conf")!.toString();
    const one = await world.run(cp, "kubeadm certs renew scheduler.conf");
    expect(one.stdout).toBe(
      "[renew] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace \"kube-system\"...\n[renew] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.\n\ncertificate embedded in the kubeconfig file for the scheduler manager to use renewed\n",
    );
    expect(cp.fs.read("/etc/kubernetes/scheduler.conf")!.toString()).not.toBe(before);
    const bad = await world.run(cp, "kubeadm certs renew nothing");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown command "nothing" for "kubeadm certs renew"');
  });

  test("moving kube-apiserver.yaml away stops the API server at the kubelet's next file check; putting it back serves the renewed certificate", async () => {
    const cp = world.machine("cp-1", "1.32.4");
    expect((await world.run(cp, "kubeadm init")).code).toBe(0);
    const servedAtInit = await servedNotAfter(cp.exposed.get(6443)!);
    world.clock.offset = 200 * DAY;
    expect((await world.run(cp, "kubeadm certs renew apiserver")).code).toBe(0);
    expect((await servedNotAfter(cp.exposed.get(6443)!)).getTime()).toBe(servedAtInit.getTime());
    const manifest = cp.fs.read("/etc/kubernetes/manifests/kube-apiserver.yaml")!;
    cp.fs.remove("/etc/kubernetes/manifests/kube-apiserver.yaml");
    const until = async (what: string, probe: () => boolean) => {
      for (let i = 0; i < 100 && !probe(); i++) await new Promise((r) => setTimeout(r, 20));
      if (!probe()) throw new Error(`timed out: ${what}`);
    };
    await until("API server stopped", () => !cp.exposed.has(6443));
    expect((await world.run(cp, "kubectl get nodes", { env: ENV })).code).toBe(1);
    cp.fs.write("/etc/kubernetes/manifests/kube-apiserver.yaml", manifest, { mode: 0o600 });
    await until("API server started", () => cp.exposed.has(6443));
    const served = await servedNotAfter(cp.exposed.get(6443)!);
    expect(served.getTime() - servedAtInit.getTime()).toBeGreaterThan(199 * DAY);
  });
});

