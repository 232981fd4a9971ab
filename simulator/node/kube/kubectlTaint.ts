// `kubectl taint nodes NAME key[=value]:Effect ... [key[:Effect]-] [--overwrite]`, with kubectl's
// parsing and wording (kubernetes/kubectl pkg/cmd/taint/taint.go and utils.go: parseTaints,
// validateNoTaintOverwrites, reorganizeTaints). Added for the ClusterNode resource's taints (issue 13).
import type { CommandIO } from "../types";
import { CommandFailure } from "./failure";
import type { KubectlSession } from "./kubectlClient";
import { reconcileCluster } from "./reconcile";

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

// k8s.io/api/core/v1 TaintEffect values (utils.go validateTaintEffect).
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
// A qualified name (apimachinery validation IsQualifiedName), simplified: optional DNS prefix + name.
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function parseSpec(spec: string): Taint {
  const colon = spec.lastIndexOf(":");
  if (colon < 0) throw new CommandFailure(`error: invalid taint spec: ${spec}`);
  const effect = spec.slice(colon + 1);
  const kv = spec.slice(0, colon);
  const eq = kv.indexOf("=");
  const key = eq >= 0 ? kv.slice(0, eq) : kv;
  const value = eq >= 0 ? kv.slice(eq + 1) : undefined;
  if (!EFFECTS.includes(effect)) throw new CommandFailure(`error: invalid taint spec: ${spec}, invalid taint effect: ${effect}, unsupported taint effect`);
  if (!KEY.test(key)) throw new CommandFailure(`error: invalid taint spec: ${spec}, name part must consist of alphanumeric characters, '-', '_' or '.'`);
  return value === undefined ? { key, effect } : { key, value, effect };
}

export function taint(session: KubectlSession, io: CommandIO, args: string[], overwrite: boolean): void {
  const [type, name, ...specs] = args;
  if (!type || !["node", "nodes", "no"].includes(type.split("/")[0] ?? "")) throw new CommandFailure("error: taint is only applicable to nodes");
  if (!name) throw new CommandFailure("error: at least one taint update is required");
  if (specs.length === 0) throw new CommandFailure("error: at least one taint update is required");
  const add: Taint[] = [];
  const remove: { key: string; effect?: string }[] = [];
  for (const spec of specs) {
    if (spec.endsWith("-")) {
      const body = spec.slice(0, -1);
      const colon = body.indexOf(":");
      remove.push(colon >= 0 ? { key: body.slice(0, colon), effect: body.slice(colon + 1) } : { key: body });
    } else add.push(parseSpec(spec));
  }
  const node = session.cluster.store.get("v1", "Node", name);
  if (!node) throw new CommandFailure(`Error from server (NotFound): nodes "${name}" not found`);
  const spec = { ...((node.spec ?? {}) as Record<string, unknown>) };
  let current = (Array.isArray(spec.taints) ? (spec.taints as Taint[]) : []).map((t) => ({ ...t }));
  if (!overwrite) {
    const clashes = add.filter((a) => current.some((c) => c.key === a.key && c.effect === a.effect));
    if (clashes.length > 0) throw new CommandFailure(`error: node ${name} already has ${clashes.map((c) => c.key).join(",")} taint(s) with same effect(s) and --overwrite is false`);
  }
  for (const r of remove) {
    const before = current.length;
    current = current.filter((c) => !(c.key === r.key && (r.effect === undefined || c.effect === r.effect)));
    if (current.length === before) throw new CommandFailure(`error: taint ${JSON.stringify(r.effect ? `${r.key}:${r.effect}` : r.key)} not found`);
  }
  for (const a of add) {
    const at = current.findIndex((c) => c.key === a.key && c.effect === a.effect);
    if (at >= 0) current[at] = a;
    else current.push(a);
  }
  if (current.length > 0) spec.taints = current;
  else delete spec.taints;
  session.cluster.store.upsert({ ...node, spec });
  const operation = add.length > 0 && remove.length > 0 ? "modified" : add.length > 0 ? "tainted" : "untainted";
  io.stdout(`node/${name} ${operation}\n`);
  reconcileCluster(session.cluster);
}
