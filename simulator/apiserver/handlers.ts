// get/list/create/update/patch/delete of stored objects, with Table output for kubectl's printing.
import { z } from "zod";
import type { KubeObject, KubeStore } from "../contracts";
import { evictPod } from "./disruption";
import { mergePatch } from "./mergePatch";
import { apiVersionOf, type ResourceType } from "./resources";
import { fieldSelector, labelSelector } from "./selectors";
import { KubeHttpError, notFound } from "./status";
import { renderTable } from "./tables";

export interface ResourceRequest {
  method: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  accept: string;
  contentType: string;
  /** Parsed JSON body, when there is one. */
  body: unknown;
  store: KubeStore;
  now: number;
}

export type Reply =
  | { kind?: "json"; status: number; body: unknown }
  | { kind: "watch"; list(): KubeObject[]; sinceResourceVersion?: string; timeoutSeconds?: number; present(obj: KubeObject, first: boolean): unknown };

const KubeObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({
    name: z.string().min(1).optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

/** True when the client asked for server-side printing (meta.k8s.io/v1 Table). */
export function wantsTable(accept: string): boolean {
  return accept.split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return params.includes("as=Table") && params.includes("g=meta.k8s.io") && params.includes("v=v1");
  });
}

function latestResourceVersion(objects: KubeObject[]): string {
  let max = 1;
  for (const o of objects) max = Math.max(max, Number(o.metadata.resourceVersion ?? 0) || 0);
  return String(max);
}

function withIdentity(obj: KubeObject, type: ResourceType): KubeObject {
  return { ...obj, apiVersion: apiVersionOf(type), kind: type.kind };
}

function output(req: ResourceRequest, objects: KubeObject[], single: boolean): unknown {
  const resourceVersion = latestResourceVersion(objects);
  if (wantsTable(req.accept)) return renderTable(req.type.kind, objects, { resourceVersion, includeObject: req.query.get("includeObject"), now: req.now });
  if (single) return objects[0];
  return {
    kind: `${req.type.kind}List`,
    apiVersion: apiVersionOf(req.type),
    metadata: { resourceVersion },
    items: objects.map((o) => withIdentity(o, req.type)),
  };
}

function requireName(req: ResourceRequest): string {
  if (req.name === undefined) throw new KubeHttpError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
  return req.name;
}

function get(req: ResourceRequest, name: string): KubeObject {
  const obj = req.store.get(apiVersionOf(req.type), req.type.kind, name, req.type.namespaced ? req.namespace : undefined);
  if (!obj) throw notFound(req.type.plural, name, req.type.group);
  return obj;
}

/** Validates a request body as an object of this resource type, placed in the request's namespace. */
function bodyObject(req: ResourceRequest): KubeObject {
  const parsed = KubeObjectSchema.safeParse(req.body);
  if (!parsed.success) throw new KubeHttpError(400, "BadRequest", `invalid ${req.type.kind} object: ${parsed.error.issues[0]?.message ?? "malformed"}`);
  const obj = parsed.data;
  const expected = apiVersionOf(req.type);
  if ((obj.apiVersion && obj.apiVersion !== expected) || (obj.kind && obj.kind !== req.type.kind))
    throw new KubeHttpError(400, "BadRequest", `the body is a ${obj.apiVersion ?? "?"} ${obj.kind ?? "?"}, not a ${expected} ${req.type.kind}`);
  const name = obj.metadata.name ?? (obj.metadata.generateName ? `${obj.metadata.generateName}${Math.random().toString(36).slice(2, 7)}` : undefined);
  if (!name) throw new KubeHttpError(422, "Invalid", `${req.type.kind} is invalid: metadata.name: Required value: name or generateName is required`);
  if (req.type.namespaced && obj.metadata.namespace && req.namespace && obj.metadata.namespace !== req.namespace)
    throw new KubeHttpError(400, "BadRequest", `the namespace of the provided object does not match the namespace sent on the request`);
  const namespace = req.type.namespaced ? (req.namespace ?? obj.metadata.namespace ?? "default") : undefined;
  const metadata = { ...obj.metadata, name, ...(namespace ? { namespace } : {}) };
  delete (metadata as { generateName?: string }).generateName;
  if (!req.type.namespaced) delete (metadata as { namespace?: string }).namespace;
  return { ...obj, apiVersion: expected, kind: req.type.kind, metadata } as KubeObject;
}

