// kubectl's node operations: cordon, uncordon, drain (eviction rules as kubectl applies them),
// delete node, label and annotate.
import type { KubeObject, SimClock } from "../../contracts";
import { evictPod } from "../../apiserver/disruption";
import { KubeHttpError } from "../../apiserver/status";
import type { CommandIO } from "../types";
import { CommandFailure } from "./failure";
import { formatGoDuration } from "./flags";
import type { KubectlSession } from "./kubectlClient";
import { qualifiedKind, type ResourceType } from "./kubectlResources";
import { reconcileCluster } from "./reconcile";

function getNode(session: KubectlSession, name: string | undefined): KubeObject {
  if (!name) throw new CommandFailure("error: resource name may not be empty");
  const node = session.cluster.store.get("v1", "Node", name);
  if (!node) throw new CommandFailure(`Error from server (NotFound): nodes "${name}" not found`);
  return node;
}

function setUnschedulable(session: KubectlSession, node: KubeObject, value: boolean): boolean {
  const spec = (node.spec ?? {}) as Record<string, unknown>;
  if ((spec.unschedulable === true) === value) return false;
  const next = { ...spec };
  if (value) next.unschedulable = true;
  else delete next.unschedulable;
  session.cluster.store.upsert({ ...node, spec: next });
  return true;
}

export function cordon(session: KubectlSession, io: CommandIO, name: string | undefined, value: boolean): void {
  const node = getNode(session, name);
  const changed = setUnschedulable(session, node, value);
  io.stdout(`node/${node.metadata.name} ${changed ? (value ? "cordoned" : "uncordoned") : "already " + (value ? "cordoned" : "uncordoned")}\n`);
  reconcileCluster(session.cluster);
}

export interface DrainOptions {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
  /** --disable-eviction: delete pods directly, bypassing PodDisruptionBudgets. */
  disableEviction: boolean;
  /** --timeout in ms; 0 (the default) waits forever, as kubectl does. */
  timeoutMs: number;
  clock: SimClock;
  signal: AbortSignal;
}

function ownerKinds(pod: KubeObject): string[] {
  return ((pod.metadata.ownerReferences ?? []) as Array<{ kind?: string }>).map((o) => o.kind ?? "");
}

/** kubectl drain's retry interval after a 429 from the eviction subresource (kubectl/pkg/drain/drain.go evictPods). */
const EVICTION_RETRY_MS = 5_000;

/**
 * `kubectl drain`: cordon, refuse by the pod filters (kubectl/pkg/drain/filters.go: DaemonSet pods
 * need --ignore-daemonsets, unmanaged pods --force, emptyDir pods --delete-emptydir-data; mirror pods
 * are skipped), then evict each pod through the eviction subresource's rules (apiserver/disruption.ts),
 * retrying every 5 s while a PodDisruptionBudget refuses (429), until --timeout. Wording and exit code
 * as kubectl 1.32 prints them (kubectl/pkg/cmd/drain/drain.go RunDrain, deleteOrEvictPodsSimple).
 */
