// The CD-ROM: blkid finds it, mount reads the ISO image into a read-only mount, umount drops it.
import { resolvePath } from "../access";
import { sim } from "../machine";
import type { NodeCommand, NodeMachine } from "../types";
import { fail, parseOpts, tool, usageError } from "./common";

const blkid: NodeCommand = tool("blkid", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "cpLU", withArg: "ots", long: { output: "o", "match-token": "t", "match-tag": "s" } });
  if (p.error) return usageError(io, "blkid", p.error, 2);
  const format = typeof p.opts.get("o") === "string" ? (p.opts.get("o") as string) : "full";
  const token = p.opts.get("t");
  // Devices in kernel order (/proc/partitions): the root disk, then the CD-ROM drives. Tags keep the
  // order blkid prints them in (util-linux misc-utils/blkid.c; libblkid probes BLOCK_SIZE UUID LABEL TYPE).
  const devices: { device: string; tags: [string, string][] }[] = [
    { device: "/dev/vda1", tags: [["UUID", "3b2f5c0e-8a9c-4d65-9e59-2f0b7c1d4a11"], ["BLOCK_SIZE", "4096"], ["TYPE", "ext4"], ["PARTUUID", "c1d2e3f4-01"]] },
    ...[...m.blockDevices()].map(([device, d]) => ({ device, tags: d.tags })),
  ];
  let matched = devices;
  if (typeof token === "string") {
    // -t NAME=value (blkid.c parse_token): one tag must equal value exactly; the value may be quoted.
    const eq = token.indexOf("=");
    if (eq < 0) return fail(io, "blkid", `error: ${token}: invalid token`, 4);
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1).replace(/^"(.*)"$/, "$1");
    matched = devices.filter((d) => d.tags.some(([k, v]) => k === key && v === value));
  }
  const tag = p.opts.get("s");
  const shown = (tags: [string, string][]): [string, string][] => (typeof tag === "string" ? tags.filter(([k]) => k === tag) : tags);
  // blkid -o export escapes shell specials in values with a backslash (blkid.c safe_print).
  const exportValue = (v: string): string => v.replace(/([^A-Za-z0-9_.:/@%+,=-])/g, "\\$1");
  if (p.operands.length > 0) matched = matched.filter((d) => p.operands.includes(d.device));
  if (matched.length === 0) return 2;
  for (const d of matched) {
    const tags = shown(d.tags);
    if (format === "device") io.stdout(`${d.device}\n`);
    else if (format === "value") io.stdout(tags.map(([, v]) => `${v}\n`).join(""));
    else if (format === "export") io.stdout(`DEVNAME=${d.device}\n` + tags.map(([k, v]) => `${k}=${exportValue(v)}\n`).join("") + "\n");
    else io.stdout(`${d.device}: ${tags.map(([k, v]) => `${k}="${v}"`).join(" ")}\n`);
  }
  return 0;
});

/** Files of an in-memory image (the config drive), through the same ISO reader the catalog uses. */
function readImage(image: Buffer): Map<string, Buffer> {
  const iso = require("../../iso") as { parseIsoImage(b: Buffer): { path: string; type: string; data: Buffer }[] };
  return new Map(iso.parseIsoImage(image).filter((e) => e.type === "file").map((e) => [e.path, e.data]));
}

function mountPointOf(m: NodeMachine, target: string): string | undefined {
  if (m.mounts.has(target)) return target;
  for (const [point, mt] of m.mounts) if (mt.device === target) return point;
  return undefined;
}

const mount: NodeCommand = tool("mount", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "rvwa", withArg: "ot", long: { "read-only": "r", options: "o", types: "t" } });
  if (p.error) return usageError(io, "mount", p.error, 1);
  if (p.operands.length === 0) {
    io.stdout("/dev/vda1 on / type ext4 (rw,relatime,errors=remount-ro)\n");
    for (const [point, mt] of m.mounts) io.stdout(`${mt.device} on ${point} type iso9660 (ro,relatime,nojoliet,check=s,map=n,blocksize=2048)\n`);
    return 0;
  }
  if (io.user !== "root") return fail(io, "mount", "only root can do that", 1);
  if (p.operands.length < 2) return fail(io, "mount", `${p.operands[0]}: can't find in /etc/fstab.`, 1);
  const [device, dirArg] = p.operands;
  const dir = resolvePath(io.cwd, dirArg);
  const st = m.fs.stat(dir);
  if (!st) return fail(io, "mount", `${dir}: mount point does not exist.`, 32);
  if (st.type !== "dir") return fail(io, "mount", `${dir}: mount point is not a directory.`, 32);
  const opts = typeof p.opts.get("o") === "string" ? (p.opts.get("o") as string).split(",") : [];
  const readOnly = p.opts.has("r") || opts.includes("ro");
  const dev = device === "/dev/cdrom" ? "/dev/sr0" : device;
  if (dev !== "/dev/sr0" && !(dev === "/dev/sr1" && sim(m).spec.configDrive)) return fail(io, "mount", `${dir}: special device ${device} does not exist.`, 32);
  const existing = m.mounts.get(dir);
  if (existing) return fail(io, "mount", `${dir}: ${existing.device} already mounted on ${dir}.`, 32);
  const cd = m.blockDevices().get(dev);
  if (!cd) return fail(io, "mount", `${dir}: no medium found on ${dev}.`, 32);
  let files: Map<string, Buffer>;
  try {
    files = cd.image ? readImage(cd.image) : await sim(m).deps.isoReader(cd.imagePath ?? "");
  } catch (e) {
    return fail(io, "mount", `${dir}: wrong fs type, bad option, bad superblock on /dev/sr0, missing codepage or helper program, or other error. (${e instanceof Error ? e.message : String(e)})`, 32);
  }
  m.mounts.set(dir, { device: dev, files });
  if (!readOnly) io.stderr(`mount: ${dir}: WARNING: source write-protected, mounted read-only.\n`);
  return 0;
});

const umount: NodeCommand = tool("umount", async (argv, io, m) => {
  const targets = argv.slice(1).filter((a) => !a.startsWith("-"));
  if (targets.length === 0) return usageError(io, "umount", "bad usage", 1);
  if (io.user !== "root") return fail(io, "umount", `${targets[0]}: must be superuser to unmount.`, 32);
  for (const t of targets) {
    const point = mountPointOf(m, t.startsWith("/dev/") ? t : resolvePath(io.cwd, t));
    if (!point) {
      const exists = m.fs.exists(resolvePath(io.cwd, t));
      return fail(io, "umount", exists ? `${t}: not mounted.` : `${t}: no mount point specified.`, 32);
    }
    m.mounts.delete(point);
  }
  return 0;
});

export const MEDIA_TOOLS: Record<string, NodeCommand> = { blkid, mount, umount };
