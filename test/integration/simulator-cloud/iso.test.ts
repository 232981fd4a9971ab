// registerIso really downloads the URL (loopback only), verifies the checksum and stores the file.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { call, deploy, entity, exec, failure, items, makeSim, newNetwork, SEED_IDS, type Sim } from "../../unit/simulator-cloud/harness";

const BODY = Buffer.from("CD001 pretend this is an ISO 9660 image\n".repeat(100));
let server: http.Server;
let base: string;
let sim: Sim;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/isos/k8s.iso") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(BODY);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

async function register(params: Record<string, string>): Promise<any> {
  const r = await call(sim, "registerIso", { name: "k8s-1.31.4", zoneid: SEED_IDS.zone, ...params });
  if (r.kind !== "list") throw new Error("registerIso must return a list");
  expect(r.entityKey).toBe("iso");
  expect(r.items).toHaveLength(1);
  return r.items[0];
}

/** Poll listIsos until the ISO leaves the downloading state. */
async function settled(id: string): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const [iso] = await items(sim, "listIsos", { id, isofilter: "self" });
    if (iso.isready || !/Downloaded$/.test(iso.status)) return iso;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("ISO never settled");
}

test("download with a matching sha256 becomes ready and is stored under dataDir", async () => {
  const sha = createHash("sha256").update(BODY).digest("hex");
  const iso = await register({ url: `${base}/isos/k8s.iso`, checksum: `{SHA-256}${sha}` });
  expect(iso.isready).toBe(false);
  const done = await settled(iso.id);
  expect(done).toMatchObject({ isready: true, status: "Successfully Installed", size: BODY.length });
  const net = await newNetwork(sim);
  const vm = await deploy(sim, net.id, { name: "iso-vm" });
  const attached = await entity(sim, "attachIso", { id: iso.id, virtualmachineid: vm.id });
  expect(attached).toMatchObject({ isoid: iso.id, isoname: "k8s-1.31.4" });
  const isoPath = sim.nodes.isos.get(vm.id)!;
  expect(isoPath.startsWith(sim.dataDir)).toBe(true);
  expect(readFileSync(isoPath).equals(BODY)).toBe(true);
  const twice = await call(sim, "attachIso", { id: iso.id, virtualmachineid: vm.id });
  if (twice.kind !== "async") throw new Error();
  expect((await failure(() => twice.work.run())).code).toBe(431);
  const del = await call(sim, "deleteIso", { id: iso.id });
  if (del.kind !== "async") throw new Error();
  expect((await failure(() => del.work.run())).code).toBe(431);
  const detached = await entity(sim, "detachIso", { virtualmachineid: vm.id });
  expect(detached.isoid).toBeUndefined();
  expect(sim.nodes.isos.get(vm.id)).toBeNull();
  await exec(sim, "deleteIso", { id: iso.id });
  expect(existsSync(isoPath)).toBe(false);
  expect(await items(sim, "listIsos", { isofilter: "self" })).toHaveLength(0);
});

test("a bare md5 checksum that does not match leaves the ISO not ready with a visible status", async () => {
  const iso = await register({ url: `${base}/isos/k8s.iso`, checksum: "0".repeat(32) });
  const done = await settled(iso.id);
  expect(done.isready).toBe(false);
  expect(done.status).toMatch(/checksum mismatch/);
  const net = await newNetwork(sim);
  const vm = await deploy(sim, net.id, { name: "iso-vm2" });
  const r = await call(sim, "attachIso", { id: iso.id, virtualmachineid: vm.id });
  if (r.kind !== "async") throw new Error();
  expect((await failure(() => r.work.run())).text).toMatch(/not ready/);
});

test("md5 match, 404, non-loopback URLs and malformed checksums", async () => {
  const md5 = createHash("md5").update(BODY).digest("hex");
  expect((await settled((await register({ url: `${base}/isos/k8s.iso`, checksum: md5 })).id)).isready).toBe(true);
  expect((await settled((await register({ url: `${base}/missing.iso` })).id)).status).toMatch(/404/);
  expect((await settled((await register({ url: "http://example.com/k8s.iso" })).id)).status).toBe("url not reachable from the simulator");
  const bad = await failure(async () => register({ url: `${base}/isos/k8s.iso`, checksum: "xyz" }));
  expect(bad.code).toBe(431);
});
