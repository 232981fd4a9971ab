// Kubernetes `Status` bodies for errors, and an error type the handlers throw to produce them.

export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason: string; message: string; field?: string }> };
  code: number;
}

export class KubeHttpError extends Error {
  constructor(
    public readonly code: number,
    public readonly reason: string,
    message: string,
    public readonly details?: StatusBody["details"],
  ) {
    super(message);
    this.name = "KubeHttpError";
  }

  toStatus(): StatusBody {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusBody["details"]): StatusBody {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

export const UNAUTHORIZED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 } as const;

export function notFound(plural: string, name: string, group = ""): KubeHttpError {
  const resource = group ? `${plural}.${group}` : plural;
  return new KubeHttpError(404, "NotFound", `${resource} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural });
}
