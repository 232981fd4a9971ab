// One run of a Pulumi program (or a destroy/refresh of its stack) in this process: the program runs
// under pulumi.runtime.setMocks, every custom resource it registers goes through MiniEngine to the real
// dynamic-provider host, and the checkpoint is kept in a JSON file. A fresh process per run, because
// setMocks, the config and the program's own module state are process-global.
// Usage: node -r ts-node/register/transpile-only scripts/runner/child.ts <request.json>
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { startDynHost, type DynHost, type Props } from "./dynhost";
import { MiniEngine, UNKNOWN_SENTINEL, type Registration, type ResourceOptionsSeen } from "./engine";
import { RunRequestSchema, type RunRequest, type RunResult, type StackOutput } from "./protocol";
import { loadState, saveState } from "./state";
import { unwrapSecrets } from "./secrets";

interface RegisterRequestView {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getReplaceonchangesList(): string[];
}

interface MonitorView {
  registerResource(req: RegisterRequestView, callback: unknown): unknown;
}

/** The URN the mock monitor gives a resource (runtime/mocks.js newUrn), so options and steps line up. */
function urnOf(project: string, stack: string, type: string, name: string, parent: string): string {
  let qualified = type;
  if (parent) qualified = `${parent.split("::")[2]!.split("$").pop()!}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface OutputInternals {
  promise(): Promise<unknown>;
  isSecret: Promise<boolean>;
}

/**
 * Under a preview the mock monitor deserializes unknowns to `pulumi.unknown`; the engine sends them to
 * a provider as the wire sentinel. Convert, at any depth, so Check sees exactly what the CLI sends.
 */
function toWireUnknowns(v: unknown): unknown {
  if (pulumi.isUnknown(v)) return UNKNOWN_SENTINEL;
  if (Array.isArray(v)) return v.map(toWireUnknowns);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v as Props).map(([k, x]) => [k, toWireUnknowns(x)]));
  return v;
}

async function resolveOutput(value: unknown): Promise<StackOutput> {
  const out = pulumi.output(value) as unknown as OutputInternals;
  const [resolved, secret] = await Promise.all([out.promise(), out.isSecret]);
  if (resolved === undefined || pulumi.isUnknown(resolved)) return { value: null, secret };
  return { value: JSON.parse(JSON.stringify(toWireUnknowns(resolved))), secret };
}

async function runUp(req: RunRequest, engine: MiniEngine, optionsSeen: Record<string, ResourceOptionsSeen>, errors: string[]): Promise<Record<string, StackOutput>> {
  const pending = new Set<Promise<unknown>>();
  const captured = new Map<string, { urn: string; options: ResourceOptionsSeen }[]>();

  const preview = req.operation === "preview";
  await pulumi.runtime.setMocks(
    {
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        const key = `${args.type}\u0000${args.name}`;
        const seen = captured.get(key)?.shift();
        const urn = seen?.urn ?? urnOf(req.project, req.stack, args.type, args.name, "");
        if (!args.custom) return { id: undefined, state: args.inputs };
        if (!args.type.startsWith("pulumi-nodejs:dynamic")) {
          throw new Error(`${urn}: only dynamic-provider resources can run offline (got ${args.type})`);
        }
        const { value, secretKeys } = unwrapSecrets(toWireUnknowns(args.inputs) as Props);
        const registration: Registration = {
          urn,
          type: args.type,
          name: args.name,
          inputs: value as Props,
          secretInputs: secretKeys,
          options: seen?.options ?? { dependencies: [], additionalSecretOutputs: [], deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], protect: false },
        };
        const work = (preview ? engine.plan(registration) : engine.register(registration)).then(
          (r) => {
            const state: Props = { ...r.outputs };
            delete state.__provider;
            // The engine marks these outputs secret; mocks see only values, so wrap them here.
            for (const k of r.secretOutputs) if (k in state && state[k] !== null) state[k] = pulumi.secret(state[k]);
            return { id: r.id, state };
          },
          (err: unknown) => {
            errors.push(message(err));
            throw err;
          },
        );
        pending.add(work);
        void work.catch(() => undefined).finally(() => pending.delete(work));
        return work;
      },
      call: (args: pulumi.runtime.MockCallArgs) => {
        throw new Error(`invokes are not available offline (${args.token})`);
      },
    },
    req.project,
    req.stack,
    preview,
  );
  pulumi.runtime.setAllConfig(req.config, req.secretConfigKeys);

  // Mocks never see resource options: read them off the RegisterResource request (reference §10.1).
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): MonitorView; waitForRPCs(): Promise<void> };
  const monitor = settings.getMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const urn = urnOf(req.project, req.stack, request.getType(), request.getName(), request.getParent());
    const options: ResourceOptionsSeen = {
      dependencies: request.getDependenciesList(),
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
      deleteBeforeReplace: request.getDeletebeforereplace(),
      ignoreChanges: request.getIgnorechangesList(),
      replaceOnChanges: request.getReplaceonchangesList(),
      protect: request.getProtect() === true,
    };
    if (request.getCustom()) optionsSeen[urn] = options;
    const key = `${request.getType()}\u0000${request.getName()}`;
    captured.set(key, [...(captured.get(key) ?? []), { urn, options }]);
    return original(request, callback);
  };

  const outputs: Record<string, StackOutput> = {};
  try {
    const loaded = require(req.program) as Record<string, unknown>;
    const exported = typeof loaded.default === "function" ? ((await (loaded.default as () => unknown)()) as Record<string, unknown>) : loaded;
    const names = Object.keys(exported ?? {}).filter((k) => k !== "__esModule" && k !== "default");
    const settled = await Promise.allSettled(names.map((k) => resolveOutput(exported[k])));
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") outputs[names[i]!] = s.value;
    });
  } catch (err) {
    errors.push(`the program failed: ${message(err)}`);
  }
  // Resources nobody exports still run: wait until no registration is in flight.
  while (pending.size > 0) await Promise.allSettled([...pending]);
  await settings.waitForRPCs().catch(() => undefined);
  while (pending.size > 0) await Promise.allSettled([...pending]);
  return outputs;
}

/** A run whose parent is gone (killed, crashed) must not go on deploying for an hour: exit with it. */
let liveHost: DynHost | undefined;

function exitWithParent(): void {
  const parent = process.ppid;
  // The host is our child; never leave it running behind us.
  process.on("exit", () => liveHost?.kill());
  setInterval(() => {
    if (process.ppid !== parent) process.exit(3);
  }, 1000).unref();
}

async function main(): Promise<void> {
  exitWithParent();
  const started = Date.now();
  const req = RunRequestSchema.parse(JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")));
  const errors: string[] = [];
  // A failed resource also rejects Outputs nobody awaits; those are reported through `errors` already.
  process.on("unhandledRejection", () => undefined);
  const optionsSeen: Record<string, ResourceOptionsSeen> = {};
  const state = loadState(req.stateFile, req.project, req.stack);
  let outputs: Record<string, StackOutput> = {};
  let host: DynHost | undefined;
  const engineLog = (line: string): void => void process.stdout.write(`${line}\n`);
  let engine: MiniEngine | undefined;
  try {
    host = await startDynHost({
      cwd: req.projectDir,
      env: { PULUMI_NODEJS_PROJECT: req.project, PULUMI_NODEJS_STACK: req.stack, ...req.hostEnv },
      onLine: (line) => void process.stdout.write(`    ${line}\n`),
    });
    liveHost = host;
    // The engine configures the provider with the stack's config, secrets as plain values.
    await host.configure(req.config);
    engine = new MiniEngine({ host, state, stateFile: req.stateFile, log: engineLog });
    if (req.operation === "preview") {
      outputs = await runUp(req, engine, optionsSeen, errors);
      if (errors.length === 0) engine.previewDeletes();
    } else if (req.operation === "up") {
      outputs = await runUp(req, engine, optionsSeen, errors);
      if (errors.length === 0) {
        await engine.finish();
        state.outputs = Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value]));
        state.secretOutputs = Object.entries(outputs).filter(([, o]) => o.secret).map(([k]) => k);
        saveState(req.stateFile, state);
      }
    } else if (req.operation === "destroy") {
      await engine.destroyAll();
      state.outputs = {};
      state.secretOutputs = [];
      saveState(req.stateFile, state);
    } else {
      await engine.refresh();
    }
  } catch (err) {
    errors.push(message(err));
  } finally {
    await host?.close();
  }
  const result: RunResult = {
    ok: errors.length === 0,
    operation: req.operation,
    steps: engine?.steps ?? [],
    outputs,
    errors: [...new Set(errors)],
    options: optionsSeen,
    durationMs: Date.now() - started,
  };
  fs.writeFileSync(req.resultFile, JSON.stringify(result), { mode: 0o600 });
  process.exit(result.ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`runner: ${message(err)}\n`);
    process.exit(2);
  });
}
