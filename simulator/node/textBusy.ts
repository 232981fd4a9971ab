// Executables that a running process was exec'd from. Linux refuses to open such a file for writing
// (ETXTBSY, "Text file busy"), while replacing the directory entry works: rename(2) (`mv`), unlink then
// create (`install`, `cp -f` after a failed open, `cp --remove-destination`). The running process
// keeps the old inode, so the new binary takes effect only when the service restarts.
//
// Upstream: Linux man-pages open(2) ERRORS "ETXTBSY: pathname refers to an executable image which is
// currently being executed and write access was requested", execve(2); GNU coreutils cp(1) --force
// ("if an existing destination file cannot be opened, remove it and try again") and
// --remove-destination, install(1) (unlinks the destination first), mv(1) (rename(2)). Checked on
// Linux 6.x with coreutils 9.1: `cp new busy` fails, `cp -f`, `install`, `mv` succeed.
import type { NodeMachine } from "./types";

const KEY = "exec.busy";

function busySet(machine: NodeMachine): Map<string, number> {
  let set = machine.ext.get(KEY) as Map<string, number> | undefined;
  if (!set) {
    set = new Map();
    machine.ext.set(KEY, set);
  }
  return set;
}

/** A service's main process was exec'd from `path` (counted, so two holders need two releases). */
export function markExecuting(machine: NodeMachine, path: string): void {
  const set = busySet(machine);
  set.set(path, (set.get(path) ?? 0) + 1);
}

export function markExited(machine: NodeMachine, path: string): void {
  const set = busySet(machine);
  const n = (set.get(path) ?? 0) - 1;
  if (n > 0) set.set(path, n);
  else set.delete(path);
}

/** True when opening `path` for writing would fail with ETXTBSY. */
export function textBusy(machine: NodeMachine, path: string): boolean {
  return (busySet(machine).get(path) ?? 0) > 0;
}

/** The directory entry now names a new file (unlink + create, rename): the path is no longer busy. */
export function entryReplaced(machine: NodeMachine, path: string): void {
  busySet(machine).delete(path);
}
