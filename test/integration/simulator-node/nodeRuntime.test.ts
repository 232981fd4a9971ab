import { gzipSync } from "node:zlib";
import { createNodeRuntime, generateHostKey, type SimNodeRuntime } from "../../../simulator/node";
import { AuditLog, Fabric, Faults, bootSpec, fastClock } from "../../unit/simulator-node/helpers";
import { connect, exec, run } from "./sshClient";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const deployKey = generateHostKey();
const opsKey = generateHostKey();
const strangerKey = generateHostKey();

function runtime(faults = new Faults(), audit = new AuditLog()): SimNodeRuntime {
  return createNodeRuntime({ clock: fastClock(), audit, faults, fabric: new Fabric(), dataDir: "/tmp", extensions: () => undefined });
}

async function waitFor<T>(probe: () => T | null | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function sshPort(rt: SimNodeRuntime, vmId: string): Promise<number> {
  return (await waitFor(() => rt.endpoint(vmId, 22))).port;
}

const userData = `#cloud-config
users:
  - default
  - name: ops
    sudo: ALL=(ALL) NOPASSWD:ALL
    shell: /bin/bash
    ssh_authorized_keys:
      - ${opsKey.public}
bootcmd:
  - echo boot >> /var/tmp/boots
write_files:
  - path: /etc/sim/plain.conf
    content: hello
    permissions: '0600'
  - path: /etc/sim/b64.conf
    encoding: b64
    content: ${b64("from-b64")}
  - path: /etc/sim/gz.conf
    encoding: gz+b64
    content: ${gzipSync(Buffer.from("from-gzip")).toString("base64")}
  - path: /home/ops/owned
    content: mine
    owner: ops:ops
    defer: true
runcmd:
  - echo one >> /tmp/order
  - [sh, -c, "echo two >> /tmp/order"]
  - echo three >> /tmp/order; echo to-output-log
`;

describe("simulated node: boot, SSH and cloud-init", () => {
  const rt = runtime();
  afterAll(() => rt.close());
  const spec = bootSpec({ name: "cks-node-1", userData: b64(userData), deployKeys: [deployKey.public] });

  beforeAll(async () => {
    expect(rt.endpoint(spec.vmId, 22)).toBeNull();
    await rt.start(spec);
    await sshPort(rt, spec.vmId);
  });

  it("accepts the deploy key for the default user 'cloud' and answers hostname", async () => {
    const port = await sshPort(rt, spec.vmId);
    const r = await run(port, "cloud", deployKey.private, "hostname");
    expect(r).toEqual({ code: 0, stdout: "cks-node-1\n", stderr: "" });
  });

  it("accepts the userdata key for its user only, refuses unknown keys and passwords", async () => {
    const port = await sshPort(rt, spec.vmId);
    expect((await run(port, "ops", opsKey.private, "whoami")).stdout).toBe("ops\n");
    await expect(connect(port, "cloud", opsKey.private)).rejects.toThrow(/authentication methods failed/);
    await expect(connect(port, "cloud", strangerKey.private)).rejects.toThrow(/authentication methods failed/);
    await expect(connect(port, "root", deployKey.private)).rejects.toThrow(/authentication methods failed/);
    await expect(connect(port, "cloud", undefined as unknown as string, "127.0.0.1", { password: "cloud", privateKey: undefined })).rejects.toThrow(/authentication methods failed/);
  });

  it("runs cloud-init to done: write_files encodings, modes, owners, runcmd order, output log", async () => {
    const port = await sshPort(rt, spec.vmId);
    const st = await run(port, "cloud", deployKey.private, "cloud-init status --wait");
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/status: done\n$/);
    const files = await run(port, "cloud", deployKey.private, "sudo cat /etc/sim/plain.conf /etc/sim/b64.conf /etc/sim/gz.conf; echo; stat -c '%a %U:%G' /etc/sim/plain.conf /home/ops/owned; cat /tmp/order");
    expect(files.stdout).toBe("hellofrom-b64from-gzip\n600 root:root\n644 ops:ops\none\ntwo\nthree\n");
    expect((await run(port, "cloud", deployKey.private, "cat /var/log/cloud-init-output.log")).stdout).toContain("to-output-log");
    expect((await run(port, "cloud", deployKey.private, "cat /etc/sim/plain.conf")).code).toBe(1);
  });

  it("passes stdin through, returns stderr and exit codes", async () => {
    const port = await sshPort(rt, spec.vmId);
    const r = await run(port, "cloud", deployKey.private, "cat > /tmp/up && cat /tmp/up && ls /nope; exit 7", "uploaded\n");
    expect(r.stdout).toBe("uploaded\n");
    expect(r.stderr).toBe("ls: cannot access '/nope': No such file or directory\n");
    expect(r.code).toBe(7);
  });

  it("records SSH commands in the audit log", async () => {
    const audit = new AuditLog();
    const rt2 = runtime(new Faults(), audit);
    const s = bootSpec({ name: "audited", deployKeys: [deployKey.public] });
    await rt2.start(s);
    const port = await sshPort(rt2, s.vmId);
    await run(port, "cloud", deployKey.private, "sudo kubeadm token create --token abc.def");
    const rec = audit.node().find((x) => x.source === "ssh");
    expect(rec).toMatchObject({ kind: "node", command: "sudo", program: "kubeadm", node: "audited", user: "cloud", exitCode: 1 });
    expect(rec?.argv).toEqual(["sudo", "kubeadm", "token", "create", "--token", "[REDACTED]"]);
    await rt2.close();
  });

  it("keeps disk and host key across stop/start; per-instance modules do not run again, bootcmd does", async () => {
    const port1 = await sshPort(rt, spec.vmId);
    const first = await connect(port1, "cloud", deployKey.private);
    await exec(first.client, "cloud-init status --wait");
    first.client.end();
    await rt.stop(spec.vmId);
    expect(rt.endpoint(spec.vmId, 22)).toBeNull();
    await rt.start(spec);
    const port2 = await sshPort(rt, spec.vmId);
    const second = await connect(port2, "cloud", deployKey.private);
    expect(second.hostKeySha256).toBe(first.hostKeySha256);
    await exec(second.client, "cloud-init status --wait");
    const r = await exec(second.client, "cat /tmp/order /var/tmp/boots");
    expect(r.stdout).toBe("one\ntwo\nthree\nboot\nboot\n");
    second.client.end();
  });

  it("loses the disk on remove", async () => {
    const rt2 = runtime();
    const s = bootSpec({ deployKeys: [deployKey.public] });
    await rt2.start(s);
    const a = await connect(await sshPort(rt2, s.vmId), "cloud", deployKey.private);
    await exec(a.client, "touch /tmp/marker");
    a.client.end();
    await rt2.remove(s.vmId);
    await rt2.start(s);
    const b = await connect(await sshPort(rt2, s.vmId), "cloud", deployKey.private);
    expect(b.hostKeySha256).not.toBe(a.hostKeySha256);
    expect((await exec(b.client, "test -e /tmp/marker")).code).toBe(1);
    b.client.end();
    await rt2.close();
  });
});

