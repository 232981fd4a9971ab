// Real TCP listeners behind port-forwarding and load-balancer rules: each accepted connection is piped
// to whatever socket the rule's picker names (a VM's endpoint), or dropped when nothing serves it.
import net from "node:net";
import type { SocketAddress } from "../contracts";
import { internalError, ruleConflict } from "./util";

export interface ListenerSpec {
  host: string;
  port: number;
  /** Where this connection goes; null = refuse (socket destroyed). */
  pick(): SocketAddress | null;
  /** Firewall check on the remote address; false = drop. */
  allow(remoteAddress: string, port: number): boolean;
}

export class RuleListeners {
  private readonly servers = new Map<string, net.Server[]>();
  private readonly sockets = new Set<net.Socket>();
  /** Live connections per rule: server.close() waits for them, so closing a rule must cut them. */
  private readonly ruleSockets = new Map<string, Set<net.Socket>>();

  /** Open every listener of a rule; on any failure the ones already opened are closed again. */
  async open(ruleId: string, specs: ListenerSpec[]): Promise<void> {
    const opened: net.Server[] = [];
    try {
      for (const spec of specs) opened.push(await this.listen(ruleId, spec));
    } catch (err) {
      await Promise.all(opened.map(closeServer));
      throw err;
    }
    this.servers.set(ruleId, [...(this.servers.get(ruleId) ?? []), ...opened]);
  }

  async close(ruleId: string): Promise<void> {
    const servers = this.servers.get(ruleId) ?? [];
    this.servers.delete(ruleId);
    const closing = Promise.all(servers.map(closeServer));
    for (const s of this.ruleSockets.get(ruleId) ?? []) s.destroy();
    this.ruleSockets.delete(ruleId);
    await closing;
  }

  isOpen(ruleId: string): boolean {
    return (this.servers.get(ruleId)?.length ?? 0) > 0;
  }

  async closeAll(): Promise<void> {
    const ids = [...this.servers.keys()];
    await Promise.all(ids.map((id) => this.close(id)));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private listen(ruleId: string, spec: ListenerSpec): Promise<net.Server> {
    const server = net.createServer((client) => this.forward(ruleId, client, spec));
    return new Promise((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EADDRINUSE") reject(ruleConflict(`The port ${spec.port} on ${spec.host} is already in use`));
        else reject(internalError(`Unable to apply the rule on ${spec.host}:${spec.port}: ${err.code ?? err.message}`));
      });
      server.listen({ host: spec.host, port: spec.port, exclusive: true }, () => resolve(server));
    });
  }

  private forward(ruleId: string, client: net.Socket, spec: ListenerSpec): void {
    this.track(client);
    const mine = this.ruleSockets.get(ruleId) ?? new Set<net.Socket>();
    this.ruleSockets.set(ruleId, mine);
    mine.add(client);
    client.on("close", () => mine.delete(client));
    client.on("error", () => client.destroy());
    const target = spec.allow(client.remoteAddress ?? "", spec.port) ? spec.pick() : null;
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
    this.track(upstream);
    upstream.on("error", () => {
      upstream.destroy();
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on("close", () => this.sockets.delete(s));
  }
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
