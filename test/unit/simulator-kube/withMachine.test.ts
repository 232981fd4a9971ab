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
    m.fs.write("/opt/bin/crictl", "# crictl v1.31.1 (cloudstack-sim stand-in)\n", { mode: 0o755 });
    m.ext.set("containerd.images", new Set(imagesFor("1.31.4")));
    machines.push(m);
    return m;
  }

  afterAll(async () => {
    await closeKubeTools(env);
  });

  // The stock image's kubeadm warnings (ebtables, ethtool, socat are not on it); nothing else.
  const stockWarnings = ["ebtables", "ethtool", "socat"].map((t) => `\t[WARNING FileExisting-${t}]: ${t} not found in system path\n`).join("");
  const KUBEADM = "sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm";

  test("sudo /opt/bin/kubeadm on a stock image: secure_path lacks /opt/bin, so preflight cannot find the kubelet", async () => {
    const cp = machine("cp-0", "10.1.1.9");
    const init = await cp.exec("sudo /opt/bin/kubeadm init --token abcdef.0123456789abcdef --token-ttl 0", { user: "cloud" });
    expect(init.code).toBe(1);
    expect(init.stderr).toContain("[ERROR KubeletVersion]: couldn't get kubelet version: cannot execute 'kubelet --version': executable file not found in $PATH");
    expect(init.stderr).toContain("[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1");
    expect(init.stderr).toContain("[WARNING FileExisting-crictl]: crictl not found in system path");
    expect(cp.fs.exists("/etc/kubernetes/admin.conf")).toBe(false);
  });

  test("sudo kubeadm init, join from a second VM, kubectl through the shell", async () => {
    const cp = machine("cp-1", "10.1.1.10");
    expect((await cp.exec("sudo sysctl -w net.ipv4.ip_forward=1", { user: "cloud" })).code).toBe(0);
    const init = await cp.exec(`${KUBEADM} init --token abcdef.0123456789abcdef --token-ttl 0`, { user: "cloud" });
    expect(init.stderr).toBe(stockWarnings);
    expect(init.code).toBe(0);
    const notRoot = await cp.exec("/opt/bin/kubeadm token create --print-join-command", { user: "cloud" });
    expect(notRoot.code).toBe(1);
    expect(notRoot.stderr).toContain("open /etc/kubernetes/admin.conf: permission denied");
    const kubectlNotRoot = await cp.exec("/opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes", { user: "cloud" });
    expect(kubectlNotRoot.stderr).toContain("permission denied");
    const join = await cp.exec("sudo /opt/bin/kubeadm token create --print-join-command", { user: "cloud" });
    expect(join.code).toBe(0);
    const w = machine("w-1", "10.1.1.11");
    const joinLine = join.stdout.trim().replace(/^kubeadm/, "/opt/bin/kubeadm");
    const refused = await w.exec(`sudo ${joinLine}`, { user: "cloud" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("[ERROR FileContent--proc-sys-net-ipv4-ip_forward]");
    expect(refused.stderr).toContain("[ERROR KubeletVersion]");
    await w.exec("sudo sysctl -w net.ipv4.ip_forward=1", { user: "cloud" });
    const joined = await w.exec(`sudo env PATH=/opt/bin:/usr/sbin:/usr/bin:/sbin:/bin ${joinLine}`, { user: "cloud" });
    expect(joined.stderr).toBe(stockWarnings);
    expect(joined.code).toBe(0);
    const nodes = await cp.exec("sudo /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes | grep -c NotReady", { user: "cloud" });
    expect(nodes.stdout.trim()).toBe("2");
    const version = await cp.exec("/opt/bin/kubeadm version -o short");
    expect(version.stdout).toBe("v1.31.4\n");
  });
});
