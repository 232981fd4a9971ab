// Decodes a request's parameters as CloudStack's servlet sees them: query string first, then the
// x-www-form-urlencoded body; a repeated name keeps its first value; names stay as sent.
import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function mergeParams(query: string, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [query, body]) {
    for (const [name, value] of new URLSearchParams(source)) {
      if (!(name in out)) out[name] = value;
    }
  }
  return out;
}
