import { randomUUID } from "crypto";
import type { KubeObject, KubeStore } from "../contracts";

/** In-memory object store of one simulated cluster. Objects are deep-copied in and out. */
export class MemoryKubeStore implements KubeStore {
  private readonly objects = new Map<string, KubeObject>();
  private revision = 1;

  private static key(apiVersion: string, kind: string, name: string, namespace?: string): string {
    return `${apiVersion}|${kind}|${namespace ?? ""}|${name}`;
  }

  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.objects.values()) {
      if (obj.apiVersion !== apiVersion || obj.kind !== kind) continue;
      if (namespace !== undefined && obj.metadata.namespace !== namespace) continue;
      out.push(structuredClone(obj));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace ?? ""}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ""}/${b.metadata.name}`),
    );
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined {
    const obj = this.objects.get(MemoryKubeStore.key(apiVersion, kind, name, namespace));
    return obj ? structuredClone(obj) : undefined;
  }

  upsert(obj: KubeObject): KubeObject {
    const key = MemoryKubeStore.key(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace);
    const previous = this.objects.get(key);
    const stored = structuredClone(obj);
    stored.metadata.uid = previous?.metadata.uid ?? stored.metadata.uid ?? randomUUID();
    stored.metadata.creationTimestamp =
      previous?.metadata.creationTimestamp ?? stored.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
    stored.metadata.resourceVersion = String(++this.revision);
    this.objects.set(key, stored);
    return structuredClone(stored);
  }

  delete(apiVersion: string, kind: string, name: string, namespace?: string): boolean {
    return this.objects.delete(MemoryKubeStore.key(apiVersion, kind, name, namespace));
  }
}
