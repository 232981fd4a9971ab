// Locates the real tools the system tests cross-check against (Debian packages, Go builds cached by
// .ci/install.d/*). In CI (CI=true) a missing tool is a failure that names it and how to get it; on a
// developer machine the test is skipped with one visible line, so `npm test` still runs elsewhere.
import { spawnSync } from "child_process";
import { existsSync } from "fs";
import { homedir } from "os";
import { join } from "path";

/** Where .ci/install.d scripts and scripts/tools/* cache the binaries they build from Go modules. */
export function toolCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "pulumi-cks", "bin");
}

/** The absolute path of `name`: PATH first, then the tool cache. Undefined when neither has it. */
export function findTool(name: string): string | undefined {
  const cached = join(toolCacheDir(), name);
  if (existsSync(cached)) return cached;
  const r = spawnSync("sh", ["-c", `command -v "$1"`, "sh", name], { encoding: "utf8" });
  const found = r.stdout.trim();
  return r.status === 0 && found !== "" ? found : undefined;
}

export interface RealTool {
  /** The tool's path, or undefined when it is missing outside CI (then `it` skips). */
  path: string | undefined;
  /** `it` when the tool is there (or in CI, where a missing tool fails), `it.skip` otherwise. */
  it: jest.It;
  /** The path, or a thrown error naming the tool and its install command. */
  require(): string;
}

/**
 * Declares that a test file needs `name`. `install` says how to get it (shown in the failure or the
 * skip line). In CI a missing tool fails every test that uses it: a cross-check never vanishes quietly.
 */
export function realTool(name: string, install: string): RealTool {
  const path = findTool(name);
  const inCi = process.env.CI === "true";
  if (!path && !inCi) console.warn(`${name} not found (${install}): skipping its cross-checks outside CI`);
  return {
    path,
    it: path || inCi ? it : it.skip,
    require() {
      if (!path) throw new Error(`${name} is required for this cross-check and is missing: ${install}`);
      return path;
    },
  };
}
