// kubeadm's host preflight checks per version (kubernetes cmd/kubeadm/app/preflight/checks.go and
// checks_linux.go): binaries on PATH, ip_forward (and bridge-nf-call-iptables up to 1.29), ports.
import { World } from "./harness";

const init = (v: string) => `kubeadm init --token abcdef.0123456789abcdef --token-ttl 0 --kubernetes-version=${v}`;

describe("kubeadm host preflight", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test.each([
    ["1.29.15", "[ERROR FileExisting-crictl]: crictl not found in system path", "[ERROR FileExisting-conntrack]: conntrack not found in system path"],
    ["1.30.8", "[ERROR FileExisting-crictl]: crictl not found in system path", "[ERROR FileExisting-conntrack]: conntrack not found in system path"],
    ["1.31.4", "[WARNING FileExisting-crictl]: crictl not found in system path", "[ERROR FileExisting-conntrack]: conntrack not found in system path"],
  ])("kubeadm %s: crictl and conntrack as that version checks them", async (version, crictl, conntrack) => {
    const m = world.machine("cp", version);
    m.fs.remove("/opt/bin/crictl");
    m.fs.remove("/usr/sbin/conntrack");
    const r = await world.run(m, init(version));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(crictl);
    expect(r.stderr).toContain(conntrack);
  });

  test("kubeadm 1.32: no crictl check; conntrack only for a Kubernetes version below 1.32", async () => {
    const m = world.machine("cp", "1.32.2");
    m.fs.remove("/opt/bin/crictl");
    m.fs.remove("/usr/sbin/conntrack");
    const r = await world.run(m, init("1.32.2"));
    expect(r.stderr).not.toContain("crictl");
    expect(r.stderr).not.toContain("conntrack");
    expect(r.code).toBe(0);
    const older = world.machine("cp-2", "1.32.2", { kubelet: "1.31.4" });
    older.fs.remove("/usr/sbin/conntrack");
    const r2 = await world.run(older, init("1.31.4"));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain("[ERROR FileExisting-conntrack]: conntrack not found in system path");
  });

  test("ip, iptables, mount, nsenter are mandatory; ebtables, ethtool, socat, tc, touch only warn", async () => {
    const m = world.machine("cp");
    for (const p of ["/usr/sbin/ip", "/usr/sbin/iptables", "/usr/bin/mount", "/usr/bin/nsenter", "/usr/sbin/ebtables", "/usr/sbin/ethtool", "/usr/bin/socat", "/usr/sbin/tc", "/usr/bin/touch"]) m.fs.remove(p);
    const r = await world.run(m, init("1.31.4"));
    expect(r.code).toBe(1);
    for (const t of ["ip", "iptables", "mount", "nsenter"]) expect(r.stderr).toContain(`\t[ERROR FileExisting-${t}]: ${t} not found in system path\n`);
    for (const t of ["ebtables", "ethtool", "socat", "tc", "touch"]) expect(r.stderr).toContain(`\t[WARNING FileExisting-${t}]: ${t} not found in system path\n`);
  });

  test("the lookup uses kubeadm's PATH: a kubelet off PATH, or not executable, is not found", async () => {
    const m = world.machine("cp");
    const r = await world.run(m, init("1.31.4"), { env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("[ERROR KubeletVersion]: couldn't get kubelet version: cannot execute 'kubelet --version': executable file not found in $PATH");
    expect(r.stderr).toContain("[WARNING FileExisting-crictl]");
    const m2 = world.machine("cp-2");
    m2.fs.write("/opt/bin/kubelet", "# kubelet v1.31.4 (cloudstack-sim stand-in)\n", { mode: 0o644 });
    expect((await world.run(m2, init("1.31.4"))).stderr).toContain("[ERROR KubeletVersion]");
  });

  test("ip_forward must be 1; kubeadm 1.29 also wants bridge-nf-call-iptables, which needs br_netfilter", async () => {
    const m = world.machine("cp", "1.29.15");
    m.ext.set("kernel", { modules: new Set(), sysctl: new Map([["net.ipv4.ip_forward", "0"]]), swap: false });
    const r = await world.run(m, init("1.29.15"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("\t[ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables]: /proc/sys/net/bridge/bridge-nf-call-iptables does not exist\n");
    expect(r.stderr).toContain("\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1\n");
    const m30 = world.machine("cp-30", "1.30.8");
    m30.ext.set("kernel", { modules: new Set(), sysctl: new Map([["net.ipv4.ip_forward", "0"]]), swap: false });
    const r30 = await world.run(m30, init("1.30.8"));
    expect(r30.stderr).not.toContain("bridge-nf-call-iptables");
    expect(r30.stderr).toContain("[ERROR FileContent--proc-sys-net-ipv4-ip_forward]");
    const ignored = await world.run(m30, `${init("1.30.8")} --ignore-preflight-errors=FileContent--proc-sys-net-ipv4-ip_forward`);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toContain("[WARNING FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1");
  });

  test("a port something already listens on is in use", async () => {
    const m = world.machine("cp");
    m.expose(6443, 1);
    m.expose(2379, 2);
    const r = await world.run(m, init("1.31.4"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("\t[ERROR Port-6443]: Port 6443 is in use\n");
    expect(r.stderr).toContain("\t[ERROR Port-2379]: Port 2379 is in use\n");
    expect(r.stderr).not.toContain("Port-10250");
  });
});
