import { generateClusterKeyPair } from "../../../provider/ssh/keys";
// A real ssh2 server for the ssh tests: public-key auth, commands run by real bash, plus "__drop__"
// which cuts the connection mid-command. Listens on 127.0.0.1, port 0 unless a port is given.
import { spawn } from "child_process";
import { AddressInfo } from "net";
import { Server, utils, Connection } from "ssh2";

export interface TestServer {
  port: number;
  host: string;
  hostPublicKey: string;
  /** Number of authentication attempts with the right key seen so far. */
  authAttempts: () => number;
  close: () => Promise<void>;
}

export interface TestServerOptions {
  authorizedKey: string;
  port?: number;
  /** Reject the right key this many times first (as if cloud-init had not installed it yet). */
  rejectFirst?: number;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  // The provider's guarded generator: ssh2's own occasionally emits a key its parser rejects.
  const generated = generateClusterKeyPair("test-host");
  const hostKey = { private: generated.privateKey, public: generated.publicKey };
  const allowed = utils.parseKey(options.authorizedKey);
  if (allowed instanceof Error) throw allowed;
  let attempts = 0;
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections.add(client);
    client.on("close", () => connections.delete(client));
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey" || ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) {
        return ctx.reject(["publickey"]);
      }
      if (!ctx.signature) return ctx.accept();
      attempts++;
      if (attempts <= (options.rejectFirst ?? 0)) return ctx.reject(["publickey"]);
      return allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("exec", (accept, _reject, info) => {
          const stream = accept();
          if (info.command === "__drop__") {
            stream.write("partial output\n");
            setTimeout(() => client.end(), 50);
            return;
          }
          const child = spawn("bash", ["-c", info.command], { stdio: ["pipe", "pipe", "pipe"] });
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.on("close", (code) => {
            stream.exit(code ?? 255);
            stream.end();
          });
          stream.on("close", () => child.kill("SIGKILL"));
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    host: "127.0.0.1",
    hostPublicKey: hostKey.public,
    authAttempts: () => attempts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago (for "server comes up later" tests). */
export async function freePort(): Promise<number> {
  const net = await import("net");
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
