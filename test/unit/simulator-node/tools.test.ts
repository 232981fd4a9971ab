import { gzipSync } from "node:zlib";
import { shellMachine } from "./helpers";
import { tgz, ustar } from "./tarFixture";
import { SimCommandTable } from "../../../simulator/node/table";
import type { NodeMachine } from "../../../simulator/node/types";

describe("node base tools", () => {
  it("tar -xzf extracts a real gzip'd ustar archive, with -C and --strip-components", async () => {
    const m = shellMachine();
    m.fs.write("/tmp/cni.tgz", tgz([{ path: "./", dir: true }, { path: "./bridge", data: "# bridge v1.5.1 (cloudstack-sim stand-in)\n", mode: 0o755 }, { path: "./host-local", data: "x", mode: 0o755 }]));
    m.fs.write("/tmp/etcd.tar.gz", tgz([{ path: "etcd-v3.5.15-linux-amd64/", dir: true }, { path: "etcd-v3.5.15-linux-amd64/etcd", data: "# etcd v3.5.15 (cloudstack-sim stand-in)\n", mode: 0o755 }]));
    const r = await m.run("mkdir -p /opt/cni/bin /opt/bin && tar -xzf /tmp/cni.tgz -C /opt/cni/bin && tar -xzf /tmp/etcd.tar.gz -C /opt/bin --strip-components=1");
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(m.fs.list("/opt/cni/bin")).toEqual(["bridge", "host-local"]);
    expect(m.fs.stat("/opt/cni/bin/bridge")?.mode).toBe(0o755);
    expect(m.fs.read("/opt/bin/etcd")?.toString()).toContain("etcd v3.5.15");
    const listing = await m.run("tar -tf /tmp/cni.tgz");
    expect(listing.stdout).toBe("./\n./bridge\n./host-local\n");
  });

  it("tar fails like GNU tar on missing files, non-gzip input and missing targets", async () => {
    const m = shellMachine();
    m.fs.write("/tmp/plain.tar", ustar([{ path: "a", data: "1" }]));
    const missing = await m.run("tar -xzf /tmp/none.tgz -C /tmp");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot open: No such file or directory");
    const notGz = await m.run("tar -xzf /tmp/plain.tar -C /tmp");
    expect(notGz.code).toBe(2);
    expect(notGz.stderr).toContain("not in gzip format");
    expect((await m.run("tar -xf /tmp/plain.tar -C /nowhere")).code).toBe(2);
    expect((await m.run("tar -xf /tmp/plain.tar -C /tmp && cat /tmp/a")).stdout).toBe("1");
  });

  it("install -m sets mode and owner, and needs the target directory", async () => {
    const m = shellMachine();
    m.fs.write("/tmp/kubeadm", "# kubeadm v1.31.4 (cloudstack-sim stand-in)\n");
    expect((await m.run("mkdir -p /opt/bin && install -m 0755 /tmp/kubeadm /opt/bin/")).code).toBe(0);
    expect(m.fs.stat("/opt/bin/kubeadm")).toMatchObject({ mode: 0o755, owner: "root" });
    expect((await m.run("install -m 0644 /tmp/kubeadm /etc/nope/x")).code).toBe(1);
    const bad = await m.run("install -Z /tmp/kubeadm /opt/bin/");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("invalid option");
  });

  it("finds installed stand-ins on PATH and passes their version to the registered tool", async () => {
    const m = shellMachine();
    let seen: string | undefined;
    (m.deps.table as SimCommandTable).register("kubeadm", async (_argv, io) => {
      seen = io.binaryVersion;
      io.stdout(`kubeadm version: v${io.binaryVersion}\n`);
      return 0;
    });
    expect((await m.run("kubeadm version")).code).toBe(127);
    m.fs.mkdirp("/opt/bin");
    m.fs.write("/opt/bin/kubeadm", "# kubeadm v1.31.4 (cloudstack-sim stand-in)\n", { mode: 0o755 });
    // Debian's secure_path has no /opt/bin: sudo does not find it there (sudo exits 1, not 127).
    const bare = await m.run("sudo kubeadm version", { user: "cloud" });
    expect(bare).toEqual({ code: 1, stdout: "", stderr: "sudo: kubeadm: command not found\n" });
    expect(seen).toBeUndefined();
    const r = await m.run("sudo env PATH=/opt/bin:/usr/bin kubeadm version", { user: "cloud" });
    expect(r.stdout).toBe("kubeadm version: v1.31.4\n");
    expect(seen).toBe("1.31.4");
  });

  it("blkid and mount find the CD-ROM and expose its files read-only", async () => {
    const iso = new Map([["manifest.json", Buffer.from('{"kubernetesVersion":"1.31.4"}')], ["k8s/kubeadm", Buffer.from("# kubeadm v1.31.4 (cloudstack-sim stand-in)\n")]]);
    const m = shellMachine({ iso });
    expect((await m.run("blkid -o device -t LABEL=CDROM")).stdout).toBe("/dev/sr0\n");
    expect((await m.run("blkid -o device -t TYPE=iso9660")).stdout).toBe("/dev/sr0\n");
    expect((await m.run("blkid -o device -t LABEL=NOPE")).code).toBe(2);
    expect((await m.run("mount -o ro /dev/sr0 /mnt/k8sdisk")).code).toBe(32);
    expect((await m.run("mkdir -p /mnt/k8sdisk && mount -o ro /dev/sr0 /mnt/k8sdisk")).code).toBe(0);
    expect((await m.run("cat /mnt/k8sdisk/manifest.json")).stdout).toContain("1.31.4");
    expect((await m.run("ls /mnt/k8sdisk")).stdout).toBe("k8s\nmanifest.json\n");
    const again = await m.run("mount -o ro /dev/sr0 /mnt/k8sdisk");
    expect(again.code).toBe(32);
    expect(again.stderr).toContain("already mounted");
    const write = await m.run("touch /mnt/k8sdisk/x");
    expect(write.code).toBe(1);
    expect((await m.run("mount -o ro /dev/sr0 /mnt", { user: "cloud" })).stderr).toContain("only root");
    expect((await m.run("umount /mnt/k8sdisk && test -f /mnt/k8sdisk/manifest.json")).code).toBe(1);
    expect((await m.run("umount /mnt/k8sdisk")).code).toBe(32);
  });

  it("blkid matches TYPE= and LABEL= tokens as util-linux does: an xorriso label and a config drive are iso9660 too", async () => {
    const iso = new Map([["k8s/kubeadm", Buffer.from("# kubeadm v1.31.4 (cloudstack-sim stand-in)\n")]]);
    const m = shellMachine({ iso, isoLabel: "ISOIMAGE", configDrive: true });
    // Today's provider searched LABEL=CDROM: an xorriso-built ISO never matches.
    expect((await m.run("blkid -o device -t LABEL=CDROM")).code).toBe(2);
    expect((await m.run("blkid -o device -t LABEL=ISOIMAGE")).stdout).toBe("/dev/sr0\n");
    expect((await m.run("blkid -o device -t TYPE=iso9660")).stdout).toBe("/dev/sr0\n/dev/sr1\n");
    expect((await m.run("blkid -o device -t LABEL=config-2")).stdout).toBe("/dev/sr1\n");
    expect((await m.run('blkid -o device -t TYPE="ext4"')).stdout).toBe("/dev/vda1\n");
    expect((await m.run("blkid -o value -s LABEL /dev/sr1")).stdout).toBe("config-2\n");
    expect((await m.run("blkid -t TYPE=iso9660 -o export")).stdout).toBe(
      "DEVNAME=/dev/sr0\nBLOCK_SIZE=2048\nUUID=2024-01-01-00-00-00-00\nLABEL=ISOIMAGE\nTYPE=iso9660\n\nDEVNAME=/dev/sr1\nBLOCK_SIZE=2048\nUUID=2024-01-01-00-00-00-00\nLABEL=config-2\nTYPE=iso9660\n\n",
    );
    expect((await m.run("blkid -o device -t BOGUS")).code).toBe(4);
    // The config drive mounts like the binaries ISO and carries the OpenStack metadata layout.
    expect((await m.run("mkdir -p /mnt/cd && mount -o ro /dev/sr1 /mnt/cd && cat /mnt/cd/openstack/latest/meta_data.json")).stdout).toContain('"hostname"');
  });

  it("blkid without a CD-ROM prints nothing and exits 2", async () => {
    const m = shellMachine();
    const r = await m.run("blkid -o device -t LABEL=CDROM");
    expect(r).toEqual({ code: 2, stdout: "", stderr: "" });
    expect((await m.run("mkdir -p /mnt/k && mount -o ro /dev/sr0 /mnt/k")).stderr).toContain("no medium found");
  });

  it("systemctl requires a unit, calls service hooks and reports states", async () => {
    const m = shellMachine();
    const calls: string[] = [];
    (m.deps.table as SimCommandTable).registerService("kubelet", {
      start: async (machine: NodeMachine) => {
        calls.push("start");
        if (!machine.fs.exists("/var/lib/kubelet/config.yaml")) throw new Error("failed to load kubelet config file");
      },
      stop: async () => {
        calls.push("stop");
      },
    });
    const missing = await m.run("systemctl start nothing");
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("Unit nothing.service not found.");
    const failing = await m.run("systemctl enable --now kubelet");
    expect(failing.code).toBe(1);
    expect((await m.run("systemctl is-active kubelet")).stdout).toBe("failed\n");
    expect((await m.run("systemctl is-enabled kubelet")).stdout).toBe("enabled\n");
    expect((await m.run("journalctl -u kubelet")).stdout).toContain("failed to load kubelet config file");
    m.fs.mkdirp("/var/lib/kubelet");
    m.fs.write("/var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\n");
    expect((await m.run("systemctl restart kubelet && systemctl is-active kubelet")).stdout).toBe("active\n");
    expect((await m.run("systemctl stop kubelet.service; systemctl is-active kubelet")).code).toBe(3);
    expect(calls).toEqual(["start", "start", "stop"]);
    expect((await m.run("systemctl start containerd", { user: "cloud" })).code).toBe(1);
    m.fs.write("/etc/systemd/system/custom.service", "[Service]\nExecStart=/bin/true\n");
    expect((await m.run("systemctl enable --now custom && systemctl is-active custom")).stdout).toBe("active\n");
  });

  it("ctr imports images only while containerd runs and lists them", async () => {
    const m = shellMachine();
    m.fs.write("/tmp/apiserver.tar", "# image registry.k8s.io/kube-apiserver:v1.31.4 (cloudstack-sim stand-in)\n");
    const ok = await m.run("ctr -n k8s.io images import /tmp/apiserver.tar");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("unpacking registry.k8s.io/kube-apiserver:v1.31.4");
    expect((await m.run("ctr -n k8s.io images ls -q")).stdout).toBe("registry.k8s.io/kube-apiserver:v1.31.4\n");
    expect(m.ext.get("containerd.images")).toEqual(new Set(["registry.k8s.io/kube-apiserver:v1.31.4"]));
    m.services.get("containerd")!.active = "inactive";
    const down = await m.run("ctr -n k8s.io images import /tmp/apiserver.tar");
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("containerd.sock");
  });

  it("sed -i, grep flags, head/tail, base64, sha256sum, stat -c", async () => {
    const m = shellMachine();
    await m.run("containerd config default > /etc/containerd/config.toml");
    await m.run("sed -i 's/SystemdCgroup = false/SystemdCgroup = true/' /etc/containerd/config.toml");
    expect((await m.run("grep -c 'SystemdCgroup = true' /etc/containerd/config.toml")).stdout).toBe("1\n");
    expect((await m.run("grep -q nothing-like-this /etc/containerd/config.toml")).code).toBe(1);
    expect((await m.run("grep -qw version /etc/containerd/config.toml")).code).toBe(0);
    expect((await m.run("printf '1\\n2\\n3\\n' | head -n 2 | tail -n 1")).stdout).toBe("2\n");
    expect((await m.run("echo -n hello | base64")).stdout).toBe("aGVsbG8=\n");
    expect((await m.run("echo aGVsbG8= | base64 -d")).stdout).toBe("hello");
    expect((await m.run("echo -n abc | sha256sum")).stdout).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n");
    expect((await m.run("stat -c '%a %U:%G' /etc/sudoers")).stdout).toBe("440 root:root\n");
    expect((await m.run("grep --bogus x /etc/hosts")).code).toBe(2);
  });

  it("sed -E with several -e: s///Ig with groups, /a/,/b/c\\ ranges and d", async () => {
    const m = shellMachine();
    m.fs.write("/tmp/log", "start\ntoken: abcdef.0123456789abcdef\n-----BEGIN RSA PRIVATE KEY-----\nsecret\n-----END RSA PRIVATE KEY-----\nPassword = hunter2\ndrop me\nend\n");
    const r = await m.run(
      "sed -E -e '/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/,/-----END [A-Z0-9 ]*PRIVATE KEY-----/c\\<redacted private key>' " +
        "-e 's/[a-z0-9]{6}\\.[a-z0-9]{16}/<redacted>/g' -e 's/((password|token)[[:space:]]*[=:][[:space:]]*\"?)[^[:space:]\"]+/\\1<redacted>/Ig' -e '/^drop/d' /tmp/log",
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("start\ntoken: <redacted>\n<redacted private key>\nPassword = <redacted>\nend\n");
  });

  it("sysctl needs br_netfilter for bridge keys; modprobe and swapoff need root", async () => {
    const m = shellMachine();
    const before = await m.run("sysctl -w net.bridge.bridge-nf-call-iptables=1");
    expect(before.code).toBe(255);
    // /usr/sbin is not on a non-root user's PATH (Debian's sshd default path), so name it in full.
    expect(await m.run("modprobe overlay", { user: "cloud" })).toEqual({ code: 127, stdout: "", stderr: "bash: modprobe: command not found\n" });
    expect((await m.run("/usr/sbin/modprobe overlay", { user: "cloud" })).code).toBe(1);
    expect((await m.run("modprobe overlay && modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1")).stdout).toBe("net.bridge.bridge-nf-call-iptables = 1\n");
    m.fs.write("/etc/sysctl.d/k8s.conf", "net.ipv4.ip_forward = 1\n");
    expect((await m.run("sysctl --system")).stdout).toContain("net.ipv4.ip_forward = 1");
    expect((await m.run("sysctl -n net.ipv4.ip_forward")).stdout).toBe("1\n");
    expect((await m.run("/usr/sbin/swapoff -a", { user: "cloud" })).code).toBe(1);
    expect((await m.run("swapoff -a")).code).toBe(0);
  });

  it("gzip and gunzip round-trip files", async () => {
    const m = shellMachine();
    m.fs.write("/tmp/x.txt", "payload\n");
    expect((await m.run("gzip /tmp/x.txt && test -f /tmp/x.txt.gz && test ! -e /tmp/x.txt")).code).toBe(0);
    expect(m.fs.read("/tmp/x.txt.gz")?.subarray(0, 2)).toEqual(gzipSync("a").subarray(0, 2));
    expect((await m.run("gunzip /tmp/x.txt.gz && cat /tmp/x.txt")).stdout).toBe("payload\n");
  });

  it("mkdir, rm, cp, mv, chmod, chown behave like coreutils", async () => {
    const m = shellMachine();
    expect((await m.run("mkdir /tmp/a/b")).stderr).toBe("mkdir: cannot create directory '/tmp/a/b': No such file or directory\n");
    expect((await m.run("mkdir -p -m 0700 /tmp/a/b && stat -c %a /tmp/a/b")).stdout).toBe("700\n");
    expect((await m.run("rm /tmp/a")).stderr).toBe("rm: cannot remove '/tmp/a': Is a directory\n");
    expect((await m.run("echo hi > /tmp/f && cp /tmp/f /tmp/a/ && mv /tmp/a/f /tmp/a/g && cat /tmp/a/g")).stdout).toBe("hi\n");
    expect((await m.run("chmod 600 /tmp/a/g && chown cloud:cloud /tmp/a/g && stat -c '%a %U' /tmp/a/g")).stdout).toBe("600 cloud\n");
    expect((await m.run("chown cloud /tmp/f", { user: "cloud" })).code).toBe(1);
    expect((await m.run("rm -rf /tmp/a && test -e /tmp/a")).code).toBe(1);
    expect((await m.run("rm -x /tmp/f")).code).toBe(1);
  });
});
