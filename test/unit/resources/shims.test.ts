import requireFromString from "require-from-string";
import { kubernetesClusterShim, kubernetesSupportedVersionShim, cniConfigurationShim, clusterNodeShim } from "../../../sdk/shims";
const serializeClosure = require("@pulumi/pulumi/runtime/closure/serializeClosure");

describe("serialized providers (DESIGN rule 1)", () => {
  it.each([
    ["kubernetesCluster", kubernetesClusterShim],
    ["kubernetesSupportedVersion", kubernetesSupportedVersionShim],
    ["cniConfiguration", cniConfigurationShim],
    ["clusterNode", clusterNodeShim],
  ])("%s serializes to a tiny module that only requires the installed implementation", async (name, shim) => {
    const { text } = await serializeClosure.serializeFunction(() => shim, { allowSecrets: true });
    expect(text.length).toBeLessThan(6000);
    expect(text).toContain(`require("pulumi-cloudstack-kubernetes/provider/resources/${name}")`);
    // Nothing else is required or captured: no library code, no deep paths.
    const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m: RegExpMatchArray) => m[1]);
    expect(new Set(requires)).toEqual(new Set([`pulumi-cloudstack-kubernetes/provider/resources/${name}`]));
    const loaded = requireFromString(text).handler();
    for (const method of ["check", "diff", "create", "read", "update", "delete"]) expect(typeof loaded[method]).toBe("function");
  });
});
