// kubectl's output: the default tables (per kind), -o wide|json|yaml|name, label selectors and ages.
import YAML from "yaml";
import type { KubeObject } from "../../contracts";
import { CommandFailure } from "./failure";
import type { ResourceType } from "./kubectlResources";

/** kubectl's duration.HumanDuration. */
export function humanAge(created: string | undefined, now = Date.now()): string {
  if (!created) return "<unknown>";
  const seconds = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

type Requirement = { key: string; op: "=" | "!=" | "exists" | "!exists"; value?: string };

export function parseSelector(text: string): Requirement[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part): Requirement => {
      const neq = /^([^!=]+)!=(.*)$/.exec(part);
      if (neq) return { key: neq[1] ?? "", op: "!=", value: neq[2] };
      const eq = /^([^!=]+)==?(.*)$/.exec(part);
      if (eq) return { key: eq[1] ?? "", op: "=", value: eq[2] };
      if (part.startsWith("!")) return { key: part.slice(1), op: "!exists" };
      if (!/^[A-Za-z0-9./_-]+$/.test(part)) throw new CommandFailure(`error: unable to parse requirement: found '${part}', expected: identifier`);
      return { key: part, op: "exists" };
    });
}

export function matchesSelector(obj: KubeObject, requirements: Requirement[]): boolean {
  const labels = obj.metadata.labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    if (r.op === "exists") return has;
    if (r.op === "!exists") return !has;
    if (r.op === "=") return has && labels[r.key] === r.value;
    return !has || labels[r.key] !== r.value;
  });
}

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join("").trimEnd()).join("\n") + "\n";
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

export function nodeStatus(node: KubeObject): string {
  const ready = arr(rec(node.status).conditions).find((c) => c.type === "Ready");
  let status = ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown";
  if (rec(node.spec).unschedulable === true) status += ",SchedulingDisabled";
  return status;
}

function nodeRoles(node: KubeObject): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .sort();
  return roles.length > 0 ? roles.join(",") : "<none>";
}

function internalIp(node: KubeObject): string {
  return String(arr(rec(node.status).addresses).find((a) => a.type === "InternalIP")?.address ?? "<none>");
}

function nodeRow(node: KubeObject, wide: boolean): string[] {
  const info = rec(rec(node.status).nodeInfo);
  const row = [node.metadata.name, nodeStatus(node), nodeRoles(node), humanAge(node.metadata.creationTimestamp), String(info.kubeletVersion ?? "")];
  if (wide) row.push(internalIp(node), "<none>", String(info.osImage ?? ""), String(info.kernelVersion ?? ""), String(info.containerRuntimeVersion ?? ""));
  return row;
}

function podRow(pod: KubeObject, wide: boolean): string[] {
  const status = rec(pod.status);
  const containers = arr(status.containerStatuses);
  const ready = containers.filter((c) => c.ready === true).length;
  const total = Math.max(containers.length, arr(rec(pod.spec).containers).length);
  const waiting = containers.map((c) => rec(rec(c.state).waiting).reason).find((r) => typeof r === "string");
  const phase = String(status.phase ?? "Pending");
  const shown = phase === "Pending" && typeof waiting === "string" && waiting !== "Pending" ? waiting : phase;
  const row = [pod.metadata.name, `${ready}/${total}`, shown, "0", humanAge(pod.metadata.creationTimestamp)];
  if (wide) row.push(String(status.podIP ?? "<none>"), String(rec(pod.spec).nodeName ?? "<none>"), "<none>", "<none>");
  return row;
}

function daemonSetRow(ds: KubeObject, pods: KubeObject[]): string[] {
  const own = pods.filter((p) => ((p.metadata.ownerReferences ?? []) as Array<{ kind?: string; name?: string }>).some((o) => o.kind === "DaemonSet" && o.name === ds.metadata.name));
  const ready = own.filter((p) => rec(p.status).phase === "Running").length;
  const selector = rec(rec(rec(ds.spec).template).spec).nodeSelector;
  const sel = selector ? Object.entries(rec(selector)).map(([k, v]) => `${k}=${String(v)}`).join(",") : "<none>";
  return [ds.metadata.name, String(own.length), String(own.length), String(ready), String(own.length), String(ready), sel, humanAge(ds.metadata.creationTimestamp)];
}

