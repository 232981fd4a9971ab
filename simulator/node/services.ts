// systemd as the simulated node sees it: unit files on disk or hooks registered by node/kube,
// enable/disable flags that survive reboots, active states that do not, and a journal per unit.
import { unitName } from "./table";
import type { NodeMachine, ServiceHook, ServiceState } from "./types";

export const UNIT_DIRS = ["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

/** Units every template has, whatever is on disk. */
export const BUILTIN_UNITS = new Set(["containerd", "ssh", "cloud-init", "systemd-journald"]);

const JOURNAL_KEY = "journal";

/** Journal lines per unit, kept in `machine.ext` under "journal" so node/kube can write there too. */
export function journal(machine: NodeMachine): Map<string, string[]> {
  let j = machine.ext.get(JOURNAL_KEY) as Map<string, string[]> | undefined;
  if (!j) {
    j = new Map();
    machine.ext.set(JOURNAL_KEY, j);
  }
  return j;
}

export function appendJournal(machine: NodeMachine, unit: string, line: string): void {
  const j = journal(machine);
  const u = unitName(unit);
  const lines = j.get(u) ?? [];
  lines.push(`${new Date(machine.clock.now()).toISOString()} ${machine.hostname} ${u}[1]: ${line}`);
  j.set(u, lines);
}

export interface ServiceControl {
  hook(unit: string): ServiceHook | undefined;
}

export function unitExists(machine: NodeMachine, control: ServiceControl, unit: string): boolean {
  const u = unitName(unit);
  if (BUILTIN_UNITS.has(u) || control.hook(u)) return true;
  return UNIT_DIRS.some((d) => machine.fs.stat(`${d}/${u}.service`)?.type === "file");
}

export function serviceState(machine: NodeMachine, unit: string): ServiceState {
  const u = unitName(unit);
  let s = machine.services.get(u);
  if (!s) {
    s = { active: "inactive", enabled: false };
    machine.services.set(u, s);
  }
  return s;
}

/** Start a unit: its hook (if any) decides; a throwing hook leaves the unit failed. */
export async function startService(machine: NodeMachine, control: ServiceControl, unit: string): Promise<{ ok: boolean; error?: string }> {
  const u = unitName(unit);
  const state = serviceState(machine, u);
  if (state.active === "active") return { ok: true };
  state.active = "activating";
  try {
    await control.hook(u)?.start(machine);
    state.active = "active";
    appendJournal(machine, u, `Started ${u}.service.`);
    return { ok: true };
  } catch (e) {
    state.active = "failed";
    const why = e instanceof Error ? e.message : String(e);
    appendJournal(machine, u, why);
    appendJournal(machine, u, `${u}.service: Failed with result 'exit-code'.`);
    return { ok: false, error: why };
  }
}

export async function stopService(machine: NodeMachine, control: ServiceControl, unit: string): Promise<void> {
  const u = unitName(unit);
  const state = serviceState(machine, u);
  const wasRunning = state.active === "active" || state.active === "activating";
  state.active = "inactive";
  if (wasRunning) {
    try {
      await control.hook(u)?.stop(machine);
    } catch (e) {
      appendJournal(machine, u, `stop failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    appendJournal(machine, u, `Stopped ${u}.service.`);
  }
}
