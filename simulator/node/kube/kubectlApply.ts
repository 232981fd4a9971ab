// `kubectl apply -f FILE|DIR|-`: multi-document YAML (and kind: List), objects stored as given.
// CNI detection: the first applied DaemonSet that lives in kube-system, or DaemonSet/Deployment whose
// name or namespace names a known CNI (calico, tigera, flannel, cilium, weave, kube-router, antrea,
// canal), marks the cluster's pod network as installed; nodes then turn Ready after the readiness delay.
import { z } from "zod";
import YAML from "yaml";
import type { KubeObject } from "../../contracts";
import type { CommandIO, NodeMachine } from "../types";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import type { KubectlSession } from "./kubectlClient";
import { findResourceType, isClusterScoped, pluralOf, qualifiedKind } from "./kubectlResources";
import { markCniInstalled } from "./lifecycle";
import { reconcileCluster } from "./reconcile";

const CNI_NAMES = /calico|tigera|flannel|cilium|weave|kube-router|antrea|canal/i;

const ManifestObject = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
});

function readSources(machine: NodeMachine, io: CommandIO, files: string[]): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const file of files) {
    if (file === "-") {
      out.push({ name: "STDIN", text: io.stdin.toString("utf8") });
      continue;
    }
    if (/^https?:\/\//.test(file)) throw new CommandFailure(`error: unable to read URL "${file}", server reported 000 , status code=0`);
    const path = file.startsWith("/") ? file : `${io.cwd.replace(/\/$/, "")}/${file}`;
    const entries = machine.fs.list(path);
    if (entries) {
      for (const entry of entries.filter((e) => /\.(ya?ml|json)$/.test(e))) {
        out.push({ name: `${file}/${entry}`, text: machine.fs.read(`${path}/${entry}`)?.toString("utf8") ?? "" });
      }
      continue;
    }
    const data = machine.fs.read(path);
    if (!data) throw new CommandFailure(`error: the path "${file}" does not exist`);
    out.push({ name: file, text: data.toString("utf8") });
  }
  return out;
}

function parseObjects(source: { name: string; text: string }): KubeObject[] {
  const objects: KubeObject[] = [];
  let docs: unknown[];
  try {
    docs = YAML.parseAllDocuments(source.text).map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors[0]?.message ?? "invalid YAML");
      return d.toJS() as unknown;
    });
  } catch (err) {
    throw new CommandFailure(`error: error parsing ${source.name}: error converting YAML to JSON: yaml: ${(err as Error).message.split("\n")[0]}`);
  }
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    const record = doc as Record<string, unknown>;
    if (record.kind === "List" && Array.isArray(record.items)) {
      for (const item of record.items) objects.push(validate(item, source.name));
      continue;
    }
    objects.push(validate(doc, source.name));
  }
  return objects;
}

function validate(doc: unknown, source: string): KubeObject {
  const parsed = ManifestObject.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "";
    if (field === "kind" || field === "apiVersion") throw new CommandFailure(`error: error validating "${source}": error validating data: ${field} not set; if you choose to ignore these errors, turn validation off with --validate=false`);
    throw new CommandFailure(`error: error when retrieving current configuration of:\nResource: "", Name: "", Namespace: ""\nfrom server for: "${source}": resource name may not be empty`);
  }
  return parsed.data as KubeObject;
}

export function applyManifests(ctx: KubeToolsContext, session: KubectlSession, machine: NodeMachine, io: CommandIO, files: string[], namespaceFlag: string | undefined): void {
  if (files.length === 0) throw new CommandFailure("error: must specify one of -f and -k");
  const cluster = session.cluster;
  let sawCni = false;
  for (const source of readSources(machine, io, files)) {
    for (const obj of parseObjects(source)) {
      const scoped = isClusterScoped(obj.kind);
      const namespace = scoped ? undefined : (obj.metadata.namespace ?? namespaceFlag ?? session.namespace);
      if (!scoped && namespaceFlag && obj.metadata.namespace && obj.metadata.namespace !== namespaceFlag) {
        throw new CommandFailure(`error: the namespace from the provided object "${obj.metadata.namespace}" does not match the namespace "${namespaceFlag}". You must pass '--namespace=${obj.metadata.namespace}' to perform this operation.`);
      }
      if (namespace && !cluster.store.get("v1", "Namespace", namespace)) {
        throw new CommandFailure(`Error from server (NotFound): error when creating "${source.name}": namespaces "${namespace}" not found`);
      }
      const plural = pluralOf(obj.kind);
      if (!findResourceType(plural)) cluster.appliedTypes.set(plural, { apiVersion: obj.apiVersion, kind: obj.kind, namespaced: !scoped });
      const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } };
      if (scoped) delete stored.metadata.namespace;
      if (stored.kind === "Namespace") stored.status = { phase: "Active" };
      const existing = cluster.store.get(stored.apiVersion, stored.kind, stored.metadata.name, namespace);
      const label = `${qualifiedKind(stored.apiVersion, stored.kind)}/${stored.metadata.name}`;
      if (existing) {
        const strip = (o: KubeObject): KubeObject => ({ ...o, status: undefined, metadata: { ...o.metadata, uid: undefined, resourceVersion: undefined, creationTimestamp: undefined } });
        if (JSON.stringify(strip(existing)) === JSON.stringify(strip(stored))) {
          io.stdout(`${label} unchanged\n`);
          continue;
        }
        cluster.store.upsert({ ...stored, status: stored.status ?? existing.status });
        io.stdout(`${label} configured\n`);
      } else {
        cluster.store.upsert(stored);
        io.stdout(`${label} created\n`);
      }
      const namesCni = CNI_NAMES.test(`${namespace ?? ""}/${stored.metadata.name}`);
      if ((stored.kind === "DaemonSet" && (namespace === "kube-system" || namesCni)) || (stored.kind === "Deployment" && namesCni)) sawCni = true;
    }
  }
  if (sawCni) markCniInstalled(ctx, cluster);
  reconcileCluster(cluster);
}

/** `kubectl delete -f FILE`: deletes every object the manifests name. */
export function deleteManifests(session: KubectlSession, machine: NodeMachine, io: CommandIO, files: string[], ignoreNotFound: boolean): void {
  const cluster = session.cluster;
  for (const source of readSources(machine, io, files)) {
    for (const obj of parseObjects(source)) {
      const namespace = isClusterScoped(obj.kind) ? undefined : (obj.metadata.namespace ?? session.namespace);
      const label = `${qualifiedKind(obj.apiVersion, obj.kind)} "${obj.metadata.name}"`;
      if (cluster.store.delete(obj.apiVersion, obj.kind, obj.metadata.name, namespace)) io.stdout(`${label} deleted\n`);
      else if (!ignoreNotFound) throw new CommandFailure(`Error from server (NotFound): error when deleting "${source.name}": ${obj.kind.toLowerCase()}s "${obj.metadata.name}" not found`);
    }
  }
  reconcileCluster(cluster);
}
