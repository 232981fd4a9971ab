// An ISO 9660 image writer: primary volume descriptor with 8.3 names plus Rock Ridge (SUSP/RRIP: PX
// modes, NM long names), a Joliet supplementary descriptor (UCS-2 names), both path tables, 2048-byte
// sectors. What `mkisofs -J -R -l` would produce for a small tree, and byte-for-byte deterministic.
import {
  FIRST_DESCRIPTOR_SECTOR,
  FLAG_DIRECTORY,
  SECTOR,
  STANDARD_ID,
  descriptorDate,
  padAscii,
  padUcs2,
  putBoth16,
  putBoth32,
  recordDate,
  sectorsFor,
  ucs2be,
} from "./isoFormat";
import { suspCe, suspEr, suspNm, suspPx, suspSp } from "./rockRidge";

export interface IsoFile {
  /** Path inside the image, "/"-separated, no leading slash. Parent directories are implied. */
  path: string;
  data: Buffer;
  /** Permission bits recorded in Rock Ridge PX; default 0o644. */
  mode?: number;
}

export interface IsoWriteOptions {
  /** Default "CDROM", mkisofs' default and the label CKS node templates look for. */
  volumeId?: string;
  /** Every timestamp in the image; fixed by default so images are reproducible. */
  date?: Date;
}

/** 2024-01-01T00:00:00Z. */
export const DEFAULT_ISO_DATE = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));

const DIR_MODE = 0o755;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const MAX_DEPTH = 8;

interface FileNode {
  kind: "file";
  name: string;
  data: Buffer;
  mode: number;
  isoName: string;
  lba: number;
}

interface DirNode {
  kind: "dir";
  name: string;
  parent: DirNode | null;
  children: Map<string, FileNode | DirNode>;
  isoName: string;
  /** Per tree (0 = primary, 1 = Joliet): extent LBA, extent size and path-table number. */
  lba: [number, number];
  size: [number, number];
  number: [number, number];
}

type Tree = 0 | 1;
const PRIMARY: Tree = 0;
const JOLIET: Tree = 1;

function newDir(name: string, parent: DirNode | null): DirNode {
  return { kind: "dir", name, parent, children: new Map(), isoName: "", lba: [0, 0], size: [0, 0], number: [0, 0] };
}

function buildTree(files: readonly IsoFile[]): DirNode {
  const root = newDir("", null);
  for (const file of files) {
    const parts = file.path.split("/").filter((p) => p.length > 0);
    if (parts.length === 0) throw new Error(`iso: empty path`);
    if (parts.length > MAX_DEPTH) throw new Error(`iso: ${file.path} is deeper than ${MAX_DEPTH} levels`);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const existing = dir.children.get(part);
      if (existing?.kind === "file") throw new Error(`iso: ${file.path}: ${part} is a file`);
      const next = existing ?? newDir(part, dir);
      dir.children.set(part, next);
      dir = next;
    }
    const name = parts[parts.length - 1];
    if (dir.children.has(name)) throw new Error(`iso: duplicate path ${file.path}`);
    dir.children.set(name, { kind: "file", name, data: file.data, mode: file.mode ?? 0o644, isoName: "", lba: 0 });
  }
  return root;
}

