import { createHash } from "node:crypto";
import { defaultSeed, SeedSchema } from "../../../simulator/cloud";
import { ADMIN_KEY, call, entity, failure, items, makeSim, PUBKEY, SEED_IDS, USER_KEY, type Sim } from "./harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

test("default seed: zone, offerings, templates, network offerings, credentials", async () => {
  expect(SeedSchema.parse(defaultSeed()).accounts.map((a) => a.name)).toEqual(["admin", "k8s-user"]);
  const [zone] = await items(sim, "listZones", { available: "true" });
  expect(zone).toMatchObject({ id: SEED_IDS.zone, name: "Sim-Zone-1", networktype: "Advanced", allocationstate: "Enabled" });
  const offerings = await items(sim, "listServiceOfferings");
  expect(offerings.map((o) => `${o.name}:${o.cpunumber}/${o.memory}`)).toEqual(["Tiny:1/1024", "Small:2/2048", "Medium:2/4096", "Large:4/8192", "XLarge:8/16384"]);
  expect(await items(sim, "listServiceOfferings", { name: "Large" })).toHaveLength(1);
  const cks = await items(sim, "listTemplates", { templatefilter: "executable", forcks: "true" });
  expect(cks.map((t) => t.name)).toEqual(["Debian 12 (CKS ready)"]);
  expect(cks[0]).toMatchObject({ isready: true, hypervisor: "KVM", ostypename: "Debian GNU/Linux 12 (64-bit)" });
  expect(await items(sim, "listTemplates", { templatefilter: "self" })).toHaveLength(0);
  expect(await items(sim, "listTemplates", { templatefilter: "self" }, sim.admin)).toHaveLength(2);
  expect((await items(sim, "listTemplates", { templatefilter: "featured", name: "Ubuntu 22.04" })).map((t) => t.id)).toEqual([SEED_IDS.templates.ubuntu]);
  expect((await failure(async () => call(sim, "listTemplates", { templatefilter: "bogus" }))).code).toBe(431);
  const nos = await items(sim, "listNetworkOfferings", { name: "DefaultNetworkOfferingforKubernetesService" });
  expect(nos[0]).toMatchObject({ guestiptype: "Isolated", state: "Enabled", egressdefaultpolicy: true, networkrate: 200 });
  expect(nos[0].serviceofferingid).toMatch(/^[0-9a-f-]{36}$/);
  expect(nos[0].service.map((s: any) => s.name)).toEqual(expect.arrayContaining(["SourceNat", "Firewall", "PortForwarding", "Lb", "UserData"]));
  expect(await items(sim, "listDiskOfferings")).toHaveLength(3);
  expect((await items(sim, "listOsTypes")).length).toBeGreaterThan(0);
  expect(sim.cloud.credentials(ADMIN_KEY)?.caller.isAdmin).toBe(true);
  expect(sim.cloud.credentials(USER_KEY)?.caller).toMatchObject({ isAdmin: false, accountName: "k8s-user" });
  expect(sim.cloud.credentials("nope")).toBeUndefined();
});

test("ssh keypairs: fingerprint is the colon MD5 of the key blob; duplicates and invalid keys are 431", async () => {
  const kp = await entity(sim, "registerSSHKeyPair", { name: "mine", publickey: PUBKEY });
  const blob = Buffer.from(PUBKEY.split(" ")[1], "base64");
  expect(kp.fingerprint).toBe(createHash("md5").update(blob).digest("hex").match(/../g)!.join(":"));
  expect((await failure(async () => call(sim, "registerSSHKeyPair", { name: "mine", publickey: PUBKEY }))).code).toBe(431);
  expect((await failure(async () => call(sim, "registerSSHKeyPair", { name: "bad", publickey: "ssh-rsa AAAA" }))).code).toBe(431);
  const created = await entity(sim, "createSSHKeyPair", { name: "gen" });
  expect(created.privatekey).toMatch(/BEGIN RSA PRIVATE KEY/);
  const r = await call(sim, "listSSHKeyPairs", {});
  expect(r).toMatchObject({ kind: "list", entityKey: "sshkeypair" });
  expect(await items(sim, "listSSHKeyPairs", { name: "gen" })).toHaveLength(1);
  expect(await items(sim, "listSSHKeyPairs", {}, sim.admin)).toHaveLength(0);
  await call(sim, "deleteSSHKeyPair", { name: "gen" });
  expect((await failure(async () => call(sim, "deleteSSHKeyPair", { name: "gen" }))).code).toBe(431);
});

test("user data and CNI configurations", async () => {
  const ud = await entity(sim, "registerUserData", { name: "u1", userdata: "I2Nsb3VkLWNvbmZpZw", params: "A, B" });
  expect(ud).toMatchObject({ name: "u1", userdata: "I2Nsb3VkLWNvbmZpZw==", params: "A,B", account: "k8s-user" });
  expect(await items(sim, "listUserData")).toHaveLength(1);
  const cni = await call(sim, "registerCniConfiguration", { name: "calico", cniconfig: Buffer.from("kind: List").toString("base64"), params: "AS_NUMBER" });
  expect(cni).toMatchObject({ kind: "object", entityKey: "cniconfig" });
  const c = (cni as any).entity;
  expect(c).toMatchObject({ name: "calico", params: "AS_NUMBER", domainid: SEED_IDS.domain });
  expect((await failure(async () => call(sim, "registerCniConfiguration", { name: "calico" }))).code).toBe(431);
  expect((await items(sim, "listCniConfiguration", { name: "calico" })).map((x) => x.id)).toEqual([c.id]);
  expect(await items(sim, "listUserData")).toHaveLength(1); // CNI configs are not plain user data
  await call(sim, "deleteCniConfiguration", { id: c.id });
  expect(await items(sim, "listCniConfiguration")).toHaveLength(0);
});

test("features.cniConfigurationApi=false removes the CNI commands", async () => {
  const seed = defaultSeed();
  seed.features.cniConfigurationApi = false;
  const old = await makeSim(seed);
  try {
    expect(old.cloud.handlers["registerCniConfiguration"]).toBeUndefined();
    expect(old.cloud.handlers["listCniConfiguration"]).toBeUndefined();
    expect(old.cloud.handlers["registerUserData"]).toBeDefined();
  } finally {
    await old.close();
  }
});

test("handlers exist for every non-CKS command of commands.json", () => {
  const commands = Object.keys(require("../../../simulator/api/commands.json")).filter(
    (c) => c !== "_meta" && !/KubernetesCluster|KubernetesSupportedVersion|listAsyncJobs|queryAsyncJobResult/.test(c),
  );
  const missing = commands.filter((c) => !sim.cloud.handlers[c]);
  expect(missing).toEqual([]);
});
