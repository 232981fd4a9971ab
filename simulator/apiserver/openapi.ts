// A minimal OpenAPI v3 surface: just enough for kubectl apply/create to learn that the server does
// field validation itself (a `fieldValidation` query parameter on each kind's PATCH operation), so it
// skips client-side schema validation, which would need the full protobuf OpenAPI v2 document.
// Schemas are deliberately absent: kubectl then builds strategic merge patches from its own types.
import { createHash } from "crypto";
import { RESOURCE_TYPES, servedGroups } from "./resources";

/** "api/v1" or "apis/apps/v1". */
function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

export function openApiV3Document(group: string, version: string): unknown | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const base = `/${gvPath(group, version)}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.namespaced ? "Namespaced" : ""}${t.kind}`,
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group, version, kind: t.kind },
        parameters: [
          { name: "dryRun", in: "query", schema: { type: "string" } },
          { name: "fieldManager", in: "query", schema: { type: "string" } },
          { name: "fieldValidation", in: "query", schema: { type: "string" } },
          { name: "force", in: "query", schema: { type: "boolean" } },
        ],
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "unversioned" }, paths, components: { schemas: {} } };
}

export function openApiV3Index(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of servedGroups()) {
    for (const version of versions) {
      const hash = createHash("sha512").update(JSON.stringify(openApiV3Document(group, version))).digest("hex").slice(0, 128).toUpperCase();
      paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
    }
  }
  return { paths };
}
