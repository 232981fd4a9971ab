// Builds the Pulumi package schema (schema.json) and the API reference pages (docs/api/) from the
// resource specs and their zod input schemas. Pure: `npm run schema` writes the result, and a test
// fails when the committed files differ from what this produces.
import { z } from "zod";
import { RESOURCE_SPECS, type ResourceSpec } from "./resourceSpecs";

export const PACKAGE_NAME = "cloudstack-kubernetes";

type Json = Record<string, unknown>;

export interface PropertySpec {
  type?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  $ref?: string;
  /** A union of primitives (Pulumi schema TypeSpec.oneOf); `type` is the fallback for languages without unions. */
  oneOf?: PropertySpec[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
  secret?: boolean;
  willReplaceOnChanges?: boolean;
}

interface Conversion {
  spec: PropertySpec;
  types: Record<string, Json>;
}

function typeName(owner: string, property: string): string {
  return `${PACKAGE_NAME}:index:${owner}${property.charAt(0).toUpperCase()}${property.slice(1)}`;
}

/** One JSON-Schema fragment (from z.toJSONSchema) as a Pulumi property spec; objects become named types. */
function convert(fragment: Json, owner: string, property: string): Conversion {
  const types: Record<string, Json> = {};
  const type = fragment.type;
  let spec: PropertySpec;
  if (type === "array") {
    const inner = convert((fragment.items ?? {}) as Json, owner, property.replace(/s$/, ""));
    Object.assign(types, inner.types);
    spec = { type: "array", items: inner.spec };
  } else if (type === "object" && fragment.properties) {
    const token = typeName(owner, property);
    const props: Record<string, PropertySpec> = {};
    for (const [key, value] of Object.entries(fragment.properties as Record<string, Json>)) {
      const inner = convert(value, owner, key);
      Object.assign(types, inner.types);
      props[key] = inner.spec;
    }
    const objectType: Json = { type: "object", properties: props };
    const required = fragment.required as string[] | undefined;
    if (required && required.length > 0) objectType.required = [...required].sort();
    types[token] = objectType;
    spec = { $ref: `#/types/${token}` };
  } else if (type === "object") {
    const inner = convert((fragment.additionalProperties ?? { type: "string" }) as Json, owner, property);
    Object.assign(types, inner.types);
    spec = { type: "object", additionalProperties: inner.spec };
  } else if (type === "integer" || type === "number" || type === "boolean" || type === "string") {
    spec = { type };
    if (Array.isArray(fragment.enum)) spec.enum = fragment.enum;
  } else if (Array.isArray(fragment.anyOf) && (fragment.anyOf as Json[]).every((f) => ["integer", "number", "string", "boolean"].includes(String(f.type)))) {
    spec = { type: "string", oneOf: (fragment.anyOf as Json[]).map((f) => ({ type: String(f.type) })) };
  } else {
    throw new Error(`schema: ${owner}.${property} has a type schema.json cannot express (${JSON.stringify(fragment)})`);
  }
  if (fragment.default !== undefined) spec.default = fragment.default;
  return { spec, types };
}

function jsonSchemaOf(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "throw" }) as Json;
}

interface ResourceSchema {
  token: string;
  resource: Json;
  types: Record<string, Json>;
}

function resourceSchema(spec: ResourceSpec): ResourceSchema {
  const input = jsonSchemaOf(spec.inputs);
  const types: Record<string, Json> = {};
  const inputProperties: Record<string, PropertySpec> = {};
  for (const [key, fragment] of Object.entries(input.properties as Record<string, Json>)) {
    const description = spec.inputDocs[key];
    if (!description) throw new Error(`schema: ${spec.name} input ${key} has no description (add it to the resource's docs)`);
    const { spec: prop, types: more } = convert(fragment, spec.name, key);
    Object.assign(types, more);
    prop.description = description;
    if (spec.secretInputs.includes(key)) prop.secret = true;
    if (spec.replacing.includes(key)) prop.willReplaceOnChanges = true;
    inputProperties[key] = prop;
  }
  for (const key of Object.keys(spec.inputDocs)) {
    if (!(key in inputProperties)) throw new Error(`schema: ${spec.name} documents ${key}, which is not an input`);
  }
  const properties: Record<string, PropertySpec> = {};
  for (const [key, prop] of Object.entries(inputProperties)) {
    const out: PropertySpec = { ...prop };
    delete out.willReplaceOnChanges;
    delete out.default;
    if (spec.secretOutputs.includes(key)) out.secret = true;
    properties[key] = out;
  }
  for (const [key, output] of Object.entries(spec.outputs)) {
    if (key in inputProperties) throw new Error(`schema: ${spec.name} output ${key} is also an input`);
    const { spec: prop, types: more } = convert(jsonSchemaOf(output.schema), spec.name, key);
    Object.assign(types, more);
    prop.description = output.description;
    if (spec.secretOutputs.includes(key)) prop.secret = true;
    properties[key] = prop;
  }
  const token = `${PACKAGE_NAME}:index:${spec.name}`;
  const requiredInputs = ((input.required as string[] | undefined) ?? []).slice().sort();
  return { token, types, resource: { description: spec.description, properties: sortObject(properties), inputProperties: sortObject(inputProperties), requiredInputs } };
}

function sortObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The whole package schema, deterministic (sorted keys), for schema.json. */
export function packageSchema(version: string): Json {
  const resources: Record<string, Json> = {};
  const types: Record<string, Json> = {};
  for (const spec of RESOURCE_SPECS) {
    const r = resourceSchema(spec);
    resources[r.token] = r.resource;
    Object.assign(types, r.types);
  }
  return {
    name: PACKAGE_NAME,
    displayName: "CloudStack Kubernetes",
    version,
    description:
      "Declarative Kubernetes clusters on Apache CloudStack: CloudStack Kubernetes Service re-implemented client-side. The resources run as Pulumi dynamic resources of the npm package pulumi-cloudstack-kubernetes (at run time their type is pulumi-nodejs:dynamic/cloudstack-kubernetes:<Resource>); this schema describes their inputs and outputs.",
    license: "Apache-2.0",
    keywords: ["cloudstack", "kubernetes", "cks", "kubeadm", "category/cloud"],
    language: { nodejs: { packageName: "pulumi-cloudstack-kubernetes" } },
    resources: sortObject(resources),
    types: sortObject(types),
  };
}

function typeText(prop: PropertySpec): string {
  if (prop.$ref) return prop.$ref.split(":").pop() ?? prop.$ref;
  if (prop.type === "array" && prop.items) return `${typeText(prop.items)}[]`;
  if (prop.type === "object" && prop.additionalProperties) return `map of ${typeText(prop.additionalProperties)}`;
  if (prop.enum) return prop.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  return prop.type ?? "any";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** docs/api/<Resource>.md for every resource, plus docs/api/README.md, from the package schema. */
export function apiPages(schema: Json): Record<string, string> {
  const pages: Record<string, string> = {};
  const resources = schema.resources as Record<string, { description: string; inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec>; requiredInputs: string[] }>;
  const types = schema.types as Record<string, { properties: Record<string, PropertySpec>; required?: string[] }>;
  const index = ["# API reference", "", "Generated from `schema.json` by `npm run schema`; do not edit by hand.", "", "| Resource | |", "|---|---|"];
  for (const [token, r] of Object.entries(resources)) {
    const name = token.split(":").pop() as string;
    index.push(`| [${name}](${name}.md) | ${cell(r.description.split(". ")[0] ?? "")}. |`);
    const lines = [`# ${name}`, "", "Generated from `schema.json` by `npm run schema`; do not edit by hand.", "", r.description, "", "## Inputs", "", "| Input | Type | Required | Default | Change | Description |", "|---|---|---|---|---|---|"];
    for (const [key, prop] of Object.entries(r.inputProperties)) {
      const flags = [prop.willReplaceOnChanges ? "replace" : "in place", prop.secret ? "secret" : ""].filter(Boolean).join(", ");
      lines.push(`| \`${key}\` | ${cell(typeText(prop))} | ${r.requiredInputs.includes(key) ? "yes" : ""} | ${prop.default !== undefined ? `\`${JSON.stringify(prop.default)}\`` : ""} | ${flags} | ${cell(prop.description ?? "")} |`);
    }
    lines.push("", "## Outputs", "", "Every input is also an output. Output-only properties:", "", "| Output | Type | Secret | Description |", "|---|---|---|---|");
    for (const [key, prop] of Object.entries(r.properties)) {
      if (key in r.inputProperties) continue;
      lines.push(`| \`${key}\` | ${cell(typeText(prop))} | ${prop.secret ? "yes" : ""} | ${cell(prop.description ?? "")} |`);
    }
    const own = Object.entries(types).filter(([t]) => (t.split(":").pop() ?? "").startsWith(name));
    if (own.length > 0) {
      lines.push("", "## Types");
      for (const [t, type] of own) {
        lines.push("", `### ${t.split(":").pop()}`, "", "| Property | Type | Required |", "|---|---|---|");
        for (const [key, prop] of Object.entries(type.properties)) lines.push(`| \`${key}\` | ${cell(typeText(prop))} | ${type.required?.includes(key) ? "yes" : ""} |`);
      }
    }
    pages[`${name}.md`] = `${lines.join("\n")}\n`;
  }
  pages["README.md"] = `${index.join("\n")}\n`;
  return pages;
}
