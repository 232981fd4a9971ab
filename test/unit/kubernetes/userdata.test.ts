import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gunzipSync } from "zlib";
import { parse } from "yaml";
import { renderNodeUserData, toMultipart, USERDATA_MAX_BASE64, NodeUserDataInput } from "../../../provider/kubernetes/userdata";
// The simulator's cloud-init reading (PyYAML rules), an independent reading of the same contract.
import { decodeUserData, mergeConfigs } from "../../../simulator/node/cloudinit/userdata";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1c3RlcmtleWZvcnRlc3RzMTIzNDU2Nzg5MDEyMzQ1Ng cluster";
const base: NodeUserDataInput = { hostname: "demo-node-1a2b", role: "worker", sshPublicKeys: [key] };

function decode(userData: string, gzipped = false): string {
  const buf = Buffer.from(userData, "base64");
  return (gzipped ? gunzipSync(buf) : buf).toString("utf8");
}

describe("renderNodeUserData", () => {
  it("renders a #cloud-config with the cloud user, hostname, kernel settings and containerd config", () => {
    const r = renderNodeUserData(base);
    expect(r.gzipped).toBe(false);
    expect(r.multipart).toBe(false);
    expect(r.encodedLength).toBe(r.userData.length);
    const text = decode(r.userData);
    expect(r.bytes).toBe(Buffer.byteLength(text));
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(text);
    expect(doc.hostname).toBe("demo-node-1a2b");
    // cloud is the default user, so the deploy keypairs (the operator's keypair) are authorised for it too.
    expect(doc.user).toEqual({ name: "cloud", sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash", lock_passwd: true });
    expect(doc.users).toEqual(["default"]);
    expect(doc.ssh_authorized_keys).toEqual([key]);
    const paths = doc.write_files.map((f: any) => f.path);
    expect(paths).toEqual(["/etc/modules-load.d/k8s.conf", "/etc/sysctl.d/k8s.conf"]);
    expect(doc.write_files[1].content).toContain("net.bridge.bridge-nf-call-iptables = 1");
    expect(doc.runcmd).toEqual(expect.arrayContaining([["modprobe", "overlay"], ["modprobe", "br_netfilter"], ["sysctl", "--system"], ["swapoff", "-a"]]));
    expect(JSON.stringify(doc.runcmd)).toContain("SystemdCgroup = true");
  });

  it("etcd nodes get the user but no Kubernetes kernel/containerd setup", () => {
    const doc = parse(decode(renderNodeUserData({ ...base, role: "etcd" }).userData));
    expect(doc.ssh_authorized_keys).toEqual([key]);
    expect(doc.write_files).toBeUndefined();
    expect(doc.runcmd).toBeUndefined();
  });

  it("adds caller files with defaults", () => {
    const doc = parse(decode(renderNodeUserData({ ...base, files: [{ path: "/etc/motd", content: "hi\n" }] }).userData));
    expect(doc.write_files.at(-1)).toEqual({ path: "/etc/motd", content: "hi\n", permissions: "0644", owner: "root:root" });
  });

  it("puts only a credential-free registry hosts.toml in userdata", () => {
    const r = renderNodeUserData({ ...base, registry: { url: "registry.example.com:5000", username: "u", password: "p4ssw0rd-secret" } });
    const text = decode(r.userData);
    expect(text).not.toContain("p4ssw0rd-secret");
    expect(text).not.toContain(Buffer.from("u:p4ssw0rd-secret").toString("base64"));
    const doc = parse(text);
    const hosts = doc.write_files.find((f: any) => f.path === "/etc/containerd/certs.d/registry.example.com:5000/hosts.toml");
    expect(hosts.content).toContain('server = "https://registry.example.com:5000"');
  });

  it("builds MIME multipart with append-merge headers when extra parts are given", () => {
    const cni = "#cloud-config\nwrite_files:\n  - path: /etc/cni/net.d/10-x.conf\n    content: '{}'\n";
    const r = renderNodeUserData({ ...base, extraCloudConfigParts: [cni] });
    expect(r.multipart).toBe(true);
    const text = decode(r.userData);
    const boundary = /boundary="([^"]+)"/.exec(text)![1]!;
    const parts = text.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    for (const p of parts) {
      expect(p).toContain("Content-Type: text/cloud-config");
      expect(p).toContain("Merge-Type: list(append)+dict(no_replace,recurse_list)+str()");
    }
    expect(parts[1]).toContain("/etc/cni/net.d/10-x.conf");
    expect(text.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
  });

  it("refuses extra parts that are not cloud-config", () => {
    expect(() => renderNodeUserData({ ...base, extraCloudConfigParts: ["#!/bin/sh\necho"] })).toThrow(/#cloud-config/);
  });

  it("gzips only when the plain base64 is too large, and the result decodes", () => {
    // Compressible but large: ~40 KB of repeated manifest text.
    const big = "#cloud-config\nwrite_files:\n  - path: /etc/cni/big.yaml\n    content: |\n" + "      apiVersion: v1\n".repeat(2000);
    const r = renderNodeUserData({ ...base, extraCloudConfigParts: [big] });
    expect(r.gzipped).toBe(true);
    expect(r.userData.length).toBeLessThanOrEqual(USERDATA_MAX_BASE64);
    expect(decode(r.userData, true)).toContain("/etc/cni/big.yaml");
  });

  it("throws naming role, node and size when even gzip does not fit", () => {
    const random = Buffer.from(Array.from({ length: 40000 }, (_, i) => (i * 7919 + ((i * i) % 251)) % 256)).toString("base64");
    const huge = `#cloud-config\nwrite_files:\n  - path: /x\n    content: ${random}\n`;
    expect(() => renderNodeUserData({ ...base, role: "control", hostname: "demo-control-1", extraCloudConfigParts: [huge] })).toThrow(
      /control node demo-control-1 is \d+ base64 characters.*32768/,
    );
  });

  it("validates inputs, naming the field", () => {
    expect(() => renderNodeUserData({ ...base, sshPublicKeys: [] })).toThrow(/sshPublicKeys/);
    expect(() => renderNodeUserData({ ...base, hostname: "Bad_Name" })).toThrow(/hostname/);
    expect(() => renderNodeUserData({ ...base, files: [{ path: "relative", content: "" }] })).toThrow(/path/);
  });
});

describe("runcmd entries do what they say under real bash and sed", () => {
  const runcmd: string[][] = parse(decode(renderNodeUserData(base).userData)).runcmd;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "runcmd-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs one argv entry with /etc paths redirected into the temp dir. */
  function runEntry(entry: string[]): void {
    const argv = entry.map((a) => a.split("/etc/fstab").join(join(dir, "fstab")).split("/etc/containerd/config.toml").join(join(dir, "config.toml")));
    execFileSync(argv[0]!, argv.slice(1));
  }

  it("comments out active swap lines in fstab, and is a no-op without fstab", () => {
    const entry = runcmd.find((e) => e.join(" ").includes("fstab"))!;
    runEntry(entry); // no fstab: must succeed
    writeFileSync(join(dir, "fstab"), "UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n#/old none swap sw 0 0\n");
    runEntry(entry);
    expect(readFileSync(join(dir, "fstab"), "utf8")).toBe("UUID=1 / ext4 defaults 0 1\n#/swapfile none swap sw 0 0\n#/old none swap sw 0 0\n");
  });

  it("switches containerd to the systemd cgroup driver and the certs.d registry layout", () => {
    const entry = runcmd.find((e) => e[0] === "sed" && e.includes("/etc/containerd/config.toml"))!;
    writeFileSync(
      join(dir, "config.toml"),
      '          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n            SystemdCgroup = false\n      [plugins."io.containerd.grpc.v1.cri".registry]\n        config_path = ""\n',
    );
    runEntry(entry);
    const out = readFileSync(join(dir, "config.toml"), "utf8");
    expect(out).toContain('config_path = "/etc/containerd/certs.d"');
    expect(out).toContain("SystemdCgroup = true");
    expect(out).not.toContain("SystemdCgroup = false");
  });

  it("does the same on containerd 2.x's config (version = 3: literal strings, no SystemdCgroup line)", () => {
    const entry = runcmd.find((e) => e[0] === "sed" && e.includes("/etc/containerd/config.toml"))!;
    writeFileSync(
      join(dir, "config.toml"),
      "version = 3\n    [plugins.'io.containerd.cri.v1.images'.registry]\n      config_path = ''\n          [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n            BinaryName = ''\n",
    );
    runEntry(entry);
    const out = readFileSync(join(dir, "config.toml"), "utf8");
    expect(out).toContain('config_path = "/etc/containerd/certs.d"');
    expect(out).toContain("runc.options]\n            SystemdCgroup = true\n            BinaryName");
  });
});

describe("toMultipart", () => {
  it("is deterministic", () => {
    expect(toMultipart(["#cloud-config\na: 1\n"])).toBe(toMultipart(["#cloud-config\na: 1\n"]));
  });
});

describe("renderNodeUserData: YAML that cloud-init (PyYAML, YAML 1.1) reads as meant", () => {
  it("keeps strings PyYAML would read as booleans or numbers strings (hostname 'yes', user 'on', content 'off')", () => {
    const r = renderNodeUserData({ ...base, hostname: "yes", loginUser: "on", files: [{ path: "/etc/flag", content: "off", permissions: "0755" }] });
    const cfg = mergeConfigs(decodeUserData(r.userData).configs);
    expect(cfg.hostname).toBe("yes");
    expect(cfg.fqdn).toBe("yes");
    expect(cfg.user).toMatchObject({ name: "on" });
    expect(cfg.write_files).toContainEqual({ path: "/etc/flag", content: "off", permissions: "0755", owner: "root:root" });
  });
});
