// The host checks `kubeadm init` and `kubeadm join` make before touching anything: the binaries they
// need found on the PATH kubeadm runs with, the ports it will listen on, and the kernel's IPv4
// forwarding. Read from kubernetes cmd/kubeadm/app/preflight/checks.go (InPathCheck, PortOpenCheck,
// FileContentCheck, InitNodeChecks, JoinNodeChecks, addCommonChecks) and checks_linux.go
// (addExecChecks, addIPv4Checks), per kubeadm minor 1.29–1.33.
import type { NodeFs, NodeMachine } from "../types";
import type { PreflightIssue } from "./failure";
import type { KubeVersion } from "./versions";

/**
 * Go's exec.LookPath (os/exec/lp_unix.go): a name with a slash is used as is, otherwise the first
 * PATH entry holding a regular file with any execute bit wins; an empty entry means the current directory.
 */
export function lookPath(fs: NodeFs, name: string, pathVar: string, cwd = "/"): string | undefined {
  const executable = (p: string): boolean => {
    const st = fs.stat(p);
    return st !== undefined && st.type === "file" && (st.mode & 0o111) !== 0;
  };
  if (name.includes("/")) return executable(name) ? name : undefined;
  for (const dir of pathVar.split(":")) {
    const base = dir === "" ? cwd : dir;
    const candidate = `${base.replace(/\/+$/, "")}/${name}`;
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

interface ExecCheck {
  executable: string;
  mandatory: boolean;
}

/**
 * checks_linux.go addExecChecks, by kubeadm version:
 * - crictl: mandatory up to 1.30; a warning in 1.31 (kubernetes PR #124685); gone from 1.32 (PR #126596).
 * - conntrack: mandatory up to 1.31; from 1.32 only when the Kubernetes version being set up is below
 *   1.32 (PR #126952). `join` passes no Kubernetes version, so a 1.32+ join does not check it.
 * - ip, iptables, mount, nsenter mandatory; ebtables, ethtool, socat, tc, touch warnings.
 */
export function execChecks(kubeadm: KubeVersion, kubernetes: KubeVersion | undefined): ExecCheck[] {
  const checks: ExecCheck[] = [];
  if (kubeadm.minor <= 30) checks.push({ executable: "crictl", mandatory: true });
  else if (kubeadm.minor === 31) checks.push({ executable: "crictl", mandatory: false });
  if (kubeadm.minor <= 31 || (kubernetes !== undefined && kubernetes.major === 1 && kubernetes.minor < 32)) {
    checks.push({ executable: "conntrack", mandatory: true });
  }
  for (const executable of ["ip", "iptables", "mount", "nsenter"]) checks.push({ executable, mandatory: true });
  for (const executable of ["ebtables", "ethtool", "socat", "tc", "touch"]) checks.push({ executable, mandatory: false });
  return checks;
}

/** InPathCheck: `FileExisting-<exe>`, "<exe> not found in system path", error or warning. */
export function inPathIssues(fs: NodeFs, pathVar: string, checks: ExecCheck[]): PreflightIssue[] {
  const issues: PreflightIssue[] = [];
  for (const c of checks) {
    if (lookPath(fs, c.executable, pathVar)) continue;
    issues.push({ name: `FileExisting-${c.executable}`, message: `${c.executable} not found in system path`, warning: !c.mandatory });
  }
  return issues;
}

/** The kernel state node/tools keeps in ext "kernel" (see tools/system.ts); read without importing the tools. */
function kernelState(machine: NodeMachine): { modules: ReadonlySet<string>; sysctl: ReadonlyMap<string, string> } {
  const k = machine.ext.get("kernel") as { modules?: unknown; sysctl?: unknown } | undefined;
  const modules = k?.modules instanceof Set ? (k.modules as Set<string>) : new Set<string>();
  const sysctl = k?.sysctl instanceof Map ? (k.sysctl as Map<string, string>) : new Map<string, string>([["net.ipv4.ip_forward", "0"]]);
  return { modules, sysctl };
}

/**
 * addIPv4Checks: FileContentCheck of /proc/sys/net/ipv4/ip_forward = "1". Up to kubeadm 1.29 it also
 * checked /proc/sys/net/bridge/bridge-nf-call-iptables (removed in 1.30 by kubernetes PR #123464); that
 * file exists only once br_netfilter is loaded. Messages: FileContentCheck.Check in checks.go.
 */
export function ipv4Issues(machine: NodeMachine, kubeadm: KubeVersion): PreflightIssue[] {
  const k = kernelState(machine);
  const files: { path: string; key: string; present: boolean }[] = [];
  if (kubeadm.minor <= 29) files.push({ path: "/proc/sys/net/bridge/bridge-nf-call-iptables", key: "net.bridge.bridge-nf-call-iptables", present: k.modules.has("br_netfilter") });
  files.push({ path: "/proc/sys/net/ipv4/ip_forward", key: "net.ipv4.ip_forward", present: true });
  const issues: PreflightIssue[] = [];
  for (const f of files) {
    const name = `FileContent-${f.path.replace(/\//g, "-")}`;
    if (!f.present) issues.push({ name, message: `${f.path} does not exist` });
    else if (!(k.sysctl.get(f.key) ?? "0").startsWith("1")) issues.push({ name, message: `${f.path} contents are not set to 1` });
  }
  return issues;
}

/** PortOpenCheck: `Port-<n>`, "Port <n> is in use" when something on the node already listens there. */
export function portIssues(machine: NodeMachine, ports: number[]): PreflightIssue[] {
  return ports.filter((p) => machine.exposed.has(p)).map((p) => ({ name: `Port-${p}`, message: `Port ${p} is in use` }));
}

/** kubeadmconstants: KubeSchedulerPort, KubeControllerManagerPort, KubeletPort, EtcdListenClientPort, EtcdListenPeerPort. */
export const KUBE_SCHEDULER_PORT = 10259;
export const KUBE_CONTROLLER_MANAGER_PORT = 10257;
export const KUBELET_PORT = 10250;
export const ETCD_PORTS = [2379, 2380];
