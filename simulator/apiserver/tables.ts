// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for (Accept: …;as=Table;v=v1;g=meta.k8s.io),
// with the columns the real API server prints for each kind. Priority-1 columns show with -o wide.
import type { KubeObject } from "../contracts";
import { getArray, getNumber, getPath, getRecord, getString } from "./fieldPath";
import { age } from "./humanDuration";

export interface ColumnDefinition {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number;

interface Column {
  name: string;
  type?: ColumnDefinition["type"];
  wide?: boolean;
  cell(obj: KubeObject, now: number): Cell;
}

const NAME: Column = { name: "Name", cell: (o) => o.metadata.name };
const AGE: Column = { name: "Age", cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function none(value: string | undefined): string {
  return value === undefined || value === "" ? "<none>" : value;
}

function intOrString(value: unknown): string {
  return typeof value === "number" || typeof value === "string" ? String(value) : "N/A";
}

function nodeStatus(node: KubeObject): string {
  const ready = getArray(node, "status.conditions").find((c) => getString(c, "type") === "Ready");
  const states = [ready === undefined ? "Unknown" : getString(ready, "status") === "True" ? "Ready" : "NotReady"];
  if (getPath(node, "spec.unschedulable") === true) states.push("SchedulingDisabled");
  return states.join(",");
}

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith("node-role.kubernetes.io/")) roles.add(key.slice("node-role.kubernetes.io/".length));
    else if (key === "kubernetes.io/role") roles.add(value);
  }
  return roles.size ? [...roles].sort().join(",") : "<none>";
}

function nodeAddress(node: KubeObject, type: string): string {
  const addr = getArray(node, "status.addresses").find((a) => getString(a, "type") === type);
  return none(addr === undefined ? undefined : getString(addr, "address"));
}

function podReady(pod: KubeObject): string {
  const total = getArray(pod, "spec.containers").length;
  const ready = getArray(pod, "status.containerStatuses").filter((s) => getPath(s, "ready") === true).length;
  return `${ready}/${total}`;
}

function podStatus(pod: KubeObject): string {
  if (getString(pod, "metadata.deletionTimestamp")) return "Terminating";
  return getString(pod, "status.reason") ?? getString(pod, "status.phase") ?? "Pending";
}

function podRestarts(pod: KubeObject): number {
  return getArray(pod, "status.containerStatuses").reduce<number>((sum, s) => sum + (getNumber(s, "restartCount") ?? 0), 0);
}

function servicePorts(svc: KubeObject): string {
  const ports = getArray(svc, "spec.ports").map((p) => {
    const node = getNumber(p, "nodePort");
    return `${getNumber(p, "port") ?? ""}${node ? `:${node}` : ""}/${getString(p, "protocol") ?? "TCP"}`;
  });
  return ports.length ? ports.join(",") : "<none>";
}

function selectorText(record: Record<string, unknown> | undefined): string {
  if (!record) return "<none>";
  const parts = Object.entries(record).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(",") : "<none>";
}

function containerField(obj: KubeObject, field: "name" | "image"): string {
  return none(getArray(obj, "spec.template.spec.containers").map((c) => getString(c, field) ?? "").join(","));
}

function count(obj: KubeObject, path: string): number {
  return getNumber(obj, path) ?? 0;
}

