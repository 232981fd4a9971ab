import fc from "fast-check";
import { execFileSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { isoVolumeId, parseIsoImage, readIsoImage } from "../../../simulator/iso/isoReader";
import { writeIsoImage, type IsoFile } from "../../../simulator/iso/isoWriter";

function toolExists(tool: string): boolean {
  try {
    execFileSync("which", [tool], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const files: IsoFile[] = [
  { path: "manifest.json", data: Buffer.from('{"a":1}\n') },
  { path: "k8s/kubeadm", data: Buffer.from("# kubeadm v1.31.4\n"), mode: 0o755 },
  { path: "cri-tools/crictl-v1.31.1-linux-amd64.tar.gz", data: Buffer.alloc(5000, 1) },
  { path: "a/b/c/d/e/f/g/deepest-file-with-a-long-lower-case-name.yaml", data: Buffer.from("deep\n"), mode: 0o600 },
  { path: "10-kubeadm.conf", data: Buffer.from("[Service]\n") },
  { path: "empty", data: Buffer.alloc(0) },
  // 8.3 collisions: both map to KUBELET_.SER;1-like names and must stay distinct.
  { path: "kubelet-a.service", data: Buffer.from("A") },
  { path: "kubelet-b.service", data: Buffer.from("B") },
  { path: "big.bin", data: Buffer.alloc(3 * 2048 + 17, 9) },
];

describe("ISO 9660 writer and reader", () => {
  it("round-trips long names, nested directories, modes and contents", () => {
    const image = writeIsoImage(files);
    expect(image.length % 2048).toBe(0);
    expect(isoVolumeId(image)).toBe("CDROM");
    const entries = parseIsoImage(image);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const f of files) {
      const e = byPath.get(f.path);
      expect(e).toBeDefined();
      expect(e?.type).toBe("file");
      expect(e?.data.equals(f.data)).toBe(true);
      expect(e?.mode).toBe(f.mode ?? 0o644);
    }
    expect(byPath.get("a/b/c")?.type).toBe("dir");
    expect(byPath.get("k8s")?.mode).toBe(0o755);
  });

  it("is deterministic and honours the volume id and date options", () => {
    expect(writeIsoImage(files).equals(writeIsoImage(files))).toBe(true);
    const other = writeIsoImage(files, { volumeId: "OTHER", date: new Date(Date.UTC(2020, 1, 2)) });
    expect(isoVolumeId(other)).toBe("OTHER");
    expect(other.equals(writeIsoImage(files))).toBe(false);
  });

  it("rejects duplicate paths, a file used as a directory and non-ISO input", () => {
    expect(() => writeIsoImage([files[0], files[0]])).toThrow(/duplicate/);
    expect(() => writeIsoImage([{ path: "x", data: Buffer.alloc(1) }, { path: "x/y", data: Buffer.alloc(1) }])).toThrow(/is a file/);
    expect(() => parseIsoImage(Buffer.alloc(40 * 2048))).toThrow(/not an ISO 9660 image/);
  });

  it("round-trips arbitrary trees (property)", () => {
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,40}$/);
    const tree = fc.uniqueArray(
      fc.record({ parts: fc.array(segment, { minLength: 1, maxLength: 4 }), size: fc.nat(3000), mode: fc.constantFrom(0o644, 0o755, 0o600) }),
      { selector: (f) => f.parts.join("/"), maxLength: 12 },
    );
    fc.assert(
      fc.property(tree, (specs) => {
        // Drop specs whose path is a prefix directory of another (a file cannot also be a directory).
        const paths = specs.map((s) => s.parts.join("/"));
        const valid = specs.filter((_s, i) => !paths.some((p, j) => j !== i && (p.startsWith(`${paths[i]}/`) || paths[i].startsWith(`${p}/`))));
        const input = valid.map((s, i) => ({ path: s.parts.join("/"), data: Buffer.alloc(s.size, i), mode: s.mode }));
        const out = new Map(parseIsoImage(writeIsoImage(input)).filter((e) => e.type === "file").map((e) => [e.path, e]));
        expect(out.size).toBe(input.length);
        for (const f of input) {
          expect(out.get(f.path)?.data.equals(f.data)).toBe(true);
          expect(out.get(f.path)?.mode).toBe(f.mode);
        }
      }),
      { numRuns: 40 },
    );
  });

  describe("images made by other tools", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "iso-tools-"));
      const src = join(dir, "src");
      for (const f of files) {
        mkdirSync(dirname(join(src, f.path)), { recursive: true });
        writeFileSync(join(src, f.path), f.data);
        chmodSync(join(src, f.path), f.mode ?? 0o644);
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const genisoimage = toolExists("genisoimage") ? it : it.skip;
    if (!toolExists("genisoimage")) console.warn("genisoimage not installed (Debian package genisoimage): skipping genisoimage-made ISO tests");

    genisoimage("reads Rock Ridge names and modes from `genisoimage -J -R -l`", async () => {
      execFileSync("genisoimage", ["-quiet", "-J", "-R", "-l", "-o", join(dir, "rr.iso"), join(dir, "src")], { stdio: "pipe" });
      const got = await readIsoImage(join(dir, "rr.iso"));
      for (const f of files) expect(got.get(f.path)?.equals(f.data)).toBe(true);
      // The 8-level-deep directory was relocated (RR_MOVED + CL/RE entries) and still reads at its real path.
      const modes = new Map(parseIsoImage(readFileSync(join(dir, "rr.iso"))).map((e) => [e.path, e.mode]));
      expect(modes.get("k8s/kubeadm")).toBe(0o755);
    });

    genisoimage("reads Joliet names from `genisoimage -J` (no Rock Ridge)", async () => {
      execFileSync("genisoimage", ["-quiet", "-J", "-o", join(dir, "joliet.iso"), join(dir, "src")], { stdio: "pipe" });
      const got = await readIsoImage(join(dir, "joliet.iso"));
      // Without Rock Ridge genisoimage drops directories deeper than ISO 9660's limit.
      for (const f of files.filter((x) => x.path.split("/").length <= 7)) expect(got.get(f.path)?.equals(f.data)).toBe(true);
      expect(got.get("cri-tools/crictl-v1.31.1-linux-amd64.tar.gz")).toBeDefined();
    });

    genisoimage("falls back to 8.3 names on a plain ISO 9660 image", async () => {
      execFileSync("genisoimage", ["-quiet", "-o", join(dir, "plain.iso"), join(dir, "src")], { stdio: "pipe" });
      const got = await readIsoImage(join(dir, "plain.iso"));
      expect(got.get("MANIFEST.JSO")?.toString()).toBe('{"a":1}\n');
      expect(got.get("K8S/KUBEADM")?.toString()).toContain("kubeadm");
    });

    (toolExists("xorriso") ? it : it.skip)("reads `xorriso -as mkisofs -R -J` images", async () => {
      execFileSync("xorriso", ["-as", "mkisofs", "-quiet", "-R", "-J", "-o", join(dir, "x.iso"), join(dir, "src")], { stdio: "ignore" });
      const got = await readIsoImage(join(dir, "x.iso"));
      for (const f of files) expect(got.get(f.path)?.equals(f.data)).toBe(true);
    });
  });
});
