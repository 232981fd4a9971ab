// The kube tools through node/machine's real shell: stand-in binaries in /opt/bin, sudo, env, pipes.
import type { NodeEnvironment } from "../../../simulator/node/types";
import { SimMachine } from "../../../simulator/node/machine";
import { populateBaseImage } from "../../../simulator/node/baseImage";
import { SimCommandTable } from "../../../simulator/node/table";
import { installBaseTools } from "../../../simulator/node/tools";
import { addUser, authorizeKeys } from "../../../simulator/node/users";
import { serviceState } from "../../../simulator/node/services";
import { installKubeTools, closeKubeTools } from "../../../simulator/node/kube";
import { imagesFor } from "./harness";
import type { NetworkFabric } from "../../../simulator/contracts";

describe("kube tools on a SimMachine", () => {
  const machines: SimMachine[] = [];
  const fabric: NetworkFabric = {
    resolve: (_from, host, port) => {
      const m = machines.find((x) => x.spec.guestIp === host);
      const real = m?.exposed.get(port);
      return real ? { host: "127.0.0.1", port: real } : null;
    },
  };
  const clock = { scale: 0, now: () => Date.now(), sleep: () => new Promise<void>((r) => setImmediate(r)) };
  const env: NodeEnvironment = {
    clock,
    audit: { record: () => undefined },
    faults: { hit: () => false },
    fabric,
    machineByVmId: (id) => machines.find((m) => m.spec.vmId === id),
    ownerOf: () => undefined,
  };
  const table = new SimCommandTable();
  installBaseTools(table);
  installKubeTools(table, env);

  function machine(name: string, ip: string): SimMachine {
    const m = new SimMachine(
      { vmId: `vm-${name}`, name, displayName: name, deployKeys: [], guestIp: ip, networkId: "n", directAccess: false, cpuNumber: 2, memoryMb: 2048 },
      { clock, audit: env.audit, faults: env.faults, fabric, table, isoReader: async () => new Map(), isoPath: () => null },
    );
    populateBaseImage(m.fs, name);
    addUser(m.fs, { name: "cloud", shell: "/bin/bash", groups: ["sudo"], sudo: ["ALL=(ALL) NOPASSWD:ALL"] });
    authorizeKeys(m.fs, "cloud", []);
    serviceState(m, "containerd").active = "active";
    m.fs.mkdirp("/opt/bin");
    for (const tool of ["kubeadm", "kubelet", "kubectl"]) m.fs.write(`/opt/bin/${tool}`, `# ${tool} v1.31.4 (cloudstack-sim stand-in)\n`, { mode: 0o755 });
    m.ext.set("containerd.images", new Set(imagesFor("1.31.4")));
    machines.push(m);
    return m;
  }

  afterAll(async () => {
    await closeKubeTools(env);
  });

  test("sudo kubeadm init, join from a second VM, kubectl through the shell", async () => {
    const cp = machine("cp-1", "10.1.1.10");
    const init = await cp.exec("sudo /opt/bin/kubeadm init --token abcdef.0123456789abcdef --token-ttl 0", { user: "cloud" });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    const notRoot = await cp.exec("/opt/bin/kubeadm token create --print-join-command", { user: "cloud" });
    expect(notRoot.code).toBe(1);
    expect(notRoot.stderr).toContain("open /etc/kubernetes/admin.conf: permission denied");
    const kubectlNotRoot = await cp.exec("/opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes", { user: "cloud" });
    expect(kubectlNotRoot.stderr).toContain("permission denied");
    const join = await cp.exec("sudo /opt/bin/kubeadm token create --print-join-command", { user: "cloud" });
    expect(join.code).toBe(0);
    const w = machine("w-1", "10.1.1.11");
    const joined = await w.exec(`sudo ${join.stdout.trim().replace(/^kubeadm/, "/opt/bin/kubeadm")}`, { user: "cloud" });
    expect(joined.stderr).toBe("");
    expect(joined.code).toBe(0);
    const nodes = await cp.exec("sudo /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes | grep -c NotReady", { user: "cloud" });
    expect(nodes.stdout.trim()).toBe("2");
    const version = await cp.exec("/opt/bin/kubeadm version -o short");
    expect(version.stdout).toBe("v1.31.4\n");
  });
});
