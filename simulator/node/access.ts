// Unix permission checks for the simulated users: root may read and write anything and execute any
// file with an x bit; others get the owner bits when they own the file, else the "other" bits.
// (Group bits are ignored: the simulated template has no shared-group files that matter.)
import { normalizePath } from "./fs";
import type { NodeFs } from "./types";

export type Access = "r" | "w" | "x";

export function allowed(fs: NodeFs, path: string, user: string, access: Access): boolean {
  const st = fs.stat(path);
  if (!st) return false;
  const bit = access === "r" ? 4 : access === "w" ? 2 : 1;
  if (user === "root") return access !== "x" || st.type === "dir" || (st.mode & 0o111) !== 0;
  const bits = st.owner === user ? (st.mode >> 6) & 7 : st.mode & 7;
  return (bits & bit) !== 0;
}

export function parentOf(path: string): string {
  const p = normalizePath(path);
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** May `user` create or replace the file at `path`? (write on the file if it exists, else on the directory) */
export function mayWriteFile(fs: NodeFs, path: string, user: string): boolean {
  if (user === "root") return true;
  if (fs.exists(path)) return allowed(fs, path, user, "w");
  return allowed(fs, parentOf(path), user, "w");
}

/** May `user` add or remove entries of the directory holding `path`? */
export function mayChangeEntry(fs: NodeFs, path: string, user: string): boolean {
  return user === "root" || allowed(fs, parentOf(path), user, "w");
}

export function resolvePath(cwd: string, path: string): string {
  return normalizePath(path.startsWith("/") ? path : `${cwd}/${path}`);
}
