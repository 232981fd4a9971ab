// go-cloudstack (Debian's golang-github-xanzy-go-cloudstack-dev, the SDK behind Terraform's CloudStack
// provider) runs the client scenario against the simulator in its default mode. Its structs are
// typed, so a field the simulator sends with the wrong JSON type fails the unmarshal; its Get*ByID
// helpers read CloudStack's 431 "entity does not exist" as "no match". The program is built by
// .ci/install.d/cloudstack-clients.sh from test/system/cloudstack-clients/go.
import type { Simulator } from "../../simulator";
import { realTool } from "../helpers/realTools";
import { refusedCalls, runScenario, scenarioInput, startClientSim } from "./cloudstack-clients/scenario";

const scenario = realTool("cloudstack-go-scenario", "bash .ci/install.d/cloudstack-clients.sh (needs golang-github-xanzy-go-cloudstack-dev and go)");

let sim: Simulator;
beforeAll(async () => {
  sim = await startClientSim();
});
afterAll(async () => {
  await sim?.stop();
});

scenario.it("go-cloudstack runs the whole scenario; every call succeeds", async () => {
  const run = await runScenario([scenario.require()], scenarioInput(sim));
  const detail = `${run.stdout}\n${run.stderr}\nrefused by the simulator: ${refusedCalls(sim).join(", ")}`;
  expect({ code: run.code, detail }).toEqual({ code: 0, detail: expect.stringContaining("scenario complete") });
  expect(refusedCalls(sim)).toEqual([]);
  const commands = new Set(sim.audit.records({ kind: "api" }).map((r) => r.command));
  for (const c of ["scaleVirtualMachine", "listLoadBalancerRuleInstances", "listIpForwardingRules", "attachIso", "registerSSHKeyPair", "createTags"]) expect(commands).toContain(c);
}, 180_000);