function dChars(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** ISO 9660 level-1 names (8.3 files, 8-character directories), made unique per directory. */
function assignIsoNames(dir: DirNode): void {
  const used = new Set<string>();
  for (const child of dir.children.values()) {
    const dot = child.kind === "file" ? child.name.lastIndexOf(".") : -1;
    const base = dChars(dot > 0 ? child.name.slice(0, dot) : child.name) || "_";
    const ext = dot > 0 ? dChars(child.name.slice(dot + 1)).slice(0, 3) : "";
    const format = (b: string) => (child.kind === "dir" ? b : `${b}.${ext};1`);
    let candidate = format(base.slice(0, 8));
    for (let n = 1; used.has(candidate); n++) {
      const suffix = String(n);
      candidate = format(base.slice(0, 8 - suffix.length) + suffix);
    }
    used.add(candidate);
    child.isoName = candidate;
    if (child.kind === "dir") assignIsoNames(child);
  }
}

function jolietName(node: FileNode | DirNode): string {
  // Joliet allows 64 UCS-2 characters; mkisofs adds the ";1" version to files.
  const name = node.name.slice(0, 64);
  return node.kind === "file" ? `${name};1` : name;
}

function identifier(node: FileNode | DirNode, tree: Tree): Buffer {
  return tree === PRIMARY ? Buffer.from(node.isoName, "latin1") : ucs2be(jolietName(node));
}

function sortedChildren(dir: DirNode, tree: Tree): Array<FileNode | DirNode> {
  return [...dir.children.values()].sort((a, b) => Buffer.compare(identifier(a, tree), identifier(b, tree)));
}

/** Directories in path-table order: breadth first, children sorted by the tree's identifiers. */
function pathTableOrder(root: DirNode, tree: Tree): DirNode[] {
  const order: DirNode[] = [root];
  for (let i = 0; i < order.length; i++) {
    for (const child of sortedChildren(order[i], tree)) if (child.kind === "dir") order.push(child);
  }
  order.forEach((dir, index) => (dir.number[tree] = index + 1));
  return order;
}

function subdirCount(dir: DirNode): number {
  let n = 0;
  for (const child of dir.children.values()) if (child.kind === "dir") n++;
  return n;
}

function directoryRecord(opts: { id: Buffer; lba: number; size: number; isDir: boolean; date: Date; systemUse?: Buffer }): Buffer {
  const idLength = opts.id.length;
  const idPad = idLength % 2 === 0 ? 1 : 0;
  const su = opts.systemUse ?? Buffer.alloc(0);
  let length = 33 + idLength + idPad + su.length;
  if (length % 2 === 1) length++;
  if (length > 255) throw new Error(`iso: directory record too long (${length} bytes)`);
  const rec = Buffer.alloc(length);
  rec[0] = length;
  rec[1] = 0;
  putBoth32(rec, 2, opts.lba);
  putBoth32(rec, 10, opts.size);
  recordDate(opts.date).copy(rec, 18);
  rec[25] = opts.isDir ? FLAG_DIRECTORY : 0;
  putBoth16(rec, 28, 1);
  rec[32] = idLength;
  opts.id.copy(rec, 33);
  su.copy(rec, 33 + idLength + idPad);
  return rec;
}

interface Layout {
  root: DirNode;
  orders: [DirNode[], DirNode[]];
  date: Date;
  continuationLba: number;
  erLength: number;
}

function dirMode(): number {
  return S_IFDIR | DIR_MODE;
}

function directoryRecords(dir: DirNode, tree: Tree, layout: Layout): Buffer[] {
  const { date } = layout;
  const rr = tree === PRIMARY;
  const self = dir;
  const parent = dir.parent ?? dir;
  const selfSu = rr
    ? Buffer.concat(
        dir.parent === null
          ? [suspSp(), suspPx(dirMode(), 2 + subdirCount(self)), suspCe(layout.continuationLba, layout.erLength)]
          : [suspPx(dirMode(), 2 + subdirCount(self))],
      )
    : undefined;
  const records = [
    directoryRecord({ id: Buffer.from([0]), lba: self.lba[tree], size: self.size[tree], isDir: true, date, systemUse: selfSu }),
    directoryRecord({
      id: Buffer.from([1]),
      lba: parent.lba[tree],
      size: parent.size[tree],
      isDir: true,
      date,
      systemUse: rr ? suspPx(dirMode(), 2 + subdirCount(parent)) : undefined,
    }),
  ];
  for (const child of sortedChildren(dir, tree)) {
    const isDir = child.kind === "dir";
    const su = rr
      ? Buffer.concat([
          isDir ? suspPx(dirMode(), 2 + subdirCount(child)) : suspPx(S_IFREG | (child.mode & 0o7777), 1),
          suspNm(child.name),
        ])
      : undefined;
    records.push(
      directoryRecord({
        id: identifier(child, tree),
        lba: isDir ? child.lba[tree] : child.lba,
        size: isDir ? child.size[tree] : child.data.length,
        isDir,
        date,
        systemUse: su,
      }),
    );
  }
  return records;
}

/** Packs records into sectors: a record never crosses a sector boundary. */
function packRecords(records: Buffer[]): Buffer {
  const chunks: Buffer[] = [];
  let used = 0;
  for (const rec of records) {
    const inSector = used % SECTOR;
    if (inSector + rec.length > SECTOR) {
      chunks.push(Buffer.alloc(SECTOR - inSector));
      used += SECTOR - inSector;
    }
    chunks.push(rec);
    used += rec.length;
  }
  const tail = (SECTOR - (used % SECTOR)) % SECTOR;
  if (tail) chunks.push(Buffer.alloc(tail));
  return Buffer.concat(chunks);
}

function pathTable(order: DirNode[], tree: Tree, bigEndian: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const dir of order) {
    const id = dir.parent === null ? Buffer.from([0]) : identifier(dir, tree);
    const rec = Buffer.alloc(8 + id.length + (id.length % 2));
    rec[0] = id.length;
    rec[1] = 0;
    const parentNumber = dir.parent === null ? 1 : dir.parent.number[tree];
    if (bigEndian) {
      rec.writeUInt32BE(dir.lba[tree], 2);
      rec.writeUInt16BE(parentNumber, 6);
    } else {
      rec.writeUInt32LE(dir.lba[tree], 2);
      rec.writeUInt16LE(parentNumber, 6);
    }
    id.copy(rec, 8);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}

function volumeDescriptor(opts: {
  tree: Tree;
  volumeId: string;
  totalSectors: number;
  pathTableSize: number;
  lPathLba: number;
  mPathLba: number;
  root: DirNode;
  date: Date;
}): Buffer {
  const d = Buffer.alloc(SECTOR);
  const joliet = opts.tree === JOLIET;
  d[0] = joliet ? 2 : 1;
  d.write(STANDARD_ID, 1, "latin1");
  d[6] = 1;
  const text = (value: string, length: number) => (joliet ? padUcs2(value, length) : padAscii(value, length));
  text("LINUX", 32).copy(d, 8);
  text(opts.volumeId, 32).copy(d, 40);
  putBoth32(d, 80, opts.totalSectors);
  if (joliet) d.write("%/E", 88, "latin1");
  putBoth16(d, 120, 1);
  putBoth16(d, 124, 1);
  putBoth16(d, 128, SECTOR);
  putBoth32(d, 132, opts.pathTableSize);
  d.writeUInt32LE(opts.lPathLba, 140);
  d.writeUInt32BE(opts.mPathLba, 148);
  directoryRecord({ id: Buffer.from([0]), lba: opts.root.lba[opts.tree], size: opts.root.size[opts.tree], isDir: true, date: opts.date }).copy(d, 156);
  text("", 128).copy(d, 190);
  text("", 128).copy(d, 318);
  text("", 128).copy(d, 446);
  text("CLOUDSTACK-SIM", 128).copy(d, 574);
  text("", 37).copy(d, 702);
  text("", 37).copy(d, 739);
  text("", 37).copy(d, 776);
  descriptorDate(opts.date).copy(d, 813);
  descriptorDate(opts.date).copy(d, 830);
  descriptorDate(null).copy(d, 847);
  descriptorDate(opts.date).copy(d, 864);
  d[881] = 1;
  return d;
}

function terminator(): Buffer {
  const d = Buffer.alloc(SECTOR);
  d[0] = 255;
  d.write(STANDARD_ID, 1, "latin1");
  d[6] = 1;
  return d;
}

function allFiles(dir: DirNode, tree: Tree): FileNode[] {
  const out: FileNode[] = [];
  for (const child of sortedChildren(dir, tree)) {
    if (child.kind === "file") out.push(child);
    else out.push(...allFiles(child, tree));
  }
  return out;
}

/** Builds a complete ISO 9660 image (Rock Ridge + Joliet) holding `files`. */
export function writeIsoImage(files: readonly IsoFile[], options: IsoWriteOptions = {}): Buffer {
  const date = options.date ?? DEFAULT_ISO_DATE;
  const volumeId = options.volumeId ?? "CDROM";
  const root = buildTree(files);
  assignIsoNames(root);
  const er = suspEr();
  const layout: Layout = {
    root,
    orders: [pathTableOrder(root, PRIMARY), pathTableOrder(root, JOLIET)],
    date,
    continuationLba: FIRST_DESCRIPTOR_SECTOR + 3,
    erLength: er.length,
  };

  // Sizes first (record lengths do not depend on LBAs), then addresses, then bytes.
  for (const tree of [PRIMARY, JOLIET] as const) {
    for (const dir of layout.orders[tree]) dir.size[tree] = packRecords(directoryRecords(dir, tree, layout)).length;
  }
  let next = layout.continuationLba + 1;
  const pathTables: Array<{ l: number; m: number; size: number }> = [];
  for (const tree of [PRIMARY, JOLIET] as const) {
    const size = pathTable(layout.orders[tree], tree, false).length;
    const l = next;
    next += sectorsFor(size);
    const m = next;
    next += sectorsFor(size);
    pathTables.push({ l, m, size });
  }
  for (const tree of [PRIMARY, JOLIET] as const) {
    for (const dir of layout.orders[tree]) {
      dir.lba[tree] = next;
      next += dir.size[tree] / SECTOR;
    }
  }
  const fileOrder = allFiles(root, PRIMARY);
  for (const file of fileOrder) {
    file.lba = next;
    next += sectorsFor(file.data.length);
  }
  const totalSectors = next;

  const image = Buffer.alloc(totalSectors * SECTOR);
  const at = (lba: number) => lba * SECTOR;
  for (const tree of [PRIMARY, JOLIET] as const) {
    volumeDescriptor({
      tree,
      volumeId,
      totalSectors,
      pathTableSize: pathTables[tree].size,
      lPathLba: pathTables[tree].l,
      mPathLba: pathTables[tree].m,
      root,
      date,
    }).copy(image, at(FIRST_DESCRIPTOR_SECTOR + tree));
  }
  terminator().copy(image, at(FIRST_DESCRIPTOR_SECTOR + 2));
  er.copy(image, at(layout.continuationLba));
  for (const tree of [PRIMARY, JOLIET] as const) {
    pathTable(layout.orders[tree], tree, false).copy(image, at(pathTables[tree].l));
    pathTable(layout.orders[tree], tree, true).copy(image, at(pathTables[tree].m));
    for (const dir of layout.orders[tree]) packRecords(directoryRecords(dir, tree, layout)).copy(image, at(dir.lba[tree]));
  }
  for (const file of fileOrder) file.data.copy(image, at(file.lba));
  return image;
}
