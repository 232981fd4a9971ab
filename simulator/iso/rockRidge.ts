// Rock Ridge (RRIP 1.10, "RRIP_1991A") entries in the System Use Sharing Protocol format: what the
// writer puts after each directory record's identifier so POSIX modes and long names survive.
import { putBoth32 } from "./isoFormat";

const ER_ID = "RRIP_1991A";
const ER_DESCRIPTOR = "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS";
const ER_SOURCE = "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.";

export function suspPx(mode: number, links: number): Buffer {
  const px = Buffer.alloc(36);
  px.write("PX", 0, "latin1");
  px[2] = 36;
  px[3] = 1;
  putBoth32(px, 4, mode);
  putBoth32(px, 12, links);
  putBoth32(px, 20, 0);
  putBoth32(px, 28, 0);
  return px;
}

export function suspNm(name: string): Buffer {
  const bytes = Buffer.from(name, "utf8");
  const nm = Buffer.alloc(5 + bytes.length);
  nm.write("NM", 0, "latin1");
  nm[2] = nm.length;
  nm[3] = 1;
  nm[4] = 0;
  bytes.copy(nm, 5);
  return nm;
}

export function suspSp(): Buffer {
  return Buffer.from([0x53, 0x50, 7, 1, 0xbe, 0xef, 0]);
}

export function suspCe(lba: number, length: number): Buffer {
  const ce = Buffer.alloc(28);
  ce.write("CE", 0, "latin1");
  ce[2] = 28;
  ce[3] = 1;
  putBoth32(ce, 4, lba);
  putBoth32(ce, 12, 0);
  putBoth32(ce, 20, length);
  return ce;
}

export function suspEr(): Buffer {
  const id = Buffer.from(ER_ID, "latin1");
  const des = Buffer.from(ER_DESCRIPTOR, "latin1");
  const src = Buffer.from(ER_SOURCE, "latin1");
  const head = Buffer.from([0x45, 0x52, 8 + id.length + des.length + src.length, 1, id.length, des.length, src.length, 1]);
  return Buffer.concat([head, id, des, src]);
}

