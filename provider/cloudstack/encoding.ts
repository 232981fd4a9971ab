// Parameter encoding: how typed parameter values become CloudStack's flat `name=value` wire pairs,
// and the value encoding CloudStack's signature check uses (Java URLEncoder, then `+` -> `%20`).

/** A map entry list such as `nodeofferings` or `cniconfigdetails`: `name[i].field=value`. */
export type ParamRecordList = ReadonlyArray<Readonly<Record<string, string>>>;

/**
 * What a caller may pass for one parameter:
 * - string / number / boolean: sent as text;
 * - string[]: a CloudStack LIST, sent comma-separated;
 * - Record<string,string>: `tags` becomes `tags[i].key/value`, any other name is a details-style
 *   map where the sub-field is the key (`details[0].cpuNumber=2`);
 * - Array<Record<string,string>>: `name[i].field=value`;
 * - undefined: dropped.
 */
export type ParamValue =
  | string
  | number
  | boolean
  | readonly string[]
  | Readonly<Record<string, string>>
  | ParamRecordList
  | undefined;

export type CommandParams = Readonly<Record<string, ParamValue>>;

/**
 * Java's `URLEncoder.encode(value, "UTF-8")` with `+` replaced by `%20`: unreserved are A-Z a-z 0-9
 * and `. - * _`; everything else is `%XX` of its UTF-8 bytes. encodeURIComponent differs from it only
 * in leaving `! ' ( ) ~` unescaped, so those are escaped afterwards.
 */
export function encodeValue(value: string): string {
  return encodeURIComponent(toWellFormed(value)).replace(
    /[!'()~]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/**
 * Lone UTF-16 surrogates make encodeURIComponent throw; Java's encoder (and Buffer.from) turn them
 * into U+FFFD, so do the same to stay byte-identical with the server's view.
 */
function toWellFormed(value: string): string {
  return value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}

function scalarText(name: string, value: string | number | boolean): string {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`CloudStack parameter ${name} must be a finite number`);
  }
  return String(value);
}

function isRecordList(value: ParamValue): value is ParamRecordList {
  return Array.isArray(value) && value.some((v) => typeof v === "object" && v !== null);
}

/**
 * Flatten typed parameters into wire pairs with lowercase names (CloudStack lowercases names when it
 * dispatches, and lowercase names make the case-sensitive signature sort predictable).
 * Map keys and fields are lowercased too, for the same reason.
 */
export function flattenParams(params: CommandParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      out[name] = scalarText(name, value);
    } else if (isRecordList(value)) {
      value.forEach((entry, index) => {
        for (const [field, fieldValue] of Object.entries(entry)) {
          if (fieldValue === undefined) continue;
          out[`${name}[${index}].${field.toLowerCase()}`] = String(fieldValue);
        }
      });
    } else if (Array.isArray(value)) {
      // A LIST parameter; an empty list is sent as nothing at all.
      if (value.length > 0) out[name] = value.join(",");
    } else if (name === "tags") {
      Object.entries(value as Record<string, string>).forEach(([key, tagValue], index) => {
        out[`tags[${index}].key`] = key;
        out[`tags[${index}].value`] = tagValue;
      });
    } else {
      for (const [key, detailValue] of Object.entries(value as Record<string, string>)) {
        if (detailValue === undefined) continue;
        out[`${name}[0].${key.toLowerCase()}`] = String(detailValue);
      }
    }
  }
  return out;
}

/** `a=b&c=d` with every value (and name) encoded; used for query strings and form bodies. */
export function toWireString(pairs: Readonly<Record<string, string>>): string {
  return Object.entries(pairs)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeValue(value)}`)
    .join("&");
}
