// Audit records of node commands. Values of secret-bearing flags are replaced before anything is
// recorded; the discovery hash is public and kept.
import { isCompound, wordText } from "./shell/ast";
import { parseScript } from "./shell/parser";

const SECRET_FLAGS = new Set(["--token", "--discovery-token", "--tls-bootstrap-token", "--certificate-key", "--password", "--passwd", "--secret", "--secret-key", "--api-key", "--registry-password", "--bootstrap-token"]);
export const REDACTED = "[REDACTED]";

export function redactArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    if (a.startsWith("-") && eq > 0 && SECRET_FLAGS.has(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq)}=${REDACTED}`);
      continue;
    }
    out.push(a);
    if (SECRET_FLAGS.has(a) && i + 1 < argv.length) {
      out.push(REDACTED);
      i++;
    }
  }
  return out;
}

/** The words of a command line as typed (operators included), for the audit record. */
export function auditArgv(commandLine: string): string[] {
  try {
    const words: string[] = [];
    for (const item of parseScript(commandLine)) {
      const pipelines = [item.first, ...item.rest.map((r) => r.pipeline)];
      pipelines.forEach((p, pi) => {
        if (pi > 0) words.push(item.rest[pi - 1].op);
        p.commands.forEach((c, ci) => {
          if (ci > 0) words.push("|");
          if (isCompound(c)) {
            words.push(c.kind === "while" && c.until ? "until" : c.kind, "...");
            return;
          }
          for (const a of c.assignments) words.push(`${a.name}=${wordText(a.value)}`);
          for (const w of c.words) words.push(wordText(w));
        });
      });
      words.push(";");
    }
    if (words[words.length - 1] === ";") words.pop();
    return redactArgv(words);
  } catch {
    return redactArgv(commandLine.trim().split(/\s+/));
  }
}

/** The program a line really runs: argv[0] after sudo / env / timeout / nohup wrappers and their options. */
export function programOf(argv: string[]): string {
  let i = 0;
  for (;;) {
    const word = argv[i];
    if (word === undefined) return argv[0] ?? "";
    const base = word.split("/").pop() ?? word;
    if (base === "sudo" || base === "env" || base === "nohup" || base === "timeout") {
      i++;
      while (argv[i]?.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i] ?? "") || (base === "timeout" && /^\d/.test(argv[i] ?? ""))) {
        if (base === "sudo" && argv[i] === "-u") i++;
        i++;
      }
      continue;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      i++;
      continue;
    }
    return base;
  }
}
