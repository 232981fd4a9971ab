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

  it("reads MIME multipart with cloud-config and shell parts, merging lists in order", () => {
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
    expect(mergeConfigs(parts.configs).runcmd).toEqual(["one", "two"]);
    expect(parts.scripts.map((s) => s.content)).toEqual(["#!/bin/sh\necho part\n"]);
  });

  it("reports broken YAML and non-mapping documents as parse failures", () => {
    expect(decodeUserData(b64("#cloud-config\nusers: [\n")).errors[0]).toMatch(/^Failed to parse cloud-config/);
    expect(decodeUserData(b64("#cloud-config\n- a\n- b\n")).errors[0]).toContain("must be a mapping");
  });

  it("decodes write_files encodings and permissions like cloud-init", () => {
    const gz = gzipSync(Buffer.from("zipped"));
    expect(decodeContent({ path: "/a", content: b64("plain"), encoding: "b64" }).toString()).toBe("plain");
    expect(decodeContent({ path: "/a", content: gz.toString("base64"), encoding: "gzip+base64" }).toString()).toBe("zipped");
    expect(decodeContent({ path: "/a", content: gz.toString("base64"), encoding: "gz+b64" }).toString()).toBe("zipped");
    expect(decodeContent({ path: "/a", content: new Uint8Array(gz), encoding: "gzip" }).toString()).toBe("zipped");
    expect(decodeContent({ path: "/a", content: "t" }).toString()).toBe("t");
    expect(() => decodeContent({ path: "/a", content: "t", encoding: "rot13" })).toThrow(/Unknown encoding/);
    expect(decodePermissions("0750")).toBe(0o750);
    expect(decodePermissions(undefined)).toBe(0o644);
    expect(() => decodePermissions("rwx")).toThrow();
  });
});
