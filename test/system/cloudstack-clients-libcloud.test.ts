// Debian's python3-libcloud (its CloudStack compute and load-balancer drivers) runs the client scenario against the simulator in its default
// mode: network, public IP, firewall, port forwarding, load balancer, VM lifecycle with scale, tags,
// ISOs and keypairs. Every call must succeed (libcloud signs without signatureversion; some of its lists carry parameters CloudStack ignores).
import * as path from "node:path";
import type { Simulator } from "../../simulator";
import { pythonWithModule } from "../helpers/pythonModules";
import { refusedCalls, runScenario, scenarioInput, startClientSim } from "./cloudstack-clients/scenario";

const python = pythonWithModule("libcloud", "apt-get install python3-libcloud (.ci/install.d/cloudstack-clients.sh)");

let sim: Simulator;
beforeAll(async () => {
  sim = await startClientSim();
});
afterAll(async () => {
  await sim?.stop();
});

python.it("libcloud runs the whole scenario; every call succeeds", async () => {
  const run = await runScenario([python.require(), path.join(__dirname, "cloudstack-clients/libcloud_scenario.py")], scenarioInput(sim));
  const detail = `${run.stdout}\n${run.stderr}\nrefused by the simulator: ${refusedCalls(sim).join(", ")}`;
  expect({ code: run.code, detail }).toEqual({ code: 0, detail: expect.stringContaining("scenario complete") });
  expect(refusedCalls(sim)).toEqual([]);
  // The scenario's commands all reached the simulator (it is not a mock run).
  const commands = new Set(sim.audit.records({ kind: "api" }).map((r) => r.command));
  // libcloud's create_balancer lists rules with the create parameters (algorithm, privateport, ...):
  // CloudStack ignores them, and so does the simulator in its default mode (audited as ignoredParams).
  const lbList = sim.audit.records({ kind: "api", command: "listLoadBalancerRules" });
  expect(lbList.some((r) => Array.isArray(r.ignoredParams) && r.ignoredParams.includes("algorithm"))).toBe(true);
  for (const c of ["scaleVirtualMachine", "listLoadBalancerRuleInstances", "listIpForwardingRules", "attachIso", "registerSSHKeyPair", "createTags"]) expect(commands).toContain(c);
});
