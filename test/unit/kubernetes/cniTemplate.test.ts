import { renderTemplate, splitCloudConfigRunCmd, templateVariables, TemplateVariableError } from "../../../provider/kubernetes/cniTemplate";
import { parse } from "yaml";

describe("renderTemplate", () => {
  it("replaces spaced and unspaced placeholders verbatim", () => {
    expect(renderTemplate("a={{ AS_NUMBER }} b={{ROUTER}} c={{ AS_NUMBER }}", { AS_NUMBER: "65001", ROUTER: "10.0.0.1" })).toBe("a=65001 b=10.0.0.1 c=65001");
  });

  it("lists variables in order of first appearance", () => {
    expect(templateVariables("{{ B }} {{A}} {{ B }}")).toEqual(["B", "A"]);
  });

  it("names a missing variable and the supplied keys", () => {
    let err: unknown;
    try {
      renderTemplate("x: {{ POD_CIDR }}\ny: {{ MTU }}", { MTU: "1450" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateVariableError);
    expect((err as TemplateVariableError).missing).toEqual(["POD_CIDR"]);
    expect((err as Error).message).toContain("{{ POD_CIDR }}");
    expect((err as Error).message).toContain("supplied: MTU");
  });

  it("does not re-expand placeholders that appear in values", () => {
    expect(renderTemplate("{{ A }}", { A: "{{ B }}" })).toBe("{{ B }}");
  });
});

describe("splitCloudConfigRunCmd", () => {
  const cni = [
    "#cloud-config",
    "write_files:",
    "  - path: /etc/cni/calico.yaml",
    "    content: |",
    "      kind: DaemonSet",
    "runcmd:",
    "  - kubectl apply -f /etc/cni/calico.yaml",
    "  - [sh, -c, \"echo 'hi there' > /tmp/x\"]",
  ].join("\n");

  it("separates runcmd from the rest and quotes argv entries", () => {
    const { withoutRunCmd, runcmd } = splitCloudConfigRunCmd(cni);
    expect(withoutRunCmd.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(withoutRunCmd);
    expect(doc.runcmd).toBeUndefined();
    expect(doc.write_files[0].path).toBe("/etc/cni/calico.yaml");
    expect(runcmd).toEqual(["kubectl apply -f /etc/cni/calico.yaml", `sh -c 'echo '\\''hi there'\\'' > /tmp/x'`]);
  });

  it("handles a config without runcmd", () => {
    expect(splitCloudConfigRunCmd("#cloud-config\npackages: [jq]\n")).toEqual({ withoutRunCmd: "#cloud-config\npackages: [jq]\n", runcmd: [] });
  });

  it("keeps the user's text byte for byte, only the top-level runcmd block cut out", () => {
    const text = [
      "#cloud-config",
      "# a comment the user wrote",
      "write_files:",
      "  - path: /etc/x",
      "    permissions: 0755",
      '    content: "on"',
      "runcmd:",
      "  - echo a",
      "  - - echo",
      "    - b",
      "bootcmd: [ 'true' ]   # trailing",
      "",
    ].join("\n");
    const { withoutRunCmd, runcmd } = splitCloudConfigRunCmd(text);
    expect(withoutRunCmd).toBe(text.replace("runcmd:\n  - echo a\n  - - echo\n    - b\n", ""));
    expect(runcmd).toEqual(["echo a", "echo b"]);
    expect(splitCloudConfigRunCmd("#cloud-config\nruncmd: [a]\nruncmd: [b]\nx: 1").withoutRunCmd).toBe("#cloud-config\nx: 1");
    expect(splitCloudConfigRunCmd("#cloud-config\nruncmd: [b]\n").runcmd).toEqual(["b"]);
  });

  it("adds the #cloud-config header when missing and keeps a part that is only runcmd a mapping", () => {
    expect(splitCloudConfigRunCmd("packages: [jq]\n").withoutRunCmd).toBe("#cloud-config\npackages: [jq]\n");
    expect(splitCloudConfigRunCmd("#cloud-config\nruncmd:\n  - x\n")).toEqual({ withoutRunCmd: "#cloud-config\n{}\n", runcmd: ["x"] });
  });

  it("reads runcmd as cloud-init does: argv items through Python's str(), non-string commands refused", () => {
    expect(splitCloudConfigRunCmd("runcmd:\n  - [echo, on, 0755, ~, '0755']\n").runcmd).toEqual(["echo True 493 None 0755"]);
    expect(() => splitCloudConfigRunCmd("runcmd:\n  - 5\n")).toThrow(/reads `5` as int.*quote it/);
    expect(() => splitCloudConfigRunCmd("runcmd:\n  - [echo, 1.5]\n")).toThrow(/as float/);
    expect(() => splitCloudConfigRunCmd("{runcmd: [a], x: 1}")).toThrow(/block style/);
    expect(() => splitCloudConfigRunCmd("runcmd: [&a x]\n")).toThrow(/anchors/);
    expect(() => splitCloudConfigRunCmd("a: 1\n---\nb: 2\n")).toThrow(/single YAML document/);
  });

  it("rejects non-mapping documents and malformed runcmd", () => {
    expect(() => splitCloudConfigRunCmd("- a\n- b\n")).toThrow(/mapping/);
    expect(() => splitCloudConfigRunCmd("runcmd: 5\n")).toThrow(/runcmd/);
  });
});
