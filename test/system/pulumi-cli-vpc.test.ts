// examples/vpc under the real Pulumi CLI (issue 15): in a VPC made beforehand, the cluster gets a tier
// and ACL list of its own and three control nodes on distinct hosts; kubectl works through the VPC IP;
// destroy removes the tier, the ACL list and the affinity group, and leaves the VPC.
import { createCloudApi } from "../../provider/cluster/cloudApi";
import { SEED_IDS } from "../../simulator";
import { cliIt, cliSuite, cliStack, exampleDir, expectSuccess, inventory, kubectlGetNodes, type PulumiCli } from "../helpers/pulumi-cli";

jest.setTimeout(900_000);

const suite = cliSuite();

describe("examples/vpc with the real Pulumi CLI", () => {
  let s: PulumiCli;
  let vpcId: string;
  let before: Awaited<ReturnType<typeof inventory>>;

  cliIt("pulumi up puts the cluster on a tier of its own with its control nodes on three hosts", async () => {
    const api = createCloudApi({ apiUrl: suite.sim.apiUrl, apiKey: suite.sim.adminApiKey, secretKey: suite.sim.adminSecretKey });
    const vpc = (await api.request("createVPC", { name: "platform", displaytext: "platform", cidr: "10.60.0.0/16", vpcofferingid: SEED_IDS.vpcOffering, zoneid: SEED_IDS.zone })) as { vpc: { id: string } };
    vpcId = vpc.vpc.id;
    before = await inventory(suite.sim);
    s = await cliStack(suite.sim, exampleDir("vpc"), { stack: "vpc", extra: { vpcId } });
    suite.stacks.push(s);
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up");
    const outputs = await s.outputs(true);
    const tier = ((await api.listAll("listNetworks", { id: String(outputs.tier), listall: true }, "network")) as { vpcid?: string }[])[0];
    expect(tier?.vpcid).toBe(vpcId);
    const nodes = await kubectlGetNodes(String(outputs.kubeconfig));
    expect(nodes.filter((n) => n.ready)).toHaveLength(5);
    const controls = (await api.listAll("listVirtualMachines", { affinitygroupid: String(outputs.controlAffinityGroup), listall: true }, "virtualmachine")) as { hostid?: string }[];
    expect(controls).toHaveLength(3);
    expect(new Set(controls.map((v) => v.hostid)).size).toBe(3);
  });

  cliIt("pulumi destroy leaves the VPC and nothing else", async () => {
    const r = await s.run(["destroy", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi destroy");
    expect(await inventory(suite.sim)).toEqual(before);
  });
});
