// What repair finds before it acts: nodes whose VMs were destroyed outside Pulumi. Lost workers are
// re-created; a lost control or etcd node is not (kubeadm would need its etcd member removed and the
// node joined afresh, and a lost quorum needs an etcd restore), so repair says so and leaves it.
import type { NodeRecord } from "../clusterState";

export interface Damage {
  goneWorkers: NodeRecord[];
  /** Control and etcd nodes whose VMs are gone: reported, never re-created. */
  unrepairable: NodeRecord[];
  /** Set when repair cannot go on at all (the first control node, where kubectl runs, is gone). */
  fatal?: string;
  /** What is reported at the end. */
  message?: string;
}

/** Members of the etcd cluster: the etcd nodes when external, else the control nodes (stacked). */
function etcdMembers(nodes: readonly NodeRecord[]): NodeRecord[] {
  const etcd = nodes.filter((n) => n.role === "etcd");
  return etcd.length > 0 ? etcd : nodes.filter((n) => n.role === "control");
}

/** Splits the nodes whose VMs are gone (names not in `live`) into what repair re-creates and what it cannot. */
export function assessDamage(nodes: readonly NodeRecord[], live: ReadonlySet<string>): Damage {
  const gone = nodes.filter((n) => !live.has(n.name));
  const goneWorkers = gone.filter((n) => n.role === "worker");
  const unrepairable = gone.filter((n) => n.role !== "worker");
  const out: Damage = { goneWorkers, unrepairable };
  if (unrepairable.length === 0) return out;
  const members = etcdMembers(nodes);
  const alive = members.filter((n) => live.has(n.name)).length;
  const quorum = Math.floor(members.length / 2) + 1;
  const names = unrepairable.map((n) => n.name).join(", ");
  const quorumText =
    alive >= quorum
      ? `etcd keeps its quorum (${alive} of ${members.length} members), so the cluster still serves; re-create the lost node by replacing the cluster (\`pulumi up --replace <urn>\`) at a convenient time`
      : `etcd has lost its quorum (${alive} of ${members.length} members, ${quorum} needed): the control plane cannot be repaired in place; restore etcd from a backup or replace the cluster (\`pulumi up --replace <urn>\`)`;
  out.message = `not repaired: ${names} (VM destroyed outside Pulumi): a lost ${unrepairable.some((n) => n.role === "control") ? "control" : "etcd"} node is not re-created in place; ${quorumText}. Nothing was destroyed`;
  const first = nodes.find((n) => n.role === "control" && n.index === 1);
  if (first && !live.has(first.name)) out.fatal = `${first.name} is gone, and every cluster operation runs kubectl there: nothing was repaired. ${out.message}`;
  return out;
}
