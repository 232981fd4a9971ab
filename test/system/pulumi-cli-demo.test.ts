// `npm run demo -- --once` through the real Pulumi CLI (scripts/demo.js finds `pulumi` in the tool
// cache): a file backend and PULUMI_HOME in temp dirs, the quickstart deployed, three Ready nodes,
// destroyed, and no stack config left next to the root Pulumi.yaml.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliIt, REPO_ROOT } from "../helpers/pulumi-cli";

jest.setTimeout(600_000);

describe("npm run demo -- --once with the real Pulumi CLI", () => {
  cliIt("deploys the quickstart with the CLI, shows three Ready nodes, destroys it and exits 0", async () => {
    const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), "cks-demo-cli-"));
    try {
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "demo.js"), "--once", "--time-scale", "0.02"], {
          cwd: REPO_ROOT,
          env: { ...process.env, CKS_DEMO_DIR: demoDir },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
        child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
        child.once("error", reject);
        child.once("close", (c) => resolve({ code: c, output }));
      });
      if (code !== 0) throw new Error(`demo exited with ${code}:\n${output.split("\n").slice(-40).join("\n")}`);
      expect(output).toMatch(/deploying examples\/quickstart with the Pulumi CLI \S*pulumi/);
      expect(output).toMatch(/Resources:\s+\+ 3 created/);
      expect(output.split("\n").filter((l) => /^quickstart-\S+\s+Ready\s/.test(l))).toHaveLength(3);
      expect(output).toContain("stack destroyed");
      expect(fs.existsSync(path.join(REPO_ROOT, "Pulumi.demo.yaml"))).toBe(false);
    } finally {
      fs.rmSync(demoDir, { recursive: true, force: true });
    }
  });
});
