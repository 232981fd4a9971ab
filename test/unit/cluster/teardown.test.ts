import { validatePhase } from "../../../provider/cluster/phases/validate";
import { networkPhase } from "../../../provider/cluster/phases/network";
import { keysPhase } from "../../../provider/cluster/phases/keys";
import { publicIpPhase } from "../../../provider/cluster/phases/publicIp";
import { vmsPhase } from "../../../provider/cluster/phases/vms";
import { rulesPhase } from "../../../provider/cluster/phases/rules";
import { teardownCluster } from "../../../provider/cluster/teardown";
import { Deadline } from "../../../provider/cluster/deadline";
import { Progress } from "../../../provider/cluster/progress";
import { FakeCloudError } from "./fakeCloud";
import { cloudWithVersion, context, inputs, CLUSTER_ID } from "./helpers";

async function builtCluster() {
  const cloud = cloudWithVersion();
  const ctx = context(cloud, inputs({ size: 2 }));
  for (const phase of [validatePhase, networkPhase, keysPhase, publicIpPhase, vmsPhase, rulesPhase]) await phase(ctx);
  // Things that are not ours and must survive.
  cloud.vms.push({ id: "bystander", name: "demo-0a1b2c-control-1-backup", state: "Running", nic: [] });
  cloud.networks.push({ id: "other-net", name: "demo-network", displaytext: "someone else's", service: [] });
  cloud.keypairs.push({ name: "ops", fingerprint: "aa" });
  return { cloud, ctx };
}

const target = (ctx: ReturnType<typeof context>) => ({ clusterId: CLUSTER_ID, prefix: ctx.state.prefix, name: "demo", zoneId: "z1", ipAddressId: ctx.state.ipAddressId, networkCreated: true });
const quiet = new Progress("cluster", "demo", () => undefined);

describe("teardown", () => {
  it("removes everything the cluster created and nothing else, and is idempotent", async () => {
    const { cloud, ctx } = await builtCluster();
    await teardownCluster(cloud, target(ctx), Deadline.in(10_000, "t"), quiet);
    expect(cloud.vms.map((v) => v.id)).toEqual(["bystander"]);
    expect(cloud.networks.map((n) => n.id)).toEqual(["other-net"]);
    expect(cloud.keypairs.map((k) => k.name)).toEqual(["ops"]);
    expect(cloud.ips).toEqual([]);
    expect(cloud.firewall).toEqual([]);
    expect(cloud.forwards).toEqual([]);
    expect(cloud.lbs).toEqual([]);
    expect(cloud.tags.filter((t) => t.value === CLUSTER_ID)).toEqual([]);
    await teardownCluster(cloud, target(ctx), Deadline.in(10_000, "t"), quiet);
  });

  it("a recorded public IP CloudStack no longer knows (431 on listPublicIpAddresses id=) counts as gone", async () => {
    const { cloud, ctx } = await builtCluster();
    const gone = "0badc0de-0000-4000-8000-00000000dead";
    // As after a purge of removed rows: the tagged IP is gone and the id in state resolves to nothing.
    cloud.ips = [];
    cloud.failWith = (command, params) =>
      command === "listPublicIpAddresses" && params.id === gone
        ? new FakeCloudError(
            command,
            431,
            `Unable to execute API command listpublicipaddresses due to invalid value. Invalid parameter id value=${gone} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
          )
        : undefined;
    await teardownCluster(cloud, { ...target(ctx), ipAddressId: gone }, Deadline.in(10_000, "t"), quiet);
    expect(cloud.vms.map((v) => v.id)).toEqual(["bystander"]);
    expect(cloud.networks.map((n) => n.id)).toEqual(["other-net"]);
  });

  it("destroys without expunge when a non-admin may not expunge", async () => {
    const { cloud, ctx } = await builtCluster();
    cloud.failWith = (command, params) =>
      command === "destroyVirtualMachine" && params.expunge ? new FakeCloudError(command, 431, "Parameter expunge can be passed by Admin only") : undefined;
    // Destroyed, unexpunged VMs keep the network (as in CloudStack): the error says why and what to do.
    await expect(teardownCluster(cloud, target(ctx), Deadline.in(1500, "t"), quiet)).rejects.toThrow(/deleting network demo-network: .*network has VMs.*ask an administrator to expunge them/);
    expect(cloud.vms.filter((v) => v.id !== "bystander").every((v) => v.state === "Destroyed")).toBe(true);
    expect(cloud.ips).toEqual([]);
  });

  it("cleans up a partial create: VMs found by name although their tagging failed", async () => {
    const cloud = cloudWithVersion();
    const ctx = context(cloud, inputs());
    for (const phase of [validatePhase, networkPhase, keysPhase, publicIpPhase]) await phase(ctx);
    cloud.failWith = (command, params) => (command === "createTags" && params.resourcetype === "UserVm" ? new FakeCloudError(command, 530, "no tags today") : undefined);
    await expect(vmsPhase(ctx)).rejects.toThrow();
    expect(cloud.vms.length).toBeGreaterThan(0);
    cloud.failWith = () => undefined;
    await teardownCluster(cloud, target(ctx), Deadline.in(10_000, "t"), quiet);
    expect(cloud.vms).toEqual([]);
    expect(cloud.networks).toEqual([]);
    expect(cloud.keypairs).toEqual([]);
  });
});
