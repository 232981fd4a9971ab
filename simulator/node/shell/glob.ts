// Pathname expansion (*, ?, [...]) against the node's filesystem, per path segment, sorted like bash.
import type { NodeFs } from "../types";

export function hasGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

/**
 * A shell pattern (*, ?, [...], [!...], \-escapes) as an anchored regular expression. `anyChar` is what
 * * and ? may match: anything for case patterns and ${var#pattern}, anything but "/" for a path segment.
 */
export function shellPatternRegex(pattern: string, anyChar = "[\\s\\S]"): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += `${anyChar}*`;
    else if (c === "?") re += anyChar;
    else if (c === "[") {
      // A "]" right after "[" is part of the set, as in bash.
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) re += escapeRegex(pattern[++i]);
    else re += escapeRegex(c);
  }
  return new RegExp(re + "$");
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function segmentRegex(segment: string): RegExp {
  return shellPatternRegex(segment, "[^/]");
}

/** Matches of `pattern` (absolute or relative to cwd); empty when nothing matches. */
export function expandGlob(fs: NodeFs, cwd: string, pattern: string, opts: { dots?: boolean } = {}): string[] {
  const absolute = pattern.startsWith("/");
  const segs = pattern.split("/").filter((s) => s !== "");
  let current: string[] = [absolute ? "/" : ""];
  for (const seg of segs) {
    const next: string[] = [];
    for (const base of current) {
      const dirPath = base === "" ? cwd : base;
      if (!hasGlob(seg)) {
        const candidate = joinRel(base, seg.replace(/\\(.)/g, "$1"));
        if (fs.exists(resolveAgainst(cwd, candidate))) next.push(candidate);
        continue;
      }
      const re = segmentRegex(seg);
      const names = fs.list(dirPath) ?? [];
      for (const name of opts.dots && seg.startsWith(".") ? [".", "..", ...names] : names) {
        if (name.startsWith(".") && !seg.startsWith(".")) continue;
        if (re.test(name)) next.push(joinRel(base, name));
      }
    }
    current = next;
    if (current.length === 0) return [];
  }
  // A trailing `/` matches directories only, and stays in the result (`*/` lists subdirectories).
  if (pattern.endsWith("/")) return current.filter((p) => fs.stat(resolveAgainst(cwd, p))?.type === "dir").map((p) => `${p}/`).sort();
  return current.sort();
}

function joinRel(base: string, name: string): string {
  if (base === "") return name;
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

function resolveAgainst(cwd: string, p: string): string {
  return p.startsWith("/") ? p : `${cwd}/${p}`;
}
