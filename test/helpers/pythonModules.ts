// Finds a python3 that can import a Debian-packaged module (python3-cs, python3-libcloud live in
// /usr/lib/python3/dist-packages, which a pyenv or venv python3 first on PATH does not see). Same
// contract as realTool(): in CI a missing module fails, elsewhere the test is skipped visibly.
import { spawnSync } from "node:child_process";
import { findTool, type RealTool } from "./realTools";

export function pythonWithModule(module: string, install: string): RealTool {
  const candidates = ["/usr/bin/python3", findTool("python3")].filter((p): p is string => p !== undefined);
  const path = candidates.find((p) => spawnSync(p, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0);
  const inCi = process.env.CI === "true";
  if (!path && !inCi) console.warn(`python3 module ${module} not found (${install}): skipping its cross-checks outside CI`);
  return {
    path,
    it: path || inCi ? it : it.skip,
    require() {
      if (!path) throw new Error(`python3 module ${module} is required for this cross-check and is missing: ${install}`);
      return path;
    },
  };
}
