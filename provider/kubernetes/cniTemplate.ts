// CNI configurations are CKS-style cloud-config templates with `{{ VARIABLE }}` placeholders
// (registerCniConfiguration + cniconfigdetails). We render them, then split off the runcmd: the files go
// into the node's userdata, and the commands run over SSH where each failure is attributable.
// The rest reaches cloud-init as the user wrote it: the text is never re-serialised (cloud-init reads
// YAML 1.1 with PyYAML, where `0755` is octal and `on` a boolean; a YAML 1.2 round trip changes both).
import { isMap, isScalar, isSeq, parseAllDocuments, Scalar, visit, type Node, type Pair } from "yaml";
import { shellQuote } from "./commands";
import { pythonStrOfPlain, pyyamlPlainType } from "./yaml11";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** Thrown when a template still names a variable nobody supplied. */
export class TemplateVariableError extends Error {
  constructor(public readonly missing: string[], public readonly supplied: string[]) {
    super(
      `CNI configuration uses undefined variable(s) ${missing.map((m) => `{{ ${m} }}`).join(", ")}; ` +
        `supplied: ${supplied.length > 0 ? supplied.join(", ") : "(none)"}. Add them to the cluster's cniConfigDetails.`,
    );
    this.name = "TemplateVariableError";
  }
}

/** The placeholder names a template uses, in order of first appearance. */
export function templateVariables(template: string): string[] {
  const seen = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) seen.add(m[1] as string);
  return [...seen];
}

/**
 * Replaces `{{ VAR }}` / `{{VAR}}` with `values[VAR]`, verbatim (as CKS's String.replace does). A
 * placeholder without a value is an error naming it and listing the supplied keys.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const missing = templateVariables(template).filter((name) => !Object.prototype.hasOwnProperty.call(values, name));
  if (missing.length > 0) throw new TemplateVariableError(missing, Object.keys(values));
  return template.replace(PLACEHOLDER, (_whole, name: string) => values[name] as string);
}

const STR_TAGS = new Set([undefined, "tag:yaml.org,2002:str", "!"]);

/** The string cloud-init sees for a runcmd scalar (Python's str() for argv items), or an error why not. */
function scalarText(node: Scalar, where: string, argvItem: boolean): string {
  const text = String(node.value);
  if (!STR_TAGS.has(node.tag)) throw new Error(`CNI configuration: ${where}: explicit tag ${node.tag} is not supported in runcmd; quote the value instead`);
  if (node.type !== Scalar.PLAIN) return text;
  // cloudinit/util.py shellify: a non-string command is a TypeError; argv items go through str().
  const type = pyyamlPlainType(text);
  if (type === "str") return text;
  const str = argvItem ? pythonStrOfPlain(text) : undefined;
  if (str === undefined) throw new Error(`CNI configuration: ${where}: cloud-init reads \`${text}\` as ${type}, not a string; quote it`);
  return str;
}

function runcmdEntries(value: Node | null): string[] {
  if (value === null || (isScalar(value) && value.type === Scalar.PLAIN && pyyamlPlainType(String(value.value)) === "null")) return [];
  if (!isSeq(value)) throw new Error("CNI configuration: field runcmd: expected a list of strings or argv lists");
  return value.items.map((item, i) => {
    const where = `runcmd[${i}]`;
    if (isScalar(item)) return scalarText(item, where, false);
    if (isSeq(item)) {
      return item.items
        .map((arg, j) => {
          if (!isScalar(arg)) throw new Error(`CNI configuration: ${where}[${j}]: expected a string`);
          return shellQuote(scalarText(arg, `${where}[${j}]`, true));
        })
        .join(" ");
    }
    throw new Error(`CNI configuration: ${where}: expected a string or an argv list`);
  });
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

/**
 * Splits a #cloud-config document into the document without `runcmd` and the runcmd entries as shell
 * lines (list entries are argv: each element quoted). The document is the input text with only the
 * top-level `runcmd` block cut out, byte for byte otherwise. Throws if the text is not a cloud-config
 * mapping, or if runcmd cannot be cut out exactly (flow-style mapping, anchors inside runcmd).
 */
export function splitCloudConfigRunCmd(text: string): { withoutRunCmd: string; runcmd: string[] } {
  // failsafe: every scalar stays text; what PyYAML makes of plain scalars is decided by yaml11.ts.
  const docs = parseAllDocuments(text, { version: "1.1", schema: "failsafe", uniqueKeys: false });
  const all = Array.isArray(docs) ? docs : [];
  const problem = all.flatMap((d) => d.errors)[0];
  if (problem) throw new Error(`CNI configuration is not valid YAML: ${problem.message.split("\n")[0]}`);
  if (all.length > 1) throw new Error("CNI configuration must be a single YAML document (cloud-init loads one)");
  const contents = all[0]?.contents ?? null;
  const withHeader = (t: string): string => (t.startsWith("#cloud-config") ? t : `#cloud-config\n${t}`);
  if (contents !== null && !isMap(contents)) throw new Error("CNI configuration must be a #cloud-config mapping");
  const pairs = (contents?.items ?? []) as Pair<Node | null, Node | null>[];
  const isRuncmd = (p: Pair<Node | null, Node | null>): boolean => isScalar(p.key) && String(p.key.value) === "runcmd";
  const found = pairs.map((p, i) => ({ p, i })).filter(({ p }) => isRuncmd(p));
  if (found.length === 0) return { withoutRunCmd: withHeader(text), runcmd: [] };
  if (contents?.flow) throw new Error("CNI configuration: write the top-level mapping in block style so runcmd can be taken out exactly");
  // PyYAML keeps the last of duplicate keys.
  const last = found[found.length - 1]?.p.value ?? null;
  if (last) {
    visit(last, {
      Node(_k, node) {
        if ("anchor" in node && node.anchor) throw new Error("CNI configuration: anchors inside runcmd are not supported");
      },
      Alias() {
        throw new Error("CNI configuration: aliases inside runcmd are not supported");
      },
    });
  }
  const runcmd = runcmdEntries(last);
  let out = text;
  for (const { p, i } of [...found].reverse()) {
    const key = p.key as Scalar;
    const start = lineStart(out, key.range?.[0] ?? 0);
    const next = pairs[i + 1]?.key as Node | null | undefined;
    const valueEnd = (p.value as Node | null)?.range?.[1] ?? key.range?.[2] ?? start;
    const end = next?.range ? lineStart(out, next.range[0]) : lineEnd(out, Math.max(valueEnd - 1, start));
    out = out.slice(0, start) + out.slice(end);
  }
  // A part that loads as nothing is a cloud-init warning ("empty cloud config"): keep it a mapping.
  const rest = pairs.filter((p) => !isRuncmd(p));
  if (rest.length === 0) out = `${out.endsWith("\n") || out === "" ? out : out + "\n"}{}\n`;
  return { withoutRunCmd: withHeader(out), runcmd };
}
