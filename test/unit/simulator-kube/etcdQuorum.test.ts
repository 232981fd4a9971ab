// The simulated etcd member: READY=1 and client service only once a majority of --initial-cluster is
// up and reachable (etcd's startEtcd waits on ReadyNotify; embed/serve.go serves after it); its flags
// are checked as etcd checks them.
import { World } from "./harness";
import type { TestMachine } from "./harness";
import { parseEtcdArgs } from "../../../simulator/node/kube/etcdFlags";

function unit(name: string, ip: string, cluster: string, token = "etcd-t"): string {
  return [
    "[Service]",
    "Type=notify",
    "ExecStart=/opt/bin/etcd \\",
    `  --name ${name} --data-dir /var/lib/etcd \\`,
    `  --listen-client-urls http://${ip}:2379,http://127.0.0.1:2379 --advertise-client-urls http://${ip}:2379 \\`,
    `  --listen-peer-urls http://${ip}:2380 --initial-advertise-peer-urls http://${ip}:2380 \\`,
    `  --initial-cluster ${cluster} --initial-cluster-state new --initial-cluster-token ${token}`,
    "",
  ].join("\n");
}

async function health(m: TestMachine): Promise<number | "held"> {
  const port = m.exposed.get(2379);
  try {
    const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(300) });
    return r.status;
  } catch {
    return "held";
  }
}

describe("simulated etcd members", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  function members(token?: (i: number) => string): { m: TestMachine; ready: boolean[] }[] {
    const ms = [1, 2, 3].map((i) => world.machine(`etcd-${i}`));
    const cluster = ms.map((m, i) => `etcd-${i + 1}=http://${m.spec.guestIp}:2380`).join(",");
    return ms.map((m, i) => {
      m.fs.write("/opt/bin/etcd", "# etcd v3.5.15 (cloudstack-sim stand-in)\n");
      m.fs.write("/etc/systemd/system/etcd.service", unit(`etcd-${i + 1}`, m.spec.guestIp, cluster, token?.(i)));
      return { m, ready: [] as boolean[] };
    });
  }

  it("a member alone holds client requests and sends no READY=1; with a majority up all become ready", async () => {
    const hook = world.hooks.get("etcd")!;
    const all = members();
    for (const x of all) x.ready.length = 0;
    await hook.start(all[0].m, { ready: () => all[0].ready.push(true) });
    expect(all[0].ready).toEqual([]);
    expect(await health(all[0].m)).toBe("held");
    await hook.start(all[1].m, { ready: () => all[1].ready.push(true) });
    // Two of three is a quorum: both members publish themselves and notify systemd.
    expect(all[0].ready).toEqual([true]);
    expect(all[1].ready).toEqual([true]);
    expect(await health(all[0].m)).toBe(200);
    await hook.start(all[2].m, { ready: () => all[2].ready.push(true) });
    expect(all[2].ready).toEqual([true]);
    // Losing the majority: still started (READY was sent), but unhealthy (no leader).
    await hook.stop(all[1].m);
    await hook.stop(all[2].m);
    expect(await health(all[0].m)).toBe(503);
  });

  it("members of different clusters (another token) never count towards each other's quorum", async () => {
    const hook = world.hooks.get("etcd")!;
    const all = members((i) => (i === 0 ? "etcd-a" : "etcd-b"));
    let ready = 0;
    await hook.start(all[0].m, { ready: () => ready++ });
    await hook.start(all[1].m, { ready: () => undefined });
    expect(ready).toBe(0);
  });

  it("refuses what etcd refuses: unknown flags, a name missing from --initial-cluster, mismatched peer URLs", () => {
    expect(() => parseEtcdArgs(["--nmae", "x"])).toThrow("flag provided but not defined: -nmae");
    expect(() => parseEtcdArgs(["--name", "a", "--initial-advertise-peer-urls", "http://10.0.0.1:2380", "--initial-cluster", "b=http://10.0.0.1:2380"])).toThrow(/couldn't find local name .*a/);
    expect(() => parseEtcdArgs(["--name", "a", "--initial-advertise-peer-urls", "http://10.0.0.1:2380", "--initial-cluster", "a=http://10.0.0.2:2380"])).toThrow(/missing from --initial-advertise-peer-urls/);
    expect(parseEtcdArgs(["--name=a", "--initial-advertise-peer-urls=http://10.0.0.1:2380", "--initial-cluster=a=http://10.0.0.1:2380"]).initialCluster.size).toBe(1);
  });

  it("a member upgraded one at a time: its binary is busy while it runs, and after a restart /version is the new binary's while the others keep quorum", async () => {
    const { textBusy, entryReplaced } = await import("../../../simulator/node/textBusy");
    const hook = world.hooks.get("etcd")!;
    const all = members();
    for (const x of all) await hook.start(x.m, { ready: () => undefined });
    const first = all[0].m;
    expect(textBusy(first, "/opt/bin/etcd")).toBe(true);
    // install(1) replaces the entry (the running member keeps the old binary), then a restart.
    entryReplaced(first, "/opt/bin/etcd");
    first.fs.write("/opt/bin/etcd", "# etcd v3.5.21 (cloudstack-sim stand-in)\n");
    await hook.stop(first);
    expect(await health(all[1].m)).toBe(200);
    await hook.start(first, { ready: () => undefined });
    const version = (await (await fetch(`http://127.0.0.1:${first.exposed.get(2379)}/version`)).json()) as { etcdserver: string };
    expect(version.etcdserver).toBe("3.5.21");
    expect(await health(first)).toBe(200);
    expect(textBusy(first, "/opt/bin/etcd")).toBe(true);
  });
});

