import { makeClusterProvider } from "../../../provider/resources/kubernetesCluster";
import { CLUSTER_REPLACING_INPUTS, CLUSTER_IN_PLACE_INPUTS } from "../../../provider/resources/clusterDiff";
import { UNKNOWN } from "../../../provider/resources/common/unknowns";

const provider = makeClusterProvider();

const inputs: Record<string, unknown> = {
  name: "prod",
  description: "d",
  zoneId: "z1",
  kubernetesVersionId: "v1",
  kubernetesVersion: "1.31.4",
  serviceOfferingId: "o1",
  size: 2,
  controlNodes: 1,
  etcdNodes: 0,
  maxClusterSize: 10,
  networkId: "n1",
  keypair: "ops",
  nodeRootDiskSize: 8,
  externalLoadBalancerIpAddress: "10.0.0.5",
  privateRegistry: { url: "r.example.com", username: "u", password: "p" },
  hypervisor: "KVM",
  vpcId: "vpc1",
  vpcTierCidr: "10.1.1.0/24",
  affinityGroupIds: ["g1"],
  nodeAffinityGroups: { worker: ["g2"] },
  controlNodeAntiAffinity: false,
  nodeOfferings: { control: "a" },
  nodeTemplates: { worker: "t" },
  templateId: "t0",
  asNumber: 64512,
  cniConfigurationId: "c1",
  cniConfigDetails: { A: "1" },
  account: "acct",
  domainId: "d1",
  projectId: "p1",
  timeouts: { create: "45m" },
  registerInCloudStack: false,
  upgrade: { maxUnavailable: 1 },
  stopped: false,
  certificateRenewalDays: 30,
  apiUrl: "http://127.0.0.1:8080/client/api",
  apiKey: "k",
  secretKey: "s",
  insecure: false,
  caBundle: "pem",
};

const changed: Record<string, unknown> = {
  name: "prod2",
  description: "d2",
  zoneId: "z2",
  kubernetesVersionId: "v2",
  kubernetesVersion: "1.31.5",
  serviceOfferingId: "o2",
  size: 3,
  controlNodes: 3,
  etcdNodes: 1,
  maxClusterSize: 12,
  networkId: "n2",
  keypair: "ops2",
  nodeRootDiskSize: 20,
  externalLoadBalancerIpAddress: "10.0.0.6",
  privateRegistry: { url: "r.example.com", username: "u", password: "p2" },
  hypervisor: "VMware",
  vpcId: "vpc2",
  vpcTierCidr: "10.1.2.0/24",
  affinityGroupIds: ["g1", "g3"],
  nodeAffinityGroups: { worker: ["g4"] },
  controlNodeAntiAffinity: true,
  nodeOfferings: { control: "b" },
  nodeTemplates: { worker: "t2" },
  templateId: "t1",
  asNumber: 64513,
  cniConfigurationId: "c2",
  cniConfigDetails: { A: "2" },
  account: "acct2",
  domainId: "d2",
  projectId: "p2",
  timeouts: { create: "50m" },
  registerInCloudStack: true,
  upgrade: { maxUnavailable: "25%" },
  stopped: true,
  certificateRenewalDays: 60,
  apiUrl: "http://127.0.0.2:8080/client/api",
  apiKey: "k2",
  secretKey: "s2",
  insecure: true,
  caBundle: "pem2",
};

describe("KubernetesCluster diff", () => {
  it("covers every input exactly once", () => {
    const all = [...CLUSTER_REPLACING_INPUTS, ...CLUSTER_IN_PLACE_INPUTS].sort();
    expect(all).toEqual(Object.keys(inputs).sort());
  });

  it("reports no change for identical inputs", async () => {
    expect(await provider.diff!("id", { ...inputs, state: "Running", kubeconfig: "x" }, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each([...CLUSTER_REPLACING_INPUTS])("replaces the cluster when %s changes", async (key) => {
    const d = await provider.diff!("id", inputs, { ...inputs, [key]: changed[key] });
    expect(d).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: false });
  });

  it.each([...CLUSTER_IN_PLACE_INPUTS])("changes %s in place", async (key) => {
    const d = await provider.diff!("id", inputs, { ...inputs, [key]: changed[key] });
    expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("treats an absent networkId or kubernetesVersion as computed (no change)", async () => {
    const news = { ...inputs };
    delete news.networkId;
    delete news.kubernetesVersion;
    delete news.apiKey;
    expect((await provider.diff!("id", { ...inputs, networkCreated: true }, news)).changes).toBe(false);
  });

  it("compares with defaults so an explicit default is no change", async () => {
    const olds = { ...inputs, size: 1, nodeRootDiskSize: 8 };
    const news = { ...inputs };
    delete news.size;
    delete news.nodeRootDiskSize;
    expect((await provider.diff!("id", olds, news)).changes).toBe(false);
  });

  it("compares maps structurally, ignoring key order", async () => {
    const olds = { ...inputs, cniConfigDetails: { A: "1", B: "2" } };
    const news = { ...inputs, cniConfigDetails: { B: "2", A: "1" } };
    expect((await provider.diff!("id", olds, news)).changes).toBe(false);
  });

  it("treats unknown values as changes", async () => {
    const d = await provider.diff!("id", inputs, { ...inputs, cniConfigurationId: UNKNOWN });
    expect(d.replaces).toEqual(["cniConfigurationId"]);
  });
});
