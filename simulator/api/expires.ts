// Parses the `expires` parameter the way CloudStack's DateUtil.parseTZDateString does: ISO offset
// date-times (`2030-01-01T00:00:00+00:00`, `...Z`), `yyyy-MM-dd'T'HH:mm:ssZ` (`+0000`), optional
// fractional seconds, and the odd `yyyy-MM-dd'T'HH:mm:ss'Z'Z` (`...Z+0000`). Returns epoch ms or undefined.
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}|[+-]\d{4}|Z[+-]\d{4})$/;

export function parseExpires(value: string): number | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Reject dates that do not exist (Feb 30): Date.UTC would silently roll them over.
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return local + fraction - offsetMs(m[8]);
}

function offsetMs(zone: string): number {
  const offset = zone.startsWith("Z") ? zone.slice(1) : zone;
  if (offset === "") return 0;
  const sign = offset[0] === "-" ? -1 : 1;
  const digits = offset.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return sign * (hours * 60 + minutes) * 60_000;
}
