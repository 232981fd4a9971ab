// What a plain YAML scalar means to cloud-init, which loads userdata with PyYAML (YAML 1.1, SafeLoader:
// cloudinit/safeyaml.py, cloudinit/util.py load_yaml). The `yaml` package writes and reads YAML 1.2 by
// default, where `on` and `0755` mean something else; these are PyYAML's implicit resolvers
// (yaml/resolver.py), so the provider can quote what PyYAML would not read as a string.
import { Document, isScalar, Scalar, visit } from "yaml";

const PYYAML_IMPLICIT: Array<{ type: PlainType; test: RegExp }> = [
  { type: "bool", test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/ },
  {
    type: "float",
    test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  { type: "int", test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/ },
  { type: "null", test: /^(?:~|null|Null|NULL|)$/ },
  {
    type: "timestamp",
    test: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  },
  // `=` (tag:yaml.org,2002:value) and `<<` (merge) have no SafeConstructor: loading fails.
  { type: "unloadable", test: /^(?:=|<<)$/ },
];

export type PlainType = "str" | "bool" | "int" | "float" | "null" | "timestamp" | "unloadable";

/** The type PyYAML gives a plain (unquoted, untagged) scalar with this text. */
export function pyyamlPlainType(text: string): PlainType {
  return PYYAML_IMPLICIT.find((r) => r.test.test(text))?.type ?? "str";
}

/** Python's str() of a plain scalar PyYAML reads as bool/int/null; undefined for other types. */
export function pythonStrOfPlain(text: string): string | undefined {
  switch (pyyamlPlainType(text)) {
    case "str":
      return text;
    case "bool":
      return /^(?:yes|true|on)$/i.test(text) ? "True" : "False";
    case "null":
      return "None";
    case "int": {
      // SafeConstructor.construct_yaml_int
      let v = text.replace(/_/g, "");
      const neg = v.startsWith("-");
      if (/^[-+]/.test(v)) v = v.slice(1);
      let n: bigint;
      if (v === "0") n = 0n;
      else if (v.startsWith("0b")) n = BigInt(`0b${v.slice(2)}`);
      else if (v.startsWith("0x")) n = BigInt(`0x${v.slice(2)}`);
      else if (v.startsWith("0")) n = BigInt(`0o${v.slice(1)}`);
      else if (v.includes(":")) n = v.split(":").reduce((acc, d) => acc * 60n + BigInt(d), 0n);
      else n = BigInt(v);
      return String(neg ? -n : n);
    }
    default:
      return undefined;
  }
}

/**
 * YAML that PyYAML loads back to exactly `value`: YAML 1.1 output, and every string PyYAML would read
 * as something else (on, yes, 0755, 1:20, 2024-01-01, ~, =, <<, ...) double-quoted.
 */
export function stringifyForCloudInit(value: unknown): string {
  // Core schema, no merge keys: the yaml-1.1 schema writes a "<<" string as a bare merge key.
  const doc = new Document(value, { version: "1.1", schema: "core", merge: false });
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === "string" && pyyamlPlainType(node.value) !== "str") node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
