// The VM's sshd: public-key authentication against the user's ~/.ssh/authorized_keys (whatever
// cloud-init put there), `exec` requests run through the machine's shell as that user.
import * as net from "node:net";
import { Server, utils, type AuthContext, type Connection, type ServerChannel } from "ssh2";
import type { SimMachine } from "../machine";
import { appendJournal } from "../services";
import { readAuthorizedKeys } from "../users";

/** How long to wait for more stdin after the last chunk when the client never sends EOF. */
const STDIN_IDLE_MS = 75;

export interface SshListener {
  /** The real 127.0.0.1 port. */
  port: number;
  /** Also accept connections from another listener (the guest IP on direct-access networks). */
  attach(server: net.Server): void;
  close(): Promise<void>;
}

function keyMatches(machine: SimMachine, ctx: AuthContext): boolean {
  if (ctx.method !== "publickey") return false;
  for (const line of readAuthorizedKeys(machine.fs, ctx.username)) {
    const parsed = utils.parseKey(line.replace(/^(?:[^\s]+\s+)?((?:ssh|ecdsa|sk)-\S+\s+\S+).*$/, "$1"));
    if (parsed instanceof Error) continue;
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key.getPublicSSH().equals(ctx.key.data)) continue;
    if (!ctx.signature) return true;
    return key.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true;
  }
  return false;
}

export async function startSshServer(machine: SimMachine, hostKey: string): Promise<SshListener> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<Connection>();
  const ssh = new Server({ hostKeys: [hostKey], ident: "OpenSSH_9.2p1 Debian-2+deb12u3" });
  // ssh2 announces a connection after the handshake; find its socket by the peer address.
  const byPeer = new Map<string, net.Socket>();

  ssh.on("connection", (client, info) => {
    const socket = byPeer.get(`${info.ip}:${info.port}`);
    clients.add(client);
    let user = "";
    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
      if (keyMatches(machine, ctx)) {
        user = ctx.username;
        return ctx.accept();
      }
      return ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("pty", (accept) => accept?.());
        session.on("env", (accept) => accept?.());
        session.on("window-change", (accept) => accept?.());
        session.on("shell", (_accept, reject) => reject?.());
        session.on("subsystem", (_accept, reject) => reject?.());
        session.on("exec", (accept, _reject, info) => {
          const channel = accept();
          runExec(machine, user, info.command, channel, () => (socket ? socket.destroy() : client.end()));
        });
      });
    });
    client.on("error", () => undefined);
    client.on("close", () => clients.delete(client));
  });
  ssh.on("error", () => undefined);

  const accept = (sock: net.Socket): void => {
    sockets.add(sock);
    const peer = `${sock.remoteAddress}:${sock.remotePort}`;
    byPeer.set(peer, sock);
    sock.on("close", () => {
      sockets.delete(sock);
      byPeer.delete(peer);
    });
    sock.on("error", () => undefined);
    ssh.injectSocket(sock);
  };
  const main = net.createServer(accept);
  const extra: net.Server[] = [];
  await new Promise<void>((resolve, reject) => {
    main.once("error", reject);
    main.listen(0, "127.0.0.1", () => resolve());
  });
  const address = main.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    attach(server) {
      server.on("connection", accept);
      extra.push(server);
    },
    async close() {
      for (const s of [main, ...extra]) s.close();
      for (const c of clients) c.end();
      for (const s of sockets) s.destroy();
      await Promise.all([main, ...extra].map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
    },
  };
}

function runExec(machine: SimMachine, user: string, command: string, channel: ServerChannel, cut: () => void): void {
  const chunks: Buffer[] = [];
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();
  const onPowerOff = (): void => abort.abort();
  machine.powerSignal.signal.addEventListener("abort", onPowerOff, { once: true });
  channel.on("close", () => abort.abort());
  const start = (): void => {
    if (started) return;
    started = true;
    if (timer) clearTimeout(timer);
    void execute();
  };
  const execute = async (): Promise<void> => {
    const dropped = machine.faults.hit("ssh-drop", machine.spec.name);
    const result = await machine.run(command, { user, stdin: Buffer.concat(chunks), source: "ssh", signal: abort.signal });
    machine.powerSignal.signal.removeEventListener("abort", onPowerOff);
    if (dropped) {
      // The command ran; the connection dies before its exit status reaches the client.
      appendJournal(machine, "ssh", `Connection reset by peer while running a command for ${user}`);
      cut();
      return;
    }
    if (abort.signal.aborted) return;
    try {
      if (result.stdout !== "") channel.write(result.stdout);
      if (result.stderr !== "") channel.stderr.write(result.stderr);
      channel.exit(result.code);
      channel.end();
    } catch {
      // client went away
    }
  };
  channel.on("data", (d: Buffer) => {
    chunks.push(d);
    if (!started) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(start, STDIN_IDLE_MS);
    }
  });
  channel.on("end", start);
  timer = setTimeout(start, STDIN_IDLE_MS);
}
