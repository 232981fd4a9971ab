import { placementRules, parseIpv4Cidr, userAffinityGroups } from "../../../provider/resources/placementInputs";
import { aclNeeds, cidrInside, firstFreeSubnet, gatewayAndNetmask } from "../../../provider/cluster/phases/vpc";
import { validateClusterInputs } from "../../../provider/resources/clusterInputs";

const base = { name: "c", zoneId: "z", kubernetesVersionId: "v", serviceOfferingId: "o", apiUrl: "http://127.0.0.1:1/client/api", apiKey: "k", secretKey: "s" };

describe("placement inputs", () => {
  it("refuses vpcTierCidr without vpcId, with networkId, and when it is no CIDR or too big", () => {
    expect(placementRules({ vpcTierCidr: "10.1.1.0/24" }).map((f) => f.property)).toEqual(["vpcTierCidr"]);
    expect(placementRules({ vpcId: "v", networkId: "n", vpcTierCidr: "10.1.1.0/24" })[0].reason).toMatch(/remove vpcTierCidr/);
    expect(placementRules({ vpcId: "v", vpcTierCidr: "10.1.1.5/24" })[0].reason).toMatch(/host bits zero/);
    expect(placementRules({ vpcId: "v", vpcTierCidr: "10.0.0.0/8" })[0].reason).toMatch(/\/16 to \/28/);
    expect(placementRules({ vpcId: "v", vpcTierCidr: "10.1.1.0/24" })).toEqual([]);
  });

  it("refuses an external LB on a VPC and a group listed twice", () => {
    expect(placementRules({ vpcId: "v", externalLoadBalancerIpAddress: "10.0.0.1" })[0].property).toBe("externalLoadBalancerIpAddress");
    expect(placementRules({ nodeAffinityGroups: { worker: ["a", "a"] } })[0].property).toBe("nodeAffinityGroups.worker");
  });

  it("gives each role its groups: per role over the common list", () => {
    const inputs = { affinityGroupIds: ["all"], nodeAffinityGroups: { control: ["c1"] } };
    expect(userAffinityGroups(inputs, "control")).toEqual(["c1"]);
    expect(userAffinityGroups(inputs, "worker")).toEqual(["all"]);
    expect(userAffinityGroups({}, "etcd")).toEqual([]);
  });

  it("is part of check, and controlNodeAntiAffinity defaults to false", () => {
    const ok = validateClusterInputs({ ...base, vpcId: "vpc" });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs?.controlNodeAntiAffinity).toBe(false);
    expect(validateClusterInputs({ ...base, vpcTierCidr: "x" }).failures.map((f) => f.property)).toContain("vpcTierCidr");
  });
});

describe("VPC tier addressing", () => {
  it("parses CIDRs strictly", () => {
    expect(parseIpv4Cidr("10.1.0.0/16")).toEqual({ base: 10 * 2 ** 24 + 1 * 2 ** 16, prefix: 16 });
    expect(parseIpv4Cidr("10.1.0.0")).toBeUndefined();
    expect(parseIpv4Cidr("256.1.0.0/16")).toBeUndefined();
  });

  it("finds the first /24 of the VPC no tier overlaps", () => {
    expect(firstFreeSubnet("10.1.0.0/16", [], 24)).toBe("10.1.0.0/24");
    expect(firstFreeSubnet("10.1.0.0/16", ["10.1.0.0/24", "10.1.1.0/25"], 24)).toBe("10.1.2.0/24");
    expect(firstFreeSubnet("10.1.0.0/16", ["10.1.0.0/17"], 24)).toBe("10.1.128.0/24");
    expect(firstFreeSubnet("10.1.0.0/24", ["10.1.0.128/25"], 24)).toBeUndefined();
  });

  it("knows what is inside what, and gives the tier's gateway and netmask", () => {
    expect(cidrInside("10.1.7.0/24", "10.1.0.0/16")).toBe(true);
    expect(cidrInside("10.2.7.0/24", "10.1.0.0/16")).toBe(false);
    expect(cidrInside("10.0.0.0/8", "10.1.0.0/16")).toBe(false);
    expect(gatewayAndNetmask("10.1.7.0/24")).toEqual({ gateway: "10.1.7.1", netmask: "255.255.255.0" });
    expect(gatewayAndNetmask("10.1.7.16/28")).toEqual({ gateway: "10.1.7.17", netmask: "255.255.255.240" });
  });

  it("opens the VMs' own ports (ACLs are evaluated after NAT) and egress", () => {
    expect(aclNeeds().map((n) => `${n.traffictype}:${n.protocol}:${n.startport ?? "*"}`)).toEqual(["Ingress:tcp:22", "Ingress:tcp:6443", "Egress:all:*"]);
  });
});
