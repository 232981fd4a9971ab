// A minimal HTTPS client for the API server tests: optional client certificate, JSON in and out.
import { request } from "https";
import type { CertAndKey } from "./testPki";

export interface HttpReply {
  status: number;
  contentType: string;
  text: string;
  json(): any;
}

export function call(
  port: number,
  caPem: string,
  path: string,
  opts: { method?: string; client?: CertAndKey; accept?: string; body?: unknown; contentType?: string } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: opts.method ?? "GET",
        ca: caPem,
        cert: opts.client?.certPem,
        key: opts.client?.keyPem,
        agent: false,
        headers: {
          Accept: opts.accept ?? "application/json",
          ...(payload ? { "Content-Type": opts.contentType ?? "application/json", "Content-Length": payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Collects a watch stream's events into `into` until the server ends it. */
export function watchLines(port: number, caPem: string, client: CertAndKey, path: string, into: any[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, ca: caPem, cert: client.certPem, key: client.keyPem, agent: false }, (res) => {
      let buffer = "";
      res.on("data", (c: Buffer) => {
        buffer += c.toString();
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          into.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
      });
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end();
  });
}
