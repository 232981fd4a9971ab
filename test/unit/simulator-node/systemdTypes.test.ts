// systemd's Type= semantics in the simulator: notify units wait for READY=1 until TimeoutStartSec,
// exec/simple units are started once exec'd, --no-block returns at once, a stop cancels a start job.
import { shellMachine } from "./helpers";
import { SimCommandTable } from "../../../simulator/node/table";
import type { ServiceNotifier } from "../../../simulator/node/types";
import { parseServiceUnit, parseTimeSpan, execStartArgv } from "../../../simulator/node/unitFile";

function machineWith(unitText: string) {
  const m = shellMachine();
  const notifiers: ServiceNotifier[] = [];
  (m.deps.table as SimCommandTable).registerService("svc", {
    sdNotify: true,
    start: async (_machine, notify) => {
      if (notify) notifiers.push(notify);
    },
    stop: async () => undefined,
  });
  m.fs.write("/etc/systemd/system/svc.service", unitText);
  return { m, notifiers };
}

const NOTIFY = "[Service]\nType=notify\nExecStart=/opt/bin/svc --flag\n";

describe("systemd unit files", () => {
  it("reads Type=, TimeoutStartSec= (systemd.time spans) and ExecStart= continuations", () => {
    expect(parseTimeSpan("90")).toBe(90_000);
    expect(parseTimeSpan("1min 30s")).toBe(90_000);
    expect(parseTimeSpan("500ms")).toBe(500);
    expect(parseTimeSpan("infinity")).toBeNull();
    expect(parseTimeSpan("soon")).toBeUndefined();
    expect(parseServiceUnit("[Service]\nExecStart=/bin/x\n")).toMatchObject({ type: "simple", timeoutStartMs: 90_000 });
    expect(parseServiceUnit("[Service]\nType=notify\nTimeoutStartSec=0\nExecStart=/bin/x\n").timeoutStartMs).toBeUndefined();
    expect(parseServiceUnit("[Service]\nTimeoutSec=5\nExecStart=/bin/x\n").timeoutStartMs).toBe(5_000);
    const unit = parseServiceUnit("[Service]\nType=exec\nExecStart=/opt/bin/etcd \\\n  --name a \\\n  --data-dir /var/lib/etcd\n");
    expect(unit.type).toBe("exec");
    expect(execStartArgv(unit.execStart ?? "")).toEqual(["/opt/bin/etcd", "--name", "a", "--data-dir", "/var/lib/etcd"]);
  });
});

describe("systemctl and Type=", () => {
  it("a Type=notify unit that never sends READY=1 fails its start after the start timeout, as systemd says", async () => {
    const { m } = machineWith(NOTIFY);
    const r = await m.run("systemctl enable --now svc");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Job for svc.service failed because a timeout was exceeded.\nSee "systemctl status svc.service" and "journalctl -xeu svc.service" for details.\n');
    expect((await m.run("systemctl is-active svc")).stdout).toBe("failed\n");
    expect((await m.run("journalctl -u svc")).stdout).toContain("Failed with result 'timeout'");
    expect((await m.run("systemctl status svc")).stdout).toContain("Active: failed (Result: timeout)");
  });

  it("start blocks until READY=1, then succeeds", async () => {
    const { m, notifiers } = machineWith(NOTIFY);
    const pending = m.run("systemctl start svc");
    await new Promise((r) => setTimeout(r, 5));
    expect((await m.run("systemctl is-active svc")).stdout).toBe("activating\n");
    notifiers[0].ready();
    expect((await pending).code).toBe(0);
    expect((await m.run("systemctl is-active svc")).stdout).toBe("active\n");
  });

  it("--no-block returns at once; the unit is activating until READY=1", async () => {
    const { m, notifiers } = machineWith("[Service]\nType=notify\nTimeoutStartSec=infinity\nExecStart=/opt/bin/svc\n");
    expect((await m.run("systemctl enable --now --no-block svc")).code).toBe(0);
    expect((await m.run("systemctl is-active svc")).stdout).toBe("activating\n");
    notifiers[0].ready();
    await new Promise((r) => setImmediate(r));
    expect((await m.run("systemctl is-active svc")).stdout).toBe("active\n");
  });

  it("Type=exec and Type=simple units are active once exec'd, whether or not the program notifies", async () => {
    for (const type of ["exec", "simple"]) {
      const { m } = machineWith(`[Service]\nType=${type}\nExecStart=/opt/bin/svc\n`);
      expect((await m.run("systemctl enable --now svc")).code).toBe(0);
      expect((await m.run("systemctl is-active svc")).stdout).toBe("active\n");
    }
  });

  it("a stop cancels a start job still waiting for readiness", async () => {
    const { m } = machineWith("[Service]\nType=notify\nTimeoutStartSec=infinity\nExecStart=/opt/bin/svc\n");
    const pending = m.run("systemctl start svc");
    await new Promise((r) => setTimeout(r, 5));
    expect((await m.run("systemctl stop svc")).code).toBe(0);
    const r = await pending;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Job for svc.service canceled.\n");
  });
});
