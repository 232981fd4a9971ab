// The simulated cloud-init: the init stage (bootcmd, write_files, hostname, users, ssh keys) runs
// before SSH accepts logins; the final stage (scripts, runcmd, deferred files, final message) after.
// Per-instance modules are guarded by semaphore files under /var/lib/cloud/instances/<id>/sem, as in
// cloud-init, so they do not run again on reboot (and run again if someone deletes the semaphores).
import type { z } from "zod";
import type { SimMachine } from "../machine";
import { newState, type ShellState } from "../shell/state";
import { Collector, StdinSource } from "../shell/streams";
import { addUser, authorizeKeys, getUser } from "../users";
import { type Command, ModuleSchemas, type UserSpec, WriteFile } from "./config";
import { mergeParts } from "./merge";
import { SCHEMA_WARNING, schemaProblems } from "./schema";
import { decodeUserData } from "./userdata";
import { ModuleError, writeOneFile } from "./writeFiles";

export const CLOUD_INIT_VERSION = "24.4";
export const OUTPUT_LOG = "/var/log/cloud-init-output.log";
export const MAIN_LOG = "/var/log/cloud-init.log";
/** Realistic durations (ms) of the stages' own work, scaled by the clock. */
export const INIT_STAGE_MS = 3000;
export const FINAL_STAGE_MS = 20000;

const DEFAULT_USER = {
  name: "cloud",
  groups: ["adm", "audio", "cdrom", "dialout", "dip", "floppy", "netdev", "plugdev", "sudo", "video"],
  sudo: ["ALL=(ALL) NOPASSWD:ALL"],
  shell: "/bin/bash",
};

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

export function commandLine(cmd: Command): string {
  return typeof cmd === "string" ? cmd : cmd.map(shellQuote).join(" ");
}

function log(m: SimMachine, level: string, text: string): void {
  if (!m.fs.exists("/var/log")) m.fs.mkdirp("/var/log");
  m.fs.append(MAIN_LOG, `${new Date(m.clock.now()).toISOString()} - cloud-init[${level}]: ${text}\n`);
}

function output(m: SimMachine, text: string): void {
  if (text !== "") m.fs.append(OUTPUT_LOG, text.endsWith("\n") ? text : text + "\n");
}

/** The parsed userdata of the current boot. */
export interface BootConfig {
  config: Record<string, unknown>;
  scripts: { name: string; content: string }[];
}

export class CloudInit {
  private boot: BootConfig = { config: {}, scripts: [] };

  constructor(private readonly m: SimMachine) {}

  private get instanceDir(): string {
    return `/var/lib/cloud/instances/${this.m.spec.vmId}`;
  }

  private setStatus(status: SimMachine["cloudInit"]["status"]): void {
    const ci = this.m.cloudInit;
    ci.status = status;
    if (status !== "running") {
      const waiters = ci.waiters.splice(0);
      for (const w of waiters) w();
    }
  }

  private fail(module: string, why: string): void {
    const msg = `Failed to run module ${module} (${why})`;
    this.m.cloudInit.errors.push(msg);
    log(this.m, "WARNING", `Running module ${module} failed: ${why}`);
    output(this.m, msg);
  }

  /** A WARNING in cloud-init.log; recorded as a recoverable error (cloudinit/log/loggers.py LogExporter). */
  private warn(text: string): void {
    log(this.m, "WARNING", text);
    (this.m.cloudInit.recoverable.WARNING ??= []).push(text);
  }

  /** A module's value validated by its schema; a wrong shape fails the module. */
  private value<K extends keyof typeof ModuleSchemas>(key: K): z.infer<(typeof ModuleSchemas)[K]> | undefined {
    const raw = this.boot.config[key];
    if (raw === undefined || raw === null) return undefined;
    const r = ModuleSchemas[key].safeParse(raw);
    if (!r.success) {
      this.fail(key, `invalid config: ${r.error.issues.map((i) => `${i.path.join(".") || key}: ${i.message}`).join("; ")}`);
      return undefined;
    }
    return r.data as z.infer<(typeof ModuleSchemas)[K]>;
  }

