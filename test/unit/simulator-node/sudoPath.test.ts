// The base image's PATHs and sudo as Debian 12 has them: no /opt/bin anywhere by default, secure_path
// replaces PATH (env_reset, even with -E), and only the CKS-ready template's packages are installed.
import { shellMachine } from "./helpers";

const SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

describe("base image: sudo, secure_path and PATH", () => {
  it("ships Debian's sudoers: env_reset and a secure_path without /opt/bin", () => {
    const sudoers = shellMachine().fs.read("/etc/sudoers")?.toString("utf8") ?? "";
    expect(sudoers).toContain("Defaults\tenv_reset\n");
    expect(sudoers).toContain(`Defaults\tsecure_path="${SECURE_PATH}"\n`);
    expect(sudoers).not.toContain("/opt/bin");
  });

  it("starts commands with sshd's Debian default PATHs: no /opt/bin for cloud or root", async () => {
    const m = shellMachine();
    expect((await m.run("echo $PATH", { user: "cloud" })).stdout).toBe("/usr/local/bin:/usr/bin:/bin:/usr/games\n");
    expect((await m.run("echo $PATH")).stdout).toBe(`${SECURE_PATH}\n`);
  });

  it("sudo passes secure_path to the command, even with -E and a caller PATH holding /opt/bin", async () => {
    const m = shellMachine();
    const env = { PATH: "/opt/bin:/usr/bin:/bin" };
    expect((await m.run("sudo env | grep ^PATH=", { user: "cloud", env })).stdout).toBe(`PATH=${SECURE_PATH}\n`);
    expect((await m.run("sudo -E env | grep ^PATH=", { user: "cloud", env })).stdout).toBe(`PATH=${SECURE_PATH}\n`);
    expect((await m.run("sudo env PATH=/opt/bin:/usr/bin env | grep ^PATH=", { user: "cloud" })).stdout).toBe("PATH=/opt/bin:/usr/bin\n");
  });

  it("finds the command on secure_path, not on the caller's PATH", async () => {
    const m = shellMachine();
    m.fs.mkdirp("/opt/bin");
    m.fs.write("/opt/bin/kubeadm", "# kubeadm v1.31.4 (cloudstack-sim stand-in)\n", { mode: 0o755 });
    const r = await m.run("sudo kubeadm version", { user: "cloud", env: { PATH: "/opt/bin:/usr/bin:/bin" } });
    expect(r).toEqual({ code: 1, stdout: "", stderr: "sudo: kubeadm: command not found\n" });
  });

  it("carries kubeadm's required host tools; ebtables, socat and (before the ISO install) kubeadm are not there", async () => {
    const m = shellMachine();
    const found = await m.run("which ip iptables mount nsenter conntrack tc touch");
    expect(found.stdout.split("\n").filter(Boolean)).toEqual(["/usr/sbin/ip", "/usr/sbin/iptables", "/usr/bin/mount", "/usr/bin/nsenter", "/usr/sbin/conntrack", "/usr/sbin/tc", "/usr/bin/touch"]);
    expect(found.code).toBe(0);
    for (const missing of ["ebtables", "socat", "kubeadm", "crictl"]) {
      expect(await m.run(missing)).toEqual({ code: 127, stdout: "", stderr: `bash: ${missing}: command not found\n` });
    }
  });
});
