// How kubectl finds and authenticates to a cluster: --kubeconfig, $KUBECONFIG, then ~/.kube/config;
// the server must resolve through the fabric to a live API server, the CA must match it and the client
// certificate must be signed by the cluster CA.
import type { CommandIO, NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { KubeconfigError, resolveKubeconfig, splitServer } from "./kubeconfig";
import { locateCluster } from "./locate";
import { readAs } from "./nodeFacts";
import { certificateFacts, isSignedBy, sameCa } from "./pki";

export interface KubectlSession {
  cluster: KubeCluster;
  server: string;
  user: string;
  groups: string[];
  namespace: string;
}

const ADMIN_GROUPS = ["system:masters", "kubeadm:cluster-admins"];

function homeOf(io: CommandIO): string {
  return io.env.HOME ?? (io.user === "root" ? "/root" : `/home/${io.user}`);
}

function absolute(io: CommandIO, path: string): string {
  return path.startsWith("/") ? path : `${io.cwd.replace(/\/$/, "")}/${path}`;
}

function readKubeconfigFile(machine: NodeMachine, io: CommandIO, path: string): string | undefined {
  const read = readAs(machine, io.user, absolute(io, path));
  if (read.denied) throw new CommandFailure(`error: error loading config file "${path}": open ${path}: permission denied`);
  return read.data?.toString("utf8");
}

function findKubeconfig(machine: NodeMachine, io: CommandIO, flag: string | undefined): { path?: string; text?: string } {
  if (flag) {
    const text = readKubeconfigFile(machine, io, flag);
    if (text === undefined) throw new CommandFailure(`error: stat ${flag}: no such file or directory`);
    return { path: flag, text };
  }
  const candidates = io.env.KUBECONFIG ? io.env.KUBECONFIG.split(":").filter(Boolean) : [`${homeOf(io)}/.kube/config`];
  for (const path of candidates) {
    const text = readKubeconfigFile(machine, io, path);
    if (text !== undefined) return { path, text };
  }
  return {};
}

function refused(hostPort: string): CommandFailure {
  return new CommandFailure(`The connection to the server ${hostPort} was refused - did you specify the right host or port?`);
}

export async function openSession(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO, kubeconfigFlag: string | undefined, namespaceFlag: string | undefined): Promise<KubectlSession> {
  const found = findKubeconfig(machine, io, kubeconfigFlag);
  if (found.text === undefined) throw refused("localhost:8080");
  let cfg;
  try {
    cfg = resolveKubeconfig(found.text, (p) => readAs(machine, io.user, absolute(io, p)).data?.toString("utf8"));
  } catch (err) {
    if (err instanceof KubeconfigError) throw new CommandFailure(`error: ${err.message}`);
    throw err;
  }
  const server = splitServer(cfg.server);
  if (!server) throw new CommandFailure(`error: invalid server URL "${cfg.server}"`);
  const hostPort = `${server.host}:${server.port}`;
  const located = await locateCluster(ctx, machine.spec.vmId, server.host, server.port);
  if (located.kind === "refused") throw refused(hostPort);
  if (located.kind === "unknown") throw new CommandFailure(`Unable to connect to the server: ${located.detail}`);
  const cluster = located.cluster;
  if (!cfg.insecure && (!cfg.caCertPem || !sameCa(cfg.caCertPem, cluster.ca.certPem))) {
    throw new CommandFailure("Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority");
  }
  if (!cfg.clientCertPem || !cfg.clientKeyPem || !isSignedBy(cfg.clientCertPem, cluster.ca.certPem, new Date(machine.clock.now()))) {
    throw new CommandFailure("error: You must be logged in to the server (Unauthorized)");
  }
  const facts = certificateFacts(cfg.clientCertPem);
  return { cluster, server: cfg.server, user: facts.subjectCommonName, groups: facts.organizations, namespace: namespaceFlag ?? cfg.namespace ?? "default" };
}

/** Only cluster admins may do what kubectl is used for here; kubelets' and others' credentials are refused. */
export function authorize(session: KubectlSession, verb: string, resource: string, namespace?: string): void {
  if (session.groups.some((g) => ADMIN_GROUPS.includes(g))) return;
  const scope = namespace ? ` in the namespace "${namespace}"` : " at the cluster scope";
  throw new CommandFailure(`Error from server (Forbidden): ${resource} is forbidden: User "${session.user}" cannot ${verb} resource "${resource}" in API group ""${scope}`);
}
