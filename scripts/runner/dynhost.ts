// A client for the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), the process the
// Pulumi engine starts for every dynamic resource. We spawn it exactly as the engine does (cwd = the
// project directory, one argument = an engine address it never dials) and speak gRPC to it, so tests
// and the offline runner exercise the same serialization, module resolution and error mapping as
// `pulumi up`.
import { spawn, type ChildProcess } from "child_process";
import * as readline from "readline";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";

export type Props = Record<string, unknown>;

/** DiffResponse.DiffChanges as numbers: what the engine sees. */
export const DIFF_UNKNOWN = 0;
export const DIFF_NONE = 1;
export const DIFF_SOME = 2;

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: number;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * A Create/Update that failed after the resource came to exist (the host's ErrorResourceInitFailed):
 * the engine keeps `id` and `properties` as the resource's state and updates it on the next run.
 */
export class ResourceInitFailedError extends Error {
  override name = "ResourceInitFailedError";
  constructor(message: string, public readonly id: string, public readonly properties: Props, public readonly reasons: string[]) {
    super(message);
  }
}

/** Any other failure of an RPC; `rpc` names the method, `code` is the gRPC status code. */
export class HostRpcError extends Error {
  override name = "HostRpcError";
  constructor(public readonly rpc: string, public readonly code: number, message: string) {
    super(`${rpc}: ${message}`);
  }
}

export interface DynHost {
  /** The port the host printed on its first stdout line. */
  readonly port: number;
  /** Everything else the host printed (stdout and stderr), line by line: provider progress and errors. */
  readonly output: string[];
  pluginVersion(): Promise<string>;
  configure(config: Record<string, string>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(urn: string, props: Props): Promise<{ id: string; outs: Props }>;
  read(urn: string, id: string, props: Props, inputs?: Props): Promise<{ id: string; props: Props; inputs?: Props }>;
  update(urn: string, id: string, olds: Props, news: Props): Promise<Props>;
  delete(urn: string, id: string, props: Props): Promise<void>;
  close(): Promise<void>;
  /** Immediate SIGKILL, for exit paths that cannot wait. */
  kill(): void;
}

export interface StartDynHostOptions {
  /** The Pulumi project directory: the host resolves the provider's `require`s from here. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each line the host prints after its port (progress lines, errors). */
  onLine?: (line: string) => void;
  /** How long to wait for the port line (default 30 s). */
  startTimeoutMs?: number;
}

/** JSON values only: Struct.fromJavaScript rejects undefined, and the engine would never send it. */
function toStruct(value: Props | undefined): Struct {
  const clean = JSON.parse(JSON.stringify(value ?? {})) as { [key: string]: JavaScriptValue };
  return Struct.fromJavaScript(clean);
}

function fromStruct(value: Struct | undefined): Props {
  return value ? (value.toJavaScript() as Props) : {};
}

const INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";

/** Decodes the ErrorResourceInitFailed the host packs into `grpc-status-details-bin`, if any. */
function initFailure(err: grpc.ServiceError): ResourceInitFailedError | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined) return undefined;
  const status = statusproto.Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : raw);
  for (const detail of status.getDetailsList()) {
    if (detail.getTypeName() !== INIT_FAILED_TYPE) continue;
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return new ResourceInitFailedError(err.details || status.getMessage(), failed.getId(), fromStruct(failed.getProperties()), failed.getReasonsList());
  }
  return undefined;
}

export async function startDynHost(options: StartDynHostOptions): Promise<DynHost> {
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  // The engine address is required on the command line but never used by the dynamic host.
  const child: ChildProcess = spawn(process.execPath, [script, "127.0.0.1:1"], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const record = (line: string): void => {
    output.push(line);
    options.onLine?.(line);
  };
  const stdout = readline.createInterface({ input: child.stdout! });
  readline.createInterface({ input: child.stderr! }).on("line", record);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dynamic-provider host printed no port within ${options.startTimeoutMs ?? 30000} ms: ${output.join(" | ")}`));
    }, options.startTimeoutMs ?? 30000);
    stdout.once("line", (line) => {
      clearTimeout(timer);
      const n = Number(line.trim());
      if (Number.isInteger(n) && n > 0) resolve(n);
      else reject(new Error(`dynamic-provider host printed "${line}" instead of its port`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dynamic-provider host exited with ${code} before printing its port: ${output.join(" | ")}`));
    });
  });
  stdout.on("line", record);

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  // One generic unary call; each RPC below is typed at its call site.
  const call = <Res>(name: string, invoke: (cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown): Promise<Res> =>
    new Promise((resolve, reject) => {
      invoke((err, res) => {
        if (!err) return resolve(res);
        reject(initFailure(err) ?? new HostRpcError(name, err.code, err.details || err.message));
      });
    });

  let closed: Promise<void> | undefined;
  return {
    port,
    output,
    async pluginVersion() {
            const info = await call<PluginInfo>("GetPluginInfo", (cb) => client.getPluginInfo(new Empty(), cb));
      return info.getVersion();
    },
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(toStruct(config));
      for (const [key, value] of Object.entries(config)) req.getVariablesMap().set(key, value);
      await call<provproto.ConfigureResponse>("Configure", (cb) => client.configure(req, cb));
    },
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<provproto.CheckResponse>("Check", (cb) => client.check(req, cb));
      return {
        inputs: fromStruct(res.getInputs()),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<provproto.DiffResponse>("Diff", (cb) => client.diff(req, cb));
      return { changes: res.getChanges(), replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
    },
    async create(urn, props) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(toStruct(props));
      const res = await call<provproto.CreateResponse>("Create", (cb) => client.create(req, cb));
      return { id: res.getId(), outs: fromStruct(res.getProperties()) };
    },
    async read(urn, id, props, inputs) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(props));
      if (inputs) req.setInputs(toStruct(inputs));
      const res = await call<provproto.ReadResponse>("Read", (cb) => client.read(req, cb));
      const result: { id: string; props: Props; inputs?: Props } = { id: res.getId(), props: fromStruct(res.getProperties()) };
      if (res.hasInputs()) result.inputs = fromStruct(res.getInputs());
      return result;
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<provproto.UpdateResponse>("Update", (cb) => client.update(req, cb));
      return fromStruct(res.getProperties());
    },
    async delete(urn, id, props) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(props));
      await call<Empty>("Delete", (cb) => client.delete(req, cb));
    },
    kill() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        client.close();
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      return closed;
    },
  };
}
