// `cloudstack-sim`: runs the simulator until SIGINT/SIGTERM. Exactly one JSON line goes to stdout (the
// connection details, once ready); everything else goes to stderr. Exit 0 after a clean stop, 2 on bad flags.
import { parseCliArgs, USAGE, UsageError } from "./api/cliArgs";
import { FaultSpecError } from "./faults";

function logLine(message: string): void {
  process.stderr.write(`cloudstack-sim: ${message}\n`);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`cloudstack-sim: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Loaded only after the flags are good: a usage error stays fast and independent of the world.
  const { startSimulator } = await import("./index");
  let sim;
  try {
    sim = await startSimulator({ ...parsed.options, log: logLine });
  } catch (err) {
    if (err instanceof FaultSpecError) {
      process.stderr.write(`cloudstack-sim: --faults: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  const ready = {
    apiUrl: sim.apiUrl,
    apiKey: sim.apiKey,
    secretKey: sim.secretKey,
    adminApiKey: sim.adminApiKey,
    adminSecretKey: sim.adminSecretKey,
    isoBaseUrl: sim.isoBaseUrl,
    isos: sim.isos,
    // The same versions as CloudStack's own create-kubernetes-binaries-iso.sh builds them (no manifest.json).
    cksLayoutIsos: sim.cksLayoutIsos,
    // Launched through npx or a shell wrapper, the simulator is not the process its parent holds:
    // the pid says whom to send SIGTERM to.
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  logLine(`listening on ${sim.apiUrl}`);

  const running = sim;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logLine(`${signal} again: exiting without a clean stop`);
      process.exit(1);
    }
    stopping = true;
    logLine(`${signal}: stopping`);
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logLine(`stop failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

main().catch((err: unknown) => {
  logLine(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
