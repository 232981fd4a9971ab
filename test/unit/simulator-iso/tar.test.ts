import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readTar, readTgz, writeTar, writeTgz, type TarEntry } from "../../../simulator/iso/tar";

const entries: TarEntry[] = [
  { path: "dir", type: "dir", mode: 0o755, data: Buffer.alloc(0) },
  { path: "dir/tool", type: "file", mode: 0o755, data: Buffer.from("# tool v1.0.0 (cloudstack-sim stand-in)\n") },
  { path: "empty", type: "file", mode: 0o600, data: Buffer.alloc(0) },
  { path: `${"p".repeat(120)}/${"n".repeat(90)}`, type: "file", mode: 0o644, data: Buffer.alloc(1500, 7) },
];

function hasTar(): boolean {
  try {
    execFileSync("tar", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("tar writer/reader", () => {
  it("round-trips files, directories, modes and long (prefix-split) paths", () => {
    const back = readTar(writeTar(entries));
    expect(back.map((e) => [e.path, e.type, e.mode])).toEqual(entries.map((e) => [e.path, e.type, e.mode]));
    expect(back[3].data.equals(entries[3].data)).toBe(true);
    expect(back[1].data.toString()).toContain("tool v1.0.0");
  });

  it("produces 512-byte blocks and identical bytes for identical input", () => {
    const a = writeTgz(entries);
    expect(writeTar(entries).length % 512).toBe(0);
    expect(a.equals(writeTgz(entries))).toBe(true);
    expect(readTgz(a)).toHaveLength(entries.length);
  });

  it("detects a corrupted header", () => {
    const tar = writeTar(entries);
    tar[10] ^= 0xff;
    expect(() => readTar(tar)).toThrow(/checksum/);
  });

  (hasTar() ? it : it.skip)("is readable by GNU tar (tar -xzf)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tar-test-"));
    try {
      writeFileSync(join(dir, "a.tgz"), writeTgz(entries));
      const listing = execFileSync("tar", ["-tzf", join(dir, "a.tgz")]).toString().split("\n").filter(Boolean);
      expect(listing).toEqual(["dir/", "dir/tool", "empty", entries[3].path]);
      execFileSync("tar", ["-xzf", join(dir, "a.tgz"), "-C", dir]);
      expect(readFileSync(join(dir, "dir/tool"), "utf8")).toContain("tool v1.0.0");
      expect(statSync(join(dir, "dir/tool")).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  (hasTar() ? it : it.skip)("reads archives GNU tar wrote", () => {
    const dir = mkdtempSync(join(tmpdir(), "tar-test-"));
    try {
      writeFileSync(join(dir, "hello.txt"), "hello\n");
      execFileSync("tar", ["-czf", join(dir, "b.tgz"), "-C", dir, "hello.txt"]);
      const back = readTgz(readFileSync(join(dir, "b.tgz")));
      expect(back.map((e) => [e.path, e.data.toString()])).toEqual([["hello.txt", "hello\n"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
