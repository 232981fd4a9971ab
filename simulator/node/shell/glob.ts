// Pathname expansion (*, ?, [...]) against the node's filesystem, per path segment, sorted like bash.
import type { NodeFs } from "../types";

export function hasGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

function segmentRegex(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(re + "$");
}

/** Matches of `pattern` (absolute or relative to cwd); empty when nothing matches. */
export function expandGlob(fs: NodeFs, cwd: string, pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const segs = pattern.split("/").filter((s) => s !== "");
  let current: string[] = [absolute ? "/" : ""];
  for (const seg of segs) {
    const next: string[] = [];
    for (const base of current) {
      const dirPath = base === "" ? cwd : base;
      if (!hasGlob(seg)) {
        const candidate = joinRel(base, seg);
        if (fs.exists(resolveAgainst(cwd, candidate))) next.push(candidate);
        continue;
      }
      const re = segmentRegex(seg);
      for (const name of fs.list(dirPath) ?? []) {
        if (name.startsWith(".") && !seg.startsWith(".")) continue;
        if (re.test(name)) next.push(joinRel(base, name));
      }
    }
    current = next;
    if (current.length === 0) return [];
  }
  return current.sort();
}

function joinRel(base: string, name: string): string {
  if (base === "") return name;
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

function resolveAgainst(cwd: string, p: string): string {
  return p.startsWith("/") ? p : `${cwd}/${p}`;
}
