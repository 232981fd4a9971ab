// `cloud-init status [--wait] [--long]` as cloud-init 24.4 answers it (cloudinit/cmd/status.py):
// exit 1 on errors, 2 when it finished (or runs) with recoverable errors ("degraded done": WARNING or
// DEPRECATED log records, e.g. a schema warning), 0 otherwise. The tabular `status:` line keeps saying
// `done` for degraded boots (backwards compatibility); `extended_status` says `degraded done`.
import { sim } from "../machine";
import type { NodeCommand } from "../types";
import { usageError } from "../tools/common";
import { CLOUD_INIT_VERSION } from "./runner";

export const cloudInitTool: NodeCommand = async (argv, io, m) => {
  const s = sim(m);
  const [sub, ...flags] = argv.slice(1);
  if (sub === "--version" || sub === "-v") {
    io.stdout(`/usr/bin/cloud-init ${CLOUD_INIT_VERSION}\n`);
    return 0;
  }
  if (sub !== "status") return usageError(io, "cloud-init", sub === undefined ? "the following arguments are required: subcommand" : `invalid choice: '${sub}'`, 2);
  const unknown = flags.find((f) => !["--wait", "-w", "--long", "-l"].includes(f));
  if (unknown) return usageError(io, "cloud-init status", `unrecognized arguments: ${unknown}`, 2);
  const ci = s.cloudInit;
  if (flags.includes("--wait") || flags.includes("-w")) {
    while (ci.status === "running" || ci.status === "not-run") {
      io.stdout(".");
      await new Promise<void>((resolve, reject) => {
        ci.waiters.push(resolve);
        io.signal.addEventListener("abort", () => reject(new Error("interrupted")), { once: true });
      });
    }
    io.stdout("\n");
  }
  const running = ci.status === "not-run" ? "not started" : ci.status === "error" ? "done" : ci.status;
  const errored = ci.status === "error" || ci.errors.length > 0;
  const degraded = !errored && Object.values(ci.recoverable).some((list) => list.length > 0);
  // translate_status
  const status = errored ? "error" : running;
  const extended = errored ? `error - ${running}` : degraded && (running === "done" || running === "running") ? `degraded ${running}` : running;
  io.stdout(`status: ${status}\n`);
  if (flags.includes("--long") || flags.includes("-l")) {
    const errors = ci.errors.length > 0 ? ci.errors.map((e) => `\n\t- ${e}`).join("") : " []";
    const entries = Object.entries(ci.recoverable).filter(([, v]) => v.length > 0);
    const recoverable = entries.length > 0 ? "\n" + entries.map(([k, v]) => `${k}:\n\t- ` + v.map((i) => i.replace(/\n/g, " ")).join("\n\t- ")).join("\n") : " {}";
    // TABULAR_LONG_TMPL
    io.stdout(
      `extended_status: ${extended}\nboot_status_code: enabled-by-generator\ndetail: DataSourceCloudStack [seed=cloudstack]\nerrors:${errors}\nrecoverable_errors:${recoverable}\n`,
    );
  }
  if (errored) return 1;
  if (degraded) return 2;
  return 0;
};
