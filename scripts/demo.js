#!/usr/bin/env node
// `npm run demo [-- --once] [-- --time-scale 0.02]`: starts the embedded CloudStack simulator, deploys
// examples/quickstart (the root Pulumi.yaml) with the Pulumi CLI when it is on PATH or built into the
// tool cache (scripts/tools/build-pulumi.sh), or else with the
// built-in engine-faithful runner, writes demo/kubeconfig, shows `kubectl get nodes`, then serves until
// Ctrl-C (or not, with --once) and destroys the stack.
"use strict";
const fs = require("fs");
const path = require("path");
const { parseDemoArgs, onPath, phaseLogger, runInherited } = require("./demo/util");

const ROOT = path.resolve(__dirname, "..");
// CKS_DEMO_DIR lets tests run the demo without touching the working copy's demo/.
const DEMO_DIR = process.env.CKS_DEMO_DIR ? path.resolve(process.env.CKS_DEMO_DIR) : path.join(ROOT, "demo");
const KUBECONFIG = path.join(DEMO_DIR, "kubeconfig");

/** `pulumi` on PATH, else the one scripts/tools/build-pulumi.sh builds into the tool cache. */
function findPulumi() {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const file = dir && path.join(dir, "pulumi");
    if (file && onPath("pulumi") && fs.existsSync(file)) return file;
  }
  const cache = process.env.XDG_CACHE_HOME || path.join(require("os").homedir(), ".cache");
  const cached = path.join(cache, "pulumi-cks", "bin", "pulumi");
  return fs.existsSync(cached) ? cached : undefined;
}

async function main() {
  const args = parseDemoArgs(process.argv.slice(2));
  const phase = phaseLogger();
  if (!fs.existsSync(path.join(ROOT, "dist", "simulator", "index.js"))) {
    throw new Error("dist/ is missing: run `npm ci` (it builds) or `npm run build` first");
  }
  // The runner and its helpers are TypeScript; ts-node (a dev dependency) runs them in place.
  require("ts-node").register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
  const { startSimulator } = require(path.join(ROOT, "dist", "simulator"));
  const { simulatorStackConfig } = require("./runner/simConfig");
  const { readProject } = require("./runner");
  const { deployWithCli, deployWithRunner } = require("./demo/deployers");

  phase(`starting the embedded CloudStack simulator (time scale ${args.timeScale})`);
  const sim = await startSimulator({ timeScale: args.timeScale });
  let deployment;
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    try {
      if (deployment) {
        phase("destroying the stack");
        await deployment.destroy();
        phase("stack destroyed");
      }
    } finally {
      phase("stopping the simulator");
      await sim.stop();
      fs.rmSync(KUBECONFIG, { force: true });
      phase("done");
      process.exit(code);
    }
  };
  let deploying = true;
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) {
      process.stderr.write("demo: interrupted twice, exiting without cleaning up\n");
      process.exit(130);
    }
    interrupted = true;
    if (deploying) {
      phase("Ctrl-C: the stack will be destroyed as soon as the deployment step ends (Ctrl-C again to quit at once)");
      return;
    }
    void shutdown(0).catch((err) => {
      process.stderr.write(`demo: ${err.message}\n`);
      process.exit(1);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    phase(`simulator API at ${sim.apiUrl}`);
    const project = readProject(ROOT);
    // Admin keys: the demo's destroy expunges VMs at once (a user account waits for expunge.delay).
    const endpoint = { apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey, isos: sim.isos };
    const stackConfig = await simulatorStackConfig(endpoint, project.name);
    phase(`looked up zone ${stackConfig.config[`${project.name}:zoneId`]}, offering "Medium", Kubernetes ${stackConfig.config[`${project.name}:kubernetesVersion`]}`);

    const pulumi = findPulumi();
    if (pulumi && !args.runner) {
      phase(`deploying examples/quickstart with the Pulumi CLI ${pulumi} (local backend in a temp dir)`);
      deployment = await deployWithCli({ root: ROOT, pulumi, stackConfig, phase });
    } else {
      console.log(args.runner ? "--runner: deploying with the built-in engine-faithful runner" : "Pulumi CLI not found: deploying with the built-in engine-faithful runner");
      phase("deploying examples/quickstart with the offline runner");
      deployment = await deployWithRunner({ root: ROOT, demoDir: DEMO_DIR, stackConfig, phase });
    }
    deploying = false;
    if (interrupted) return await shutdown(0);
    const { endpoint: apiEndpoint, kubeconfig } = await deployment.outputs();

    fs.mkdirSync(DEMO_DIR, { recursive: true });
    fs.writeFileSync(KUBECONFIG, kubeconfig, { mode: 0o600 });
    fs.chmodSync(KUBECONFIG, 0o600);
    phase(`cluster endpoint: ${apiEndpoint}`);
    phase(`kubeconfig written to ${path.relative(process.cwd(), KUBECONFIG) || KUBECONFIG} (mode 0600)`);
    const kubectlArgs = ["--kubeconfig", KUBECONFIG, "get", "nodes"];

    if (onPath("kubectl")) {
      phase(`kubectl --kubeconfig ${path.relative(process.cwd(), KUBECONFIG) || KUBECONFIG} get nodes`);
      // Asynchronously: the simulator answering kubectl lives in this very process.
      const status = await runInherited("kubectl", kubectlArgs, 60000);
      if (status !== 0) phase(`kubectl exited with ${status}`);
    } else {
      phase("kubectl not found: skipping `kubectl get nodes`");
    }

    if (args.once) return await shutdown(0);
    phase("serving: the cluster answers at the endpoint above; press Ctrl-C to destroy the stack and stop");
    // Keep the process alive until Ctrl-C; the simulator's listeners already do, this makes it explicit.
    setInterval(() => undefined, 1 << 30);
  } catch (err) {
    deploying = false;
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown(interrupted ? 0 : 1);
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
