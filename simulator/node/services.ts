// systemd as the simulated node sees it: unit files on disk or hooks registered by node/kube,
// enable/disable flags that survive reboots, active states that do not, and a journal per unit.
import { unitName } from "./table";
import type { NodeMachine, ServiceHook, ServiceState } from "./types";
import { DEFAULT_TIMEOUT_START_MS, parseServiceUnit, type ServiceUnit } from "./unitFile";

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

/** How a start job ended, named as systemd's job results (src/shared/bus-wait-for-jobs.c). */
export type StartResult = "done" | "exit-code" | "timeout" | "canceled";

export interface StartOutcome {
  ok: boolean;
  result: StartResult;
  error?: string;
}

interface StartJob {
  outcome: Promise<StartOutcome>;
  /** Settles once the main process was exec'd (or failed to be). */
  execd: Promise<void>;
  cancel: AbortController;
}

const JOBS_KEY = "systemd-start-jobs";

/** Start jobs still running on a machine, by unit: a second `systemctl start` waits for the same job. */
function startJobs(machine: NodeMachine): Map<string, StartJob> {
  let jobs = machine.ext.get(JOBS_KEY) as Map<string, StartJob> | undefined;
  if (!jobs) {
    jobs = new Map();
    machine.ext.set(JOBS_KEY, jobs);
  }
  return jobs;
}

const RESULTS_KEY = "systemd-results";

/** The result of each unit's last failed start ("exit-code", "timeout"), for `systemctl status`. */
export function lastResults(machine: NodeMachine): Map<string, StartResult> {
  let r = machine.ext.get(RESULTS_KEY) as Map<string, StartResult> | undefined;
  if (!r) {
    r = new Map();
    machine.ext.set(RESULTS_KEY, r);
  }
  return r;
}

/** The unit file's [Service] settings, or systemd's defaults for a unit known only by its hook. */
export function serviceUnit(machine: NodeMachine, unit: string): ServiceUnit {
  const u = unitName(unit);
  for (const d of UNIT_DIRS) {
    const text = machine.fs.read(`${d}/${u}.service`);
    if (text) return parseServiceUnit(text.toString("utf8"));
  }
  return { type: "simple", timeoutStartMs: DEFAULT_TIMEOUT_START_MS, restart: "no", execStart: undefined };
}

/**
 * Start a unit. `wait` (the default) is what `systemctl start` does: block until the job is done.
 * systemctl(1) `--no-block`: "Do not synchronously wait for the requested operation to finish", so with
 * `wait: false` the job runs on and the caller gets `ok` at once.
 */
export async function startService(machine: NodeMachine, control: ServiceControl, unit: string, opts: { wait?: boolean } = {}): Promise<StartOutcome> {
  const u = unitName(unit);
  const state = serviceState(machine, u);
  if (state.active === "active") return { ok: true, result: "done" };
  const jobs = startJobs(machine);
  let job = jobs.get(u);
  if (!job) {
    const cancel = new AbortController();
    let execDone = (): void => undefined;
    const execd = new Promise<void>((resolve) => {
      execDone = resolve;
    });
    const outcome = runStartJob(machine, control, u, cancel.signal, () => execDone());
    void outcome.finally(() => execDone());
    const created: StartJob = { outcome, execd, cancel };
    job = created;
    jobs.set(u, created);
    void outcome.finally(() => {
      if (jobs.get(u) === created) jobs.delete(u);
    });
  }
  void job.outcome.then((o) => {
    if (!o.ok && o.result !== "canceled") lastResults(machine).set(u, o.result);
  });
  if (opts.wait === false) {
    // The job runs on; only the exec itself is awaited, so what it starts exists when we return.
    await job.execd;
    return { ok: true, result: "done" };
  }
  return job.outcome;
}

/**
 * systemd.service(5) "Type=": simple and exec units are started once their process runs (exec: once the
 * binary was exec'd, so a binary that cannot be run fails the job); notify units stay "activating"
 * until the process sends READY=1, and fail with result 'timeout' when TimeoutStartSec= (default
 * DefaultTimeoutStartSec=90s, systemd-system.conf(5)) passes first; systemd then stops the process.
 */
async function runStartJob(machine: NodeMachine, control: ServiceControl, u: string, cancel: AbortSignal, execd: () => void): Promise<StartOutcome> {
  const state = serviceState(machine, u);
  const hook = control.hook(u);
  const unit = serviceUnit(machine, u);
  state.active = "activating";
  let sendReady = (): void => undefined;
  const ready = new Promise<"ready">((resolve) => {
    sendReady = () => resolve("ready");
  });
  try {
    await hook?.start(machine, { ready: () => sendReady() });
  } catch (e) {
    state.active = "failed";
    const why = e instanceof Error ? e.message : String(e);
    appendJournal(machine, u, why);
    appendJournal(machine, u, `${u}.service: Failed with result 'exit-code'.`);
    return { ok: false, result: "exit-code", error: why };
  }
  execd();
  const waitsForReady = (unit.type === "notify" || unit.type === "notify-reload") && hook?.sdNotify === true;
  if (waitsForReady) {
    const timer = new AbortController();
    const ended = await Promise.race([ready, startTimeout(machine, unit.timeoutStartMs, cancel, timer.signal)]);
    timer.abort();
    if (ended === "canceled") return { ok: false, result: "canceled" };
    if (ended === "timeout") {
      appendJournal(machine, u, `${u}.service: start operation timed out. Terminating.`);
      try {
        await hook?.stop(machine);
      } catch (e) {
        appendJournal(machine, u, `stop failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      state.active = "failed";
      appendJournal(machine, u, `${u}.service: Failed with result 'timeout'.`);
      appendJournal(machine, u, `Failed to start ${u}.service.`);
      return { ok: false, result: "timeout" };
    }
  }
  if (cancel.aborted || state.active !== "activating") return { ok: false, result: "canceled" };
  state.active = "active";
  appendJournal(machine, u, `Started ${u}.service.`);
  return { ok: true, result: "done" };
}

/**
 * Resolves "timeout" after the (scaled) start timeout and "canceled" when the job is canceled; never
 * without a timeout. `done` clears the timer once the race is decided.
 */
function startTimeout(machine: NodeMachine, timeoutMs: number | undefined, cancel: AbortSignal, done: AbortSignal): Promise<"timeout" | "canceled"> {
  return new Promise((resolve) => {
    if (cancel.aborted) return resolve("canceled");
    cancel.addEventListener("abort", () => resolve("canceled"), { once: true });
    if (timeoutMs === undefined) return;
    machine.clock.sleep(timeoutMs, done).then(
      () => resolve("timeout"),
      () => undefined,
    );
  });
}

/** What systemctl prints when a start job fails (systemd src/shared/bus-wait-for-jobs.c, check_wait_response). */
export function startFailureMessage(u: string, outcome: StartOutcome): string {
  if (outcome.result === "canceled") return `Job for ${u}.service canceled.\n`;
  const why = outcome.result === "timeout" ? "a timeout was exceeded" : "the control process exited with error code";
  return `Job for ${u}.service failed because ${why}.\nSee "systemctl status ${u}.service" and "journalctl -xeu ${u}.service" for details.\n`;
}

export async function stopService(machine: NodeMachine, control: ServiceControl, unit: string): Promise<void> {
  const u = unitName(unit);
  const state = serviceState(machine, u);
  const wasRunning = state.active === "active" || state.active === "activating";
  // A stop cancels a start job still waiting for the unit (systemd: the start job is canceled).
  startJobs(machine).get(u)?.cancel.abort();
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
