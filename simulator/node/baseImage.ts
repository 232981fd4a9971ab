// The template's root filesystem at first boot: a stock Debian 12 cloud image plus exactly the packages
// CloudStack's CKS-ready template list names (scripts/util/validate-cks-node in apache/cloudstack:
// cloud-init, cloud-guest-utils, conntrack, curl, ca-certificates, gnupg, containerd.io, ...), with
// the base tools as stand-in files. Nothing else: any other command is `command not found` (127).
// Only root exists; cloud-init creates the default user "cloud".
import type { NodeFs } from "./types";

/**
 * Tools on the template, by directory. Each is a stand-in file naming the tool that implements it.
 * Besides coreutils & co: util-linux (mount, umount, nsenter, blkid, swapoff), iproute2 (ip, tc),
 * iptables, conntrack (the CKS list names it) — the binaries kubeadm's preflight requires on PATH
 * (kubernetes cmd/kubeadm/app/preflight/checks_linux.go addExecChecks). A CKS-ready template runs
 * kubeadm, so it must carry them. No ebtables, ethtool or socat (kubeadm only warns about those).
 */
export const TEMPLATE_TOOLS: Record<string, string[]> = {
  "/usr/bin": [
    "cat", "echo", "printf", "tee", "mkdir", "rm", "cp", "mv", "install", "chmod", "chown", "ln", "ls", "touch",
    "test", "[", "stat", "head", "tail", "grep", "wc", "awk", "sed", "base64", "sha256sum", "mktemp", "sleep", "id",
    "whoami", "hostname", "uname", "date", "true", "false", "sudo", "sh", "bash", "dash", "env", "timeout", "nohup",
    "tar", "gzip", "gunzip", "zcat", "ctr", "containerd", "curl", "journalctl", "systemctl", "cloud-init", "cut",
    "sort", "tr", "which", "mount", "umount", "nsenter", "ip",
  ],
  "/usr/sbin": ["modprobe", "sysctl", "swapoff", "blkid", "lsmod", "conntrack", "iptables", "ip6tables", "tc", "ip"],
  "/bin": ["sh", "bash", "dash"],
  "/sbin": ["modprobe", "sysctl"],
};

export function standInHeader(tool: string, version?: string): string {
  return `# ${tool}${version ? ` v${version}` : ""} (cloudstack-sim stand-in)\n`;
}

const PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "bin:x:2:2:bin:/bin:/usr/sbin/nologin",
  "sys:x:3:3:sys:/dev:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin",
  "systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin",
  "messagebus:x:100:107::/nonexistent:/usr/sbin/nologin",
  "sshd:x:101:65534::/run/sshd:/usr/sbin/nologin",
];

const GROUPS = [
  "root:x:0:", "daemon:x:1:", "bin:x:2:", "sys:x:3:", "adm:x:4:", "tty:x:5:", "disk:x:6:", "dialout:x:20:",
  "cdrom:x:24:", "sudo:x:27:", "audio:x:29:", "dip:x:30:", "video:x:44:", "plugdev:x:46:", "staff:x:50:",
  "shadow:x:42:", "users:x:100:", "netdev:x:106:", "messagebus:x:107:", "systemd-network:x:998:", "nogroup:x:65534:",
];

const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/**
 * Debian 12's /etc/sudoers as the sudo package ships it (salsa.debian.org/sudo-team/sudo,
 * debian/sudoers): env_reset and a secure_path WITHOUT /opt/bin, so `sudo kubeadm` does not find
 * binaries installed there and `sudo /opt/bin/kubeadm` runs with a PATH that lacks /opt/bin.
 */
const SUDOERS = `#
# This file MUST be edited with the 'visudo' command as root.
#
Defaults\tenv_reset
Defaults\tmail_badpass
Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
Defaults\tuse_pty
root\tALL=(ALL:ALL) ALL
%sudo\tALL=(ALL:ALL) ALL
@includedir /etc/sudoers.d
`;

/** containerd.io's packaged config: the CRI plugin is disabled until the operator writes a config. */
const CONTAINERD_PACKAGED_CONFIG = `#   Copyright 2018-2022 Docker Inc.
disabled_plugins = ["cri"]
`;

const UNIT = (desc: string, exec: string): string => `[Unit]
Description=${desc}
After=network.target

[Service]
ExecStart=${exec}
Restart=always

[Install]
WantedBy=multi-user.target
`;

/** containerd of the template when the seed names none (containerd.io on Debian 12). */
export const DEFAULT_CONTAINERD_VERSION = "1.7.24";

export function populateBaseImage(fs: NodeFs, hostname: string, opts: { containerdVersion?: string } = {}): void {
  const containerdVersion = opts.containerdVersion ?? DEFAULT_CONTAINERD_VERSION;
  const dirs: [string, number][] = [
    ["/bin", 0o755], ["/sbin", 0o755], ["/usr/bin", 0o755], ["/usr/sbin", 0o755], ["/usr/local/bin", 0o755],
    ["/usr/local/sbin", 0o755], ["/opt", 0o755], ["/etc/systemd/system", 0o755], ["/lib/systemd/system", 0o755],
    ["/etc/sudoers.d", 0o750], ["/etc/containerd", 0o755], ["/etc/sysctl.d", 0o755], ["/etc/modules-load.d", 0o755],
    ["/etc/ssh", 0o755], ["/home", 0o755], ["/root", 0o700], ["/tmp", 0o1777], ["/var/log", 0o755],
    ["/var/lib/cloud", 0o755], ["/var/lib/containerd", 0o711], ["/var/tmp", 0o1777], ["/run", 0o755], ["/mnt", 0o755],
    ["/media", 0o755], ["/dev", 0o755], ["/proc", 0o555], ["/srv", 0o755],
  ];
  for (const [d, mode] of dirs) {
    fs.mkdirp(d, 0o755);
    fs.chmod(d, mode);
  }
  fs.write("/etc/hostname", hostname + "\n");
  fs.write("/etc/hosts", `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n`);
  fs.write("/etc/os-release", OS_RELEASE);
  fs.write("/etc/debian_version", "12.8\n");
  fs.write("/etc/passwd", PASSWD.join("\n") + "\n");
  fs.write("/etc/group", GROUPS.join("\n") + "\n");
  fs.write("/etc/shadow", "root:*:19700:0:99999:7:::\n", { mode: 0o640, group: "shadow" });
  fs.write("/etc/sudoers", SUDOERS, { mode: 0o440 });
  fs.write("/etc/containerd/config.toml", CONTAINERD_PACKAGED_CONFIG);
  fs.write("/root/.bashrc", "# ~/.bashrc\n", { mode: 0o644 });
  fs.write("/lib/systemd/system/containerd.service", UNIT("containerd container runtime", "/usr/bin/containerd"));
  fs.write("/lib/systemd/system/ssh.service", UNIT("OpenBSD Secure Shell server", "/usr/sbin/sshd -D"));
  fs.write("/var/log/syslog", "", { mode: 0o640 });
  for (const [dir, tools] of Object.entries(TEMPLATE_TOOLS)) {
    for (const t of tools) {
      const version = t === "ctr" || t === "containerd" ? containerdVersion : undefined;
      fs.write(`${dir}/${t}`, standInHeader(t, version), { mode: 0o755 });
    }
  }
  fs.write("/usr/bin/sudo", standInHeader("sudo"), { mode: 0o4755 });
}
