// Node scripts: shellcheck-clean, and behaving under real bash against a fake node root in a temp dir.
import { execFileSync, spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { collectDiagnostics, DIAGNOSTICS_SCRIPT_PATH } from "../../provider/kubernetes/diagnostics";

const SCRIPTS_DIR = join(__dirname, "../../provider/kubernetes/scripts");

function hasShellcheck(): boolean {
  return spawnSync("shellcheck", ["--version"]).status === 0;
}

describe("node scripts pass shellcheck", () => {
  const scripts = readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith(".sh"));

  it("has scripts to check", () => {
    expect(scripts).toContain("collect-node-diagnostics.sh");
  });

  const maybe = hasShellcheck() ? it : it.skip;
  if (!hasShellcheck()) console.warn("shellcheck is not installed (apt-get install -y shellcheck): skipping the shellcheck test");
  maybe.each(scripts)("%s", (script) => {
    const r = spawnSync("shellcheck", ["-S", "style", "-x", join(SCRIPTS_DIR, script)], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("collect-node-diagnostics.sh", () => {
  let root: string;
  let fakeBin: string;

  function fake(dir: string, name: string, body: string): void {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/bash\n${body}\n`);
    chmodSync(p, 0o755);
  }

  function run(args: string[], opts: { path?: string } = {}) {
    return spawnSync("bash", [DIAGNOSTICS_SCRIPT_PATH, ...args], {
      encoding: "utf8",
      env: { PATH: opts.path ?? `${fakeBin}:/usr/bin:/bin`, LANG: "C" },
    });
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "diag-"));
    fakeBin = join(root, "fakebin");
    mkdirSync(fakeBin);
    mkdirSync(join(root, "opt/bin"), { recursive: true });
    mkdirSync(join(root, "mnt/k8sdisk"), { recursive: true });
    mkdirSync(join(root, "etc/kubernetes/pki"), { recursive: true });
    mkdirSync(join(root, "var/log"), { recursive: true });
    fake(join(root, "opt/bin"), "kubeadm", 'echo "v1.31.4"');
    fake(join(root, "opt/bin"), "kubelet", 'echo "Kubernetes v1.31.4"');
    writeFileSync(join(root, "mnt/k8sdisk/manifest.json"), '{"kubernetesVersion":"1.31.4"}');
    writeFileSync(join(root, "etc/kubernetes/admin.conf"), "client-key-data: SUPERSECRETKEYDATA\n");
    writeFileSync(
      join(root, "var/log/cloud-init-output.log"),
      [
        "old line 1",
        "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:" + "a".repeat(64),
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEAAAAA",
        "-----END OPENSSH PRIVATE KEY-----",
        "registry password=hunter22",
        "last line",
      ].join("\n") + "\n",
    );
    fake(fakeBin, "systemctl", 'if [ "$1" = is-active ] && [ "$2" = kubelet ]; then echo failed; exit 3; fi; echo active');
    fake(fakeBin, "journalctl", 'echo "journal for $2 ($4 lines) token abcdef.0123456789abcdef"');
    fake(fakeBin, "cloud-init", 'echo "status: error"');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reports versions, ISO, services, cloud-init and logs from the given root", () => {
    const r = run(["--root", root, "--lines", "10"]);
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain("kubeadm: v1.31.4");
    expect(out).toContain("kubelet: Kubernetes v1.31.4");
    expect(out).toContain(`kubectl: not installed in ${root}/opt/bin`);
    expect(out).toContain('{"kubernetesVersion":"1.31.4"}');
    expect(out).toContain("containerd: active");
    expect(out).toContain("kubelet: failed");
    expect(out).toContain("status: error");
    expect(out).toContain("journal for kubelet (10 lines)");
    expect(out).toContain("last line");
    expect(out).toContain(`${root}/etc/kubernetes/admin.conf`);
  });

  it("never prints secrets", () => {
    const out = run(["--root", root]).stdout;
    expect(out).not.toContain("0123456789abcdef");
    expect(out).not.toContain("SUPERSECRETKEYDATA");
    expect(out).not.toContain("b3BlbnNzaC1rZXktdjEAAAAA");
    expect(out).not.toContain("hunter22");
    expect(out).toContain("<redacted private key>");
    expect(out).toContain("--token <redacted>");
  });

  it("limits log lines", () => {
    const out = run(["--root", root, "--lines", "1"]).stdout;
    expect(out).toContain("last line");
    expect(out).not.toContain("old line 1");
  });

  it("copes with missing tools", () => {
    const emptyBin = join(root, "empty");
    mkdirSync(emptyBin, { recursive: true });
    for (const tool of ["bash", "sed", "head", "tail", "timeout", "find", "sort", "hostname", "uname", "date"]) {
      const p = execFileSync("bash", ["-c", `command -v ${tool} || true`], { encoding: "utf8" }).trim();
      if (p) fake(emptyBin, tool, `exec ${p} "$@"`);
    }
    const r = run(["--root", root], { path: emptyBin });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("(cloud-init not available)");
    expect(r.stdout).toContain("containerd: (systemctl not available)");
  });

  it("rejects bad arguments with exit code 2", () => {
    expect(run(["--lines", "ten"]).status).toBe(2);
    expect(run(["--bogus"]).status).toBe(2);
    expect(run(["--root", join(root, "nope")]).status).toBe(2);
  });

  it("works when streamed to bash -s as the provider sends it", () => {
    const cmd = collectDiagnostics({ lines: 5 });
    expect(cmd.command).toBe("sudo bash -s -- --lines 5");
    const r = spawnSync("bash", ["-s", "--", "--root", root, "--lines", "5"], { input: cmd.stdin, encoding: "utf8", env: { PATH: `${fakeBin}:/usr/bin:/bin` } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("kubeadm: v1.31.4");
  });
});
