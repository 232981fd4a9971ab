// A tiny CloudStack stand-in for the client tests (not the simulator): it verifies every request's
// signature with its own implementation of the rules, records requests, and answers with whatever
// the test's handler says.
import { createHmac, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

export const TEST_API_KEY = "test-api-key-Ab9";
export const TEST_SECRET = "test-secret-Zq7~x/y+z=";

export interface RecordedRequest {
  method: string;
  contentType: string | undefined;
  /** Names as sent (decoded), values decoded. */
  params: Record<string, string>;
  /** Raw query string of the URL. */
  rawQuery: string;
  rawBody: string;
  command: string;
}

export type Reply =
  | { status?: number; body: unknown; headers?: Record<string, string> }
  /** Destroy the socket after reading the request: the client gets ECONNRESET with no answer. */
  | "reset";

export type Handler = (req: RecordedRequest, nth: number) => Reply | Promise<Reply>;

/** Java URLEncoder + "%20" for space, from the rules, independent of the client's encoder. */
function javaEncode(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (byte === 0x20) out += "%20";
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

export function verifySignature(params: Record<string, string>, secret: string): boolean {
  const given = Object.entries(params).find(([k]) => k.toLowerCase() === "signature")?.[1];
  if (!given) return false;
  const canonical = Object.keys(params)
    .filter((k) => k.toLowerCase() !== "signature")
    .sort()
    .map((k) => `${k}=${javaEncode(params[k]!)}`)
    .join("&")
    .toLowerCase();
  const expected = createHmac("sha1", secret).update(canonical).digest();
  const actual = Buffer.from(given, "base64");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function expiresValid(params: Record<string, string>): boolean {
  if (params.signatureversion !== "3") return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+0000$/.exec(params.expires ?? "");
  if (!m) return false;
  const at = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return at > Date.now() && at <= Date.now() + 15 * 60_000;
}

function decodeForm(text: string, into: Record<string, string>): void {
  for (const [k, v] of new URLSearchParams(text)) if (!(k in into)) into[k] = v;
}

export class FakeCloudStack {
  readonly requests: RecordedRequest[] = [];
  handler: Handler = () => ({ status: 432, body: { errorresponse: { errorcode: 432, errortext: "no handler" } } });
  private server!: http.Server;
  private perCommand = new Map<string, number>();

  static async start(tls?: { cert: string; key: string }): Promise<FakeCloudStack> {
    const fake = new FakeCloudStack();
    fake.server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, fake.serve) : http.createServer(fake.serve);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    const scheme = this.server instanceof https.Server ? "https" : "http";
    return `${scheme}://${address}:${port}/client/api`;
  }

  calls(command: string): RecordedRequest[] {
    return this.requests.filter((r) => r.command === command);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void this.answer(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  };

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, rawBody: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const params: Record<string, string> = {};
    // Like ApiServlet: query string and form body merged; the first value of a name wins.
    decodeForm(url.search.slice(1), params);
    if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) decodeForm(rawBody, params);
    const command = params.command ?? "";
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      contentType: req.headers["content-type"],
      params,
      rawQuery: url.search.slice(1),
      rawBody,
      command,
    };
    this.requests.push(recorded);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
      res.end(text);
    };
    if (params.apikey !== TEST_API_KEY || !expiresValid(params) || !verifySignature(params, TEST_SECRET) || params.response !== "json") {
      send(401, {
        [`${command.toLowerCase()}response`]: { uuidList: [], errorcode: 401, errortext: "unable to verify user credentials and/or request signature" },
      });
      return;
    }
    const nth = (this.perCommand.get(command) ?? 0) + 1;
    this.perCommand.set(command, nth);
    const reply = await this.handler(recorded, nth);
    if (reply === "reset") {
      req.socket.destroy();
      return;
    }
    send(reply.status ?? 200, reply.body, reply.headers);
  };
}

/** `{ "<cmd>response": inner }` */
export function envelope(command: string, inner: unknown): { body: unknown } {
  return { body: { [`${command.toLowerCase()}response`]: inner } };
}

export function errorReply(command: string, code: number, text: string, cserrorcode = 4350): Reply {
  return { status: code, body: { [`${command.toLowerCase()}response`]: { uuidList: [], errorcode: code, cserrorcode, errortext: text } } };
}
