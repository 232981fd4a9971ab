// One HTTP exchange with the API endpoint over node:http / node:https, with a per-request timeout,
// an AbortSignal, and a record of whether the request may have reached the server (which decides
// whether a state-changing command may be retried).
import * as http from "node:http";
import * as https from "node:https";
import { watchAbort } from "./abort";

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpExchange {
  method: "GET" | "POST";
  /** Full URL including the query string for GET. */
  url: URL;
  /** x-www-form-urlencoded body for POST. */
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  agent: http.Agent;
}

/** No answer was received. `maybeSent` = the server may have seen (and executed) the request. */
export class HttpTransportError extends Error {
  constructor(
    public readonly code: string,
    public readonly maybeSent: boolean,
    detail: string,
  ) {
    super(detail);
    this.name = "HttpTransportError";
  }
}

/** Thrown when the exchange was cut short by the AbortSignal. */
export class HttpAbortedError extends Error {
  constructor() {
    super("request aborted");
    this.name = "AbortError";
  }
}

/** Failures that happen before any byte of the request can have been delivered. */
const NEVER_DELIVERED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Responses larger than this are refused: no CloudStack answer we use comes close. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Idle keep-alive sockets are closed after this long. A server that closes an idle connection just as
 * we reuse it makes the request fail with ECONNRESET, which a state-changing command must not retry;
 * keeping idle sockets well under common server idle timeouts (Jetty: 30 s) avoids that race, while
 * job polling and paging still reuse their connection.
 */
const IDLE_SOCKET_MS = 2_000;

export function createAgent(url: URL, tls: { caBundle?: string; insecure?: boolean }): http.Agent {
  if (url.protocol === "http:") return new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
  return new https.Agent({
    keepAlive: true,
    timeout: IDLE_SOCKET_MS,
    // TLS is verified unless the caller explicitly opted out; `ca` replaces the default roots.
    rejectUnauthorized: tls.insecure !== true,
    ...(tls.caBundle ? { ca: tls.caBundle } : {}),
  });
}

export function sendHttp(exchange: HttpExchange): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    if (exchange.signal?.aborted) {
      reject(new HttpAbortedError());
      return;
    }
    const transport = exchange.url.protocol === "https:" ? https : http;
    const headers: http.OutgoingHttpHeaders = { accept: "application/json" };
    if (exchange.body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded; charset=UTF-8";
      headers["content-length"] = Buffer.byteLength(exchange.body);
    }
    let connected = false;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      stopWatching();
      fn();
    };
    const req = transport.request(exchange.url, { method: exchange.method, agent: exchange.agent, headers });
    const onAbort = (): void => {
      req.destroy();
      finish(() => reject(new HttpAbortedError()));
    };
    const stopWatching = exchange.signal ? watchAbort(exchange.signal, onAbort) : () => undefined;

    req.on("socket", (socket) => {
      // A reused keep-alive socket is already connected.
      if (!socket.connecting) connected = true;
      else socket.once("connect", () => (connected = true));
    });
    req.setTimeout(exchange.timeoutMs, () => {
      const err = Object.assign(new Error(`no response within ${exchange.timeoutMs} ms`), { code: "ETIMEDOUT" });
      req.destroy(err);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "EUNKNOWN";
      const maybeSent = connected || !NEVER_DELIVERED.has(code);
      finish(() => reject(new HttpTransportError(code, maybeSent, err.message)));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(Object.assign(new Error("response body too large"), { code: "ETOOLARGE" }));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () =>
        finish(() =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        ),
      );
      res.on("error", (err: NodeJS.ErrnoException) =>
        finish(() => reject(new HttpTransportError(err.code ?? "ECONNRESET", true, err.message))),
      );
    });
    req.end(exchange.body);
  });
}
