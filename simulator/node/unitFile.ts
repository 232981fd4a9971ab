// The parts of a systemd service unit file that change how `systemctl start` behaves: Type=, the start
// timeout, Restart= and ExecStart=. Read as systemd reads them (systemd.syntax(7), systemd.service(5),
// systemd.time(7)): `[Section]` headers, `Key=Value` lines, `#`/`;` comments, backslash-newline
// continuations, the last assignment of a key winning.

/** systemd.service(5) "Type=": simple (the default with ExecStart=), exec, forking, oneshot, dbus, notify, notify-reload, idle. */
export type ServiceType = "simple" | "exec" | "forking" | "oneshot" | "dbus" | "notify" | "notify-reload" | "idle";

const SERVICE_TYPES: ReadonlySet<string> = new Set(["simple", "exec", "forking", "oneshot", "dbus", "notify", "notify-reload", "idle"]);

/**
 * systemd-system.conf(5): DefaultTimeoutStartSec= defaults to 90s. A realistic duration in ms; the
 * simulator's clock scales it like every other duration.
 */
export const DEFAULT_TIMEOUT_START_MS = 90_000;

export interface ServiceUnit {
  type: ServiceType;
  /** Realistic milliseconds; undefined = no timeout (TimeoutStartSec=0 or infinity). */
  timeoutStartMs: number | undefined;
  restart: string;
  /** ExecStart= with continuations joined, the leading `-@:+!` prefixes kept as written. */
  execStart: string | undefined;
}

/** `[Section]` → key → last value, continuation lines joined with a space as systemd does. */
export function parseUnitSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    while (line.endsWith("\\") && i + 1 < lines.length) {
      i++;
      const next = lines[i].trim();
      // systemd.syntax(7): comment lines inside a continuation are ignored.
      if (next.startsWith("#") || next.startsWith(";")) continue;
      line = `${line.slice(0, -1)} ${next}`;
    }
    if (line.endsWith("\\")) line = line.slice(0, -1);
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = sections.get(header[1]) ?? new Map<string, string>();
      sections.set(header[1], current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0 || !current) continue;
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim().replace(/\s+/g, " "));
  }
  return sections;
}

const SPAN_UNITS: Record<string, number> = {
  us: 0.001, usec: 0.001, ms: 1, msec: 1,
  "": 1000, s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/**
 * systemd.time(7) time spans: "90", "90s", "1min 30s", "5m", "infinity". A bare number is seconds.
 * Returns ms, `null` for infinity, undefined when the text is not a time span.
 */
export function parseTimeSpan(text: string): number | null | undefined {
  const t = text.trim();
  if (t === "infinity") return null;
  if (t === "") return undefined;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/gy;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const unit = SPAN_UNITS[m[2]];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    consumed = re.lastIndex;
  }
  return consumed === t.length ? total : undefined;
}

/** The service settings of a unit file; invalid values fall back to systemd's defaults (it logs and ignores them). */
export function parseServiceUnit(text: string): ServiceUnit {
  const service = parseUnitSections(text).get("Service") ?? new Map<string, string>();
  const execStart = service.get("ExecStart");
  const typeText = service.get("Type");
  // systemd.service(5): "If set to simple (the default if ExecStart= is specified but neither Type=
  // nor BusName= are)"; without ExecStart= the default is oneshot.
  const type: ServiceType = typeText && SERVICE_TYPES.has(typeText) ? (typeText as ServiceType) : execStart ? "simple" : "oneshot";
  // TimeoutSec= sets both the start and the stop timeout; TimeoutStartSec= wins for the start.
  const timeoutText = service.get("TimeoutStartSec") ?? service.get("TimeoutSec");
  let timeoutStartMs: number | undefined = DEFAULT_TIMEOUT_START_MS;
  if (timeoutText !== undefined) {
    const span = parseTimeSpan(timeoutText);
    // "Pass "infinity" to disable the timeout logic"; 0 disables it as well.
    if (span === null || span === 0) timeoutStartMs = undefined;
    else if (span !== undefined) timeoutStartMs = span;
  }
  return { type, timeoutStartMs, restart: service.get("Restart") ?? "no", execStart };
}

/** Splits ExecStart= into argv as systemd does for simple quoting (double/single quotes, no shell). */
export function execStartArgv(execStart: string): string[] {
  const argv: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(execStart); m; m = re.exec(execStart)) argv.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  // systemd.service(5) "ExecStart=": special executable prefixes @ - : + ! !!.
  if (argv.length > 0) argv[0] = argv[0].replace(/^[-@:+!]+/, "");
  return argv;
}
