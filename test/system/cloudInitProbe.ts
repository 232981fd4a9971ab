// Runs test/system/cloudinit_probe.py with the Python interpreter real cloud-init runs on (its
// shebang), so the answers are cloud-init's own: cloudinit.safeyaml.load and its part merging.
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";

const PROBE = join(__dirname, "cloudinit_probe.py");

/** The interpreter named on the first line of the cloud-init script. */
export function cloudInitPython(cloudInitPath: string): string {
  const first = readFileSync(cloudInitPath, "utf8").split("\n")[0] ?? "";
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) throw new Error(`${cloudInitPath} has no #! line naming its Python`);
  // "#!/usr/bin/env python3" names the interpreter in the second word.
  return m[1]?.endsWith("/env") && m[2] ? m[2] : (m[1] as string);
}

function probe(python: string, mode: "load" | "merge", input: string): unknown {
  const r = spawnSync(python, [PROBE, mode], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`cloudinit_probe.py ${mode} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

export type Loaded = { ok: unknown } | { error: string };

/** Each YAML text as cloud-init's loader reads it (JSON, with dates/bytes/inf tagged). */
export function pyLoad(python: string, texts: string[]): Loaded[] {
  return probe(python, "load", JSON.stringify(texts)) as Loaded[];
}

/** The merged cloud-config real cloud-init makes of a (multipart) userdata text. */
export function pyMerge(python: string, userData: string): unknown {
  return probe(python, "merge", userData);
}
