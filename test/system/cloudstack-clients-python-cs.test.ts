// Debian's python3-cs (the `cs` library) runs the client scenario against the simulator in its default
// mode: network, public IP, firewall, port forwarding, load balancer, VM lifecycle with scale, tags,
// ISOs and keypairs. Every call must succeed (cs signs with signatureversion 3 and expires).
import * as path from "node:path";
import type { Simulator } from "../../simulator";
import { pythonWithModule } from "../helpers/pythonModules";
import { refusedCalls, runScenario, scenarioInput, startClientSim } from "./cloudstack-clients/scenario";

const python = pythonWithModule("cs", "apt-get install python3-cs (.ci/install.d/cloudstack-clients.sh)");

let sim: Simulator;
beforeAll(async () => {
  sim = await startClientSim();
});
afterAll(async () => {
  await sim?.stop();
});

python.it("the cs library runs the whole scenario; every call succeeds", async () => {
  const run = await runScenario([python.require(), path.join(__dirname, "cloudstack-clients/cs_scenario.py")], scenarioInput(sim));
  const detail = `${run.stdout}\n${run.stderr}\nrefused by the simulator: ${refusedCalls(sim).join(", ")}`;
  expect({ code: run.code, detail }).toEqual({ code: 0, detail: expect.stringContaining("scenario complete") });
  expect(refusedCalls(sim)).toEqual([]);
  // The scenario's commands all reached the simulator (it is not a mock run).
  const commands = new Set(sim.audit.records({ kind: "api" }).map((r) => r.command));
  for (const c of ["scaleVirtualMachine", "listLoadBalancerRuleInstances", "listIpForwardingRules", "attachIso", "registerSSHKeyPair", "createTags", "createKubernetesCluster", "removeVirtualMachinesFromKubernetesCluster", "deleteKubernetesCluster"]) expect(commands).toContain(c);
});
