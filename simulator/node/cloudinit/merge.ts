// How cloud-init merges several cloud-config parts into one: cloudinit/handlers/cloud_config.py
// (CloudConfigPartHandler._extract_mergers / _merge_part / handle_part) and cloudinit/mergers/
// (__init__.py LookupMerger, string_extract_mergers, dict_extract_mergers; m_dict.py, m_list.py, m_str.py).
// Each part picks its mergers from its own `merge_how`/`merge_type` key, then its `Merge-Type` (or
// `X-Merge-Type`) header; with neither, "dict(replace)+list()+str()": a later part's keys replace.

/** One cloud-config part as the handler receives it. */
export interface ConfigPart {
  /** The loaded YAML (a mapping), or undefined when it did not load. */
  config: Record<string, unknown> | undefined;
  /** MIME headers of the part (names as sent). */
  headers: Record<string, string>;
  filename: string;
}

type MergerSpec = { name: string; opts: string[] };

const NAME_MTCH = /^([a-zA-Z_][A-Za-z0-9_]*)\((.*?)\)$/;
const DEFAULT_MERGE_HOW = "dict(replace)+list()+str()";

/** mergers.string_extract_mergers; throws (a ValueError in cloud-init) on a malformed identifier. */
export function stringExtractMergers(mergeHow: string): MergerSpec[] {
  const out: MergerSpec[] = [];
  for (const raw of mergeHow.split("+")) {
    const name = raw.toLowerCase().trim().replace(/-/g, "_");
    if (name === "") continue;
    const m = NAME_MTCH.exec(name);
    if (!m) throw new Error(`Matcher identifer '${name}' is not in the right format`);
    const opts = (m[2] as string).trim().split(",").map((o) => o.trim().toLowerCase()).filter((o) => o !== "");
    out.push({ name: m[1] as string, opts });
  }
  return out;
}

/** mergers.dict_extract_mergers: pops merge_how (else merge_type) from the config, as cloud-init does. */
function dictExtractMergers(config: Record<string, unknown>): MergerSpec[] {
  let raw: unknown = config.merge_how;
  if (raw !== undefined) delete config.merge_how;
  if (raw === undefined || raw === null) {
    raw = config.merge_type;
    if (raw !== undefined) delete config.merge_type;
  }
  if (raw === undefined || raw === null) return [];
  if (typeof raw === "string") return stringExtractMergers(raw);
  if (!Array.isArray(raw)) throw new Error(`'${typeof raw}' object is not iterable`);
  const out: MergerSpec[] = [];
  for (const m of raw) {
    let name: unknown;
    let opts: unknown;
    if (isDict(m)) {
      name = typeof m.name === "string" ? m.name.replace(/-/g, "_").trim() : m.name;
      opts = m.settings;
    } else if (Array.isArray(m)) {
      name = m[0];
      opts = m.slice(1);
    } else throw new Error("merge_how entries must be mappings or lists");
    if (typeof name === "string" && name !== "") out.push({ name, opts: Array.isArray(opts) ? opts.map(String) : [] });
  }
  return out;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python's type name of a loaded value, for LookupMerger's `_on_<type>` dispatch. */
function typeName(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (typeof v === "string") return "str";
  if (isDict(v)) return "dict";
  return "other";
}

interface Merger {
  /** The Python types this merger has an `_on_<type>` method for. */
  handles: string[];
  merge(value: unknown, mergeWith: unknown): unknown;
}

/** mergers.construct + LookupMerger: the first merger with a method for the value's type merges it. */
class Root {
  readonly mergers: Merger[] = [];
  merge(source: unknown, mergeWith: unknown): unknown {
    const type = typeName(source);
    const m = this.mergers.find((x) => x.handles.includes(type));
    // UnknownMerger._handle_unknown: nothing can merge this type, the old value stays.
    return m ? m.merge(source, mergeWith) : source;
  }
}

const has = (opts: string[], ...keys: string[]): boolean => keys.some((k) => opts.includes(k));
/** The first of `types` (in cloud-init's MERGE_TYPES order) named in opts, else the default. */
const pick = (opts: string[], types: string[], def: string): string => types.find((t) => opts.includes(t)) ?? def;

function dictMerger(root: Root, opts: string[]): Merger {
  // m_dict.py: MERGE_TYPES = ("replace", "no_replace"), default no_replace; recurse_dict always on.
  const method = pick(opts, ["replace", "no_replace"], "no_replace");
  const recurseStr = opts.includes("recurse_str");
  const recurseArray = has(opts, "recurse_array", "recurse_list");
  const allowDelete = opts.includes("allow_delete");
  const sameKey = (oldV: unknown, newV: unknown): unknown => {
    if (method === "replace") return newV;
    if (Array.isArray(newV) && recurseArray) return root.merge(oldV, newV);
    if (typeof newV === "string" && recurseStr) return root.merge(oldV, newV);
    if (isDict(newV)) return root.merge(oldV, newV);
    return oldV;
  };
  return {
    handles: ["dict"],
    merge(value, mergeWith) {
      if (!isDict(mergeWith)) return value;
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [k, v] of Object.entries(mergeWith)) {
        if (Object.prototype.hasOwnProperty.call(out, k)) {
          if (v === null && allowDelete) delete out[k];
          else out[k] = sameKey(out[k], v);
        } else out[k] = v;
      }
      return out;
    },
  };
}