  /** Per-instance guard: runs `fn` unless this instance's semaphore exists (written before running). */
  private async once(name: string, fn: () => Promise<void> | void): Promise<void> {
    const sem = `${this.instanceDir}/sem/config_${name}`;
    if (this.m.fs.exists(sem)) return;
    this.m.fs.mkdirp(`${this.instanceDir}/sem`);
    this.m.fs.write(sem, `${this.m.clock.now()}\n`);
    try {
      await fn();
    } catch (e) {
      this.fail(name, e instanceof Error ? e.message : String(e));
    }
  }

  async initStage(signal: AbortSignal): Promise<void> {
    const m = this.m;
    m.cloudInit.errors = [];
    m.cloudInit.recoverable = {};
    m.cloudInit.bootCount++;
    this.setStatus("running");
    m.fs.mkdirp(`${this.instanceDir}/sem`);
    log(m, "INFO", `Cloud-init v. ${CLOUD_INIT_VERSION} running 'init' at ${new Date(m.clock.now()).toUTCString()}. Up 5.00 seconds.`);
    output(m, `Cloud-init v. ${CLOUD_INIT_VERSION} running 'init' at ${new Date(m.clock.now()).toUTCString()}. Up 5.00 seconds.`);
    const parts = decodeUserData(m.spec.userData);
    for (const w of parts.warnings) this.warn(w);
    for (const e of parts.errors) {
      m.cloudInit.errors.push(e);
      log(m, "ERROR", e);
      output(m, e);
    }
    const merged = mergeParts(parts.configs);
    for (const w of merged.warnings) this.warn(w);
    this.boot = { config: merged.config, scripts: parts.scripts };
    // cloudinit/cmd/main.py: the merged user-data is checked against the schema; problems are one
    // WARNING (details at DEBUG), and the modules run anyway.
    const problems = schemaProblems(merged.config);
    if (problems.length > 0) {
      log(m, "DEBUG", `Invalid cloud-config provided: ${problems.join("; ")}`);
      this.warn(SCHEMA_WARNING);
    }
    await m.clock.sleep(INIT_STAGE_MS, signal);

    const bootcmd = this.value("bootcmd");
    if (bootcmd) await this.runCommands("bootcmd", bootcmd, signal);
    await this.once("write_files", () => this.writeFiles(false));
    this.setHostname();
    await this.once("users_groups", () => this.createUsers());
    await this.once("ssh", () => this.installKeys());
  }

  async finalStage(signal: AbortSignal): Promise<void> {
    const m = this.m;
    await m.clock.sleep(FINAL_STAGE_MS / 2, signal);
    log(m, "INFO", `Cloud-init v. ${CLOUD_INIT_VERSION} running 'modules:final'.`);
    await this.once("scripts_user", async () => {
      for (const script of this.boot.scripts) await this.runPartScript(script, signal);
      const runcmd = this.value("runcmd");
      if (runcmd) await this.runCommands("runcmd", runcmd, signal);
    });
    await this.once("write_files_deferred", () => this.writeFiles(true));
    await m.clock.sleep(FINAL_STAGE_MS / 2, signal);
    const template = this.value("final_message") ?? "Cloud-init v. $VERSION finished at $TIMESTAMP. Datasource $DATASOURCE.  Up $UPTIME seconds";
    output(
      m,
      template
        .replace(/\$\{?VERSION\}?/g, CLOUD_INIT_VERSION)
        .replace(/\$\{?TIMESTAMP\}?/g, new Date(m.clock.now()).toUTCString())
        .replace(/\$\{?DATASOURCE\}?/g, "DataSourceCloudStack [seed=cloudstack]")
        .replace(/\$\{?UPTIME\}?/g, "42.00"),
    );
    m.fs.mkdirp("/var/lib/cloud/instance");
    m.fs.write("/var/lib/cloud/instance/boot-finished", `${m.clock.now()}\n`);
    const errors = m.cloudInit.errors;
    m.fs.mkdirp("/var/lib/cloud/data");
    m.fs.write("/var/lib/cloud/data/result.json", JSON.stringify({ v1: { datasource: "DataSourceCloudStack", errors, recoverable_errors: m.cloudInit.recoverable } }) + "\n");
    this.setStatus(errors.length > 0 ? "error" : "done");
  }

  private setHostname(): void {
    const m = this.m;
    if (this.boot.config.preserve_hostname === true) return;
    const fqdn = this.value("fqdn");
    const hostname = this.value("hostname");
    const name = (hostname ?? fqdn ?? m.spec.name).split(".")[0];
    m.fs.write("/etc/hostname", name + "\n");
  }

