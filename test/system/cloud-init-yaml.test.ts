// The simulator's cloud-init against real cloud-init (Debian's, with its PyYAML):
// - YAML loading: every document the provider produces plus a corpus of tricky scalars, loaded by
//   cloudinit.safeyaml.load (what cloudinit.util.load_yaml calls) and by the simulator, compared as JSON;
// - multipart merging: real cloud-init's UserDataProcessor + cloud-config part handler (Merge-Type,
//   merge_how) against the simulator's merged config;
// - schema verdicts: `cloud-init schema` valid ⇔ no simulator schema warning.
// In CI a missing cloud-init fails (realTool); .ci/install.d/cloud-init.sh installs it.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { mergeParts } from "../../simulator/node/cloudinit/merge";
import { schemaProblems } from "../../simulator/node/cloudinit/schema";
import { decodeUserData } from "../../simulator/node/cloudinit/userdata";
import { loadYaml11, toComparableJson } from "../../simulator/node/cloudinit/yaml11";
import { realTool } from "../helpers/realTools";
import { cloudInitPython, pyLoad, pyMerge } from "./cloudInitProbe";
import { cloudConfigs, LOOSE_SHAPES, renderNodeUserData, SHAPES, userDataText } from "./userdataShapes";

const cloudInit = realTool("cloud-init", "apt-get install -y cloud-init python3-yaml (.ci/install.d/cloud-init.sh)");
const python = (): string => cloudInitPython(cloudInit.require());

/** The simulator's reading of one document, in the probe's format. */
function simLoad(text: string): { ok: unknown } | { error: string } {
  try {
    return { ok: JSON.parse(JSON.stringify(toComparableJson(loadYaml11(text)))) as unknown };
  } catch {
    return { error: "refused" };
  }
}

/** Real results carry the Python exception type; only "refused or not" and the value are compared. */
const verdict = (r: { ok: unknown } | { error: string }): unknown => ("ok" in r ? r : { error: "refused" });

const SCALARS = [
  "0755", "0o755", "0644", "-0755", "08", "09.5", "0x1F", "-0x1F", "0b1010", "0b_", "1_000", "190:20:30", "-1:30", "1:60",
  "1.5", "1.", ".5", "1e3", "1.0e+3", "1.0e3", "6.8523015e+5", "685.230_15e+03", "190:20:30.15", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
  "on", "On", "ON", "off", "yes", "Yes", "no", "NO", "y", "Y", "n", "true", "True", "TRUE", "false", "oN", "yES",
  "~", "null", "Null", "NULL", "nULL", "", "=", "<<",
  "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z", "2001-12-15 2:59:43.10", "2002-1-1", "2001-12-14 21:59:43",
  "'0755'", '"on"', "!!str 0755", "!!int '0755'", "!!int '0o7'", "!!float '1'", "!!bool 'yes'", "!!null ''", "!!binary aGVsbG8=",
  "0", "-0", "+12", "012345678", "3.14159", "-", "+", "0.", "00", "0_", "0b", "12:30", "1_2:30",
];