function listMerger(root: Root, opts: string[]): Merger {
  // m_list.py: MERGE_TYPES = ("append", "prepend", "replace", "no_replace"), default replace.
  const method = pick(opts, ["append", "prepend", "replace", "no_replace"], "replace");
  const recurseStr = opts.includes("recurse_str");
  const recurseDict = opts.includes("recurse_dict");
  const recurseArray = has(opts, "recurse_array", "recurse_list");
  return {
    handles: ["list"],
    merge(value, mergeWith) {
      const old = value as unknown[];
      if (method === "replace" && !Array.isArray(mergeWith)) return mergeWith;
      // Python's list.extend() of a non-list iterates it: a str adds its characters.
      const items = (x: unknown): unknown[] => {
        if (Array.isArray(x)) return x;
        if (typeof x === "string") return [...x];
        if (isDict(x)) return Object.keys(x);
        throw new Error(`'${typeof x}' object is not iterable`);
      };
      if (method === "prepend") return [...items(mergeWith), ...old];
      if (method === "append") return [...old, ...items(mergeWith)];
      const withList = items(mergeWith);
      const merged = [...old];
      for (let i = 0; i < Math.min(merged.length, withList.length); i++) {
        const newV = withList[i];
        if (method === "no_replace") continue;
        if (Array.isArray(newV) && recurseArray) merged[i] = root.merge(merged[i], newV);
        else if (typeof newV === "string" && recurseStr) merged[i] = root.merge(merged[i], newV);
        else if (isDict(newV) && recurseDict) merged[i] = root.merge(merged[i], newV);
        else merged[i] = newV;
      }
      return merged;
    },
  };
}

function strMerger(opts: string[]): Merger {
  // m_str.py: replace, or append with "append".
  const append = opts.includes("append");
  return {
    handles: ["str"],
    merge(value, mergeWith) {
      if (!append) return mergeWith;
      if (typeof mergeWith !== "string") throw new Error(`can only concatenate str (not "${typeof mergeWith}") to str`);
      return (value as string) + mergeWith;
    },
  };
}

function construct(specs: MergerSpec[]): Root {
  const root = new Root();
  for (const { name, opts } of specs) {
    const mod = name.startsWith("m_") ? name.slice(2) : name;
    if (mod === "dict") root.mergers.push(dictMerger(root, opts));
    else if (mod === "list") root.mergers.push(listMerger(root, opts));
    else if (mod === "str") root.mergers.push(strMerger(opts));
    else throw new Error(`Could not find merger module named 'm_${mod}' with attribute 'Merger'`);
  }
  return root;
}

function header(headers: Record<string, string>, name: string): string {
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return found ? found[1] : "";
}

/** The merged cloud-config and the warnings cloud-init logs on the way (each one a recoverable error). */
export function mergeParts(parts: ConfigPart[]): { config: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  let buf: Record<string, unknown> = {};
  let merged = 0;
  for (const part of parts) {
    // handle_part: "First time through, merge with an empty dict".
    if (merged === 0) buf = {};
    try {
      if (part.config === undefined) throw new Error("empty cloud config");
      const config = { ...part.config };
      const specs = [...dictExtractMergers(config), ...stringExtractMergers(header(part.headers, "Merge-Type") || header(part.headers, "X-Merge-Type"))];
      const root = construct(specs.length > 0 ? specs : stringExtractMergers(DEFAULT_MERGE_HOW));
      buf = root.merge(buf, config) as Record<string, unknown>;
      merged++;
    } catch (e) {
      warnings.push(`Failed at merging in cloud config part from ${part.filename}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { config: buf, warnings };
}
