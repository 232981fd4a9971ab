// cniConfigDetails values fill a CNI template's `{{ VARIABLE }}` placeholders verbatim, as CKS does
// (cniTemplate.ts). A value is data: it may fill a scalar, but it must not change the document's
// structure (a newline plus `runcmd:` would add commands, `a: b` would turn a string into a map) and
// it must not reach a runcmd *shell line* with shell syntax (string entries run under `sh -c`;
// cloudinit/config/cc_runcmd.py + util.shellify). Argv-list entries are quoted element by element,
// so any value is safe there. Found by the fuzzed check tests (issue 14 §6).
import { isAlias, isMap, isSeq, parseAllDocuments } from "yaml";
import { renderTemplate, templateVariables } from "./cniTemplate";

/** Characters that are plain words to a POSIX shell (the same set shellQuote leaves bare). */
const SHELL_WORD = /^[A-Za-z0-9_@%+=:,./-]*$/;

export class CniValueError extends Error {
  constructor(public readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = "CniValueError";
  }
}

/** The shape of a YAML text: collections and their sizes, scalars as "s"; keys are not compared. */
function shape(text: string): string {
  const docs = parseAllDocuments(text, { version: "1.1", schema: "failsafe", uniqueKeys: false });
  const all = Array.isArray(docs) ? docs : [];
  const problem = all.flatMap((d) => d.errors)[0];
  if (problem) return `invalid YAML (${problem.message.split("\n")[0]})`;
  // On the syntax tree, not toJS(): a duplicated key (which PyYAML resolves to the last) still counts.
  const walk = (n: unknown): string => {
    if (isMap(n)) return `{${n.items.map((p) => walk(p.value)).join(",")}}`;
    if (isSeq(n)) return `[${n.items.map(walk).join(",")}]`;
    if (isAlias(n)) return "*";
    return "s";
  };
  return all.map((d) => walk(d.contents)).join("---");
}

/** The runcmd entries that are shell lines (strings, not argv lists), from a parsable rendering. */
function runcmdShellLines(text: string): string[] {
  const docs = parseAllDocuments(text, { version: "1.1", schema: "failsafe", uniqueKeys: false });
  const first = Array.isArray(docs) ? docs[0] : undefined;
  if (!first || first.errors.length > 0) return [];
  const js = first.toJS() as { runcmd?: unknown } | null;
  const runcmd = js?.runcmd;
  return Array.isArray(runcmd) ? runcmd.filter((e): e is string => typeof e === "string") : [];
}

/**
 * renderTemplate, refusing a value that changes the YAML structure or brings shell syntax into a
 * runcmd shell line. Each variable is tried alone against neutral stand-ins for the others, so the
 * error names the one at fault.
 */
export function renderCniTemplate(template: string, values: Record<string, string>): string {
  const rendered = renderTemplate(template, values);
  const variables = templateVariables(template);
  const neutral: Record<string, string> = Object.fromEntries(variables.map((v, i) => [v, `cksvalue${i}x`]));
  const baselineText = renderTemplate(template, neutral);
  const baseline = shape(baselineText);
  const shellLines = runcmdShellLines(baselineText);
  for (const v of variables) {
    const value = values[v] as string;
    if (value === neutral[v]) continue;
    const alone = shape(renderTemplate(template, { ...neutral, [v]: value }));
    if (alone !== baseline) {
      throw new CniValueError(
        v,
        `the value changes the structure of the CNI configuration (${alone.startsWith("invalid") ? alone : "it adds or removes YAML keys, items or documents"}); a value may only fill the placeholder: remove newlines and YAML syntax from it, or quote the placeholder in the template`,
      );
    }
    if (shellLines.some((line) => line.includes(neutral[v] as string)) && !SHELL_WORD.test(value)) {
      throw new CniValueError(v, "the value is used in a runcmd shell line and contains characters the shell would interpret; write that runcmd entry as an argv list (each element is quoted), or use only letters, digits and _@%+=:,./-");
    }
  }
  return rendered;
}
