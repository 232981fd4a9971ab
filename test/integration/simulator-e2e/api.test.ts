// Simulator-level checks through the HTTP front, as a user of `startSimulator` sees them: real listeners
// behind port-forwarding rules, the audit log (in memory, on disk, over /admin/audit) with secrets
// redacted, and seeded fault injection end to end.
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CloudStackClient, CloudStackError } from "../../../provider/cloudstack";
import { SEED_IDS, type AuditRecord, type Simulator } from "../../../simulator";
import { clientFor, provisionInfra, sshTo, startE2eSimulator, type E2eInfra } from "../../helpers/sim-cluster";

/** First bytes a TCP client reads from host:port; rejects on refusal, resolves "" if closed silently. */
function readBanner(host: string, port: number, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port}`));
    }, timeoutMs);
    socket.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      if (data.includes("\n")) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.split("\r\n")[0]);
      }
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

const SSH_BANNER = /^SSH-2\.0-OpenSSH_/;

describe("port-forwarding listeners", () => {
  let sim: Simulator;
  let infra: E2eInfra;

  beforeAll(async () => {
    sim = await startE2eSimulator();
    infra = await provisionInfra(sim, { count: 1, namePrefix: "pf", attachIso: false });
  }, 60_000);
  afterAll(async () => {
    await sim?.stop();
  });

  test("the rule's public port reaches the VM's sshd; an unforwarded port is refused", async () => {
    const ip = infra.publicIp.address;
    // sshd comes up once the VM has booted; the listener exists from the moment the rule is active.
    let banner = "";
    for (let i = 0; i < 100 && !SSH_BANNER.test(banner); i++) {
      banner = await readBanner(ip, infra.nodes[0].sshPort).catch(() => "");
      if (!SSH_BANNER.test(banner)) await new Promise((r) => setTimeout(r, 50));
    }
    expect(banner).toMatch(SSH_BANNER);
    await expect(readBanner(ip, 2299)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  test("without a covering firewall rule the connection is dropped; adding one opens the port", async () => {
    const client = infra.client;
    await client.createPortForwardingRule({
      ipaddressid: infra.publicIp.id,
      privateport: 22,
      publicport: 2230,
      protocol: "tcp",
      virtualmachineid: infra.nodes[0].vmId,
      openfirewall: false,
    });
    expect(await readBanner(infra.publicIp.address, 2230)).toBe("");
    await client.createFirewallRule({ ipaddressid: infra.publicIp.id, protocol: "tcp", startport: 2230, endport: 2230, cidrlist: "127.0.0.0/8" });
    expect(await readBanner(infra.publicIp.address, 2230)).toMatch(SSH_BANNER);
  });

  test("deleting the rule closes its listener, cuts open connections and removes its firewall rule", async () => {
    const client = infra.client;
    const ip = infra.publicIp;
    const port = infra.nodes[0].sshPort;
    const [rule] = await client.listPortForwardingRules({ ipaddressid: ip.id }).then((rules) => rules.filter((r) => Number(r.publicport) === port));
    expect(rule).toBeDefined();
    const openFirewall = (await client.listFirewallRules({ ipaddressid: ip.id })).filter((r) => Number(r.startport) === port);
    expect(openFirewall).toHaveLength(1);

    // A connection that is open while the rule goes away.
    const open = net.connect({ host: ip.address, port });
    await new Promise<void>((resolve, reject) => {
      open.once("data", () => resolve());
      open.once("error", reject);
    });
    const closed = new Promise<void>((resolve) => open.once("close", () => resolve()));
    open.on("error", () => undefined);

    await client.deletePortForwardingRule({ id: String(rule.id) });
    await closed;
    await expect(readBanner(ip.address, port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect((await client.listFirewallRules({ ipaddressid: ip.id })).filter((r) => Number(r.startport) === port)).toHaveLength(0);
    expect(await client.listPortForwardingRules({ id: String(rule.id) })).toHaveLength(0);
  });
});

describe("audit", () => {
  let sim: Simulator;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-e2e-audit-"));
    sim = await startE2eSimulator({ auditFile: path.join(dir, "audit.jsonl") });
  });
  afterAll(async () => {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("every API call and every job end is recorded, in order, with secrets redacted, in memory, on disk and over /admin/audit", async () => {
    const sent: string[] = [];
    const client = new CloudStackClient({
      apiUrl: sim.apiUrl,
      apiKey: sim.apiKey,
      secretKey: sim.secretKey,
      asyncPollMs: 20,
      retries: 0,
      logger: { debug: (line) => void (/^→ (?:GET|POST) (\w+)/.exec(line)?.[1] && sent.push(/^→ (?:GET|POST) (\w+)/.exec(line)![1])) },
    });
    const userData = Buffer.from("#cloud-config\nwrite_files:\n  - path: /etc/secret\n    content: hunter2-very-secret\n").toString("base64");
    const faultsUrl = sim.apiUrl.replace(/\/client\/api$/, "/admin/faults");
    const setFaults = await fetch(faultsUrl, { method: "POST", headers: { "X-Sim-Admin-Key": sim.adminApiKey }, body: "job=createTags:count=1:code=530" });
    expect(setFaults.status).toBe(200);

    await client.listZones();
    await client.registerSSHKeyPair({ name: "audit-key", publickey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl audit@sim" });
    const vm = await client.deployVirtualMachine({
      zoneid: SEED_IDS.zone,
      serviceofferingid: SEED_IDS.offerings.small,
      templateid: SEED_IDS.templates.debianCks,
      networkids: SEED_IDS.sharedNetwork,
      name: "audit-vm",
      userdata: userData,
      startvm: false,
    });
    const tagFailure = await client.createTags({ resourcetype: "UserVm", resourceids: [vm.id], tags: { role: "audit" } }).catch((e: unknown) => e);
    expect(tagFailure).toBeInstanceOf(CloudStackError);
    await client.createTags({ resourcetype: "UserVm", resourceids: [vm.id], tags: { role: "audit" } });
    const badParam = await client.listVirtualMachines({ id: "not-a-uuid", bogusparameter: "x" }).catch((e: unknown) => e);
    expect(badParam).toBeInstanceOf(CloudStackError);
    await sim.jobsIdle();

    const records = sim.audit.records();
    const api = records.filter((r) => r.kind === "api");
    // Every request the client sent, in order, and nothing else.
    expect(api.map((r) => r.command)).toEqual(sent);
    expect(api.find((r) => r.command === "listVirtualMachines")?.status).toBe(431);

    // Every submitted job ended exactly once, with its outcome.
    const submitted = api.filter((r) => r.jobid !== undefined && r.command !== "queryAsyncJobResult");
    expect(submitted.map((r) => r.command)).toEqual(["deployVirtualMachine", "createTags", "createTags"]);
    const jobs = records.filter((r) => r.kind === "job");
    expect(jobs).toHaveLength(submitted.length);
    for (const s of submitted) expect(jobs.filter((j) => j.jobid === s.jobid)).toHaveLength(1);
    const outcome = (s: AuditRecord): unknown => jobs.find((j) => j.jobid === s.jobid)?.status;
    expect(submitted.map(outcome)).toEqual(["succeeded", "failed", "succeeded"]);
    expect(jobs.find((j) => j.status === "failed")).toMatchObject({ command: "createTags", errorcode: 530 });

    // Secrets never reach the audit: not the secret key, not the signature, not the userdata.
    const deploy = api.find((r) => r.command === "deployVirtualMachine");
    expect(deploy?.params).toMatchObject({ userdata: "[redacted]", signature: "[redacted]", name: "audit-vm" });
    const everything = JSON.stringify(records);
    expect(everything).not.toContain(sim.secretKey);
    expect(everything).not.toContain(userData);
    expect(everything).not.toContain("hunter2-very-secret");

    // The audit file holds the same records as JSON lines.
    const lines = fs.readFileSync(path.join(dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditRecord);
    expect(lines.map((l) => [l.kind, l.command, l.jobid])).toEqual(records.map((r) => [r.kind, r.command, r.jobid]));
    expect(fs.readFileSync(path.join(dir, "audit.jsonl"), "utf8")).not.toContain(sim.secretKey);

    // And /admin/audit serves it to the admin only.
    const auditUrl = sim.apiUrl.replace(/\/client\/api$/, "/admin/audit");
    expect((await fetch(`${auditUrl}?kind=job`)).status).toBe(401);
    const overHttp = (await (await fetch(`${auditUrl}?kind=job`, { headers: { "X-Sim-Admin-Key": sim.adminApiKey } })).json()) as AuditRecord[];
    expect(overHttp.map((r) => r.jobid)).toEqual(jobs.map((j) => j.jobid));
  });
});

describe("fault injection", () => {
  /** Deploy stopped VMs on the shared network one after another; true = deployed, else the error code. */
  async function deployAll(sim: Simulator, names: string[]): Promise<Array<true | number>> {
    const client = clientFor(sim);
    const outcomes: Array<true | number> = [];
    for (const name of names) {
      try {
        await client.deployVirtualMachine({
          zoneid: SEED_IDS.zone,
          serviceofferingid: SEED_IDS.offerings.small,
          templateid: SEED_IDS.templates.debianCks,
          networkids: SEED_IDS.sharedNetwork,
          name,
          startvm: false,
        });
        outcomes.push(true);
      } catch (err) {
        if (!(err instanceof CloudStackError)) throw err;
        expect(err.errortext).toContain(`Unable to create a deployment for VM instance {"name":"${name}"`);
        outcomes.push(err.errorcode);
      }
    }
    return outcomes;
  }

  test("deploy-capacity with count=1 fails exactly the first matching deploy, with 533", async () => {
    const sim = await startE2eSimulator({ randomSeed: 42, faults: "deploy-capacity:count=1:match=worker" });
    try {
      expect(await deployAll(sim, ["control-1", "worker-1", "worker-2", "worker-3"])).toEqual([true, 533, true, true]);
      expect(sim.faults.state().fired).toEqual([1]);
      const vms = await clientFor(sim).listVirtualMachines({ listall: true });
      expect(vms.find((v) => v.name === "worker-1")?.state).toBe("Error");
      expect(vms.filter((v) => v.state === "Stopped").map((v) => v.name).sort()).toEqual(["control-1", "worker-2", "worker-3"]);
    } finally {
      await sim.stop();
    }
  });

  test("with the same seed a random fault rate fails the same deploys on every run", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `node-${i + 1}`);
    const runs: Array<Array<true | number>> = [];
    for (let run = 0; run < 2; run++) {
      const sim = await startE2eSimulator({ randomSeed: 7 });
      try {
        // Set at run time over the admin endpoint for one run, at start for the other: same draws.
        if (run === 0) sim.faults.set("deploy-capacity:rate=0.5");
        else {
          const res = await fetch(sim.apiUrl.replace(/\/client\/api$/, "/admin/faults"), {
            method: "PUT",
            headers: { "X-Sim-Admin-Key": sim.adminApiKey },
            body: "deploy-capacity:rate=0.5",
          });
          expect(res.status).toBe(200);
        }
        runs.push(await deployAll(sim, names));
      } finally {
        await sim.stop();
      }
    }
    expect(runs[1]).toEqual(runs[0]);
    // The rate really draws: some deploys fail, some succeed.
    expect(runs[0]).toContain(533);
    expect(runs[0]).toContain(true);
  });
});

describe("state file", () => {
  test("a restarted simulator brings back the VM, its public IP and a working port forward", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-e2e-state-"));
    const stateFile = path.join(dir, "world.json");
    try {
      const first = await startE2eSimulator({ stateFile });
      let infra: E2eInfra;
      try {
        infra = await provisionInfra(first, { count: 1, namePrefix: "keep", attachIso: false });
        const ssh = await sshTo(infra, infra.nodes[0]);
        ssh.close();
      } finally {
        await first.stop();
      }
      expect(fs.existsSync(stateFile)).toBe(true);
      // Nothing listens on the public IP while the simulator is down.
      await expect(readBanner(infra.publicIp.address, infra.nodes[0].sshPort)).rejects.toMatchObject({ code: "ECONNREFUSED" });

      const second = await startE2eSimulator({ stateFile });
      try {
        const client = clientFor(second);
        const [vm] = await client.listVirtualMachines({ id: infra.nodes[0].vmId });
        expect(vm).toMatchObject({ name: infra.nodes[0].name, state: "Running" });
        const [ip] = await client.listPublicIpAddresses({ id: infra.publicIp.id });
        expect(ip.ipaddress).toBe(infra.publicIp.address);
        expect(await client.listPortForwardingRules({ ipaddressid: infra.publicIp.id })).toHaveLength(1);
        // The VM boots again behind the same address and port; the same key logs in.
        const ssh = await sshTo({ ...infra, sim: second, client }, infra.nodes[0]);
        try {
          expect((await ssh.run("hostname")).trim()).toBe(infra.nodes[0].name);
        } finally {
          ssh.close();
        }
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
