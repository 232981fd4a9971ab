// Errors as the real Pulumi CLI shows them, for failures of the cluster's validate phase (nothing
// created yet): a wrong secret key, an unknown zone, an unknown offering, an unreachable API. None may
// advise "run `pulumi up` again to resume" or keep a partial cluster in the state; an unknown zone says
// "zone not found". The version is fine and is created; `pulumi destroy` then leaves nothing. One stack
// per case, so a case cannot inherit another's state.
//
// Needs the integrator's fix (issue 10 item 3: validate-phase wording, "zone not found").
import { cliIt, cliSuite, cliStack, expectSuccess, fixtureDir, inventory } from "../helpers/pulumi-cli";

jest.setTimeout(600_000);

const suite = cliSuite();

const UNKNOWN_ID = "00000000-0000-4000-8000-00000000dead";

const CASES: { what: string; config: Record<string, string>; secret?: boolean; expect: RegExp; notExpect?: RegExp }[] = [
  { what: "a wrong secret key", config: { clusterSecretKey: "not-the-secret-key-0123456789" }, secret: true, expect: /KubernetesCluster errors: / },
  { what: "an unknown zone id", config: { clusterZoneId: UNKNOWN_ID }, expect: /zone not found/i, notExpect: /is not available in zone/ },
  { what: "an unknown service offering", config: { clusterOfferingId: UNKNOWN_ID }, expect: /KubernetesCluster errors: .*offering/i },
  { what: "an unreachable API", config: { clusterApiUrl: "http://127.0.0.1:9/client/api" }, expect: /KubernetesCluster errors: / },
];

describe("validate-phase failures under the real Pulumi CLI", () => {
  cliIt.each(CASES)("$what: pulumi up fails, keeps no cluster, does not advise resuming, and destroy leaves nothing", async ({ what, config, secret, expect: wanted, notExpect }) => {
    const name = `errors-${CASES.findIndex((c) => c.what === what)}`;
    const s = await cliStack(suite.sim, fixtureDir("cli-errors"), { stack: name });
    suite.stacks.push(s);
    const key = Object.keys(config)[0]!;
    await s.setConfig({ [`cks-cli-errors:${key}`]: config[key]! }, secret ? [`cks-cli-errors:${key}`] : []);
    const r = await s.run(["up", "--yes", "--skip-preview", ...s.flags()]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(wanted);
    if (notExpect) expect(r.output).not.toMatch(notExpect);
    expect(r.output).not.toMatch(/again to resume/);
    expect(r.output).not.toContain(suite.sim.adminSecretKey);
    // Nothing of the cluster exists: no VM in the cloud, no (partial) cluster in the state.
    expect((await inventory(suite.sim)).vms).toEqual([]);
    const state = JSON.parse(await s.exportState()) as { deployment: { resources?: { urn: string }[] } };
    expect((state.deployment.resources ?? []).filter((x) => x.urn.endsWith("::cluster"))).toEqual([]);
    // The stack (its version) destroys cleanly with the config as it is.
    expectSuccess(await s.run(["destroy", "--yes", ...s.flags()]), "pulumi destroy");
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});
