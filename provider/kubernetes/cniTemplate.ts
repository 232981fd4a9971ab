// CNI configurations are CKS-style cloud-config templates with `{{ VARIABLE }}` placeholders
// (registerCniConfiguration + cniconfigdetails). We render them, then split off the runcmd: the files go
// into the node's userdata, and the commands run over SSH where each failure is attributable.
import { parse, stringify } from "yaml";
import { z } from "zod";
import { shellQuote } from "./commands";

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

const cloudConfigSchema = z.record(z.string(), z.unknown());
const runcmdSchema = z.array(z.union([z.string(), z.array(z.union([z.string(), z.number(), z.boolean()]))]));

/**
 * Splits a #cloud-config document into the document without `runcmd` and the runcmd entries as shell
 * lines (list entries are argv: each element quoted). Throws if the text is not a cloud-config mapping.
 */
export function splitCloudConfigRunCmd(text: string): { withoutRunCmd: string; runcmd: string[] } {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new Error(`CNI configuration is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const doc = cloudConfigSchema.safeParse(raw);
  if (!doc.success) throw new Error("CNI configuration must be a #cloud-config mapping");
  const { runcmd: rawRuncmd, ...rest } = doc.data;
  let runcmd: string[] = [];
  if (rawRuncmd !== undefined && rawRuncmd !== null) {
    const parsed = runcmdSchema.safeParse(rawRuncmd);
    if (!parsed.success) throw new Error("CNI configuration: field runcmd: expected a list of strings or argv lists");
    runcmd = parsed.data.map((entry) => (typeof entry === "string" ? entry : entry.map((a) => shellQuote(String(a))).join(" ")));
  }
  const body = Object.keys(rest).length > 0 ? stringify(rest) : "";
  return { withoutRunCmd: `#cloud-config\n${body}`, runcmd };
}
