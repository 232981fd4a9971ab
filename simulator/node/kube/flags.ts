// A cobra-like flag parser: long flags (--name=value, --name value), shorthand (-o json, -ojson, -A),
// booleans (--flag, --flag=false), repeatable string arrays, and cobra's error wording.

export type FlagKind = "string" | "bool" | "array";

export interface FlagSpec {
  kind: FlagKind;
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedFlags {
  values: Map<string, string[]>;
  positionals: string[];
}

export class FlagError extends Error {}

export function parseFlags(args: string[], specs: FlagSpecs): ParsedFlags {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);

  const put = (name: string, value: string) => {
    const spec = specs[name];
    if (spec?.kind === "array") {
      const list = values.get(name) ?? [];
      // cobra's StringSlice splits on commas; StringArray does not. kubeadm/kubectl use slices for these.
      list.push(...value.split(",").filter((v) => v !== ""));
      values.set(name, list);
    } else {
      values.set(name, [value]);
    }
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = specs[name];
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.kind === "bool") {
        put(name, eq >= 0 ? arg.slice(eq + 1) : "true");
      } else if (eq >= 0) {
        put(name, arg.slice(eq + 1));
      } else {
        const next = args[i + 1];
        if (next === undefined) throw new FlagError(`flag needs an argument: --${name}`);
        put(name, next);
        i++;
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // Shorthand cluster: -A, -o json, -ojson, -o=json.
      let rest = arg.slice(1);
      while (rest.length > 0) {
        const letter = rest[0] ?? "";
        const name = byShort.get(letter);
        if (!name) throw new FlagError(`unknown shorthand flag: '${letter}' in ${arg}`);
        const spec = specs[name];
        rest = rest.slice(1);
        if (spec?.kind === "bool") {
          if (rest.startsWith("=")) {
            put(name, rest.slice(1));
            rest = "";
          } else put(name, "true");
          continue;
        }
        if (rest.length > 0) {
          put(name, rest.startsWith("=") ? rest.slice(1) : rest);
        } else {
          const next = args[i + 1];
          if (next === undefined) throw new FlagError(`flag needs an argument: '${letter}' in -${letter}`);
          put(name, next);
          i++;
        }
        rest = "";
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

export function flagString(parsed: ParsedFlags, name: string): string | undefined {
  const list = parsed.values.get(name);
  return list ? list[list.length - 1] : undefined;
}

export function flagBool(parsed: ParsedFlags, name: string): boolean {
  const value = flagString(parsed, name);
  return value !== undefined && value !== "false" && value !== "0";
}

export function flagArray(parsed: ParsedFlags, name: string): string[] {
  return parsed.values.get(name) ?? [];
}

/** Go duration strings as kubeadm takes them ("24h0m0s", "2h", "90s", "0"), in ms; undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    total += Number(match[1]) * (unit[match[2] ?? "s"] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

/** Go's time.Duration.String() for whole milliseconds: "3s", "1m30s", "1h0m0s", "500ms", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Number((totalSeconds % 60).toFixed(3));
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
