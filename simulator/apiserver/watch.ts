// Watches (?watch=true) for `kubectl get -w`, `kubectl wait` and `kubectl rollout status`. The store has
// no change feed, so a watch polls its filtered list and turns differences into ADDED / MODIFIED /
// DELETED events, streamed as newline-delimited JSON like the real API server's watch.
import type { ServerResponse } from "http";
import type { KubeObject } from "../contracts";

export interface WatchSpec {
  /** The current matching objects (selectors applied). */
  list(): KubeObject[];
  /** resourceVersion the client already has; undefined or "0" = send the current state as ADDED first. */
  sinceResourceVersion?: string;
  /** Wraps each event's object (a Table row for `kubectl get -w`); `first` is true for the first event. */
  present(obj: KubeObject, first: boolean): unknown;
  timeoutMs: number;
  pollMs: number;
}

function key(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}

/** Streams events until the timeout, the client leaving, or the returned stop function. */
export function serveWatch(res: ServerResponse, spec: WatchSpec, onEnd: () => void): () => void {
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  const seen = new Map<string, KubeObject>();
  let first = true;
  const send = (type: "ADDED" | "MODIFIED" | "DELETED", obj: KubeObject) => {
    res.write(JSON.stringify({ type, object: spec.present(obj, first) }) + "\n");
    first = false;
  };
  const since = Number(spec.sinceResourceVersion ?? "0") || 0;
  for (const obj of spec.list()) {
    seen.set(key(obj), obj);
    const rv = Number(obj.metadata.resourceVersion ?? "0");
    if (since === 0) send("ADDED", obj);
    else if (rv > since) send("MODIFIED", obj);
  }
  const poll = () => {
    const current = new Map(spec.list().map((o) => [key(o), o]));
    for (const [k, obj] of current) {
      const before = seen.get(k);
      if (!before) send("ADDED", obj);
      else if (before.metadata.resourceVersion !== obj.metadata.resourceVersion) send("MODIFIED", obj);
    }
    for (const [k, obj] of seen) if (!current.has(k)) send("DELETED", obj);
    seen.clear();
    for (const [k, obj] of current) seen.set(k, obj);
  };
  const timer = setInterval(poll, spec.pollMs);
  const deadline = setTimeout(() => stop(), spec.timeoutMs);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    clearTimeout(deadline);
    if (!res.writableEnded) res.end();
    onEnd();
  };
  res.on("close", stop);
  return stop;
}
