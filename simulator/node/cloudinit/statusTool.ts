// `cloud-init status [--wait] [--long]`: exit 0 when done (or still running), 1 on error.
import { sim } from "../machine";
import type { NodeCommand } from "../types";
import { usageError } from "../tools/common";

export const cloudInitTool: NodeCommand = async (argv, io, m) => {
  const s = sim(m);
  const [sub, ...flags] = argv.slice(1);
  if (sub === "--version" || sub === "-v") {
    io.stdout(`/usr/bin/cloud-init 24.4\n`);
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
  const status = ci.status === "not-run" ? "not started" : ci.status;
  io.stdout(`status: ${status}\n`);
  if (flags.includes("--long") || flags.includes("-l")) {
    io.stdout(`extended_status: ${status}\nboot_status_code: enabled-by-generator\ndetail:\nDataSourceCloudStack [seed=cloudstack]\nerrors: ${ci.errors.length === 0 ? "[]" : ""}\n`);
    for (const e of ci.errors) io.stdout(`\t- ${e}\n`);
  }
  return ci.status === "error" ? 1 : 0;
};
