// `npm run demo -- --once` end to end (scripts/demo.js in a child process, its demo directory in a temp
// dir): simulator, quickstart deployed by the built-in runner, kubeconfig 0600, kubectl get nodes, destroy.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../helpers/program-runner";

const hasKubectl = (process.env.PATH ?? "").split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, "kubectl")));

describe("npm run demo -- --once", () => {
  it("deploys the quickstart, shows three Ready nodes, destroys it and exits 0", async () => {
    const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), "cks-demo-test-"));
    const kubeconfig = path.join(demoDir, "kubeconfig");
    let mode: number | undefined;
    // The demo removes the kubeconfig once the cluster is gone: look at it while it exists.
    const watch = setInterval(() => {
      if (mode === undefined && fs.existsSync(kubeconfig)) mode = fs.statSync(kubeconfig).mode & 0o777;
    }, 50);
    try {
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "demo.js"), "--once", "--runner", "--time-scale", "0.005"], {
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
      if (code !== 0) throw new Error(`demo exited with ${code}:\n${output.split("\n").slice(-30).join("\n")}`);
      expect(output).toMatch(/^\[demo \+[\d.]+s\] starting the embedded CloudStack simulator/m);
      expect(output).toContain("--runner: deploying with the built-in engine-faithful runner");
      expect(output).toMatch(/cluster endpoint: https:\/\/127\.[\d.]+:6443\//);
      expect(mode).toBe(0o600);
      if (hasKubectl) {
        const ready = output.split("\n").filter((l) => /^quickstart-\S+\s+Ready\s/.test(l));
        expect(ready).toHaveLength(3);
      }
      expect(output).toContain("stack destroyed");
      expect(fs.existsSync(kubeconfig)).toBe(false);
      expect(fs.existsSync(path.join(demoDir, "runner-state.json"))).toBe(false);
    } finally {
      clearInterval(watch);
      fs.rmSync(demoDir, { recursive: true, force: true });
    }
  });
});
