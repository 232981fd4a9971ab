// The VM's CD-ROM drives as blkid and mount see them. Tags are probed from the image's bytes, as
// util-linux libblkid does (libblkid/src/superblocks/iso9660.c): LABEL is the primary volume
// descriptor's volume identifier, UUID its creation date written YYYY-MM-DD-HH-MM-SS-cc, BLOCK_SIZE
// the logical block size. mkisofs/genisoimage label an image CDROM by default, xorriso ISOIMAGE.
import { closeSync, openSync, readSync, statSync } from "node:fs";

export interface BlockDevice {
  /** Image on the simulator's disk (the binaries ISO), or the image itself (a config drive). */
  imagePath?: string;
  image?: Buffer;
  label: string;
  type: "iso9660";
  /** Tags in the order blkid prints them (`-o export`, `-o full`). */
  tags: [string, string][];
}

const SECTOR = 2048;
const PVD = 16 * SECTOR;

/** blkid's tags of an ISO 9660 image from its first 17 sectors; undefined when it is not one. */
export function probeIso9660(head: Buffer): [string, string][] | undefined {
  if (head.length < PVD + SECTOR || head[PVD] !== 1 || head.toString("latin1", PVD + 1, PVD + 6) !== "CD001") return undefined;
  const label = head.toString("latin1", PVD + 40, PVD + 72).trimEnd();
  const blockSize = head.readUInt16LE(PVD + 128);
  // Creation date (offset 813), or the modification date (830) when creation is unset.
  const dateAt = (off: number): string | undefined => {
    const d = head.toString("latin1", PVD + off, PVD + off + 16);
    if (!/^\d{16}$/.test(d) || /^0+$/.test(d)) return undefined;
    return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}-${d.slice(8, 10)}-${d.slice(10, 12)}-${d.slice(12, 14)}-${d.slice(14, 16)}`;
  };
  const uuid = dateAt(813) ?? dateAt(830);
  const tags: [string, string][] = [["BLOCK_SIZE", String(blockSize)]];
  if (uuid) tags.push(["UUID", uuid]);
  if (label !== "") tags.push(["LABEL", label]);
  tags.push(["TYPE", "iso9660"]);
  return tags;
}

const probed = new Map<string, { mtimeMs: number; tags: [string, string][] | undefined }>();

/** Probes an image file (first 17 sectors only), cached per path and modification time. */
export function probeIsoFile(path: string): [string, string][] | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
  const hit = probed.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.tags;
  const head = Buffer.alloc(PVD + SECTOR);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const tags = probeIso9660(head);
  probed.set(path, { mtimeMs, tags });
  return tags;
}

/** A device from its tags; undefined unless it is ISO 9660. */
export function isoDevice(tags: [string, string][] | undefined, source: { imagePath?: string; image?: Buffer }): BlockDevice | undefined {
  if (!tags) return undefined;
  const label = tags.find(([k]) => k === "LABEL")?.[1] ?? "";
  return { ...source, label, type: "iso9660", tags };
}
