// One set of CloudStack entity schemas: the phases parse with the typed client's schemas, so a field
// is coerced the same way on both paths (before, the phases had their own copies with z.coerce).
import * as client from "../../../provider/cloudstack/schemas";
import * as entities from "../../../provider/cluster/entities";

describe("cluster entities are the client's schemas", () => {
  it("exports the very same schema objects", () => {
    expect(entities.VmSchema).toBe(client.VirtualMachineSchema);
    expect(entities.PublicIpSchema).toBe(client.PublicIpAddressSchema);
    for (const name of ["FirewallRuleSchema", "PortForwardingRuleSchema", "LoadBalancerRuleSchema", "NetworkSchema", "IsoSchema", "TemplateSchema", "ServiceOfferingSchema", "SshKeyPairSchema", "UserDataSchema", "TagSchema", "NetworkOfferingSchema"] as const) {
      expect(entities[name]).toBe(client[name]);
    }
  });

  it("coerces like the client: string numbers and booleans, and refuses what is not a number", () => {
    const vm = entities.parseList(entities.VmSchema, [{ id: "v", name: "n", state: "Running", cpunumber: "2", nic: [{ id: "i", networkid: "net", isdefault: "true" }] }], "listVirtualMachines")[0];
    expect(vm.cpunumber).toBe(2);
    expect(vm.nic[0].isdefault).toBe(true);
    expect(vm.tags).toEqual([]);
    // z.coerce.number() turned "" into 0 and "abc" into NaN; the one set refuses both.
    expect(() => entities.parseList(entities.PortForwardingRuleSchema, [{ id: "r", protocol: "tcp", ipaddressid: "ip", privateport: "", publicport: "abc", virtualmachineid: "v" }], "listPortForwardingRules")).toThrow(/listPortForwardingRules.*privateport/);
  });

  it("tag maps are string-valued even when a tag has no value", () => {
    const [tag] = entities.parseList(entities.TagSchema, [{ key: "k" }], "listTags");
    expect(entities.tagMap([tag])).toEqual({ k: "" });
  });
});
