import { gzipSync } from "node:zlib";
import { decodeUserData, mergeConfigs } from "../../../simulator/node/cloudinit/userdata";
import { decodeContent, decodePermissions } from "../../../simulator/node/cloudinit/writeFiles";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

describe("cloud-init userdata decoding", () => {
  it("reads a base64 #cloud-config (YAML 1.1: 0644 is octal)", () => {
    const parts = decodeUserData(b64("#cloud-config\nruncmd:\n  - echo hi\nwrite_files:\n  - path: /x\n    permissions: 0600\n"));
    expect(parts.errors).toEqual([]);
    const cfg = mergeConfigs(parts.configs);
    expect(cfg.runcmd).toEqual(["echo hi"]);
    expect((cfg.write_files as { permissions: number }[])[0].permissions).toBe(0o600);
  });

  it("reads gzip'd userdata and #! scripts", () => {
    const parts = decodeUserData(gzipSync(Buffer.from("#!/bin/bash\necho from-script\n")).toString("base64"));
    expect(parts.scripts).toEqual([{ name: "part-001", content: "#!/bin/bash\necho from-script\n" }]);
  });

  it("reads MIME multipart with cloud-config and shell parts; without Merge-Type a later list replaces", () => {
    const mime = [
      'Content-Type: multipart/mixed; boundary="XYZ"',
      "MIME-Version: 1.0",
      "",
      "--XYZ",
      'Content-Type: text/cloud-config; charset="us-ascii"',
      "",
      "#cloud-config",
      "runcmd: [one]",
      "--XYZ",
      "Content-Type: text/x-shellscript",
      "Content-Transfer-Encoding: base64",
      "",
      b64("#!/bin/sh\necho part\n"),
      "--XYZ",
      "Content-Type: text/cloud-config",
      "",
      "#cloud-config",
      "runcmd: [two]",
      "--XYZ--",
      "",
    ].join("\n");
    const parts = decodeUserData(b64(mime));
    expect(parts.errors).toEqual([]);
    // cloudinit/handlers/cloud_config.py: no merge_how and no Merge-Type means dict(replace)+list()+str().
    expect(mergeConfigs(parts.configs).runcmd).toEqual(["two"]);
    expect(parts.scripts.map((s) => s.content)).toEqual(["#!/bin/sh\necho part\n"]);
  });

  it("reports broken YAML and non-mapping documents as load_yaml warnings (recoverable, not errors)", () => {
    const broken = decodeUserData(b64("#cloud-config\nusers: [\n"));
    expect(broken.errors).toEqual([]);
    expect(broken.warnings[0]).toMatch(/^Failed loading yaml blob/);
    expect(decodeUserData(b64("#cloud-config\n- a\n- b\n")).warnings[0]).toContain("root types, but got list instead");
  });

  it("decodes write_files encodings and permissions like cloud-init", () => {
    const gz = gzipSync(Buffer.from("zipped"));
    expect(decodeContent({ path: "/a", content: b64("plain"), encoding: "b64" }).toString()).toBe("plain");
    expect(decodeContent({ path: "/a", content: gz.toString("base64"), encoding: "gzip+base64" }).toString()).toBe("zipped");
    expect(decodeContent({ path: "/a", content: gz.toString("base64"), encoding: "gz+b64" }).toString()).toBe("zipped");
    expect(decodeContent({ path: "/a", content: new Uint8Array(gz), encoding: "gzip" }).toString()).toBe("zipped");
    expect(decodeContent({ path: "/a", content: "t" }).toString()).toBe("t");
    const warnings: string[] = [];
    expect(decodeContent({ path: "/a", content: "t", encoding: "rot13" }, (w) => warnings.push(w)).toString()).toBe("t");
    expect(warnings).toEqual(["Unknown encoding type rot13, assuming text/plain"]);
    expect(decodePermissions("0750")).toBe(0o750);
    expect(decodePermissions("0o750")).toBe(0o750);
    expect(decodePermissions(0o755)).toBe(0o755);
    expect(decodePermissions(755)).toBe(755);
    expect(decodePermissions(true)).toBe(1);
    expect(decodePermissions(undefined)).toBe(0o644);
    expect(decodePermissions("rwx", (w) => warnings.push(w))).toBe(0o644);
    expect(warnings[1]).toBe("Undecodable permissions 'rwx', returning default 644");
  });
});