const DOCUMENTS = [
  ...SCALARS.map((s) => `value: ${s}\nlist: [${s.startsWith("!!") ? "x" : s}]\n`),
  // As map keys too, except nulls and floats: JS object keys are strings, so those keys read as ""
  // and "1" where Python keeps None and 1.0 (cloud-init reads no such keys; documented in docs/fidelity.md).
  ...SCALARS.filter((s) => !/^(!!|'|"|<<$|=$|$)/.test(s) && !/^(~|null|Null|NULL)$/.test(s) && !/^[-+]?(\d[\d_]*\.[\d_]*(e[-+]\d+)?|\.\d.*|.*:.*\..*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/i.test(s)).map((s) => `${s}: key\n`),
  "text: |\n  line one\n  line two\n\n",
  "text: |-\n  keep\n   indent\n",
  "text: >\n  folded\n  lines\n\n  para\n",
  'text: "a\\tb\\u00e9\\x41"\n',
  "text: 'it''s'\n",
  "text: plain\n  continued\n",
  "base: &b {a: 1, b: [x]}\nderived:\n  <<: *b\n  b: [y]\n",
  "multi:\n  <<: [{a: 1}, {a: 2, c: 3}]\n",
  "dup: 1\ndup: 2\n",
  "yes: 1\non: 2\n",
  "? [a, b]\n: complex\n",
  "- a\n- b\n",
  "just a string\n",
  "",
  "# only a comment\n",
  "a: [1, 2\n",
  "a: b: c\n",
  "\tbad: tab\n",
  "a: 1\n---\nb: 2\n",
  "%YAML 1.1\n---\na: 0755\n",
  "runcmd:\n  - [sh, -c, 'echo on']\n  - echo 0755\nwrite_files:\n  - {path: /x, permissions: 0600, content: !!binary aGk=}\n",
];

describe("YAML loading: simulator vs cloud-init's PyYAML loader", () => {
  cloudInit.it("reads the tricky-scalar corpus as cloud-init does", () => {
    const real = pyLoad(python(), DOCUMENTS);
    const mismatches = DOCUMENTS.map((doc, i) => ({ doc, real: verdict(real[i] as { ok: unknown }), sim: simLoad(doc) })).filter((c) => JSON.stringify(c.real) !== JSON.stringify(c.sim));
    expect(mismatches).toEqual([]);
    // The corpus really tells YAML 1.1 from 1.2: these would load differently under YAML 1.2.
    expect((real[0] as { ok: { value: number } }).ok.value).toBe(0o755);
  });

  cloudInit.it.each([...SHAPES, ...LOOSE_SHAPES])("reads every document of %s as cloud-init does", (_name, input) => {
    const docs = cloudConfigs(renderNodeUserData(input));
    const real = pyLoad(python(), docs);
    docs.forEach((doc, i) => expect(simLoad(doc)).toEqual(verdict(real[i] as { ok: unknown })));
  });
});

const MERGE_TYPE_CASES: Array<[string, string[]]> = [
  ["no Merge-Type: later keys replace", ["", ""]],
  ["list(append)+dict(recurse_array)+str()", ["list(append)+dict(recurse_array)+str()", "list(append)+dict(recurse_array)+str()"]],
  ["the provider's header", ["list(append)+dict(no_replace,recurse_list)+str()", "list(append)+dict(no_replace,recurse_list)+str()"]],
  ["prepend, str(append), recurse_str", ["", "list(prepend)+dict(no_replace,recurse_list,recurse_str)+str(append)"]],
  ["only list(append): dicts are not merged at all", ["", "list(append)"]],
  ["dict(replace)+list(append) on the second part", ["", "dict(replace)+list(append)"]],
  ["allow_delete", ["", "dict(no_replace,allow_delete)+list()+str()"]],
  ["list() index-wise replace under recursion", ["", "dict(no_replace,recurse_list)+list(recurse_dict)+str()"]],
  ["malformed header: the part is skipped", ["", "list(append"]],
  ["unknown merger: the part is skipped", ["", "set(append)"]],
  ["X-Merge-Type", ["", "X:list(append)+dict(recurse_array)+str()"]],
];

function multipart(parts: Array<{ header: string; body: string }>): string {
  const lines = ['Content-Type: multipart/mixed; boundary="==BOUND=="', "MIME-Version: 1.0", ""];
  parts.forEach(({ header, body }, i) => {
    lines.push("--==BOUND==", 'Content-Type: text/cloud-config; charset="utf-8"', "MIME-Version: 1.0");
    if (header.startsWith("X:")) lines.push(`X-Merge-Type: ${header.slice(2)}`);
    else if (header) lines.push(`Merge-Type: ${header}`);
    lines.push(`Content-Disposition: attachment; filename="part-${i + 1}.cfg"`, "", body);
  });
  lines.push("--==BOUND==--", "");
  return lines.join("\n");
}

const PART_A = "#cloud-config\nruncmd: [a1, a2]\nwrite_files:\n  - {path: /a, content: A}\nhostname: first\nnested: {keep: 1, list: [x], s: foo, gone: 1}\npackages: [jq]\n";
const PART_B = "#cloud-config\nruncmd: [b1]\nwrite_files:\n  - {path: /b, content: B}\nhostname: second\nnested: {add: 2, list: [y, z], s: bar, gone: null}\npackages: curl\nextra: yes\n";

function simMerge(userData: string): unknown {
  const parts = decodeUserData(Buffer.from(userData).toString("base64"));
  return JSON.parse(JSON.stringify(toComparableJson(mergeParts(parts.configs).config))) as unknown;
}

describe("multipart merging: simulator vs cloud-init's part handler", () => {
  cloudInit.it.each(MERGE_TYPE_CASES)("Merge-Type: %s", (_name, headers) => {
    const text = multipart([
      { header: headers[0] as string, body: PART_A },
      { header: headers[1] as string, body: PART_B },
    ]);
    expect(simMerge(text)).toEqual(pyMerge(python(), text));
  });

  cloudInit.it.each([
    ["merge_how string in the payload wins over the header", "merge_how: 'list(append)+dict(recurse_array)+str()'\n"],
    ["merge_how list of {name, settings}", "merge_how:\n  - {name: list, settings: [prepend]}\n  - {name: dict, settings: [no_replace, recurse_list]}\n  - {name: str, settings: []}\n"],
    ["merge_type alias", "merge_type: 'list(append)+dict(recurse_array)+str()'\n"],
  ])("%s", (_name, mergeHow) => {
    const text = multipart([
      { header: "", body: PART_A },
      { header: "dict(replace)+list()+str()", body: PART_B + mergeHow },
    ]);
    expect(simMerge(text)).toEqual(pyMerge(python(), text));
  });

  cloudInit.it("a part that does not load is skipped and the next one starts afresh", () => {
    const text = multipart([
      { header: "", body: "#cloud-config\na: [1\n" },
      { header: "list(append)+dict(recurse_array)+str()", body: PART_B },
    ]);
    expect(simMerge(text)).toEqual(pyMerge(python(), text));
  });

  cloudInit.it.each([...SHAPES, ...LOOSE_SHAPES])("the provider's %s userdata merges as cloud-init merges it", (_name, input) => {
    const text = userDataText(renderNodeUserData(input));
    const real = pyMerge(python(), text);
    expect(simMerge(text)).toEqual(real);
    if ((input.extraCloudConfigParts?.length ?? 0) > 0) {
      // Nothing of either part got lost: the user's files were added after the provider's.
      expect(JSON.stringify(real)).toContain("/etc/sysctl.d/k8s.conf");
      expect(JSON.stringify(real)).toMatch(/\/etc\/cni\/net\.d\/10-demo\.conflist|\/opt\/cni\/setup\.sh/);
    }
  });
});

describe("schema verdicts: simulator vs `cloud-init schema`", () => {
  const dir = mkdtempSync(join(tmpdir(), "cloud-init-verdict-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  cloudInit.it.each([...SHAPES, ...LOOSE_SHAPES])("%s: valid for both or warned by both", (name, input) => {
    const text = userDataText(renderNodeUserData(input));
    const merged = pyMerge(python(), text) as Record<string, unknown>;
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `#cloud-config\n${JSON.stringify(merged)}\n`);
    const real = spawnSync(cloudInit.require(), ["schema", "--config-file", file], { encoding: "utf8" });
    const sim = schemaProblems(mergeParts(decodeUserData(Buffer.from(text).toString("base64")).configs).config);
    expect({ name, simValid: sim.length === 0 }).toEqual({ name, simValid: real.status === 0 });
  });
});
