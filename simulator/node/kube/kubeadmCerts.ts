// `kubeadm certs check-expiration` and `kubeadm certs renew all|<name>`.
import type { CommandIO, NodeMachine } from "../types";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { parseFlags } from "./flags";
import { renderKubeconfig, resolveKubeconfig } from "./kubeconfig";
import { requireRootFailure } from "./kubeadmShared";
import { controlPlaneCluster } from "./nodeFacts";
import { certificateFacts, issueCertificate } from "./pki";

const PKI_CERTS = ["apiserver", "apiserver-kubelet-client", "front-proxy-client"];
const KUBECONFIG_CERTS = ["admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf"];

function expiryRow(name: string, pem: string, authority: string, now: Date): string[] {
  const facts = certificateFacts(pem);
  const residualDays = Math.floor((facts.notAfter.getTime() - now.getTime()) / 86_400_000);
  const residual = residualDays >= 365 * 2 ? `${Math.floor(residualDays / 365)}y` : `${residualDays}d`;
  const d = facts.notAfter;
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()] ?? "";
  const two = (n: number) => String(n).padStart(2, "0");
  // Go layout "Jan 02, 2006 15:04 MST", as kubeadm prints it.
  const when = `${month} ${two(d.getUTCDate())}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
  return [name, when, residual, authority, "no"];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd((widths[i] ?? 0) + 3)).join("").trimEnd()).join("\n");
}

function kubeconfigCert(machine: NodeMachine, file: string): string | undefined {
  const text = machine.fs.read(`/etc/kubernetes/${file}`)?.toString("utf8");
  if (!text) return undefined;
  try {
    return resolveKubeconfig(text, () => undefined).clientCertPem;
  } catch {
    return undefined;
  }
}

export async function kubeadmCerts(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const [sub, ...rest] = args;
  const flags = parseFlags(rest, { "cert-dir": { kind: "string" }, config: { kind: "string" }, kubeconfig: { kind: "string" }, v: { kind: "string", short: "v" }, rootfs: { kind: "string" } });
  const notRoot = requireRootFailure(io);
  if (notRoot) throw notRoot;
  const cluster = controlPlaneCluster(ctx, machine);
  if (!cluster) throw new CommandFailure("failed to load existing certificate ca: couldn't load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory\nTo see the stack trace of this error execute with --v=5 or higher");
  const now = new Date();
  if (sub === "check-expiration") {
    const rows = [["CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"]];
    for (const file of KUBECONFIG_CERTS) {
      const pem = kubeconfigCert(machine, file);
      if (pem) rows.push(expiryRow(file, pem, "ca", now));
    }
    for (const name of PKI_CERTS) {
      const pem = machine.fs.read(`/etc/kubernetes/pki/${name}.crt`)?.toString("utf8");
      if (pem) rows.push(expiryRow(name, pem, name.startsWith("front-proxy") ? "front-proxy-ca" : "ca", now));
    }
    const caRows = [["CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"]];
    for (const ca of ["ca", "front-proxy-ca"]) {
      const pem = machine.fs.read(`/etc/kubernetes/pki/${ca}.crt`)?.toString("utf8");
      if (pem) {
        const row = expiryRow(ca, pem, "", now);
        caRows.push([row[0] ?? "", row[1] ?? "", row[2] ?? "", "no"]);
      }
    }
    io.stdout(`[check-expiration] Reading configuration from the cluster...\n[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n\n${table(rows)}\n\n${table(caRows)}\n`);
    return 0;
  }
  if (sub === "renew") {
    const what = flags.positionals[0];
    const all = [...KUBECONFIG_CERTS, ...PKI_CERTS];
    if (!what || (what !== "all" && !all.includes(what))) throw new CommandFailure(what ? `unknown command "${what}" for "kubeadm certs renew"` : 'missing subcommand; "renew" is not meant to be run on its own');
    const targets = what === "all" ? all : [what];
    io.stdout("[renew] Reading configuration from the cluster...\n[renew] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n\n");
    for (const name of targets) {
      if (name.endsWith(".conf")) {
        const path = `/etc/kubernetes/${name}`;
        const text = machine.fs.read(path)?.toString("utf8");
        const pem = kubeconfigCert(machine, name);
        if (!text || !pem) continue;
        const cfg = resolveKubeconfig(text, () => undefined);
        const facts = certificateFacts(pem);
        const fresh = await issueCertificate(cluster.ca, { commonName: facts.subjectCommonName, organizations: facts.organizations, usage: "client" });
        machine.fs.write(path, renderKubeconfig({ clusterName: cluster.name, server: cfg.server, caCertPem: cluster.ca.certPem, userName: facts.subjectCommonName, clientCertPem: fresh.certPem, clientKeyPem: fresh.keyPem }), { mode: 0o600 });
        io.stdout(`certificate embedded in the kubeconfig file for the ${name.replace(".conf", "")} renewed\n`);
      } else {
        const pem = machine.fs.read(`/etc/kubernetes/pki/${name}.crt`)?.toString("utf8");
        if (!pem) continue;
        const facts = certificateFacts(pem);
        const issuer = name.startsWith("front-proxy") ? cluster.sharedPki.frontProxyCa : cluster.ca;
        const fresh = await issueCertificate(issuer, { commonName: facts.subjectCommonName, organizations: facts.organizations, dnsNames: facts.dnsNames, ips: facts.ips, usage: name === "apiserver" ? "server" : "client" });
        machine.fs.write(`/etc/kubernetes/pki/${name}.crt`, fresh.certPem, { mode: 0o644 });
        machine.fs.write(`/etc/kubernetes/pki/${name}.key`, fresh.keyPem, { mode: 0o600 });
        if (name === "apiserver") {
          const member = [...cluster.controlPlane.values()].find((m) => m.vmId === machine.spec.vmId);
          if (member) member.serverTls = fresh;
        }
        io.stdout(`certificate for ${name} renewed\n`);
      }
    }
    io.stdout("\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n");
    return 0;
  }
  throw new CommandFailure(sub ? `unknown command "${sub}" for "kubeadm certs"` : 'missing subcommand; "certs" is not meant to be run on its own');
}

