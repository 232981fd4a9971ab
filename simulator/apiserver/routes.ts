// URL path → what is being asked for.
import { findResourceType, type ResourceType } from "./resources";
import { KubeHttpError } from "./status";

export type Route =
  | { kind: "version" }
  | { kind: "health"; check: string }
  | { kind: "api" }
  | { kind: "apis" }
  | { kind: "group"; group: string }
  | { kind: "resourceList"; group: string; version: string }
  | { kind: "openapiIndex" }
  | { kind: "openapi"; group: string; version: string }
  | { kind: "resource"; type: ResourceType; namespace?: string; name?: string; subresource?: string };

function notFoundPath(path: string): KubeHttpError {
  return new KubeHttpError(404, "NotFound", `the server could not find the requested resource (${path})`);
}

function resourceRoute(group: string, version: string, rest: string[], path: string): Route {
  if (rest.length === 0) return { kind: "resourceList", group, version };
  let namespace: string | undefined;
  let parts = rest;
  // /namespaces/{ns}/{plural}/... is a namespaced request; /namespaces/{ns} alone is the Namespace object.
  if (parts[0] === "namespaces" && parts.length >= 3) {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  const [plural, name, subresource, ...extra] = parts;
  const type = findResourceType(group, version, plural);
  if (!type || extra.length > 0) throw notFoundPath(path);
  if (namespace !== undefined && !type.namespaced) throw notFoundPath(path);
  // pods/<name>/eviction is the eviction subresource (pkg/registry/core/pod/storage/eviction.go).
  if (subresource !== undefined && subresource !== "status" && !(subresource === "eviction" && type.kind === "Pod" && name !== undefined)) throw notFoundPath(path);
  return { kind: "resource", type, namespace, name, subresource };
}

export function parseRoute(path: string): Route {
  const segments = path.split("/").filter((s) => s.length > 0).map(decodeURIComponent);
  const [head, ...rest] = segments;
  if (head === "version" && rest.length === 0) return { kind: "version" };
  if ((head === "healthz" || head === "livez" || head === "readyz") && rest.length <= 1) return { kind: "health", check: head };
  if (head === "api") {
    if (rest.length === 0) return { kind: "api" };
    if (rest[0] !== "v1") throw notFoundPath(path);
    return resourceRoute("", "v1", rest.slice(1), path);
  }
  if (head === "openapi" && rest[0] === "v3") {
    if (rest.length === 1) return { kind: "openapiIndex" };
    if (rest[1] === "api" && rest.length === 3) return { kind: "openapi", group: "", version: rest[2] };
    if (rest[1] === "apis" && rest.length === 4) return { kind: "openapi", group: rest[2], version: rest[3] };
    throw notFoundPath(path);
  }
  if (head === "apis") {
    if (rest.length === 0) return { kind: "apis" };
    if (rest.length === 1) return { kind: "group", group: rest[0] };
    return resourceRoute(rest[0], rest[1], rest.slice(2), path);
  }
  throw notFoundPath(path);
}
