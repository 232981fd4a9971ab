// A simulated etcd member: what `systemctl start etcd` runs. It opens its client (2379) and peer (2380)
// listeners at once, but, as real etcd, serves clients and tells systemd READY=1 only once it has
// joined its cluster, i.e. once a majority of --initial-cluster is up and reachable over the peer port:
// server/etcdmain/etcd.go startEtcd waits on `e.Server.ReadyNotify()` before notifySystemd is called,
// and server/embed/serve.go serve() blocks on `<-s.ReadyNotify()` before answering any client request.
import * as http from "http";
import type { AddressInfo } from "net";
import type { NodeMachine, ServiceNotifier } from "../types";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { sameInitialCluster, type EtcdMemberConfig } from "./etcdFlags";

interface RunningMember {
  machine: NodeMachine;
  cfg: EtcdMemberConfig;
  version: string;
  /** Latched: a member that has published itself to its cluster stays started (READY was sent). */
  ready: boolean;
  notify: ServiceNotifier | undefined;
  client: http.Server;
  peer: http.Server;
  /** Client requests that arrived before the member was ready (etcd holds them, it does not refuse). */
  held: Set<() => void>;
}

const members = new WeakMap<KubeToolsContext, Map<string, RunningMember>>();

function running(ctx: KubeToolsContext): Map<string, RunningMember> {
  let m = members.get(ctx);
  if (!m) {
    m = new Map();
    members.set(ctx, m);
  }
  return m;
}

/** Peers in `self`'s initial cluster that are up, in the same cluster, and reachable from it over their peer URL. */
function reachablePeers(ctx: KubeToolsContext, self: RunningMember): number {
  let count = 0;
  for (const [name, peerUrls] of self.cfg.initialCluster) {
    if (name === self.cfg.name) {
      count++;
      continue;
    }
    const reached = peerUrls.some((u) => {
      const url = new URL(u);
      const target = ctx.env.fabric.resolve(self.machine.spec.vmId, url.hostname, Number(url.port || 2380));
      const owner = target ? ctx.env.ownerOf(target) : undefined;
      const peer = owner ? running(ctx).get(owner.vmId) : undefined;
      return peer !== undefined && peer.cfg.name === name && owner?.privatePort === 2380 && sameInitialCluster(peer.cfg, self.cfg);
    });
    if (reached) count++;
  }
  return count;
}

/** Raft needs a majority of the configured members (quorum = floor(n/2) + 1). */
function hasQuorum(ctx: KubeToolsContext, m: RunningMember): boolean {
  return reachablePeers(ctx, m) > m.cfg.initialCluster.size / 2;
}

/** Re-evaluated whenever a member starts or stops: members that now have quorum publish and notify. */
function settle(ctx: KubeToolsContext): void {
  for (const m of running(ctx).values()) {
    if (m.ready || !hasQuorum(ctx, m)) continue;
    m.ready = true;
    m.notify?.ready();
    for (const release of m.held) release();
    m.held.clear();
  }
}

function hostIsLocal(machine: NodeMachine, host: string): boolean {
  return [machine.spec.guestIp, "127.0.0.1", "localhost", "0.0.0.0", "[::]", "[::1]"].includes(host);
}

function listen(ctx: KubeToolsContext, handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, ctx.listenHost, () => resolve(server));
  });
}

function answer(ctx: KubeToolsContext, m: RunningMember, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader("content-type", "application/json");
  if (req.url === "/version") res.end(JSON.stringify({ etcdserver: m.version, etcdcluster: `${m.version.split(".").slice(0, 2).join(".")}.0` }));
  else if (req.url === "/health") {
    // server/etcdserver/api/etcdhttp/health.go: no leader (no quorum) is unhealthy, 503.
    const ok = hasQuorum(ctx, m);
    res.statusCode = ok ? 200 : 503;
    res.end(JSON.stringify(ok ? { health: "true", reason: "" } : { health: "false", reason: "RAFT NO LEADER" }));
  } else {
    res.statusCode = 404;
    res.end("404 page not found\n");
  }
}

/** Starts the member on `machine` (already checked: binary present). `version` is the installed etcd's. */
export async function startEtcdMember(ctx: KubeToolsContext, machine: NodeMachine, cfg: EtcdMemberConfig, version: string, notify: ServiceNotifier | undefined): Promise<void> {
  if (running(ctx).has(machine.spec.vmId)) return;
  for (const u of [...cfg.listenPeerUrls, ...cfg.listenClientUrls]) {
    // server/embed/etcd.go configurePeerListeners / configureClientListeners: net.Listen on each URL.
    if (!hostIsLocal(machine, u.hostname)) {
      throw new CommandFailure(`{"level":"fatal","msg":"listener failed","error":"listen tcp ${u.host}: bind: cannot assign requested address"}`);
    }
  }
  // systemd runs services in / (WorkingDirectory= default), so a relative --data-dir lands there.
  machine.fs.mkdirp(`${cfg.dataDir.startsWith("/") ? "" : "/"}${cfg.dataDir}/member`, 0o700);
  const member: Partial<RunningMember> & { held: Set<() => void> } = { machine, cfg, version, ready: false, notify, held: new Set() };
  const client = await listen(ctx, (req, res) => {
    const m = member as RunningMember;
    if (m.ready) return answer(ctx, m, req, res);
    const release = (): void => answer(ctx, m, req, res);
    m.held.add(release);
    res.on("close", () => m.held.delete(release));
  });
  const peer = await listen(ctx, (req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/version") res.end(JSON.stringify({ etcdserver: version, etcdcluster: "" }));
    else {
      res.statusCode = 404;
      res.end("404 page not found\n");
    }
  });
  member.client = client;
  member.peer = peer;
  running(ctx).set(machine.spec.vmId, member as RunningMember);
  machine.expose(2379, (client.address() as AddressInfo).port);
  machine.expose(2380, (peer.address() as AddressInfo).port);
  settle(ctx);
}

export async function stopEtcdMember(ctx: KubeToolsContext, machine: NodeMachine): Promise<void> {
  const m = running(ctx).get(machine.spec.vmId);
  if (!m) return;
  running(ctx).delete(machine.spec.vmId);
  machine.unexpose(2379);
  machine.unexpose(2380);
  m.held.clear();
  for (const server of [m.client, m.peer]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  settle(ctx);
}

/** For tests and diagnostics: whether the member on `machine` has joined its cluster. */
export function etcdMemberReady(ctx: KubeToolsContext, machine: NodeMachine): boolean | undefined {
  return running(ctx).get(machine.spec.vmId)?.ready;
}
