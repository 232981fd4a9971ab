// systemd unit for an external etcd member, as CKS's etcd-node.yml renders it: plain HTTP on 2379
// (clients) and 2380 (peers). CKS quirk kept for compatibility; TLS for external etcd is future work.
import { z } from "zod";
import { BIN_DIR } from "./commands";

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, "expected an IPv4 address");
const memberName = z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "expected a lower-case DNS name");

export const etcdUnitInputSchema = z.object({
  name: memberName,
  ip: ipv4,
  /** Every member, this one included. */
  initialCluster: z.array(z.object({ name: memberName, ip: ipv4 })).min(1),
  /** Distinct per cluster so members of two clusters can never join each other. */
  clusterToken: z.string().regex(/^[A-Za-z0-9_.-]+$/).default("etcd-cluster-1"),
});
export type EtcdUnitInput = z.input<typeof etcdUnitInputSchema>;

/** Renders /etc/systemd/system/etcd.service for one external etcd member. */
export function renderEtcdUnit(input: EtcdUnitInput): string {
  const cfg = etcdUnitInputSchema.parse(input);
  if (!cfg.initialCluster.some((m) => m.name === cfg.name && m.ip === cfg.ip)) {
    throw new Error(`etcd member ${cfg.name} (${cfg.ip}) is not in initialCluster`);
  }
  const initialCluster = cfg.initialCluster.map((m) => `${m.name}=http://${m.ip}:2380`).join(",");
  const args = [
    `--name ${cfg.name}`,
    "--data-dir /var/lib/etcd",
    `--listen-client-urls http://${cfg.ip}:2379,http://127.0.0.1:2379`,
    `--advertise-client-urls http://${cfg.ip}:2379`,
    `--listen-peer-urls http://${cfg.ip}:2380`,
    `--initial-advertise-peer-urls http://${cfg.ip}:2380`,
    `--initial-cluster ${initialCluster}`,
    "--initial-cluster-state new",
    `--initial-cluster-token ${cfg.clusterToken}`,
  ];
  return [
    "[Unit]",
    "Description=etcd key-value store (external etcd for Kubernetes)",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    // Type=exec, as CKS's etcd-node.yml: systemd counts the unit started once etcd is exec'd. With
    // Type=notify, etcd sends READY=1 only when its cluster has quorum (server/etcdmain/etcd.go waits
    // on ReadyNotify before notifySystemd), so starting the first of several members would block
    // `systemctl start` until TimeoutStartSec. Readiness is checked by the etcd phase instead.
    "Type=exec",
    `ExecStart=${BIN_DIR}/etcd \\`,
    ...args.map((a, i) => `  ${a}${i < args.length - 1 ? " \\" : ""}`),
    "Restart=always",
    "RestartSec=5",
    "LimitNOFILE=40000",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}
