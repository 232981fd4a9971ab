import { registryCredentialsCommand, registryHostsPath, renderRegistryHostsToml, registryServer } from "../../../provider/kubernetes/registry";
import { renderEtcdUnit } from "../../../provider/kubernetes/userdata";

describe("registry", () => {
  it("derives server and host dir from URLs with or without scheme", () => {
    expect(registryServer("registry.example.com")).toEqual({ server: "https://registry.example.com", host: "registry.example.com" });
    expect(registryServer("http://10.0.0.5:5000/v2/")).toEqual({ server: "http://10.0.0.5:5000", host: "10.0.0.5:5000" });
    expect(registryHostsPath("https://r.example.com:443")).toBe("/etc/containerd/certs.d/r.example.com/hosts.toml");
    expect(() => registryServer("ftp://x")).toThrow(/http/);
  });

  it("renders hosts.toml with a Basic auth header only when asked", () => {
    const reg = { url: "r.example.com", username: "user", password: 'pa"ss' };
    expect(renderRegistryHostsToml(reg, { withAuth: false })).not.toContain("Authorization");
    const withAuth = renderRegistryHostsToml(reg, { withAuth: true });
    expect(withAuth).toContain(`Authorization = "Basic ${Buffer.from('user:pa"ss').toString("base64")}"`);
    expect(() => renderRegistryHostsToml({ url: "r" }, { withAuth: true })).toThrow(/username and password/);
  });

  it("delivers credentials over SSH on stdin with mode 0600, restarting containerd, never in display", () => {
    const cmd = registryCredentialsCommand({ url: "r.example.com", username: "user", password: "topsecretpw" });
    expect(cmd.command).toContain("install -D -m 0600 /dev/null /etc/containerd/certs.d/r.example.com/hosts.toml");
    expect(cmd.command).toMatch(/systemctl restart containerd$/);
    expect(cmd.stdin).toContain("Authorization");
    expect(cmd.display).not.toContain("topsecretpw");
    expect(cmd.secrets).toContain("topsecretpw");
    expect(cmd.secrets).toContain(Buffer.from("user:topsecretpw").toString("base64"));
  });
});

describe("renderEtcdUnit", () => {
  const members = [
    { name: "demo-etcd-0", ip: "10.1.1.20" },
    { name: "demo-etcd-1", ip: "10.1.1.21" },
  ];
  it("renders a unit listening on http://ip:2379 with peers on :2380", () => {
    const unit = renderEtcdUnit({ name: "demo-etcd-1", ip: "10.1.1.21", initialCluster: members, clusterToken: "demo-1234" });
    expect(unit).toContain("ExecStart=/opt/bin/etcd \\");
    expect(unit).toContain("--listen-client-urls http://10.1.1.21:2379,http://127.0.0.1:2379");
    expect(unit).toContain("--advertise-client-urls http://10.1.1.21:2379");
    expect(unit).toContain("--initial-advertise-peer-urls http://10.1.1.21:2380");
    expect(unit).toContain("--initial-cluster demo-etcd-0=http://10.1.1.20:2380,demo-etcd-1=http://10.1.1.21:2380");
    expect(unit).toContain("--initial-cluster-token demo-1234");
    expect(unit).toContain("WantedBy=multi-user.target");
    // Type=exec as CKS: with Type=notify the first member's start would wait for quorum (etcdUnit.ts).
    expect(unit).toMatch(/^Type=exec$/m);
    // Every continuation line but the last ends with a backslash.
    const exec = unit.split("\n").filter((l) => l.startsWith("  --"));
    expect(exec.slice(0, -1).every((l) => l.endsWith(" \\"))).toBe(true);
    expect(exec.at(-1)!.endsWith("\\")).toBe(false);
  });

  it("refuses a member missing from initialCluster and bad IPs", () => {
    expect(() => renderEtcdUnit({ name: "demo-etcd-2", ip: "10.1.1.22", initialCluster: members })).toThrow(/not in initialCluster/);
    expect(() => renderEtcdUnit({ name: "demo-etcd-0", ip: "x", initialCluster: members })).toThrow(/ip/);
  });
});
