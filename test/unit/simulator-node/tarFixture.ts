// Builds small ustar archives for tests (independent of the code under test).
import { gzipSync } from "node:zlib";

export function ustar(entries: { path: string; data?: string; mode?: number; dir?: boolean }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const h = Buffer.alloc(512);
    const data = Buffer.from(e.data ?? "");
    h.write(e.path, 0, 100, "utf8");
    h.write(((e.mode ?? (e.dir ? 0o755 : 0o644)).toString(8).padStart(7, "0")) + "\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write((e.dir ? 0 : data.length).toString(8).padStart(11, "0") + "\0", 124);
    h.write("14000000000\0", 136);
    h.write("        ", 148);
    h.write(e.dir ? "5" : "0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h);
    if (!e.dir && data.length > 0) {
      const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
      data.copy(padded);
      blocks.push(padded);
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tgz(entries: Parameters<typeof ustar>[0]): Buffer {
  return gzipSync(ustar(entries));
}
