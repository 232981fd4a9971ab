// The API's parameter table (commands.json, derived from CloudStack's @APICommand/@Parameter annotations):
// which commands exist, their parameters, response keys, entity keys and async flags.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

const paramSchema = z.object({
  name: z.string(),
  type: z.string(),
  required: z.boolean(),
  collectionType: z.string().optional(),
  length: z.number().optional(),
  since: z.string().optional(),
});

const commandSchema = z.object({
  apiName: z.string(),
  async: z.boolean(),
  asyncCreate: z.boolean(),
  isList: z.boolean(),
  responseKey: z.string(),
  responseShape: z.string(),
  entityKey: z.string().nullable(),
  class: z.string(),
  params: z.array(paramSchema),
  adminOnlyParams: z.array(paramSchema).optional(),
});

export type ParamSpec = z.infer<typeof paramSchema>;
export type CommandSpec = z.infer<typeof commandSchema>;

export interface CommandTable {
  /** Exact lookup: CloudStack's command map is case-sensitive (`listzones` is unknown). */
  get(command: string): CommandSpec | undefined;
  names(): string[];
}

let cached: CommandTable | undefined;

export function loadCommandTable(file = path.join(__dirname, "commands.json")): CommandTable {
  if (cached && file === path.join(__dirname, "commands.json")) return cached;
  const raw: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  const entries = z.record(z.string(), z.unknown()).parse(raw);
  const byName = new Map<string, CommandSpec>();
  for (const [name, value] of Object.entries(entries)) {
    if (name.startsWith("_")) continue;
    byName.set(name, commandSchema.parse(value));
  }
  const table: CommandTable = {
    get: (command) => byName.get(command),
    names: () => [...byName.keys()],
  };
  if (file === path.join(__dirname, "commands.json")) cached = table;
  return table;
}

/** `Unable to execute API command <cmd> ...` uses the response key without its `response` suffix. */
export function commandLabel(spec: CommandSpec): string {
  return spec.responseKey.replace(/response$/, "");
}

/** The Java class name queryAsyncJobResult reports as `cmd`, from the source path. */
export function javaClassName(spec: CommandSpec): string {
  return spec.class.replace(/^.*?\/java\//, "").replace(/\.java$/, "").split("/").join(".");
}