/** POST pods/<name>/eviction with a policy/v1 Eviction body (eviction.go EvictionREST.Create). */
function handleEviction(req: ResourceRequest, name: string): Reply {
  if (req.method !== "POST") throw new KubeHttpError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
  const body = (req.body ?? {}) as { kind?: string; metadata?: { name?: string; namespace?: string } };
  if (body.kind !== undefined && body.kind !== "Eviction") throw new KubeHttpError(400, "BadRequest", `the body is a ${body.kind}, not an Eviction`);
  if (body.metadata?.name !== undefined && body.metadata.name !== name)
    throw new KubeHttpError(400, "BadRequest", `name in URL does not match name in Eviction object`);
  evictPod(req.store, req.namespace ?? "default", name);
  return { status: 201, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } };
}

export function handleResource(req: ResourceRequest): Reply {
  const { type } = req;
  if (req.subresource === "eviction" && req.name !== undefined) return handleEviction(req, req.name);
  const apiVersion = apiVersionOf(type);
  const namespace = type.namespaced ? req.namespace : undefined;
  switch (req.method) {
    case "GET": {
      if (req.name !== undefined) return { status: 200, body: output(req, [get(req, req.name)], true) };
      const byLabel = labelSelector(req.query.get("labelSelector"));
      const byField = fieldSelector(req.query.get("fieldSelector"));
      const list = () => req.store.list(apiVersion, type.kind, namespace).filter((o) => byLabel(o) && byField(o));
      if (req.query.get("watch") === "true" || req.query.get("watch") === "1") {
        const table = wantsTable(req.accept);
        const timeout = Number(req.query.get("timeoutSeconds"));
        return {
          kind: "watch",
          list,
          sinceResourceVersion: req.query.get("resourceVersion") ?? undefined,
          timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
          present: (obj, first) => {
            if (!table) return withIdentity(obj, type);
            // As the real server does, only the first event of a watch carries the column definitions.
            const t = renderTable(type.kind, [obj], { resourceVersion: obj.metadata.resourceVersion ?? "1", includeObject: req.query.get("includeObject"), now: req.now });
            return first ? t : { ...t, columnDefinitions: [] };
          },
        };
      }
      return { status: 200, body: output(req, list(), false) };
    }
    case "POST": {
      if (req.name !== undefined) throw new KubeHttpError(405, "MethodNotAllowed", "POST is only allowed on collections");
      const obj = bodyObject(req);
      if (req.store.get(apiVersion, type.kind, obj.metadata.name, obj.metadata.namespace))
        throw new KubeHttpError(409, "AlreadyExists", `${type.plural} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: type.plural });
      return { status: 201, body: req.store.upsert(obj) };
    }
    case "PUT": {
      const name = requireName(req);
      const existing = get(req, name);
      const obj = bodyObject(req);
      if (obj.metadata.name !== name) throw new KubeHttpError(400, "BadRequest", `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      const sent = obj.metadata.resourceVersion;
      if (sent && sent !== existing.metadata.resourceVersion)
        throw new KubeHttpError(409, "Conflict", `Operation cannot be fulfilled on ${type.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      return { status: 200, body: req.store.upsert(obj) };
    }
    case "PATCH": {
      const name = requireName(req);
      const ct = req.contentType.split(";")[0].trim();
      if (ct !== "application/merge-patch+json" && ct !== "application/strategic-merge-patch+json")
        throw new KubeHttpError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json`);
      const existing = get(req, name);
      const patched = mergePatch(existing, req.body) as KubeObject;
      // Identity fields are not patchable.
      patched.apiVersion = existing.apiVersion;
      patched.kind = existing.kind;
      patched.metadata = { ...patched.metadata, name: existing.metadata.name, ...(namespace ? { namespace } : {}) };
      return { status: 200, body: req.store.upsert(patched) };
    }
    case "DELETE": {
      const name = requireName(req);
      const existing = get(req, name);
      req.store.delete(apiVersion, type.kind, name, namespace);
      return { status: 200, body: existing };
    }
    default:
      throw new KubeHttpError(405, "MethodNotAllowed", `method ${req.method} is not supported`);
  }
}
