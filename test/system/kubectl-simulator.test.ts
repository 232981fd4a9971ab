// The real kubectl against a whole simulated cluster: bootstrapped by hand over SSH, reached through
// the CloudStack load-balancer rule on the public IP, with VMs stopped and started through the API.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../simulator";
import {
  bootstrapCluster,
  KUBECTL,
  kubectl,
  kubectlNodes,
  provisionInfra,
  startE2eSimulator,
  waitForReadyNodes,
  type BootstrappedCluster,
} from "../helpers/sim-cluster";

const HAVE_KUBECTL = (() => {
  try {
    execFileSync(KUBECTL, ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!HAVE_KUBECTL) console.warn(`kubectl not found (${KUBECTL}): skipping the kubectl-against-the-simulator system tests`);
const describeWithKubectl = HAVE_KUBECTL ? describe : describe.skip;

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describeWithKubectl("kubectl against a simulated cluster through its public endpoint", () => {
  let sim: Simulator;
  let cluster: BootstrappedCluster;
  let dir: string;
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubectl-sim-"));
    sim = await startE2eSimulator();
    cluster = await bootstrapCluster(await provisionInfra(sim, { namePrefix: "sys" }));
    await waitForReadyNodes(cluster.kubeconfigPath, 3);
  }, 60_000);

  afterAll(async () => {
    await cluster?.cleanup();
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("apply, get and delete objects from a manifest file", async () => {
    const file = path.join(dir, "demo.yaml");
    fs.writeFileSync(
      file,
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  color: blue\n",
    );
    const applied = await k("apply", "-f", file);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("namespace/demo created");
    expect(applied.stdout).toContain("configmap/settings created");
    expect((await k("get", "configmap", "settings", "-n", "demo", "-o", "jsonpath={.data.color}")).stdout).toBe("blue");

    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("color: blue", "color: green"));
    expect((await k("apply", "-f", file)).stdout).toContain("configmap/settings configured");
    expect((await k("get", "configmap", "settings", "-n", "demo", "-o", "jsonpath={.data.color}")).stdout).toBe("green");

    expect((await k("delete", "-f", file)).code).toBe(0);
    const gone = await k("get", "configmap", "settings", "-n", "demo");
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("NotFound");
  });

  test("cordon, drain and uncordon a worker; label it and select it", async () => {
    const worker = cluster.infra.nodes[1].name;
    expect((await k("cordon", worker)).stdout).toContain(`node/${worker} cordoned`);
    const table = (await k("get", "nodes")).stdout;
    expect(table).toMatch(new RegExp(`^${worker}\\s+Ready,SchedulingDisabled\\s`, "m"));
    const drained = await k("drain", worker, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=20s");
    expect(drained.code).toBe(0);
    expect(drained.stdout).toContain(`node/${worker} drained`);
    expect((await k("uncordon", worker)).stdout).toContain(`node/${worker} uncordoned`);
    expect((await k("get", "nodes")).stdout).toMatch(new RegExp(`^${worker}\\s+Ready\\s`, "m"));

    expect((await k("label", "node", worker, "tier=edge")).code).toBe(0);
    expect((await k("get", "nodes", "-l", "tier=edge", "-o", "name")).stdout.trim()).toBe(`node/${worker}`);
  });

  test("health endpoints answer through the load balancer", async () => {
    expect((await k("get", "--raw", "/readyz")).stdout.trim()).toBe("ok");
    expect((await k("get", "--raw", "/healthz")).stdout.trim()).toBe("ok");
    const info = await k("cluster-info");
    expect(info.stdout).toContain(`https://${cluster.infra.publicIp.address}:6443`);
  });

  test("a worker VM stopped through CloudStack goes NotReady, and Ready again once started", async () => {
    const node = cluster.infra.nodes[2];
    await cluster.infra.client.stopVirtualMachine({ id: node.vmId });
    await until(`${node.name} NotReady`, async () => ((await kubectlNodes(cluster.kubeconfigPath)).find((n) => n.name === node.name)?.ready === false ? true : undefined));
    expect((await k("get", "nodes")).stdout).toMatch(new RegExp(`^${node.name}\\s+NotReady\\s`, "m"));
    await cluster.infra.client.startVirtualMachine({ id: node.vmId });
    const nodes = await waitForReadyNodes(cluster.kubeconfigPath, 3, 20_000);
    expect(nodes.find((n) => n.name === node.name)?.ready).toBe(true);
  });

  test("with the control-plane VM stopped kubectl cannot reach the API; started again, it can", async () => {
    const control = cluster.infra.nodes[0];
    await cluster.infra.client.stopVirtualMachine({ id: control.vmId });
    const down = await k("get", "nodes", "--request-timeout=2s");
    expect(down.code).not.toBe(0);
    expect(down.stdout).toBe("");
    // The load balancer accepts and closes when no member serves 6443, as haproxy does.
    expect(down.stderr).toMatch(/EOF|connection reset by peer|connection refused/);
    await cluster.infra.client.startVirtualMachine({ id: control.vmId });
    const nodes = await waitForReadyNodes(cluster.kubeconfigPath, 3, 30_000);
    expect(nodes.map((n) => n.name).sort()).toEqual(cluster.infra.nodes.map((n) => n.name).sort());
  });
});