const COLUMNS: Record<string, Column[]> = {
  Node: [
    NAME,
    { name: "Status", cell: nodeStatus },
    { name: "Roles", cell: nodeRoles },
    AGE,
    { name: "Version", cell: (o) => getString(o, "status.nodeInfo.kubeletVersion") ?? "" },
    { name: "Internal-IP", wide: true, cell: (o) => nodeAddress(o, "InternalIP") },
    { name: "External-IP", wide: true, cell: (o) => nodeAddress(o, "ExternalIP") },
    { name: "OS-Image", wide: true, cell: (o) => getString(o, "status.nodeInfo.osImage") ?? "<unknown>" },
    { name: "Kernel-Version", wide: true, cell: (o) => getString(o, "status.nodeInfo.kernelVersion") ?? "<unknown>" },
    { name: "Container-Runtime", wide: true, cell: (o) => getString(o, "status.nodeInfo.containerRuntimeVersion") ?? "<unknown>" },
  ],
  Pod: [
    NAME,
    { name: "Ready", cell: podReady },
    { name: "Status", cell: podStatus },
    { name: "Restarts", type: "integer", cell: podRestarts },
    AGE,
    { name: "IP", wide: true, cell: (o) => none(getString(o, "status.podIP")) },
    { name: "Node", wide: true, cell: (o) => none(getString(o, "spec.nodeName")) },
    { name: "Nominated Node", wide: true, cell: (o) => none(getString(o, "status.nominatedNodeName")) },
    { name: "Readiness Gates", wide: true, cell: () => "<none>" },
  ],
  Namespace: [NAME, { name: "Status", cell: (o) => getString(o, "status.phase") ?? "Active" }, AGE],
  Service: [
    NAME,
    { name: "Type", cell: (o) => getString(o, "spec.type") ?? "ClusterIP" },
    { name: "Cluster-IP", cell: (o) => none(getString(o, "spec.clusterIP")) },
    { name: "External-IP", cell: (o) => none(getArray(o, "status.loadBalancer.ingress").map((i) => getString(i, "ip") ?? "").join(",")) },
    { name: "Port(s)", cell: servicePorts },
    AGE,
    { name: "Selector", wide: true, cell: (o) => selectorText(getRecord(o, "spec.selector")) },
  ],
  ConfigMap: [NAME, { name: "Data", type: "integer", cell: (o) => Object.keys(getRecord(o, "data") ?? {}).length + Object.keys(getRecord(o, "binaryData") ?? {}).length }, AGE],
  Secret: [
    NAME,
    { name: "Type", cell: (o) => getString(o, "type") ?? "Opaque" },
    { name: "Data", type: "integer", cell: (o) => Object.keys(getRecord(o, "data") ?? {}).length },
    AGE,
  ],
  Deployment: [
    NAME,
    { name: "Ready", cell: (o) => `${count(o, "status.readyReplicas")}/${getNumber(o, "spec.replicas") ?? 1}` },
    { name: "Up-to-date", type: "integer", cell: (o) => count(o, "status.updatedReplicas") },
    { name: "Available", type: "integer", cell: (o) => count(o, "status.availableReplicas") },
    AGE,
    { name: "Containers", wide: true, cell: (o) => containerField(o, "name") },
    { name: "Images", wide: true, cell: (o) => containerField(o, "image") },
    { name: "Selector", wide: true, cell: (o) => selectorText(getRecord(o, "spec.selector.matchLabels")) },
  ],
  // pkg/printers/internalversion/printers.go printPodDisruptionBudget: N/A when the field is unset.
  PodDisruptionBudget: [
    NAME,
    { name: "Min Available", cell: (o) => intOrString(getPath(o, "spec.minAvailable")) },
    { name: "Max Unavailable", cell: (o) => intOrString(getPath(o, "spec.maxUnavailable")) },
    { name: "Allowed Disruptions", type: "integer", cell: (o) => count(o, "status.disruptionsAllowed") },
    AGE,
  ],
  DaemonSet: [
    NAME,
    { name: "Desired", type: "integer", cell: (o) => count(o, "status.desiredNumberScheduled") },
    { name: "Current", type: "integer", cell: (o) => count(o, "status.currentNumberScheduled") },
    { name: "Ready", type: "integer", cell: (o) => count(o, "status.numberReady") },
    { name: "Up-to-date", type: "integer", cell: (o) => count(o, "status.updatedNumberScheduled") },
    { name: "Available", type: "integer", cell: (o) => count(o, "status.numberAvailable") },
    { name: "Node Selector", cell: (o) => selectorText(getRecord(o, "spec.template.spec.nodeSelector")) },
    AGE,
    { name: "Containers", wide: true, cell: (o) => containerField(o, "name") },
    { name: "Images", wide: true, cell: (o) => containerField(o, "image") },
  ],
};

export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion: string };
  columnDefinitions: ColumnDefinition[];
  rows: Array<{ cells: Cell[]; object: unknown }>;
}

/** `includeObject`: "None", "Object" or (default) "Metadata" → PartialObjectMetadata. */
export function renderTable(kind: string, objects: KubeObject[], opts: { resourceVersion: string; includeObject: string | null; now: number }): Table {
  const columns = COLUMNS[kind] ?? [NAME, AGE];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion: opts.resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type ?? "string",
      format: c === NAME ? "name" : "",
      description: c.name,
      priority: c.wide ? 1 : 0,
    })),
    rows: objects.map((obj) => ({
      cells: columns.map((c) => c.cell(obj, opts.now)),
      object:
        opts.includeObject === "None"
          ? null
          : opts.includeObject === "Object"
            ? obj
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata },
    })),
  };
}
