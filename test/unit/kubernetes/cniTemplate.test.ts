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
    expect(splitCloudConfigRunCmd("#cloud-config\npackages: [jq]\n")).toEqual({ withoutRunCmd: "#cloud-config\npackages:\n  - jq\n", runcmd: [] });
  });

  it("rejects non-mapping documents and malformed runcmd", () => {
    expect(() => splitCloudConfigRunCmd("- a\n- b\n")).toThrow(/mapping/);
    expect(() => splitCloudConfigRunCmd("runcmd: 5\n")).toThrow(/runcmd/);
  });
});
