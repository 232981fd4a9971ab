import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Fabric, shellMachine } from "./helpers";

describe("node curl", () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === "/version" ? 200 : 404;
      res.end(req.url === "/version" ? '{"gitVersion":"v1.31.4"}' : "missing");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reaches what the fabric routes, fails with curl's exit codes otherwise", async () => {
    const m = shellMachine();
    (m.fabric as Fabric).routes.set("10.0.0.5:6443", { host: "127.0.0.1", port });
    expect((await m.run("curl -s http://10.0.0.5:6443/version")).stdout).toBe('{"gitVersion":"v1.31.4"}');
    const missing = await m.run("curl -sf http://10.0.0.5:6443/nope");
    expect(missing.code).toBe(22);
    const refused = await m.run("curl -sS http://10.9.9.9:6443/version");
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain("Couldn't connect to server");
    expect((await m.run("curl -s -o /tmp/v http://10.0.0.5:6443/version && cat /tmp/v")).stdout).toContain("v1.31.4");
  });
});
