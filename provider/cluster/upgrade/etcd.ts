// External etcd members during an upgrade. kubeadm never touches external etcd, and CKS never upgrades
// its etcd nodes (cks-day2.md §1). We upgrade them only when the new ISO carries a newer etcd than the
// member runs, one member at a time, each healthy again before the next; otherwise they stay as they are.
import * as cmd from "../../kubernetes/commands";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { attachIsoTo, detachIsoFrom } from "../phases/iso";
import { mountBinariesIso, readIsoContents } from "../phases/install";
import { pollUntil } from "../retry";
import { nodeStep } from "./nodeSteps";
import * as semver from "semver";

const STAGING = "/var/lib/cks-etcd-staging";

function etcdVersionOf(output: string): string | undefined {
  return /etcd Version:\s*v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

export async function upgradeEtcdMember(ctx: ClusterContext, phase: string, member: NodeRecord, version: string, isoId: string): Promise<void> {
  const running = etcdVersionOf((await ctx.run(member, cmd.nodeCommand([`${cmd.BIN_DIR}/etcd`, "--version"]))).stdout);
  await nodeStep(ctx, phase, member, `attach the v${version} ISO`, () => attachIsoTo(ctx, member, isoId, phase));
  await mountBinariesIso(ctx, member);
  const iso = await readIsoContents(ctx, member, version);
  const archive = iso.files.etcd;
  let offered: string | undefined;
  if (archive) {
    await ctx.run(member, cmd.mkdirs([STAGING]));
    await ctx.run(member, cmd.extractTgz(cmd.isoPath(archive), STAGING, 1));
    offered = etcdVersionOf((await ctx.run(member, cmd.nodeCommand([`${STAGING}/etcd`, "--version"]))).stdout);
  }
  if (!offered || !running || !semver.gt(offered, running)) {
    ctx.progress.line(phase, `etcd ${running ?? "?"} stays: the v${version} ISO carries ${offered ? `etcd ${offered}` : "no etcd"}`, member.name);
  } else {
    await nodeStep(ctx, phase, member, `etcd ${running} → ${offered}`, async () => {
      await ctx.run(member, cmd.stopUnit("etcd"));
      await ctx.run(member, cmd.extractTgz(cmd.isoPath(archive as string), cmd.BIN_DIR, 1));
      await ctx.run(member, cmd.nodeCommand(["systemctl", "start", "etcd"], { sudo: true }));
    });
    await nodeStep(ctx, phase, member, "etcd healthy", () => waitEtcdHealthy(ctx, member));
  }
  await ctx.run(member, cmd.umountIso(), { allowFailure: true });
  await nodeStep(ctx, phase, member, "detach the ISO", () => detachIsoFrom(ctx, member, phase));
}

/** Waits until the member answers `etcdctl endpoint health` (it serves only once the cluster has quorum). */
export async function waitEtcdHealthy(ctx: ClusterContext, member: NodeRecord): Promise<void> {
  await pollUntil(
    async () => ((await ctx.run(member, cmd.etcdEndpointHealth([`http://${member.privateIp as string}:2379`]), { allowFailure: true })).code === 0 ? true : undefined),
    { deadline: ctx.deadline.sub(5 * 60_000, "etcd"), what: `etcd member ${member.name} to be healthy`, intervalMs: 500 },
  );
}
