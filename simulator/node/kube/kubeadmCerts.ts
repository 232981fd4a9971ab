// `kubeadm certs check-expiration` and `kubeadm certs renew all|<name>`, as kubeadm v1.29–1.33 print
// them, with expiry measured by the simulator clock (a test moves it forward to see certificates age).
//
// Upstream: kubernetes/kubernetes cmd/kubeadm/app/cmd/certs.go (newCmdCertsExpiration, certTextPrinter,
// getRenewSubCommands, renewCert, getInternalCfg), k8s.io/apimachinery pkg/util/duration
// ShortHumanDuration, cmd/kubeadm/app/util/config/cluster.go FetchInitConfigurationFromCluster.
import type { CommandIO, NodeMachine } from "../types";
import type { KubeToolsContext } from "./context";
import { CA_NAMES, caPem, certHandlers, certificatePem, renewCertificate } from "./certInventory";
import type { KubeCluster } from "./cluster";
import { CommandFailure } from "./failure";
import { parseFlags } from "./flags";
import { kubeadmVersionOf, requireRootFailure } from "./kubeadmShared";
import { controlPlaneCluster } from "./nodeFacts";
import { certificateFacts } from "./pki";
import type { KubeVersion } from "./versions";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go layout "Jan 02, 2006 15:04 MST" of a UTC time. */
function goDate(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()] ?? ""} ${two(d.getUTCDate())}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** apimachinery duration.ShortHumanDuration. */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** text/tabwriter with minwidth 10, padding 3, blanks: every cell but a line's last is padded. */
function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => {
    if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 10, cell.length + 3);
  });
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 10) : cell)).join("")).join("\n") + "\n";
}

/** What FetchInitConfigurationFromCluster prints with a log prefix, by kubeadm version. */
export function readingConfigLines(prefix: string, kubeadm: KubeVersion): string {
  if (kubeadm.minor < 32) return `[${prefix}] Reading configuration from the cluster...\n[${prefix}] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n`;
  const reupload = kubeadm.minor >= 33 ? "kubeadm init phase upload-config kubeadm --config your-config-file" : "kubeadm init phase upload-config --config your-config.yaml";
  return `[${prefix}] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...\n[${prefix}] Use '${reupload}' to re-upload it.\n`;
}

function checkExpiration(machine: NodeMachine, cluster: KubeCluster, kubeadm: KubeVersion, io: CommandIO): void {
  const now = machine.clock.now();
  const rows: string[][] = [["CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"]];
  for (const h of certHandlers(machine, cluster)) {
    const pem = certificatePem(machine, h);
    if (!pem) {
      rows.push([`!MISSING! ${h.name}`, "", "", "", ""]);
      continue;
    }
    const notAfter = certificateFacts(pem).notAfter;
    rows.push([h.name, goDate(notAfter), shortHumanDuration(notAfter.getTime() - now), h.caName, "no".padEnd(8)]);
  }
  const caRows: string[][] = [["CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"]];
  for (const name of CA_NAMES) {
    if (name === "etcd-ca" && cluster.etcd.mode !== "stacked") continue;
    const pem = caPem(machine, name);
    if (!pem) {
      if (name !== "etcd-ca") caRows.push([`!MISSING! ${name}`, "", "", ""]);
      continue;
    }
    const notAfter = certificateFacts(pem).notAfter;
    caRows.push([name, goDate(notAfter), shortHumanDuration(notAfter.getTime() - now), "no".padEnd(8)]);
  }
  io.stdout(`${readingConfigLines("check-expiration", kubeadm)}\n${tabwrite(rows)}\n${tabwrite(caRows)}`);
}

async function renew(machine: NodeMachine, cluster: KubeCluster, kubeadm: KubeVersion, what: string | undefined, io: CommandIO): Promise<void> {
  const handlers = certHandlers(machine, cluster);
  if (!what) throw new CommandFailure('missing subcommand; "renew" is not meant to be run on its own\nTo see the stack trace of this error execute with --v=5 or higher');
  const targets = what === "all" ? handlers : handlers.filter((h) => h.name === what);
  if (targets.length === 0) throw new CommandFailure(`unknown command "${what}" for "kubeadm certs renew"`);
  io.stdout(`${readingConfigLines("renew", kubeadm)}\n`);
  for (const h of targets) {
    if (await renewCertificate(machine, cluster, h)) io.stdout(`${h.longName} renewed\n`);
    else io.stdout(`MISSING! ${h.longName}\n`);
  }
  if (what === "all") io.stdout("\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n");
}

export async function kubeadmCerts(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const [sub, ...rest] = args;
  const flags = parseFlags(rest, { "cert-dir": { kind: "string" }, config: { kind: "string" }, kubeconfig: { kind: "string" }, v: { kind: "string", short: "v" }, rootfs: { kind: "string" }, output: { kind: "string", short: "o" } });
  if (sub !== "check-expiration" && sub !== "renew") {
    throw new CommandFailure(sub ? `unknown command "${sub}" for "kubeadm certs"` : 'missing subcommand; "certs" is not meant to be run on its own');
  }
  const notRoot = requireRootFailure(io);
  if (notRoot) throw notRoot;
  const cluster = controlPlaneCluster(ctx, machine);
  if (!cluster) throw new CommandFailure("failed to load existing certificate ca: couldn't load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory\nTo see the stack trace of this error execute with --v=5 or higher");
  const kubeadm = kubeadmVersionOf(io);
  if (sub === "check-expiration") checkExpiration(machine, cluster, kubeadm, io);
  else await renew(machine, cluster, kubeadm, flags.positionals[0], io);
  return 0;
}