function deploymentRow(d: KubeObject, pods: KubeObject[]): string[] {
  const replicas = typeof rec(d.spec).replicas === "number" ? (rec(d.spec).replicas as number) : 1;
  const own = pods.filter((p) => ((p.metadata.ownerReferences ?? []) as Array<{ kind?: string; name?: string }>).some((o) => o.kind === "ReplicaSet" && o.name?.startsWith(`${d.metadata.name}-`)));
  const ready = own.filter((p) => rec(p.status).phase === "Running").length;
  return [d.metadata.name, `${ready}/${replicas}`, String(own.length), String(ready), humanAge(d.metadata.creationTimestamp)];
}

export interface PrintOptions {
  output?: string;
  allNamespaces: boolean;
  noHeaders: boolean;
  /** Pods of the namespace(s), for DaemonSet/Deployment counts. */
  pods: KubeObject[];
}

export function printObjects(type: ResourceType, objects: KubeObject[], single: boolean, opts: PrintOptions): string {
  const output = opts.output ?? "";
  if (output === "json" || output === "yaml") {
    const body = single && objects[0] ? objects[0] : { apiVersion: "v1", items: objects, kind: "List", metadata: { resourceVersion: "" } };
    return output === "json" ? JSON.stringify(body, null, 4) + "\n" : YAML.stringify(body);
  }
  if (output === "name") return objects.map((o) => `${type.apiVersion.includes("/") ? `${type.singular}.${type.apiVersion.split("/")[0]}` : type.singular}/${o.metadata.name}\n`).join("");
  if (output !== "" && output !== "wide") {
    throw new CommandFailure(`error: unable to match a printer suitable for the output format "${output}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`);
  }
  const wide = output === "wide";
  let header: string[];
  let rows: string[][];
  switch (type.kind) {
    case "Node":
      header = ["NAME", "STATUS", "ROLES", "AGE", "VERSION", ...(wide ? ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"] : [])];
      rows = objects.map((o) => nodeRow(o, wide));
      break;
    case "Pod":
      header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE", ...(wide ? ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"] : [])];
      rows = objects.map((o) => podRow(o, wide));
      break;
    case "Namespace":
      header = ["NAME", "STATUS", "AGE"];
      rows = objects.map((o) => [o.metadata.name, String(rec(o.status).phase ?? "Active"), humanAge(o.metadata.creationTimestamp)]);
      break;
    case "DaemonSet":
      header = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"];
      rows = objects.map((o) => daemonSetRow(o, opts.pods));
      break;
    case "Deployment":
      header = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
      rows = objects.map((o) => deploymentRow(o, opts.pods));
      break;
    case "PodDisruptionBudget": {
      // printers.go printPodDisruptionBudget: N/A for the field that is not set.
      const field = (o: KubeObject, key: string) => {
        const v = rec(o.spec)[key];
        return typeof v === "number" || typeof v === "string" ? String(v) : "N/A";
      };
      header = ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"];
      rows = objects.map((o) => [o.metadata.name, field(o, "minAvailable"), field(o, "maxUnavailable"), String(Number(rec(o.status).disruptionsAllowed ?? 0)), humanAge(o.metadata.creationTimestamp)]);
      break;
    }
    case "ConfigMap":
      header = ["NAME", "DATA", "AGE"];
      rows = objects.map((o) => [o.metadata.name, String(Object.keys(rec(o.data)).length), humanAge(o.metadata.creationTimestamp)]);
      break;
    default:
      header = ["NAME", "AGE"];
      rows = objects.map((o) => [o.metadata.name, humanAge(o.metadata.creationTimestamp)]);
  }
  if (opts.allNamespaces && type.namespaced) {
    header = ["NAMESPACE", ...header];
    rows = rows.map((r, i) => [objects[i]?.metadata.namespace ?? "", ...r]);
  }
  return columns(opts.noHeaders ? rows : [header, ...rows]);
}
