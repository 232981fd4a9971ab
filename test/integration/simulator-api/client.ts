// A minimal signing client for the tests, written from reference §1 (not from the simulator's code).
import { createHmac } from "node:crypto";

const enc = (v: string): string => encodeURIComponent(v).replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

export function sign(params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k.toLowerCase() !== "signature")
    .sort()
    .map((k) => `${k}=${enc(params[k])}`)
    .join("&")
    .toLowerCase();
  return createHmac("sha1", secret).update(canonical, "utf8").digest("base64");
}

export interface CallResult {
  status: number;
  body: Record<string, any>;
}

export interface CallOptions {
  method?: "GET" | "POST";
  /** Mutate the signed parameters before sending (to break signatures). */
  tamper?: (params: Record<string, string>) => void;
  unsigned?: boolean;
}

export async function call(
  apiUrl: string,
  keys: { apiKey: string; secretKey: string },
  command: string,
  params: Record<string, string> = {},
  options: CallOptions = {},
): Promise<CallResult> {
  const all: Record<string, string> = { command, response: "json", apiKey: keys.apiKey, ...params };
  if (!options.unsigned) all.signature = sign(all, keys.secretKey);
  options.tamper?.(all);
  const form = new URLSearchParams(all).toString();
  const method = options.method ?? "GET";
  const res =
    method === "GET"
      ? await fetch(`${apiUrl}?${form}`)
      : await fetch(apiUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export async function waitForJob(apiUrl: string, keys: { apiKey: string; secretKey: string }, jobid: string): Promise<Record<string, any>> {
  for (let i = 0; i < 500; i++) {
    const r = await call(apiUrl, keys, "queryAsyncJobResult", { jobid });
    const job = r.body.queryasyncjobresultresponse;
    if (job.jobstatus !== 0) return job;
    await new Promise((res) => setTimeout(res, 5));
  }
  throw new Error(`job ${jobid} did not finish`);
}
