// An ISO 9660 reader for images made by our writer, genisoimage/mkisofs or xorriso. Names come from
// Rock Ridge (NM) when the image has it, else from Joliet, else the 8.3 names without ";1".
import { readFile } from "fs/promises";
import { FIRST_DESCRIPTOR_SECTOR, FLAG_DIRECTORY, JOLIET_ESCAPES, SECTOR, STANDARD_ID, fromUcs2be } from "./isoFormat";

export interface IsoImageEntry {
  /** Path without leading slash, e.g. "k8s/kubeadm". */
  path: string;
  type: "file" | "dir";
  /** Permission bits from Rock Ridge PX, or a default (0o555 dirs, 0o444 files) without Rock Ridge. */
  mode: number;
  data: Buffer;
}

type NameSource = "rockridge" | "joliet" | "iso9660";

interface RawRecord {
  lba: number;
  size: number;
  flags: number;
  id: Buffer;
  systemUse: Buffer;
}

const MAX_DIRECTORIES = 100000;

function parseRecord(buf: Buffer, offset: number): RawRecord | null {
  const length = buf[offset];
  if (!length) return null;
  if (offset + length > buf.length || length < 34) throw new Error(`iso: bad directory record at byte ${offset}`);
  const idLength = buf[offset + 32];
  const suStart = offset + 33 + idLength + (idLength % 2 === 0 ? 1 : 0);
  return {
    lba: buf.readUInt32LE(offset + 2),
    size: buf.readUInt32LE(offset + 10),
    flags: buf[offset + 25],
    id: buf.subarray(offset + 33, offset + 33 + idLength),
    systemUse: suStart < offset + length ? buf.subarray(suStart, offset + length) : Buffer.alloc(0),
  };
}

/** Reads an extent, refusing addresses outside the image. */
function extent(image: Buffer, lba: number, size: number): Buffer {
  const start = lba * SECTOR;
  if (start + size > image.length) throw new Error(`iso: extent at sector ${lba} (${size} bytes) lies outside the image`);
  return image.subarray(start, start + size);
}

function directoryEntries(image: Buffer, lba: number, size: number): RawRecord[] {
  const data = extent(image, lba, size);
  const out: RawRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    const rec = parseRecord(data, offset);
    if (!rec) {
      // Zero padding up to the next sector boundary.
      offset = (Math.floor(offset / SECTOR) + 1) * SECTOR;
      continue;
    }
    out.push(rec);
    offset += data[offset];
  }
  return out;
}

interface SuspInfo {
  name?: string;
  mode?: number;
  relocated: boolean;
  childLink?: number;
  hasSp: boolean;
}

/** Walks SUSP entries, following CE continuation areas. */
function parseSusp(image: Buffer, area: Buffer, skip: number): SuspInfo {
  const info: SuspInfo = { relocated: false, hasSp: false };
  let name = "";
  let haveName = false;
  const queue: Buffer[] = [area.subarray(skip)];
  let guard = 0;
  while (queue.length > 0 && guard++ < 64) {
    const su = queue.shift() as Buffer;
    let offset = 0;
    while (offset + 4 <= su.length) {
      const sig = su.toString("latin1", offset, offset + 2);
      const len = su[offset + 2];
      if (len < 4 || offset + len > su.length) break;
      const entry = su.subarray(offset, offset + len);
      if (sig === "SP" && len >= 7 && entry[4] === 0xbe && entry[5] === 0xef) info.hasSp = true;
      else if (sig === "PX" && len >= 12) info.mode = entry.readUInt32LE(4);
      else if (sig === "NM" && len >= 5) {
        const flags = entry[4];
        if ((flags & 0x06) === 0) {
          name += entry.subarray(5).toString("utf8");
          haveName = true;
        }
      } else if (sig === "RE") info.relocated = true;
      else if (sig === "CL" && len >= 12) info.childLink = entry.readUInt32LE(4);
      else if (sig === "CE" && len >= 28) {
        const block = entry.readUInt32LE(4);
        const ceOffset = entry.readUInt32LE(12);
        const ceLength = entry.readUInt32LE(20);
        const start = block * SECTOR + ceOffset;
        if (start + ceLength <= image.length) queue.push(image.subarray(start, start + ceLength));
      } else if (sig === "ST") break;
      offset += len;
    }
  }
  if (haveName) info.name = name;
  return info;
}

function plainName(id: Buffer, joliet: boolean): string {
  const text = joliet ? fromUcs2be(id) : id.toString("latin1");
  // Drop the version (";1") and the trailing dot of extension-less ISO names ("KUBEADM.").
  return text.replace(/;\d+$/, "").replace(/\.$/, "");
}

interface Volume {
  rootLba: number;
  rootSize: number;
  source: NameSource;
  suspSkip: number;
}