  private createUsers(): void {
    const m = this.m;
    const users = this.value("users") ?? ["default"];
    const userOverride = this.value("user");
    const defaultName = typeof userOverride === "string" ? userOverride : (userOverride?.name ?? DEFAULT_USER.name);
    for (const u of users as UserSpec[]) {
      if (u === "default") {
        addUser(m.fs, { ...DEFAULT_USER, name: defaultName });
        log(m, "INFO", `Created default user ${defaultName}`);
        continue;
      }
      const spec = typeof u === "string" ? { name: u } : u;
      const sudo = spec.sudo === undefined || spec.sudo === null || spec.sudo === false ? [] : spec.sudo === true ? [] : typeof spec.sudo === "string" ? [spec.sudo] : spec.sudo;
      addUser(m.fs, {
        name: spec.name,
        ...(spec.shell ? { shell: spec.shell } : {}),
        ...(spec.homedir ? { home: spec.homedir } : {}),
        ...(spec.primary_group ? { primaryGroup: spec.primary_group } : {}),
        groups: spec.groups ?? [],
        sudo,
        system: spec.system ?? false,
      });
      authorizeKeys(m.fs, spec.name, spec.ssh_authorized_keys ?? []);
    }
    // Remember who the default user is for the ssh module.
    m.ext.set("cloud-init.default-user", users.includes("default") ? defaultName : undefined);
  }

  private installKeys(): void {
    const m = this.m;
    const defaultUser = m.ext.get("cloud-init.default-user");
    if (typeof defaultUser !== "string" || !getUser(m.fs, defaultUser)) return;
    const keys = [...m.spec.deployKeys, ...(this.value("ssh_authorized_keys") ?? [])];
    authorizeKeys(m.fs, defaultUser, keys);
  }

  private writeFiles(deferred: boolean): void {
    const entries = this.value("write_files");
    if (!entries) return;
    for (const entry of entries) {
      if ((entry.defer ?? false) !== deferred) continue;
      const parsed = WriteFile.parse(entry);
      try {
        writeOneFile(this.m.fs, parsed, (w) => this.warn(w));
      } catch (e) {
        // cloud-init stops at the first failing file of the module.
        if (e instanceof ModuleError || e instanceof Error) throw new ModuleError(e.message);
        throw e;
      }
    }
  }

  /** bootcmd / runcmd: entries run in order in one shell (variables carry), each line audited. */
  private async runCommands(module: string, cmds: Command[], signal: AbortSignal): Promise<void> {
    // Real cloud-init runs these with /bin/sh, i.e. dash on Debian and Ubuntu: runcmd as a script
    // util.shellify() starts with `#!/bin/sh`, bootcmd as `/bin/sh <tmpfile>` (cloudinit/config/
    // cc_runcmd.py, cc_bootcmd.py in canonical/cloud-init).
    const state: ShellState = newState({ user: "root", home: "/root", cwd: "/", arg0: "sh" });
    state.dialect = "dash";
    let last = 0;
    for (const cmd of cmds) {
      const line = commandLine(cmd);
      last = await this.runLine(line, state, signal);
    }
    if (last !== 0) this.fail(module, `Unexpected error while running command. Exit code: ${last}`);
  }

  private async runLine(line: string, state: ShellState, signal: AbortSignal): Promise<number> {
    const m = this.m;
    const out = new Collector();
    const result = await m.runInState(line, state, { stdin: new StdinSource(Buffer.alloc(0)), out: out.sink, err: out.sink, signal }, "cloud-init");
    output(m, out.text());
    return result;
  }

  private async runPartScript(script: { name: string; content: string }, signal: AbortSignal): Promise<void> {
    const m = this.m;
    const path = `${this.instanceDir}/scripts/${script.name}`;
    m.fs.mkdirp(`${this.instanceDir}/scripts`);
    m.fs.write(path, script.content, { mode: 0o700 });
    const state = newState({ user: "root", home: "/root", cwd: "/" });
    const code = await this.runLine(path, state, signal);
    if (code !== 0) this.fail("scripts_user", `Failed to run ${script.name}: exit code ${code}`);
  }
}
