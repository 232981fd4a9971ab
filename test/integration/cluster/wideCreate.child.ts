// Run in its own Node process by wideCreate.test.ts (Jest's sandboxed `process` does not see Node's
// warnings): creates and deletes a 12-worker cluster and prints every process warning as a JSON line.
import { clusterArgs, createVersion, providers, startSim } from "./harness";

async function main(): Promise<void> {
  const warnings: { name: string; message: string }[] = [];
  process.on("warning", (w) => warnings.push({ name: w.name, message: w.message }));
  const sim = await startSim();
  try {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "wide", size: 12, maxClusterSize: 20 });
    const created = await p.cluster.create(args);
    const outs = created.outs as Record<string, unknown>;
    await p.cluster.delete!(created.id, outs);
    // Let warnings queued with process.nextTick arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.stdout.write(`${JSON.stringify({ state: outs.state, size: outs.size, warnings })}\n`);
  } finally {
    await sim.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