function findVolumes(image: Buffer): { primary?: Volume; joliet?: Volume } {
  const found: { primary?: Volume; joliet?: Volume } = {};
  for (let sector = FIRST_DESCRIPTOR_SECTOR; (sector + 1) * SECTOR <= image.length; sector++) {
    const d = image.subarray(sector * SECTOR, (sector + 1) * SECTOR);
    if (d.toString("latin1", 1, 6) !== STANDARD_ID) throw new Error(`iso: no volume descriptor at sector ${sector}: not an ISO 9660 image`);
    const type = d[0];
    if (type === 255) break;
    const root = parseRecord(d, 156);
    if (!root) continue;
    if (type === 1 && !found.primary) found.primary = { rootLba: root.lba, rootSize: root.size, source: "iso9660", suspSkip: 0 };
    if (type === 2 && JOLIET_ESCAPES.includes(d.toString("latin1", 88, 91)))
      found.joliet = { rootLba: root.lba, rootSize: root.size, source: "joliet", suspSkip: 0 };
  }
  return found;
}

/** Detects Rock Ridge: an SP entry in the root directory's "." record. */
function detectRockRidge(image: Buffer, volume: Volume): Volume {
  const [self] = directoryEntries(image, volume.rootLba, volume.rootSize);
  if (!self) return volume;
  const su = self.systemUse;
  if (su.length >= 7 && su.toString("latin1", 0, 2) === "SP" && su[4] === 0xbe && su[5] === 0xef)
    return { ...volume, source: "rockridge", suspSkip: su[6] };
  return volume;
}

/** Every file and directory of an ISO 9660 image held in memory. */
export function parseIsoImage(image: Buffer): IsoImageEntry[] {
  const { primary, joliet } = findVolumes(image);
  if (!primary) throw new Error("iso: no primary volume descriptor");
  const withRr = detectRockRidge(image, primary);
  const volume = withRr.source === "rockridge" ? withRr : (joliet ?? primary);
  const out: IsoImageEntry[] = [];
  const seen = new Set<number>();
  const walk = (lba: number, size: number, prefix: string) => {
    if (seen.has(lba) || seen.size > MAX_DIRECTORIES) return;
    seen.add(lba);
    const records = directoryEntries(image, lba, size);
    for (const rec of records.slice(2)) {
      let name: string;
      let mode: number | undefined;
      let target = { lba: rec.lba, size: rec.size, isDir: (rec.flags & FLAG_DIRECTORY) !== 0 };
      if (volume.source === "rockridge") {
        const info = parseSusp(image, rec.systemUse, volume.suspSkip);
        if (info.relocated) continue; // shown where its CL entry points instead
        name = info.name ?? plainName(rec.id, false);
        mode = info.mode;
        if (info.childLink !== undefined) {
          const [moved] = directoryEntries(image, info.childLink, SECTOR);
          target = { lba: info.childLink, size: moved ? moved.size : SECTOR, isDir: true };
        }
      } else {
        name = plainName(rec.id, volume.source === "joliet");
      }
      // A name that could climb out of the tree or nest invisibly is not a file we can place.
      if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) continue;
      if (rec.flags & 0x80) throw new Error(`iso: ${prefix}${name} spans several extents, which this reader does not support`);
      const path = `${prefix}${name}`;
      if (target.isDir) {
        out.push({ path, type: "dir", mode: mode !== undefined ? mode & 0o7777 : 0o555, data: Buffer.alloc(0) });
        walk(target.lba, target.size, `${path}/`);
      } else {
        out.push({ path, type: "file", mode: mode !== undefined ? mode & 0o7777 : 0o444, data: Buffer.from(extent(image, target.lba, target.size)) });
      }
    }
  };
  walk(volume.rootLba, volume.rootSize, "");
  return out;
}

/** The files of an ISO image on disk, keyed by path without leading slash ("k8s/kubeadm"). */
export async function readIsoImage(path: string): Promise<Map<string, Buffer>> {
  const entries = parseIsoImage(await readFile(path));
  const files = new Map<string, Buffer>();
  for (const entry of entries) if (entry.type === "file") files.set(entry.path, entry.data);
  return files;
}

/** The volume identifier of the primary descriptor (what `blkid -s LABEL` shows), trimmed. */
export function isoVolumeId(image: Buffer): string {
  const d = image.subarray(FIRST_DESCRIPTOR_SECTOR * SECTOR, (FIRST_DESCRIPTOR_SECTOR + 1) * SECTOR);
  if (d.toString("latin1", 1, 6) !== STANDARD_ID) throw new Error("iso: not an ISO 9660 image");
  return d.toString("latin1", 40, 72).trim();
}
