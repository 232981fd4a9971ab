// Byte-level encodings of ISO 9660 (ECMA-119), shared by the writer and the reader.

export const SECTOR = 2048;
/** Volume descriptors start after the 16-sector system area. */
export const FIRST_DESCRIPTOR_SECTOR = 16;
export const STANDARD_ID = "CD001";
/** Joliet's escape sequences (UCS-2 levels 1..3): "%/@", "%/C", "%/E". */
export const JOLIET_ESCAPES = ["%/@", "%/C", "%/E"];

export const FLAG_DIRECTORY = 0x02;

/** 32-bit value in both byte orders (little-endian first), as ECMA-119 7.3.3 wants. */
export function putBoth32(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value, offset);
  buf.writeUInt32BE(value, offset + 4);
}

export function putBoth16(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt16LE(value, offset);
  buf.writeUInt16BE(value, offset + 2);
}

/** 7-byte directory-record date (UTC). */
export function recordDate(date: Date): Buffer {
  return Buffer.from([
    date.getUTCFullYear() - 1900,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    0,
  ]);
}

/** 17-byte volume-descriptor date: "YYYYMMDDHHMMSScc" plus a GMT offset byte. */
export function descriptorDate(date: Date | null): Buffer {
  const buf = Buffer.alloc(17, 0);
  if (!date) {
    buf.write("0000000000000000", 0, "latin1");
    return buf;
  }
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const text =
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    "00";
  buf.write(text, 0, "latin1");
  return buf;
}

/** Space-padded a-/d-character field. */
export function padAscii(value: string, length: number): Buffer {
  const buf = Buffer.alloc(length, 0x20);
  buf.write(value.slice(0, length), 0, "latin1");
  return buf;
}

/** UCS-2 big-endian, as Joliet stores names. */
export function ucs2be(value: string): Buffer {
  const le = Buffer.from(value, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return be;
}

export function fromUcs2be(buf: Buffer): string {
  const le = Buffer.alloc(buf.length - (buf.length % 2));
  for (let i = 0; i + 1 < buf.length; i += 2) {
    le[i] = buf[i + 1];
    le[i + 1] = buf[i];
  }
  return le.toString("utf16le");
}

/** Space-padded UCS-2 field (Joliet volume identifiers). */
export function padUcs2(value: string, length: number): Buffer {
  const buf = Buffer.alloc(length);
  for (let i = 0; i + 1 < length; i += 2) buf.writeUInt16BE(0x0020, i);
  ucs2be(value).subarray(0, length - (length % 2)).copy(buf, 0);
  return buf;
}

export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR);
}
