import { execFileSync } from "child_process";
import fc from "fast-check";
import * as c from "../../../provider/kubernetes/commands";

/** Runs each quoted string through real bash and returns what bash saw as the argument. */
function bashSees(args: string[]): string[] {
  const script = args.map((a) => `printf '%s\\0' ${c.shellQuote(a)}`).join("\n");
  const out = execFileSync("bash", ["-c", script]).toString("utf8");
  return out.split("\0").slice(0, -1);
}

describe("shellQuote", () => {
  it("leaves safe arguments bare", () => {
    expect(c.shellQuote("/opt/bin/kubeadm")).toBe("/opt/bin/kubeadm");
    expect(c.shellQuote("LABEL=CDROM")).toBe("LABEL=CDROM");
    expect(c.shellQuote("10.0.0.1:6443")).toBe("10.0.0.1:6443");
  });

  it("quotes empty strings, spaces, quotes and shell metacharacters", () => {
    expect(c.shellQuote("")).toBe("''");
    expect(c.shellQuote("a b")).toBe("'a b'");
    expect(c.shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(c.shellQuote("$(reboot)")).toBe("'$(reboot)'");
    expect(c.shellQuote("a;b")).toBe("'a;b'");
  });

  it("round-trips any string without NUL through real bash", () => {
    const samples = fc.sample(fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0")), 200);
    samples.push("'", "''", "\\", "\n", "*", "~root", "-n", "${HOME}", "`id`", "!!", "é ü 中");
    expect(bashSees(samples)).toEqual(samples);
  });
});

describe("sh", () => {
  it("joins quoted argv and prefixes sudo when asked", () => {
    expect(c.sh(["echo", "a b", "c"])).toBe("echo 'a b' c");
    expect(c.sh(["systemctl", "daemon-reload"], { sudo: true })).toBe("sudo systemctl daemon-reload");
  });
  it("rejects an empty argv", () => {
    expect(() => c.sh([])).toThrow(/empty/);
  });
});

describe("step builders", () => {
  it("findIsoDevice looks for ISO 9660 devices by type, not by label", () => {
    expect(c.findIsoDevice().command).toBe("sudo blkid -t TYPE=iso9660 -o export");
  });

  it("mountIso creates the mount point and mounts read-only", () => {
    expect(c.mountIso("/dev/sr0").command).toBe("sudo mkdir -p /mnt/k8sdisk && sudo mount -o ro /dev/sr0 /mnt/k8sdisk");
  });

  it("isIsoMounted looks for k8s/kubeadm (both layouts), catManifest reads the manifest", () => {
    expect(c.isIsoMounted().command).toBe("test -f /mnt/k8sdisk/k8s/kubeadm");
    expect(c.catManifest().command).toBe("cat /mnt/k8sdisk/manifest.json");
  });

  it("isoPath refuses absolute paths and escapes", () => {
    expect(c.isoPath("k8s/kubeadm")).toBe("/mnt/k8sdisk/k8s/kubeadm");
    expect(() => c.isoPath("/etc/passwd")).toThrow();
    expect(() => c.isoPath("k8s/../../etc/passwd")).toThrow();
  });

  it("install/extract/import/systemd builders follow docs/binaries-iso.md", () => {
    expect(c.extractTgz("/mnt/k8sdisk/cni/x.tgz", "/opt/cni/bin").command).toBe("sudo tar -xzf /mnt/k8sdisk/cni/x.tgz -C /opt/cni/bin");
    expect(c.extractTgz("/mnt/k8sdisk/etcd/e.tar.gz", "/opt/bin", 1).command).toBe("sudo tar -xzf /mnt/k8sdisk/etcd/e.tar.gz -C /opt/bin --strip-components=1");
    expect(c.installBinary("/mnt/k8sdisk/k8s/kubeadm").command).toBe("sudo install -m 0755 /mnt/k8sdisk/k8s/kubeadm /opt/bin/kubeadm");
    expect(c.installKubeletUnit("/mnt/k8sdisk/kubelet.service").command).toBe("sudo install -D -m 0644 /mnt/k8sdisk/kubelet.service /etc/systemd/system/kubelet.service");
    expect(c.installKubeadmDropIn("/mnt/k8sdisk/10-kubeadm.conf").argv.at(-1)).toBe("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf");
    expect(c.importImage("/mnt/k8sdisk/docker/pause.tar").command).toBe("sudo ctr -n k8s.io images import /mnt/k8sdisk/docker/pause.tar");
    expect(c.daemonReload().command).toBe("sudo systemctl daemon-reload");
    expect(c.enableNow("kubelet").command).toBe("sudo systemctl enable --now kubelet");
    expect(c.restartContainerd().command).toBe("sudo systemctl restart containerd");
    expect(c.umountIso().command).toBe("sudo umount /mnt/k8sdisk");
    expect(c.cloudInitStatusWait().command).toBe("sudo cloud-init status --wait");
    expect(c.mkdirs(["/opt/bin", "/opt/cni/bin"]).command).toBe("sudo mkdir -p /opt/bin /opt/cni/bin");
  });

  it("writeFile sends content on stdin, never on the command line, creating the file with its mode first", () => {
    const w = c.writeFile("/etc/kubernetes/kubeadm-config.yaml", "token: abcdef.0123456789abcdef\n");
    expect(w.stdin).toBe("token: abcdef.0123456789abcdef\n");
    expect(w.command).not.toContain("abcdef");
    expect(w.command).toBe("sudo install -D -m 0600 /dev/null /etc/kubernetes/kubeadm-config.yaml && sudo tee /etc/kubernetes/kubeadm-config.yaml >/dev/null");
    expect(w.display).toBe(w.command);
    expect(() => c.writeFile("/x", "", { mode: "rwx" })).toThrow(/mode/);
  });

  it("kubeadmInit uses the config file and uploads certs", () => {
    expect(c.kubeadmInit({ configPath: "/etc/kubernetes/kubeadm-config.yaml" }).command).toBe(
      "sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm init --config /etc/kubernetes/kubeadm-config.yaml --upload-certs",
    );
  });

  const hash = "sha256:" + "a".repeat(64);
  it("kubeadmJoin (worker) pins the CA and redacts the token in display", () => {
    const j = c.kubeadmJoin({ endpoint: "203.0.113.5:6443", token: "abcdef.0123456789abcdef", caCertHash: hash, nodeName: "c-node-1" });
    expect(j.command).toBe(
      `sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm join 203.0.113.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${hash} --node-name c-node-1 --cri-socket unix:///run/containerd/containerd.sock`,
    );
    expect(j.display).not.toContain("abcdef.0123456789abcdef");
    expect(j.display).toContain("--token <redacted>");
    expect(j.command).not.toContain("unsafe-skip");
    expect(j.secrets).toEqual(["abcdef.0123456789abcdef"]);
  });

  it("kubeadmJoin (control plane) adds --control-plane and a redacted certificate key", () => {
    const key = "b".repeat(64);
    const j = c.kubeadmJoin({ endpoint: "203.0.113.5:6443", token: "abcdef.0123456789abcdef", caCertHash: hash, nodeName: "c-control-2", controlPlane: true, certificateKey: key, advertiseAddress: "10.1.1.12" });
    expect(j.argv).toEqual(expect.arrayContaining(["--control-plane", "--certificate-key", key, "--apiserver-advertise-address", "10.1.1.12"]));
    expect(j.display).not.toContain(key);
    expect(() => c.kubeadmJoin({ endpoint: "e:6443", token: "t", caCertHash: hash, nodeName: "n", controlPlane: true })).toThrow(/certificateKey/);
    expect(() => c.kubeadmJoin({ endpoint: "e:6443", token: "t", caCertHash: "deadbeef", nodeName: "n" })).toThrow(/caCertHash/);
  });

  it("kubeadm token / upload-certs / upgrade builders", () => {
    expect(c.kubeadmTokenCreate().command).toBe("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm token create --print-join-command --ttl 2h");
    expect(c.kubeadmUploadCerts({ configPath: "/etc/kubernetes/kubeadm-config.yaml" }).command).toBe(
      "sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm init phase upload-certs --upload-certs --config /etc/kubernetes/kubeadm-config.yaml",
    );
    const key = "c".repeat(64);
    const u = c.kubeadmUploadCerts({ certificateKey: key });
    expect(u.command).toContain(`--certificate-key ${key}`);
    expect(u.display).not.toContain(key);
    expect(c.kubeadmUpgradeApply("1.31.5").command).toBe("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm upgrade apply -y v1.31.5");
    expect(c.kubeadmUpgradeNode().command).toBe("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubeadm upgrade node");
  });

  it("kubectl builders use the admin kubeconfig", () => {
    expect(c.kubectlGetNodesJson().command).toBe("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json");
    expect(c.kubectlApply("/etc/kubernetes/cks/network.yaml").command).toBe("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /etc/kubernetes/cks/network.yaml");
    expect(c.kubectlAnnotate("node", "n1", { "cks.example/owner": "a b" }).command).toBe(
      "sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf annotate --overwrite node n1 'cks.example/owner=a b'",
    );
    expect(c.kubectlDrain("n1").argv).toEqual(expect.arrayContaining(["drain", "n1", "--ignore-daemonsets"]));
    expect(c.kubectlDeleteNode("n1").argv.slice(-2)).toEqual(["n1", "--ignore-not-found"]);
    expect(c.catAdminConf().command).toBe("sudo cat /etc/kubernetes/admin.conf");
  });

  it("cloudInitOutcome treats exit 2 as degraded success", () => {
    expect([0, 1, 2, null].map(c.cloudInitOutcome)).toEqual(["done", "error", "degraded", "error"]);
  });

  it("chain refuses two stdin readers", () => {
    expect(() => c.chain(c.writeFile("/a", "x"), c.writeFile("/b", "y"))).toThrow(/stdin/);
  });
});

describe("kubeadm's PATH under sudo", () => {
  // Debian's secure_path has no /opt/bin, and sudo replaces PATH with it; kubeadm's preflight looks up
  // kubelet, crictl, conntrack, ip, iptables, mount and nsenter on PATH. So the PATH goes after sudo.
  test("every kubeadm and kubectl step runs as `sudo env PATH=/opt/bin:<secure_path>`", () => {
    const steps = [
      c.kubeadmInit({ configPath: "/etc/kubernetes/kubeadm-config.yaml" }),
      c.kubeadmTokenCreate(),
      c.kubeadmUploadCerts({ certificateKey: "a".repeat(64) }),
      c.kubeadmReset(),
      c.kubeadmUpgradeApply("1.31.5"),
      c.kubeadmUpgradeNode(),
      c.kubectlGetNodesJson(),
    ];
    for (const step of steps) {
      expect(step.command.startsWith("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /opt/bin/kube")).toBe(true);
      expect(step.display.startsWith("sudo env PATH=/opt/bin:")).toBe(true);
    }
    expect(c.KUBE_PATH.split(":")).toEqual(["/opt/bin", ...c.SUDO_SECURE_PATH.split(":")]);
  });

  test("a PATH that needs quoting is quoted as one argument", () => {
    const step = c.nodeCommand(["kubeadm", "version"], { sudo: true, path: "/opt/my bin:/usr/bin" });
    expect(step.command).toBe("sudo env 'PATH=/opt/my bin:/usr/bin' kubeadm version");
    expect(step.argv).toEqual(["kubeadm", "version"]);
  });
});
