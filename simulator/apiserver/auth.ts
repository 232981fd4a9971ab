// Who is calling: a client certificate that chains to the cluster CA gives the user (CN) and groups (O),
// as kube-apiserver's x509 authenticator does. Anything else is anonymous, which may only read the
// health and version endpoints and the public cluster-info ConfigMap.
import type { TLSSocket } from "tls";

export interface KubeUser {
  name: string;
  groups: string[];
}

export const ANONYMOUS: KubeUser = { name: "system:anonymous", groups: ["system:unauthenticated"] };

const ANONYMOUS_PATHS = [/^\/version\/?$/, /^\/(healthz|livez|readyz)(\/.*)?$/, /^\/api\/v1\/namespaces\/kube-public\/configmaps\/cluster-info$/];

export function anonymousAllowed(method: string, path: string): boolean {
  return method === "GET" && ANONYMOUS_PATHS.some((re) => re.test(path));
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The user behind the TLS connection, or null. The server is configured with the cluster CA as `ca`,
 * so node's own chain validation (signature, validity dates) decides `authorized`.
 */
export function authenticate(socket: TLSSocket, nowMs?: number): KubeUser | null {
  if (!socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return null;
  // The x509 authenticator verifies against the server's clock: in the simulator that is clock.now(),
  // which tests move forward, so a certificate can expire although the wall clock says it has not.
  if (nowMs !== undefined && cert.valid_to && Date.parse(cert.valid_to) < nowMs) return null;
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const [name] = asList(subject.CN);
  if (!name) return null;
  return { name, groups: [...asList(subject.O), "system:authenticated"] };
}