describe("simulated node: broken userdata and faults", () => {
  it("broken YAML: a load_yaml WARNING, status degraded done (exit 2), userdata users missing, deploy key works", async () => {
    const rt = runtime();
    const s = bootSpec({ deployKeys: [deployKey.public], userData: b64(`#cloud-config\nusers:\n  - name: ops\n    ssh_authorized_keys: [${opsKey.public}\n`) });
    await rt.start(s);
    const port = await sshPort(rt, s.vmId);
    const st = await run(port, "cloud", deployKey.private, "cloud-init status --wait --long");
    expect(st.code).toBe(2);
    expect(st.stdout).toContain("status: done\nextended_status: degraded done\n");
    expect(st.stdout).toMatch(/recoverable_errors:\nWARNING:\n\t- Failed loading yaml blob/);
    expect((await run(port, "cloud", deployKey.private, "cat /var/log/cloud-init.log")).stdout).toMatch(/WARNING.*Failed at merging in cloud config part from part-001: empty cloud config/);
    await expect(connect(port, "ops", opsKey.private)).rejects.toThrow(/authentication methods failed/);
    await rt.close();
  });

  it("a failing runcmd ends cloud-init in error", async () => {
    const rt = runtime();
    const s = bootSpec({ deployKeys: [deployKey.public], userData: b64("#cloud-config\nruncmd:\n  - [false]\n") });
    await rt.start(s);
    const st = await run(await sshPort(rt, s.vmId), "cloud", deployKey.private, "cloud-init status --wait --long");
    expect(st.code).toBe(1);
    expect(st.stdout).toContain("Failed to run module runcmd");
    await rt.close();
  });

  it("a shell-script part runs as root during the final stage", async () => {
    const rt = runtime();
    const s = bootSpec({ deployKeys: [deployKey.public], userData: gzipSync(Buffer.from("#!/bin/bash\nset -e\necho script-ran > /root/proof\n")).toString("base64") });
    await rt.start(s);
    const port = await sshPort(rt, s.vmId);
    expect((await run(port, "cloud", deployKey.private, "cloud-init status --wait >/dev/null; sudo cat /root/proof")).stdout).toBe("script-ran\n");
    await rt.close();
  });

  it("boot-hang: SSH never comes up", async () => {
    const faults = new Faults();
    faults.on.add("boot-hang");
    const rt = runtime(faults);
    const s = bootSpec();
    await rt.start(s);
    await new Promise((r) => setTimeout(r, 100));
    expect(rt.endpoint(s.vmId, 22)).toBeNull();
    await rt.close();
  });

  it("cloudinit-hang: status stays running", async () => {
    const faults = new Faults();
    faults.on.add("cloudinit-hang");
    const rt = runtime(faults);
    const s = bootSpec({ deployKeys: [deployKey.public] });
    await rt.start(s);
    const port = await sshPort(rt, s.vmId);
    await new Promise((r) => setTimeout(r, 50));
    expect((await run(port, "cloud", deployKey.private, "cloud-init status")).stdout).toBe("status: running\n");
    await rt.close();
  });

  it("ssh-drop: the command runs but the client gets no exit status", async () => {
    const faults = new Faults();
    const rt = runtime(faults);
    const s = bootSpec({ name: "droppy", deployKeys: [deployKey.public] });
    await rt.start(s);
    const port = await sshPort(rt, s.vmId);
    faults.on.add("ssh-drop:droppy");
    const { client } = await connect(port, "cloud", deployKey.private);
    client.on("error", () => undefined);
    const r = await exec(client, "touch /tmp/dropped && echo done");
    expect(r.code).toBeUndefined();
    expect(r.stdout).toBe("");
    faults.on.clear();
    expect((await run(port, "cloud", deployKey.private, "test -f /tmp/dropped")).code).toBe(0);
    await rt.close();
  });

  it("direct access: SSH also on guestIp:22 when the address can be bound", async () => {
    const rt = runtime();
    const guestIp = `127.${10 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const s = bootSpec({ deployKeys: [deployKey.public], directAccess: true, guestIp });
    await rt.start(s);
    await sshPort(rt, s.vmId);
    const bindError = (rt.machine(s.vmId)?.ext.get("journal") as Map<string, string[]> | undefined)?.get("ssh")?.filter((l) => l.includes("Bind to port 22")).join("\n");
    if (bindError) {
      expect(bindError).toContain(`Bind to port 22 on ${guestIp} failed`);
    } else {
      const { client } = await connect(22, "cloud", deployKey.private, guestIp);
      expect((await exec(client, "hostname")).stdout).toBe("node-1\n");
      client.end();
    }
    await rt.close();
  });
});
