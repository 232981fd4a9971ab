// Connection inputs shared by every resource. Credentials come from inputs, then from the
// CLOUDSTACK_API_URL / CLOUDSTACK_API_KEY / CLOUDSTACK_SECRET_KEY environment variables, and are stored
// in the outputs (secretKey as a secret) so that delete and refresh work in a later run without env.
import { z } from "zod";

export const connectionShape = {
  apiUrl: z.url({ error: "must be the CloudStack API URL, e.g. https://cloud.example.com/client/api" }).optional(),
  apiKey: z.string().min(1).optional(),
  secretKey: z.string().min(1).optional(),
  insecure: z.boolean().optional(),
  caBundle: z.string().min(1).optional(),
};

export const ConnectionInputs = z.object(connectionShape);
export type ConnectionInputs = z.infer<typeof ConnectionInputs>;

export const CONNECTION_KEYS = Object.keys(connectionShape) as (keyof ConnectionInputs)[];

export interface ResolvedConnection {
  apiUrl: string;
  apiKey: string;
  secretKey: string;
  insecure?: boolean;
  caBundle?: string;
}

/** Inputs first, then env; throws naming every missing input and its environment variable. */
export function resolveConnection(source: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  const parsed = ConnectionInputs.partial().safeParse(pick(source));
  const given: Partial<ConnectionInputs> = parsed.success ? parsed.data : {};
  const apiUrl = given.apiUrl ?? env.CLOUDSTACK_API_URL;
  const apiKey = given.apiKey ?? env.CLOUDSTACK_API_KEY;
  const secretKey = given.secretKey ?? env.CLOUDSTACK_SECRET_KEY;
  const missing: string[] = [];
  if (!apiUrl) missing.push("apiUrl (or CLOUDSTACK_API_URL)");
  if (!apiKey) missing.push("apiKey (or CLOUDSTACK_API_KEY)");
  if (!secretKey) missing.push("secretKey (or CLOUDSTACK_SECRET_KEY)");
  if (!apiUrl || !apiKey || !secretKey) {
    throw new Error(`CloudStack credentials missing: set ${missing.join(", ")}`);
  }
  const out: ResolvedConnection = { apiUrl, apiKey, secretKey };
  if (given.insecure !== undefined) out.insecure = given.insecure;
  if (given.caBundle !== undefined) out.caBundle = given.caBundle;
  return out;
}

function pick(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONNECTION_KEYS) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
