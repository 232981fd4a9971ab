// Helpers shared by the cluster-options tests: reading what the cloud stored (VMs, their userdata) and
// reaching nodes over SSH as an operator would (public IP + the node's forwarded SSH port).
import { gunzipSync } from "zlib";
import { z } from "zod";
import type { Simulator } from "../../../simulator";
import { SimSshClient } from "../../helpers/sim-ssh";
import { api } from "../cluster/harness";

const NodeOutputSchema = z.object({ name: z.string(), role: z.enum(["control", "worker", "etcd"]), virtualMachineId: z.string(), sshPort: z.number() });
export type NodeOutput = z.infer<typeof NodeOutputSchema>;

/** The `nodes` output, validated. */
export function nodesOf(outs: Record<string, unknown>): NodeOutput[] {
  return z.array(NodeOutputSchema).parse(outs.nodes);
}

const VmSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  serviceofferingid: z.string().optional(),
  templateid: z.string().optional(),
  userdata: z.string().optional(),
});
export type VmView = z.infer<typeof VmSchema>;

/** One VM as listVirtualMachines shows it, with its stored userdata. */
export async function vmWithUserData(sim: Simulator, id: string): Promise<VmView> {
  const list = z.array(VmSchema).parse(await api(sim).listAll("listVirtualMachines", { id, userdata: true, listall: true }, "virtualmachine"));
  if (list.length !== 1) throw new Error(`expected one VM with id ${id}, got ${list.length}`);
  return list[0];
}

/**
 * The text a VM's userdata decodes to: base64, then gzip when it starts with the gzip magic, then any
 * base64-encoded MIME parts appended decoded, so a search covers every layer an attacker could peel.
 */
export function decodeUserData(stored: string): string {
  let bytes = Buffer.from(stored, "base64");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = bytes.toString("utf8");
  const decodedParts: string[] = [];
  const partRe = /Content-Transfer-Encoding:\s*base64[^\n]*\n(?:[^\n]+\n)*\n([A-Za-z0-9+/=\s]+)/gi;
  for (let m = partRe.exec(text); m; m = partRe.exec(text)) {
    let part = Buffer.from(m[1].replace(/\s+/g, ""), "base64");
    if (part[0] === 0x1f && part[1] === 0x8b) part = gunzipSync(part);
    decodedParts.push(part.toString("utf8"));
  }
  return [text, ...decodedParts].join("\n");
}

/** SSH to a node through the cluster's public IP and the node's forwarded port. */
export function sshToNode(outs: Record<string, unknown>, node: NodeOutput, login: { username?: string; privateKey?: string } = {}): Promise<SimSshClient> {
  return SimSshClient.connectWithRetry(
    { host: String(outs.ipAddress), port: node.sshPort, username: login.username ?? "cloud", privateKey: login.privateKey ?? String(outs.sshPrivateKey) },
    15_000,
  );
}

/** Counts of what a cluster create would make; equal before and after = nothing was created. */
export async function cloudInventory(sim: Simulator): Promise<{ vms: number; networks: number; ips: number; keypairs: number; tags: number }> {
  const a = api(sim);
  const count = async (command: string, key: string): Promise<number> => (await a.listAll(command, { listall: true }, key)).length;
  return {
    vms: await count("listVirtualMachines", "virtualmachine"),
    networks: await count("listNetworks", "network"),
    ips: await count("listPublicIpAddresses", "publicipaddress"),
    keypairs: await count("listSSHKeyPairs", "sshkeypair"),
    tags: await count("listTags", "tag"),
  };
}

/** The API commands that create something, called since index `from` of the API audit records. */
export function createCallsSince(sim: Simulator, from: number): string[] {
  const creating = /^(deploy|create|associate|register|assign|attach)/;
  return sim.audit
    .records({ kind: "api" })
    .slice(from)
    .map((r) => r.command)
    .filter((c) => creating.test(c));
}

/** The failure message of a rejected promise (fails the test if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { id?: string; properties?: Record<string, unknown> }> {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(result instanceof Error)) throw new Error(`expected a rejection, got ${result === undefined ? "success" : String(result)}`);
  return result as Error & { id?: string; properties?: Record<string, unknown> };
}
