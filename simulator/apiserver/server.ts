// The per-cluster Kubernetes API endpoint: HTTPS with the cluster's serving certificate, mTLS client
// authentication against the cluster CA, and the read/write subset of the API in handlers.ts.
import { createServer, type Server } from "https";
import type { IncomingMessage, ServerResponse } from "http";
import type { AddressInfo } from "net";
import type { TLSSocket } from "tls";
import type { KubeClusterView } from "../contracts";
import { anonymousAllowed, authenticate } from "./auth";
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from "./discovery";
import { handleResource, type Reply } from "./handlers";
import { openApiV3Document, openApiV3Index } from "./openapi";
import { serveWatch } from "./watch";
import { parseRoute } from "./routes";
import { KubeHttpError, UNAUTHORIZED, failureStatus } from "./status";

export interface ApiServerOptions {
  /** Listen address; default 127.0.0.1. The port is always chosen by the OS. */
  host?: string;
}

export interface ApiServerHandle {
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new KubeHttpError(413, "RequestEntityTooLarge", "the request body is too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new KubeHttpError(400, "BadRequest", "the request body is not valid JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private" });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), "X-Content-Type-Options": "nosniff" });
  res.end(text);
}

function health(view: KubeClusterView, check: string, verbose: boolean): { status: number; text: string } {
  const healthy = view.healthy();
  if (healthy && !verbose) return { status: 200, text: "ok" };
  const lines = ["[+]ping ok", "[+]log ok", healthy ? "[+]etcd ok" : "[-]etcd failed: reason withheld"];
  if (check === "readyz") lines.push(healthy ? "[+]informer-sync ok" : "[-]informer-sync failed: reason withheld");
  lines.push(healthy ? `${check} check passed` : `${check} check failed`);
  return { status: healthy ? 200 : 500, text: lines.join("\n") + "\n" };
}

/** Watches end after this long unless the client asks for less (timeoutSeconds), as kube-apiserver's min-request-timeout does. */
const DEFAULT_WATCH_TIMEOUT_MS = 30 * 60_000;
const WATCH_POLL_MS = 100;

interface ServerState {
  serverAddress: string;
  watches: Set<() => void>;
}

async function respond(view: KubeClusterView, req: IncomingMessage, res: ServerResponse, state: ServerState): Promise<void> {
  const serverAddress = state.serverAddress;
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "https://apiserver.invalid");
  const path = url.pathname;
  const user = authenticate(req.socket as TLSSocket, view.now?.());
  if (!user && !anonymousAllowed(method, path)) {
    sendJson(res, 401, UNAUTHORIZED);
    return;
  }
  const body = parseJsonBody(await readBody(req));
  const route = parseRoute(path);
  let reply: Reply;
  switch (route.kind) {
    case "version":
      reply = { status: 200, body: versionInfo(view.gitVersion()) };
      break;
    case "health": {
      const h = health(view, route.check, url.searchParams.has("verbose"));
      sendText(res, h.status, h.text);
      return;
    }
    case "api":
      reply = { status: 200, body: apiVersions(serverAddress) };
      break;
    case "apis":
      reply = { status: 200, body: apiGroupList() };
      break;
    case "group":
    case "resourceList": {
      const doc = route.kind === "group" ? apiGroup(route.group) : apiResourceList(route.group, route.version);
      if (doc === undefined) throw new KubeHttpError(404, "NotFound", `the server could not find the requested resource`);
      reply = { status: 200, body: doc };
      break;
    }
    case "openapiIndex":
      reply = { status: 200, body: openApiV3Index() };
      break;
    case "openapi": {
      const doc = openApiV3Document(route.group, route.version);
      if (doc === undefined) throw new KubeHttpError(404, "NotFound", `the server could not find the requested resource`);
      reply = { status: 200, body: doc };
      break;
    }
    case "resource":
      reply = handleResource({
        method,
        type: route.type,
        namespace: route.namespace,
        name: route.name,
        subresource: route.subresource,
        query: url.searchParams,
        accept: req.headers.accept ?? "application/json",
        contentType: req.headers["content-type"] ?? "application/json",
        body,
        store: view.store,
        now: Date.now(),
      });
      if (method !== "GET" && reply.kind !== "watch") view.changed?.();
      break;
  }
  if (reply.kind === "watch") {
    const stop = serveWatch(
      res,
      {
        list: reply.list,
        sinceResourceVersion: reply.sinceResourceVersion,
        present: reply.present,
        timeoutMs: reply.timeoutSeconds !== undefined ? reply.timeoutSeconds * 1000 : DEFAULT_WATCH_TIMEOUT_MS,
        pollMs: WATCH_POLL_MS,
      },
      () => state.watches.delete(stop),
    );
    state.watches.add(stop);
    return;
  }
  sendJson(res, reply.status, reply.body);
}

export async function startApiServer(view: KubeClusterView, opts: ApiServerOptions = {}): Promise<ApiServerHandle> {
  const host = opts.host ?? "127.0.0.1";
  const state: ServerState = { serverAddress: `${host}:6443`, watches: new Set() };
  const server: Server = createServer(
    {
      key: view.tls.serverKeyPem,
      cert: view.tls.serverCertPem,
      // The CA both validates client certificates and is advertised in the CertificateRequest.
      ca: view.tls.caCertPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      respond(view, req, res, state).catch((err: unknown) => {
        const status = err instanceof KubeHttpError ? err.toStatus() : failureStatus(500, "InternalError", "an error on the server has prevented the request from succeeding");
        if (!res.headersSent) sendJson(res, status.code, status);
        else res.destroy();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  state.serverAddress = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stop of [...state.watches]) stop();
        // kubectl keeps connections alive; cut them so close() does not wait for idle timeouts.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
