import { generateKey } from "../../helpers/sim-cluster";
// keypair: an existing keypair is "added to every node for operators" (README): whoever holds its
// private key logs in to every node as the default user `cloud`. The cluster's own key keeps working,
// delete leaves the operator's keypair alone, and a keypair that does not exist fails validate.
import type { Simulator } from "../../../simulator";
import { SimSshClient } from "../../helpers/sim-ssh";
import { api, clusterArgs, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { cloudInventory, createCallsSince, nodesOf, rejectionOf, sshToNode } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

const OPERATOR_KEYPAIR = "operator-key";

describe("KubernetesCluster keypair", () => {
  it("gives every node the operator's keypair for the default user", async () => {
    const operator = generateKey("operator@example"); // guarded: ssh2 sometimes emits unparsable keys
    await api(sim).request("registerSSHKeyPair", { name: OPERATOR_KEYPAIR, publickey: operator.publicKey });

    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "keypair", size: 1, keypair: OPERATOR_KEYPAIR });
    const checked = await p.cluster.check!({}, args);
    expect(checked.failures ?? []).toEqual([]);
    const { id, outs } = await p.cluster.create(checked.inputs);
    expect(outs.state).toBe("Running");
    const nodes = nodesOf(outs);

    // Every deploy named both keypairs: the cluster's and the operator's.
    const deploys = sim.audit.records({ kind: "api", command: "deployVirtualMachine" });
    expect(deploys.length).toBe(nodes.length);
    for (const d of deploys) expect(String(d.params?.keypairs).split(",").sort()).toEqual([String(outs.keypairName), OPERATOR_KEYPAIR].sort());

    const logins: Record<string, string> = {};
    for (const node of nodes) {
      // The cluster key still works (the provider depends on it)...
      const own = await sshToNode(outs, node);
      own.close();
      // ...and so does the operator's, as `cloud`, with sudo. The node is up (the login above worked),
      // so one attempt is the answer: a refusal is final, not a node still booting.
      try {
        const ssh = await SimSshClient.connect({ host: String(outs.ipAddress), port: node.sshPort, username: "cloud", privateKey: operator.privateKey });
        try {
          logins[node.name] = (await ssh.run("sudo -n id -un")).trim();
        } finally {
          ssh.close();
        }
      } catch (err) {
        logins[node.name] = `login refused: ${err instanceof Error ? err.message.split(":").slice(-1)[0].trim() : String(err)}`;
      }
    }
    expect(logins).toEqual(Object.fromEntries(nodes.map((n) => [n.name, "root"])));

    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    // The operator's keypair is theirs: delete leaves it.
    const left = (await api(sim).listAll("listSSHKeyPairs", { name: OPERATOR_KEYPAIR, listall: true }, "sshkeypair")) as { name: string }[];
    expect(left.map((k) => k.name)).toEqual([OPERATOR_KEYPAIR]);
    await p.version.delete!(version.id, version.outs);
  });

  it("refuses a keypair that does not exist, in validate, naming the field", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const before = await cloudInventory(sim);
    const auditFrom = sim.audit.records({ kind: "api" }).length;
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "nokey", keypair: "no-such-keypair" });
    const err = await rejectionOf(p.cluster.create((await p.cluster.check!({}, args)).inputs));
    expect(err.message).toMatch(/validate/);
    expect(err.message).toContain('keypair: SSH keypair "no-such-keypair" was not found');
    expect(createCallsSince(sim, auditFrom)).toEqual([]);
    expect(await cloudInventory(sim)).toEqual(before);
    await p.version.delete!(version.id, version.outs);
  });
});
