// YAML as cloud-init reads it: PyYAML's SafeLoader (YAML 1.1), through cloudinit/safeyaml.py
// (_CustomSafeLoader) and cloudinit/util.py load_yaml. The `yaml` package's own "1.1" schema differs from
// PyYAML in ways that change what a node does (it reads `y`/`n` as booleans, `08` as 8 and `1e3` as a
// float; PyYAML reads all three as strings), so the plain-scalar resolvers and constructors below are
// PyYAML's: yaml/resolver.py (Resolver.add_implicit_resolver) and yaml/constructor.py (SafeConstructor).
import { isCollection, parseDocument, visit, type ScalarTag, type Tags } from "yaml";

const TAG = (name: string): string => `tag:yaml.org,2002:${name}`;

/** A YAML timestamp as PyYAML constructs it: datetime.date, or datetime.datetime (naive or with an offset). */
export class PyTimestamp {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    /** Absent for a date-only timestamp (datetime.date). */
    readonly time?: { hour: number; minute: number; second: number; microsecond: number; offsetMinutes?: number },
  ) {}

  /** Python's str(): what a timestamp map key looks like (isoformat with a space). */
  toString(): string {
    return this.isoformat().replace("T", " ").replace(/(:\d\d)([+-])/, "$1$2");
  }

  /** Python's isoformat() of the same value. */
  isoformat(): string {
    const p = (n: number, w = 2): string => String(n).padStart(w, "0");
    const date = `${p(this.year, 4)}-${p(this.month)}-${p(this.day)}`;
    if (!this.time) return date;
    const t = this.time;
    let s = `${date}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}${t.microsecond ? `.${p(t.microsecond, 6)}` : ""}`;
    if (t.offsetMinutes !== undefined) {
      const sign = t.offsetMinutes < 0 ? "-" : "+";
      const abs = Math.abs(t.offsetMinutes);
      s += `${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
    }
    return s;
  }
}

// yaml/resolver.py, verbatim regexes (re.X whitespace removed).
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
// Plain `=` and `<<` outside a key resolve to tags SafeConstructor has no constructor for: the load fails.
const VALUE_OR_MERGE = /^(?:=|<<)$/;
// SafeConstructor.timestamp_regexp
const TIMESTAMP_PARTS =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

type OnError = (message: string) => void;

/** Python's int(text, base) on digits only; NaN (a ValueError in Python) when a digit is out of range or none. */
function pyInt(digits: string, base: number): number {
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  return valid.test(digits) ? parseInt(digits, base) : NaN;
}

/** SafeConstructor.construct_yaml_int. */
function constructInt(text: string, onError: OnError): number {
  let value = text.replace(/_/g, "");
  const sign = value[0] === "-" ? -1 : 1;
  if (value[0] === "+" || value[0] === "-") value = value.slice(1);
  let n: number;
  if (value === "0") return 0;
  else if (value.startsWith("0b")) n = pyInt(value.slice(2), 2);
  else if (value.startsWith("0x")) n = pyInt(value.slice(2), 16);
  // Python's int(x, 8) also takes a 0o prefix: `!!int '0o7'` is 7.
  else if (value[0] === "0") n = pyInt(value.replace(/^0[oO]/, ""), 8);
  else if (value.includes(":")) {
    const digits = value.split(":").map((d) => pyInt(d, 10));
    n = digits.reduce((acc, d) => acc * 60 + d, 0);
  } else n = pyInt(value, 10);
  if (Number.isNaN(n)) onError(`invalid literal for int(): '${text}'`);
  return sign * n;
}

/** SafeConstructor.construct_yaml_float. */
function constructFloat(text: string, onError: OnError): number {
  let value = text.replace(/_/g, "").toLowerCase();
  const sign = value[0] === "-" ? -1 : 1;
  if (value[0] === "+" || value[0] === "-") value = value.slice(1);
  if (value === ".inf") return sign * Infinity;
  if (value === ".nan") return NaN;
  if (value.includes(":")) return sign * value.split(":").reduce((acc, d) => acc * 60 + Number(d), 0);
  const n = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(n)) onError(`could not convert string to float: '${text}'`);
  return sign * n;
}

/** SafeConstructor.construct_yaml_timestamp. */
function constructTimestamp(text: string, onError: OnError): PyTimestamp {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) {
    onError(`not a timestamp: '${text}'`);
    return new PyTimestamp(0, 0, 0);
  }
  const [, y, mo, d, h, mi, s, frac, tz, tzSign, tzH, tzM] = m;
  if (h === undefined) return new PyTimestamp(Number(y), Number(mo), Number(d));
  const microsecond = frac ? Number(frac.slice(0, 6).padEnd(6, "0")) : 0;
  let offsetMinutes: number | undefined;
  if (tzSign) offsetMinutes = (tzSign === "-" ? -1 : 1) * (Number(tzH) * 60 + Number(tzM ?? 0));
  else if (tz) offsetMinutes = 0;
  return new PyTimestamp(Number(y), Number(mo), Number(d), { hour: Number(h), minute: Number(mi), second: Number(s), microsecond, offsetMinutes });
}

const pyTags: ScalarTag[] = [
  { tag: TAG("bool"), default: true, test: BOOL, resolve: (s) => /^(?:yes|true|on)$/i.test(s) },
  { tag: TAG("float"), default: true, test: FLOAT, resolve: (s, onError) => constructFloat(s, onError) },
  { tag: TAG("int"), default: true, test: INT, resolve: (s, onError) => constructInt(s, onError) },
  { tag: TAG("null"), default: true, test: NULL, resolve: () => null },
  { tag: TAG("timestamp"), default: true, test: TIMESTAMP, resolve: (s, onError) => constructTimestamp(s, onError) },
  {
    tag: TAG("value"),
    default: true,
    test: VALUE_OR_MERGE,
    resolve: (s, onError) => {
      onError(`could not determine a constructor for the tag '${TAG(s === "=" ? "value" : "merge")}'`);
      return s;
    },
  },
];

// An explicit tag (`!!int '0755'`) goes straight to the constructor, as in PyYAML: the regexes only
// choose the tag of plain scalars. The yaml package returns a tag without `test` for an explicit name.
const explicitTags: ScalarTag[] = pyTags.map(({ tag, resolve }) => ({ tag, resolve }));

// Collections, strings and !!binary/!!omap/!!pairs/!!set come from the package; every implicit scalar
// resolver is PyYAML's. Order does not matter: PyYAML's regexes do not overlap.
const KEEP = new Set([TAG("map"), TAG("seq"), TAG("str"), TAG("binary"), TAG("omap"), TAG("pairs"), TAG("set")]);
// The package's merge tag (keys only) goes first, so a `<<` key merges and only a `<<` value is refused.
const MERGE = TAG("merge");
const customTags = (tags: Tags): Tags => [
  ...tags.filter((t) => typeof t !== "string" && t.tag === MERGE),
  ...tags.filter((t) => typeof t !== "string" && KEEP.has(t.tag) && !("test" in t && t.test)),
  ...pyTags,
  ...explicitTags,
];

/**
 * Parses one YAML document as cloud-init's load_yaml does (SafeLoader). Throws on what PyYAML refuses.
 * Merge keys (`<<`) are honoured and duplicate keys keep the last value, as in PyYAML.
 */
export function loadYaml11(text: string): unknown {
  const doc = parseDocument(text, { version: "1.1", schema: "yaml-1.1", customTags, merge: true, uniqueKeys: false });
  const first = doc.errors[0];
  if (first) throw first;
  // A list or mapping as a key is unhashable in Python: PyYAML's construct_mapping refuses it.
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) throw new Error("while constructing a mapping: found unhashable key");
    },
  });
  return doc.toJS({ maxAliasCount: -1 });
}

/** A parsed value as JSON, the way test/system/yaml_load.py renders PyYAML's: dates and bytes tagged. */
export function toComparableJson(value: unknown): unknown {
  if (value instanceof PyTimestamp) return { [value.time ? "__datetime__" : "__date__"]: value.isoformat() };
  if (value instanceof Uint8Array) return { __bytes__: Buffer.from(value).toString("base64") };
  if (typeof value === "number" && !Number.isFinite(value)) return { __float__: String(value) };
  if (Array.isArray(value)) return value.map(toComparableJson);
  if (value instanceof Set) return { __set__: [...(value as Set<unknown>)].map(toComparableJson) };
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), toComparableJson(v)]));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toComparableJson(v)]));
  return value;
}
