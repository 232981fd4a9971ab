// Node diagnostics: the provider streams scripts/collect-node-diagnostics.sh to `bash -s` over SSH
// when a node step fails, so the error can say what the node looked like. The script masks secrets.
import { readFileSync } from "fs";
import { join } from "path";
import { NodeCommand, nodeCommand } from "./commands";

/** Path of the diagnostics script (next to this module in the sources and in dist/). */
export const DIAGNOSTICS_SCRIPT_PATH = join(__dirname, "scripts", "collect-node-diagnostics.sh");

/** The script's text. */
export function diagnosticsScript(): string {
  return readFileSync(DIAGNOSTICS_SCRIPT_PATH, "utf8");
}

/** Runs the diagnostics script on a node (sent on stdin; nothing to install). Output is secret-free. */
export function collectDiagnostics(options: { lines?: number } = {}): NodeCommand {
  const lines = options.lines ?? 50;
  if (!Number.isInteger(lines) || lines < 1) throw new Error("collectDiagnostics: lines must be a positive integer");
  return nodeCommand(["bash", "-s", "--", "--lines", String(lines)], { sudo: true, stdin: diagnosticsScript() });
}
