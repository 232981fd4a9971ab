// The leak audit: with the simulator's admin keys, list every kind of CloudStack resource a cluster
// can make, in every account and state, and compare the world after a run with the world before it.
// Anything new that is still there after the destroy is a leak; anything gone that was there before
// was deleted by mistake. VMs count in any state except Expunged-and-gone (a Destroyed VM that was
// never expunged still holds its network: a leak the user would pay for).
import { CloudStackClient } from "../../provider/cloudstack";

export interface AdminKeys {
  apiUrl: string;
  adminApiKey: string;
  adminSecretKey: string;
}

/** kind → the command and the response key that lists it, every account and project included. */
const KINDS: Record<string, { command: string; key: string; params?: Record<string, unknown> }> = {
  vm: { command: "listVirtualMachines", key: "virtualmachine" },
  network: { command: "listNetworks", key: "network" },
  publicIp: { command: "listPublicIpAddresses", key: "publicipaddress", params: { allocatedonly: true } },
  firewallRule: { command: "listFirewallRules", key: "firewallrule" },
  portForwardingRule: { command: "listPortForwardingRules", key: "portforwardingrule" },
  loadBalancerRule: { command: "listLoadBalancerRules", key: "loadbalancerrule" },
  keypair: { command: "listSSHKeyPairs", key: "sshkeypair" },
  iso: { command: "listIsos", key: "iso", params: { isofilter: "all" } },
  tag: { command: "listTags", key: "tag" },
  userData: { command: "listUserData", key: "userdata" },
};

export type World = Record<string, Map<string, string>>;

/** A stable identity and a short description per item (tags have no id: resource + key). */
function identity(kind: string, item: Record<string, unknown>): [string, string] {
  if (kind === "tag") return [`${String(item.resourcetype)}:${String(item.resourceid)}:${String(item.key)}`, `${String(item.key)}=${String(item.value)} on ${String(item.resourcetype)}`];
  if (kind === "keypair") return [`${String(item.account ?? "")}/${String(item.name)}`, String(item.name)];
  const name = item.name ?? item.ipaddress ?? (item.publicport !== undefined ? `port ${String(item.publicport)}` : undefined) ?? (item.startport !== undefined ? `${String(item.startport)}-${String(item.endport)}` : "");
  const state = item.state ? ` (${String(item.state)})` : "";
  return [String(item.id), `${String(name)}${state}`];
}

export async function snapshotWorld(keys: AdminKeys): Promise<World> {
  const client = new CloudStackClient({ apiUrl: keys.apiUrl, apiKey: keys.adminApiKey, secretKey: keys.adminSecretKey });
  const world: World = {};
  for (const [kind, spec] of Object.entries(KINDS)) {
    const items = await client.listAll<Record<string, unknown>>(spec.command, { listall: true, isrecursive: true, ...spec.params }, spec.key);
    const map = new Map<string, string>();
    for (const item of items) {
      const [id, text] = identity(kind, item);
      map.set(id, text);
    }
    world[kind] = map;
  }
  // Projects hold resources that listall does not show; the simulator's clusters run in accounts only.
  return world;
}

export interface Leak {
  kind: string;
  what: string;
  /** "left" = made by the run and still there; "lost" = there before, gone after. */
  how: "left" | "lost";
}

export function compareWorlds(before: World, after: World): Leak[] {
  const leaks: Leak[] = [];
  for (const kind of Object.keys(KINDS)) {
    const b = before[kind] ?? new Map<string, string>();
    const a = after[kind] ?? new Map<string, string>();
    for (const [id, what] of a) if (!b.has(id)) leaks.push({ kind, what, how: "left" });
    for (const [id, what] of b) if (!a.has(id)) leaks.push({ kind, what, how: "lost" });
  }
  return leaks;
}
