// snapshot() / restore(): JSON-safe world; on restore Running VMs boot again and listeners re-open.
import { deploy, entity, exec, items, makeSim, newNetwork, PUBKEY, readBanner, type Sim } from "../../unit/simulator-cloud/harness";

let a: Sim | undefined;
let b: Sim | undefined;
afterEach(async () => {
  await a?.close();
  await b?.close();
  a = b = undefined;
});

test("restore brings back VMs, tags, keys and working port-forwarding", async () => {
  a = await makeSim();
  await entity(a, "registerSSHKeyPair", { name: "k", publickey: PUBKEY });
  const net = await newNetwork(a);
  const running = await deploy(a, net.id, { name: "alive", keypairs: "k" });
  const stopped = await deploy(a, net.id, { name: "asleep", startvm: "false" });
  await exec(a, "createTags", { resourcetype: "UserVm", resourceids: running.id, "tags[0].key": "owner", "tags[0].value": "me" });
  const [ip] = await items(a, "listPublicIpAddresses", { issourcenat: "true" });
  await entity(a, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2222", protocol: "tcp", virtualmachineid: running.id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("banner alive 22\n");

  const snap = JSON.parse(JSON.stringify(a.cloud.snapshot()));
  await a.close();
  a = undefined;
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");

  b = await makeSim();
  await b.cloud.restore(snap);
  expect(b.nodes.started.map((s) => s.name)).toEqual(["alive"]);
  expect(b.nodes.started[0].deployKeys).toEqual([PUBKEY]);
  const vms = await items(b, "listVirtualMachines", { "tags[0].key": "owner", "tags[0].value": "me" });
  expect(vms.map((v) => [v.id, v.state])).toEqual([[running.id, "Running"]]);
  const [cold] = await items(b, "listVirtualMachines", { id: stopped.id });
  expect(cold.state).toBe("Stopped");
  expect(await readBanner(ip.ipaddress, 2222)).toBe("banner alive 22\n");
  // the restored world keeps working: new IPs do not collide with restored ones
  const fresh = await entity(b, "associateIpAddress", { networkid: net.id });
  expect(fresh.ipaddress).not.toBe(ip.ipaddress);
});

test("restore rejects a malformed snapshot", async () => {
  a = await makeSim();
  await expect(a.cloud.restore({ version: 2 })).rejects.toThrow();
  await expect(a.cloud.restore({})).rejects.toThrow();
});
