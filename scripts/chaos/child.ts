// One provider call in its own Node process, as Pulumi's dynamic-provider host runs it: the chaos
// driver may SIGKILL this process at any moment, which is the point. Reads the request (JSON, it holds
// API keys) from stdin, prints progress and the result as JSON lines (protocol.ts) on stdout.
// Usage: node -r ts-node/register/transpile-only scripts/chaos/child.ts < request.json
import { makeClusterProvider } from "../../provider/resources/kubernetesCluster";
import { scaledCloudFactory } from "../bench/scaledCloud";
import { ChildRequestSchema, type ChildLine, type ChildResult } from "./protocol";

type Props = Record<string, unknown>;

function emit(line: ChildLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function failures(checked: unknown): string | undefined {
  const f = (checked as { failures?: { property?: string; reason: string }[] }).failures;
  return f && f.length > 0 ? f.map((x) => `${x.property ?? "inputs"}: ${x.reason}`).join("; ") : undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function run(): Promise<ChildResult> {
  const req = ChildRequestSchema.parse(JSON.parse(await readStdin()));
  const provider = makeClusterProvider({ progressSink: (line) => emit({ type: "progress", line }), cloud: scaledCloudFactory(req.timeScale) });
  const checkedInputs = async (): Promise<Props> => {
    const checked = await provider.check!(req.olds ?? {}, req.news ?? {});
    const refused = failures(checked);
    if (refused) throw new Error(`check failed: ${refused}`);
    return (checked.inputs ?? req.news ?? {}) as Props;
  };
  try {
    if (req.call === "create") {
      const created = await provider.create(await checkedInputs());
      return { ok: true, id: created.id, outs: created.outs as Props };
    }
    if (req.call === "update") {
      const updated = await provider.update!(req.id ?? "", req.olds ?? {}, await checkedInputs());
      return { ok: true, id: req.id, outs: (updated.outs ?? {}) as Props };
    }
    await provider.delete!(req.id ?? "", req.olds ?? {});
    return { ok: true, id: req.id };
  } catch (err) {
    const e = err as { message?: string; id?: unknown; properties?: unknown };
    const message = typeof e.message === "string" ? e.message : String(err);
    if (typeof e.id === "string" && e.properties && typeof e.properties === "object") {
      return { ok: false, initError: true, id: e.id, outs: e.properties as Props, error: message };
    }
    return { ok: false, error: message };
  }
}

run().then(
  (result) => {
    emit({ type: "result", result });
    process.exit(0);
  },
  (err: unknown) => {
    emit({ type: "result", result: { ok: false, error: err instanceof Error ? err.message : String(err) } });
    process.exit(1);
  },
);