export async function drain(session: KubectlSession, io: CommandIO, name: string | undefined, opts: DrainOptions): Promise<void> {
  const node = getNode(session, name);
  const nodeName = node.metadata.name;
  const changed = setUnschedulable(session, node, true);
  io.stdout(`node/${nodeName} ${changed ? "cordoned" : "already cordoned"}\n`);
  reconcileCluster(session.cluster);
  const pods = session.cluster.store.list("v1", "Pod").filter((p) => ((p.spec ?? {}) as Record<string, unknown>).nodeName === nodeName);
  const daemonSetPods: string[] = [];
  const unmanaged: string[] = [];
  const localStorage: string[] = [];
  const evict: KubeObject[] = [];
  for (const pod of pods) {
    const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.metadata.annotations?.["kubernetes.io/config.mirror"]) continue; // mirror pods are skipped silently
    const kinds = ownerKinds(pod);
    if (kinds.includes("DaemonSet")) {
      daemonSetPods.push(id);
      continue;
    }
    const volumes = ((pod.spec ?? {}) as Record<string, unknown>).volumes;
    const hasEmptyDir = Array.isArray(volumes) && volumes.some((v) => v && typeof v === "object" && "emptyDir" in v);
    if (kinds.length === 0) unmanaged.push(id);
    if (hasEmptyDir) localStorage.push(id);
    evict.push(pod);
  }
  const errors: string[] = [];
  if (daemonSetPods.length > 0 && !opts.ignoreDaemonSets) errors.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemonSetPods.join(", ")}`);
  if (unmanaged.length > 0 && !opts.force) errors.push(`cannot delete Pods that declare no controller (use --force to override): ${unmanaged.join(", ")}`);
  if (localStorage.length > 0 && !opts.deleteEmptyDirData) errors.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${localStorage.join(", ")}`);
  if (errors.length > 0) {
    // utilerrors.NewAggregate: one error prints bare, several as "[a, b]".
    const text = errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`;
    throw new CommandFailure(`error: unable to drain node "${nodeName}" due to error:${text}, continuing command...\nThere are pending nodes to be drained:\n ${nodeName}\n${text}`);
  }
  if (daemonSetPods.length > 0) io.stderr(`Warning: ignoring DaemonSet-managed Pods: ${daemonSetPods.join(", ")}\n`);
  if (unmanaged.length > 0) io.stderr(`Warning: deleting Pods that declare no controller: ${unmanaged.join(", ")}\n`);
  const store = session.cluster.store;
  let pending = evict;
  let elapsed = 0;
  const timeoutText = formatGoDuration(opts.timeoutMs);
  while (pending.length > 0) {
    if (opts.timeoutMs > 0 && elapsed >= opts.timeoutMs) {
      const failures = pending.map((p) => `error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}": global timeout reached: ${timeoutText}`);
      const text = failures.length === 1 ? (failures[0] ?? "") : `[${failures.join(", ")}]`;
      throw new CommandFailure(
        `There are pending pods in node "${nodeName}" when an error occurred: ${text}\n${pending.map((p) => `pod/${p.metadata.name}`).join("\n")}\nerror: unable to drain node "${nodeName}" due to error:${text}, continuing command...\nThere are pending nodes to be drained:\n ${nodeName}\n${text}`,
      );
    }
    const refused: KubeObject[] = [];
    for (const pod of pending) {
      const ns = pod.metadata.namespace ?? "default";
      if (opts.disableEviction) {
        io.stdout(`deleting pod ${ns}/${pod.metadata.name}\n`);
        store.delete("v1", "Pod", pod.metadata.name, ns);
        io.stdout(`pod/${pod.metadata.name} deleted\n`);
        continue;
      }
      io.stdout(`evicting pod ${ns}/${pod.metadata.name}\n`);
      try {
        evictPod(store, ns, pod.metadata.name);
        io.stdout(`pod/${pod.metadata.name} evicted\n`);
      } catch (err) {
        if (!(err instanceof KubeHttpError)) throw err;
        if (err.code === 404) continue; // already gone: kubectl counts it as done
        if (err.code !== 429) throw new CommandFailure(`error: unable to drain node "${nodeName}" due to error:error when evicting pods/"${pod.metadata.name}" -n "${ns}": ${err.message}, continuing command...\nThere are pending nodes to be drained:\n ${nodeName}\nerror when evicting pods/"${pod.metadata.name}" -n "${ns}": ${err.message}`);
        io.stderr(`error when evicting pods/"${pod.metadata.name}" -n "${ns}" (will retry after 5s): ${err.message}\n`);
        refused.push(pod);
      }
    }
    // Controllers replace what was evicted before the next attempt (reconcile.ts).
    reconcileCluster(session.cluster);
    pending = refused;
    if (pending.length > 0) {
      await opts.clock.sleep(EVICTION_RETRY_MS, opts.signal);
      elapsed += EVICTION_RETRY_MS;
    }
  }
  io.stdout(`node/${nodeName} drained\n`);
}

/** `kubectl label|annotate TYPE NAME k=v k2- [--overwrite]` for any known resource type. */
export function setMetadata(session: KubectlSession, io: CommandIO, field: "labels" | "annotations", type: ResourceType, namespace: string | undefined, name: string | undefined, pairs: string[], overwrite: boolean): void {
  if (!name) throw new CommandFailure("error: resource name may not be empty");
  const ns = type.namespaced ? namespace : undefined;
  const obj = session.cluster.store.get(type.apiVersion, type.kind, name, ns);
  if (!obj) throw new CommandFailure(`Error from server (NotFound): ${type.plural}${groupSuffix(type)} "${name}" not found`);
  if (pairs.length === 0) throw new CommandFailure(`error: at least one ${field === "labels" ? "label" : "annotation"} update is required`);
  const current = { ...(obj.metadata[field] ?? {}) } as Record<string, string>;
  for (const pair of pairs) {
    if (pair.endsWith("-") && !pair.includes("=")) {
      delete current[pair.slice(0, -1)];
      continue;
    }
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CommandFailure(`error: invalid ${field === "labels" ? "label" : "annotation"} spec: ${pair}`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key in current && current[key] !== value && !overwrite) {
      throw new CommandFailure(`error: '${key}' already has a value (${current[key]}), and --overwrite is false`);
    }
    current[key] = value;
  }
  session.cluster.store.upsert({ ...obj, metadata: { ...obj.metadata, [field]: current } });
  io.stdout(`${qualifiedKind(type.apiVersion, type.kind)}/${name} ${field === "labels" ? "labeled" : "annotated"}\n`);
  reconcileCluster(session.cluster);
}

function groupSuffix(type: ResourceType): string {
  return type.apiVersion.includes("/") ? `.${type.apiVersion.split("/")[0]}` : "";
}

/** `kubectl delete TYPE NAME...` for any known resource type (nodes included). */
export function deleteObjects(session: KubectlSession, io: CommandIO, type: ResourceType, namespace: string | undefined, names: string[], ignoreNotFound: boolean): void {
  if (names.length === 0) throw new CommandFailure("error: resource(s) were provided, but no name was specified");
  const ns = type.namespaced ? namespace : undefined;
  for (const name of names) {
    if (!session.cluster.store.delete(type.apiVersion, type.kind, name, ns)) {
      if (ignoreNotFound) continue;
      throw new CommandFailure(`Error from server (NotFound): ${type.plural}${groupSuffix(type)} "${name}" not found`);
    }
    io.stdout(`${qualifiedKind(type.apiVersion, type.kind)} "${name}" deleted\n`);
  }
  reconcileCluster(session.cluster);
}
