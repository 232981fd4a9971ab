// examples/ha, examples/custom-cni and examples/bring-your-own-node under the real Pulumi CLI: each previews (custom-cni's cluster
// takes the unknown id of a CniConfiguration made in the same program), deploys, gives a kubeconfig
// kubectl uses, and destroys without leaving anything in the cloud. examples/quickstart has its own
// file (pulumi-cli-quickstart.test.ts) with the whole README flow.
import { cliIt, cliSuite, cliStack, exampleDir, expectSuccess, exportedValue, inventory, kubectlGetNodes, leakedFragments, type PulumiCli } from "../helpers/pulumi-cli";

jest.setTimeout(900_000);

const suite = cliSuite();

const EXAMPLES: { name: string; resources: number; kubeNodes: number; roles: string[] }[] = [
  // resources: the program's, without the stack (the CLI counts it too).
  // Needs the integrator's check fix (issue 10 item 3): cniConfigurationId is unknown in preview.
  { name: "custom-cni", resources: 3, kubeNodes: 2, roles: ["control", "worker"] },
  // 3 control nodes behind the load balancer, one etcd node (not a Kubernetes node), 2 workers.
  { name: "ha", resources: 2, kubeNodes: 5, roles: ["control", "control", "control", "etcd", "worker", "worker"] },
  // Issue 13: the cluster (1 control, 1 worker), a VM of the user's own and the ClusterNode joining it;
  // the nodes output is the cluster's at create, kubectl sees the joined VM as the third node.
  { name: "bring-your-own-node", resources: 4, kubeNodes: 3, roles: ["control", "worker"] },
];

describe.each(EXAMPLES)("examples/$name with the real Pulumi CLI", ({ name, resources, kubeNodes, roles }) => {
  let s: PulumiCli;

  cliIt("pulumi preview plans every resource and creates nothing", async () => {
    s = await cliStack(suite.sim, exampleDir(name), { stack: name });
    suite.stacks.push(s);
    const r = await s.run(["preview", ...s.flags()]);
    expectSuccess(r, "pulumi preview");
    expect(r.stdout).toMatch(new RegExp(`\\+ ${resources + 1} to create`));
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });

  cliIt("pulumi up deploys it and its kubeconfig works with kubectl", async () => {
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up");
    expect(r.stdout).toMatch(new RegExp(`\\+ ${resources + 1} created`));
    const outputs = await s.outputs(true);
    expect((outputs.nodes as { role: string }[]).map((n) => n.role).sort()).toEqual(roles);
    const nodes = await kubectlGetNodes(String(outputs.kubeconfig));
    expect(nodes.filter((n) => n.ready)).toHaveLength(kubeNodes);
  });

  cliIt("pulumi destroy leaves nothing behind", async () => {
    const r = await s.run(["destroy", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi destroy");
    expect(r.stdout).toMatch(new RegExp(`- ${resources + 1} deleted`));
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});

// The ClusterNode carries the cluster's SSH private key as an input: it must be encrypted in the
// state's inputs and outputs alike, and the join must show in the CLI's output.
describe("examples/bring-your-own-node: the ClusterNode keeps the cluster's key secret; refresh changes nothing", () => {
  let s: PulumiCli;
  cliIt("pulumi up joins the VM; stack export holds neither the SSH private key nor the API secret in plain text", async () => {
    s = await cliStack(suite.sim, exampleDir("bring-your-own-node"), { stack: "byo-secrets" });
    suite.stacks.push(s);
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up");
    expect(r.stdout).toMatch(/\[cluster-node [^\]]+\] join: joining as a worker \(byo-node-1\)/);
    const plain = await s.exportState();
    const shown = JSON.parse(await s.exportState(true)) as { deployment: { resources: { type: string; urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
    const node = shown.deployment.resources.find((x) => x.urn.endsWith("::byo-node"));
    const key = String(exportedValue(node?.outputs?.sshPrivateKey) ?? "");
    expect(key).toMatch(/PRIVATE KEY/);
    expect(String(exportedValue(node?.inputs?.sshPrivateKey) ?? "")).toBe(key);
    expect(leakedFragments(plain, key)).toEqual([]);
    expect(leakedFragments(plain, suite.sim.adminSecretKey)).toEqual([]);
    // A refresh adds the joined VM to the cluster's nodes output; nothing is left to change after it.
    expectSuccess(await s.run(["refresh", "--yes", ...s.flags()]), "pulumi refresh");
    expectSuccess(await s.run(["preview", "--expect-no-changes", ...s.flags()]), "pulumi preview --expect-no-changes");
    const destroyed = await s.run(["destroy", "--yes", ...s.flags()]);
    expectSuccess(destroyed, "pulumi destroy");
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});
