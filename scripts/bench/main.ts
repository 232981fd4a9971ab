// `npm run bench`: measures KubernetesCluster create time for several worker counts with the provider's
// default concurrency bound and with a bound of 1 (sequential, as CKS works), all in one process on one
// machine so the ratios compare like with like. Progress goes to stderr, the tables to stdout and
// docs/bench.md.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseBenchArgs, USAGE, type BenchOptions } from "./args";
import { upgradeBench } from "./upgrade";
import { replaceNamedBlock, replaceResults } from "./docFile";
import { simScale, simScaleMarkdown } from "./simScale";
import { planRuns } from "./plan";
import { CONTROL_NODES, runCluster, runClusters, type ManySample } from "./runCluster";
import { scaledPollMs } from "./scaledCloud";
import { summarise, type Sample } from "./summary";
import { resultsMarkdown, type Machine, type RunInfo } from "./table";
import { criticalPath, criticalPathSeconds } from "./criticalPath";
import { scaleRows } from "./scale";

const ROOT = path.resolve(__dirname, "..", "..");

function note(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function machine(loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: (cpus[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    load: { start: loadAtStart, end: os.loadavg()[0] },
  };
}

function docTemplate(block: string): string {
  return `# Benchmark: cluster create time vs node count\n\n${block}\n`;
}

function verboseSink(opts: BenchOptions): ((line: string) => void) | undefined {
  if (!opts.verbose) return undefined;
  const t0 = performance.now();
  // Wall seconds since the sink was made, so a verbose run shows where a create spends its time.
  return (line) => process.stderr.write(`    ${((performance.now() - t0) / 1000).toFixed(2).padStart(7)} ${line}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const opts = parseBenchArgs(argv);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (opts.simVms > 0) return simScaleMain(opts);
  if (opts.upgrade) return upgradeMain(opts);
  const benchStart = performance.now();
  // Node prints this warning once per emitter; counting them shows whether a big cluster still leaks listeners.
  let maxListenersWarnings = 0;
  const onWarning = (w: Error): void => {
    if (w.name === "MaxListenersExceededWarning") maxListenersWarnings++;
  };
  process.on("warning", onWarning);
  const loadAtStart = os.loadavg()[0];
  const progress = verboseSink(opts);
  const spec = { timeScale: opts.timeScale, parallelConcurrency: opts.concurrency, scaledPolling: opts.scaledPolling, progress };
  note(`time scale ${opts.timeScale}, workers ${opts.workers.join(",")}, ${opts.repeat} repeat(s), parallel bound ${opts.concurrency ?? "provider default"}, job polling ${opts.scaledPolling ? `scaled (${scaledPollMs(opts.timeScale)} ms)` : "real-time"}`);
  if (opts.warmup) {
    // Loads and JIT-compiles the provider and simulator code, so the first timed run does not pay for it.
    const t = performance.now();
    await runCluster({ ...spec, workers: 1, mode: "parallel" });
    note(`warm-up done in ${((performance.now() - t) / 1000).toFixed(1)} s (not counted)`);
  }
  const runs = planRuns(opts.workers, opts.repeat, opts.modes);
  const samples: Sample[] = [];
  const failures: string[] = [];
  for (const [i, run] of runs.entries()) {
    const label = `${i + 1}/${runs.length} workers=${run.workers} ${run.mode} (repeat ${run.repeat})`;
    note(`${label}: creating`);
    try {
      const sample = await runCluster({ ...spec, workers: run.workers, mode: run.mode });
      samples.push(sample);
      note(`${label}: ${sample.seconds.toFixed(2)} s`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${label}: ${message}`);
      note(`${label}: FAILED: ${message}`);
    }
  }
  // Many clusters in one provider (issue 14 §4): one cluster alone, then N at once, each on a fresh simulator.
  const many: ManySample[] = [];
  if (opts.clusters > 0) {
    for (const count of [...new Set([1, opts.clusters])]) {
      note(`${count} cluster(s) of 1 worker at once: creating`);
      try {
        const sample = await runClusters({ ...spec, workers: 1 }, count);
        many.push(sample);
        note(`${count} cluster(s) at once: ${sample.seconds.toFixed(2)} s`);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`${count} clusters at once: ${message}`);
        note(`${count} cluster(s) at once: FAILED: ${message}`);
      }
    }
  }
  const summary = summarise(samples, opts.timeScale);
  const info: RunInfo = {
    machine: machine(loadAtStart),
    timeScale: opts.timeScale,
    repeats: opts.repeat,
    parallelConcurrency: opts.concurrency,
    pollMs: opts.scaledPolling ? scaledPollMs(opts.timeScale) : undefined,
    controlNodes: CONTROL_NODES,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    totalSeconds: (performance.now() - benchStart) / 1000,
  };
  process.off("warning", onWarning);
  const terms = criticalPath();
  const pathSeconds = criticalPathSeconds(terms);
  const results = resultsMarkdown(summary, info, { rows: scaleRows(samples, opts.timeScale, pathSeconds, CONTROL_NODES), path: terms, pathSeconds, maxListenersWarnings, many });
  process.stdout.write(`${results}\n`);
  if (failures.length > 0) {
    // A partial table is not a measurement: keep the last complete one in the docs.
    note(`${failures.length} run(s) failed; ${opts.out} left unchanged`);
    return 1;
  }
  if (opts.write) {
    const file = path.resolve(ROOT, opts.out);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    fs.writeFileSync(file, replaceResults(existing, results, docTemplate));
    note(`wrote ${path.relative(ROOT, file)}`);
  }
  return 0;
}

async function simScaleMain(opts: BenchOptions): Promise<number> {
  note(`sim-scale: ${opts.simVms} VMs, 10 per network, time scale ${opts.timeScale}`);
  const result = await simScale({ vms: opts.simVms, perNetwork: 10, timeScale: opts.timeScale, note });
  const text = simScaleMarkdown(result, opts.timeScale);
  process.stdout.write(`${text}\n`);
  if (opts.write) {
    const file = path.resolve(ROOT, opts.out);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : docTemplate("");
    fs.writeFileSync(file, replaceNamedBlock(existing, "sim-scale", `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, load average ${os.loadavg()[0].toFixed(1)}.\n\n${text}`));
    note(`wrote ${path.relative(ROOT, file)}`);
  }
  return 0;
}

async function upgradeMain(opts: BenchOptions): Promise<number> {
  note(`upgrade: time scale ${opts.timeScale}`);
  const text = await upgradeBench(opts.timeScale, note);
  process.stdout.write(`${text}\n`);
  if (opts.write) {
    const file = path.resolve(ROOT, opts.out);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : docTemplate("");
    fs.writeFileSync(file, replaceNamedBlock(existing, "upgrade", `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, load average ${os.loadavg()[0].toFixed(1)}.\n\n${text}`));
    note(`wrote ${path.relative(ROOT, file)}`);
  }
  return 0;
}
