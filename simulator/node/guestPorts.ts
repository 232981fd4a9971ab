// Direct-access (shared) networks: a VM's private ports are reachable on its guest IP, which in the
// simulator is a loopback address of its own. Each exposed port other than SSH (served by sshd itself)
// gets a small TCP relay on guestIp:port to the real listener.
import * as net from "net";

export class GuestPortRelays {
  private readonly relays = new Map<number, net.Server>();
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly guestIp: string,
    private readonly onBindError: (port: number, message: string) => void,
  ) {}

  open(privatePort: number, realPort: number): void {
    this.close(privatePort);
    const server = net.createServer((client) => {
      const backend = net.connect(realPort, "127.0.0.1");
      for (const s of [client, backend]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
      }
      client.pipe(backend).pipe(client);
      client.on("error", () => backend.destroy());
      backend.on("error", () => client.destroy());
    });
    server.on("error", (e: Error) => this.onBindError(privatePort, e.message));
    server.listen(privatePort, this.guestIp);
    this.relays.set(privatePort, server);
  }

  close(privatePort: number): void {
    const server = this.relays.get(privatePort);
    if (!server) return;
    this.relays.delete(privatePort);
    server.close();
  }

  closeAll(): void {
    for (const port of [...this.relays.keys()]) this.close(port);
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}
