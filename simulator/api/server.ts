// The simulator's HTTP listener: the CloudStack API at /client/api, the binaries ISOs at /isos/, and
// admin endpoints at /admin/ (audit, faults) guarded by the root admin's API key.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import type { FaultController } from "../faults";
import { FaultSpecError } from "../faults";
import type { AuditFilter, AuditLog } from "../audit";
import type { ApiFront } from "./front";
import { BodyTooLargeError, mergeParams, readBody } from "./requestParams";
import { handleAdminNodes, type AdminNodeDeps } from "./adminNodes";

export interface IsoFile {
  version: string;
  fileName: string;
  path: string;
  sha256: string;
  size: number;
  /** "cks": built as CloudStack's create-kubernetes-binaries-iso.sh builds it (no manifest.json). */
  layout?: "manifest" | "cks";
}

export interface ApiServerOptions {
  front: ApiFront;
  audit: AuditLog;
  faults: FaultController;
  isos: IsoFile[];
  /** The root admin's API key: required as X-Sim-Admin-Key on /admin/ endpoints. */
  adminApiKey: string;
  host?: string;
  port?: number;
  log?: (message: string) => void;
  /** Node services and the clock, for POST /admin/nodes/<vm>/services/<unit> and /admin/clock (adminNodes.ts). */
  adminNodes?: AdminNodeDeps;
}

export interface ApiServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port/client/api */
  readonly apiUrl: string;
  /** http://host:port/isos/ */
  readonly isoBaseUrl: string;
  isoIndex(): Array<{ version: string; url: string; sha256: string; layout: "manifest" | "cks" }>;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sameKey(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? "127.0.0.1";
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const byFile = new Map(options.isos.map((iso) => [iso.fileName, iso]));
  let base = "";

  const isoIndex = (): Array<{ version: string; url: string; sha256: string; layout: "manifest" | "cks" }> =>
    options.isos.map((iso) => ({ version: iso.version, url: `${base}/isos/${encodeURIComponent(iso.fileName)}`, sha256: iso.sha256, layout: iso.layout ?? "manifest" }));

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, query: string): Promise<void> {
    if (req.method !== "GET" && req.method !== "POST") {
      sendJson(res, 405, { errorresponse: { uuidList: [], errorcode: 405, errortext: `Method ${req.method} not allowed` } });
      return;
    }
    const contentType = String(req.headers["content-type"] ?? "");
    let body = "";
    if (req.method === "POST") {
      const raw = await readBody(req);
      // Only form bodies carry parameters; other bodies are ignored like the servlet does.
      if (contentType === "" || contentType.startsWith("application/x-www-form-urlencoded")) body = raw.toString("utf8");
    }
    const reply = await options.front.handle({ method: req.method, params: mergeParams(query, body) });
    sendJson(res, reply.status, reply.body);
  }

  function handleIsos(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: "method not allowed" });
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(pathname.slice("/isos/".length));
    } catch {
      name = "\u0000"; // undecodable: matches no file
    }
    if (name === "") {
      sendJson(res, 200, isoIndex());
      return;
    }
    const iso = byFile.get(name);
    if (!iso) {
      sendJson(res, 404, { error: `no such ISO: ${name}` });
      return;
    }
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": iso.size });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    fs.createReadStream(iso.path)
      .on("error", () => res.destroy())
      .pipe(res);
  }

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, query: URLSearchParams): Promise<void> {
    const key = req.headers["x-sim-admin-key"];
    if (!sameKey(typeof key === "string" ? key : undefined, options.adminApiKey)) {
      sendJson(res, 401, { error: "admin endpoints need the root admin's API key in X-Sim-Admin-Key" });
      return;
    }
    if (pathname === "/admin/audit" && req.method === "GET") {
      const filter: AuditFilter = {};
      const kind = query.get("kind");
      if (kind === "api" || kind === "job" || kind === "node") filter.kind = kind;
      for (const field of ["command", "jobid", "node"] as const) {
        const value = query.get(field);
        if (value) filter[field] = value;
      }
      sendJson(res, 200, options.audit.records(filter));
      return;
    }
    if (pathname === "/admin/faults") {
      if (req.method === "GET") {
        sendJson(res, 200, options.faults.state());
        return;
      }
      if (req.method === "POST" || req.method === "PUT") {
        const text = (await readBody(req)).toString("utf8");
        try {
          options.faults.set(text);
        } catch (err) {
          if (err instanceof FaultSpecError) {
            sendJson(res, 400, { error: err.message });
            return;
          }
          throw err;
        }
        sendJson(res, 200, options.faults.state());
        return;
      }
      if (req.method === "DELETE") {
        options.faults.clear();
        sendJson(res, 200, options.faults.state());
        return;
      }
    }
    if (await handleAdminNodes(options.adminNodes ?? {}, req, pathname, (status, body) => sendJson(res, status, body))) return;
    sendJson(res, 404, { error: `no admin endpoint ${req.method} ${pathname}` });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = async (): Promise<void> => {
      if (url.pathname === "/client/api" || url.pathname === "/client/api/") return handleApi(req, res, url.search);
      if (url.pathname === "/isos" || url.pathname.startsWith("/isos/")) return handleIsos(req, res, url.pathname === "/isos" ? "/isos/" : url.pathname);
      if (url.pathname.startsWith("/admin/")) return handleAdmin(req, res, url.pathname, url.searchParams);
      sendJson(res, 404, { error: `not found: ${url.pathname}` });
    };
    route().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: err.message });
        return;
      }
      options.log?.(`HTTP handler error on ${url.pathname}: ${err instanceof Error ? err.message : String(err)}`);
      sendJson(res, 500, { error: "internal simulator error" });
    });
  });
  // Keep-alive sockets would hold close() open; the simulator's clients are short-lived anyway.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  base = `http://${urlHost}:${port}`;

  return {
    host,
    port,
    apiUrl: `${base}/client/api`,
    isoBaseUrl: `${base}/isos/`,
    isoIndex,
    close: () => {
      // Idempotent: the assembler closes the server first on stop and again in its cleanup list.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
