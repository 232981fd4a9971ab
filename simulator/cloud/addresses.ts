// Loopback address plans. Public IPs and shared-network guest IPs are real 127.x.y.z addresses, so
// listeners can bind them. The x.y prefix is drawn from crypto randomness (not the seeded source) and
// kept unique within the process, so that parallel simulators never share an address.
import { randomInt } from "node:crypto";
import net from "node:net";

const taken = new Set<string>();

/** A fresh "127.a.b" prefix not used by another cloud in this process (127.0.x.x is left alone). */
export function reservePrefix(): string {
  for (;;) {
    const p = `127.${randomInt(1, 255)}.${randomInt(0, 256)}`;
    if (!taken.has(p)) {
      taken.add(p);
      return p;
    }
  }
}

/** Mark a prefix restored from a snapshot as used. */
export function claimPrefix(prefix: string): void {
  taken.add(prefix);
}

export function releasePrefix(prefix: string): void {
  taken.delete(prefix);
}

/** IPv4 CIDR membership, enough for firewall cidrlists. */
export function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = toInt(address.replace(/^::ffff:/, ""));
  const b = toInt(base);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const mask = (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function toInt(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Whether this machine lets us bind an address of the prefix (Linux routes all of 127/8 to lo). */
export function canBind(prefix: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: `${prefix}.1`, port: 0 }, () => server.close(() => resolve(true)));
  });
}

/** reservePrefix, retried until an address of it can really be bound. */
export async function reserveBindablePrefix(): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const p = reservePrefix();
    if (await canBind(p)) return p;
  }
  throw new Error("cannot bind any 127.x.y.z loopback address: the simulator needs the whole 127.0.0.0/8 range on the loopback interface");
}
