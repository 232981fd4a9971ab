// Node faults end to end, as an operator meets them on real VMs: a VM that never boots, cloud-init that
// never finishes, an SSH connection cut mid-command, a kubelet that will not start, and a node that
// never gets Ready. Faults are matched by VM name, so each scenario gets its own name prefix.
import * as net from "node:net";
import type { Simulator } from "../../../simulator";
import {
  bootstrapCluster,
  installFromIso,
  kubectl,
  kubectlNodes,
  provisionInfra,
  sshTo,
  startE2eSimulator,
  waitForReadyNodes,
} from "../../helpers/sim-cluster";

const FAULTS = [
  "boot-hang:match=hang-",
  "cloudinit-hang:match=stuck-",
  "ssh-drop:count=1:match=flaky-",
  "kubelet-fail:match=kf-",
  "node-never-ready:match=nr-node-2",
].join(";");

let sim: Simulator;

beforeAll(async () => {
  sim = await startE2eSimulator({ faults: FAULTS });
});

afterAll(async () => {
  await sim?.stop();
});

/** What a TCP client gets from host:port within a short window: the first line, "" if closed silently. */
function firstLine(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = "";
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.split("\r\n")[0]);
    };
    const timer = setTimeout(done, 2000);
    socket.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      if (data.includes("\n")) done();
    });
    socket.on("error", done);
    socket.on("close", done);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test("boot-hang: CloudStack says Running, but sshd never answers behind the port forward", async () => {
  const infra = await provisionInfra(sim, { count: 1, namePrefix: "hang", attachIso: false });
  const [vm] = await infra.client.listVirtualMachines({ id: infra.nodes[0].vmId });
  expect(vm.state).toBe("Running");
  // Boot takes 30 s realistic (0.3 s here); wait several boot times.
  for (let i = 0; i < 5; i++) {
    expect(await firstLine(infra.publicIp.address, infra.nodes[0].sshPort)).toBe("");
    await sleep(300);
  }
  expect(sim.faults.state().fired[0]).toBeGreaterThanOrEqual(1);
});

test("cloudinit-hang: SSH works (users are made in the init stage) but cloud-init never finishes", async () => {
  const infra = await provisionInfra(sim, { count: 1, namePrefix: "stuck", attachIso: false });
  const ssh = await sshTo(infra, infra.nodes[0]);
  try {
    await sleep(1000); // far beyond the final stage's 20 s realistic
    const status = await ssh.exec("cloud-init status");
    expect(status.stdout).toContain("status: running");
    await expect(ssh.exec("cloud-init status --wait", { timeoutMs: 1500 })).rejects.toThrow(/timed out/);
    expect((await ssh.exec("test -f /var/lib/cloud/instance/boot-finished")).code).not.toBe(0);
  } finally {
    ssh.close();
  }
});

test("ssh-drop: the connection dies mid-command after the command ran; a new connection sees its effect", async () => {
  const infra = await provisionInfra(sim, { count: 1, namePrefix: "flaky", attachIso: false });
  const first = await sshTo(infra, infra.nodes[0]);
  let outcome: unknown;
  try {
    outcome = await first.exec("sudo touch /var/tmp/ran-once", { timeoutMs: 5000 }).catch((e: unknown) => e);
  } finally {
    first.close();
  }
  // No exit status reached the client.
  if (outcome instanceof Error) expect(outcome.message).not.toMatch(/timed out/);
  else expect(outcome).toMatchObject({ code: null });

  const second = await sshTo(infra, infra.nodes[0]);
  try {
    expect((await second.exec("test -f /var/tmp/ran-once")).code).toBe(0);
    // count=1: the fault fired once and never again.
    expect((await second.exec("echo still-here")).stdout).toBe("still-here\n");
  } finally {
    second.close();
  }
});

test("kubelet-fail: systemctl cannot start the kubelet and kubeadm init fails waiting for it", async () => {
  const infra = await provisionInfra(sim, { count: 1, namePrefix: "kf" });
  const ssh = await sshTo(infra, infra.nodes[0]);
  try {
    await expect(installFromIso(ssh)).rejects.toThrow(/systemctl enable --now kubelet.*Job for kubelet.service failed/s);
    expect((await ssh.exec("systemctl is-active kubelet")).stdout.trim()).not.toBe("active");
    const init = await ssh.exec(`sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin kubeadm init --control-plane-endpoint ${infra.publicIp.address}:6443 --apiserver-cert-extra-sans ${infra.publicIp.address}`, { timeoutMs: 20_000 });
    expect(init.code).not.toBe(0);
    expect(init.stdout + init.stderr).toMatch(/kubelet is not (healthy|running)/);
    expect(init.stderr).toContain("wait-control-plane");
  } finally {
    ssh.close();
  }
});

test("node-never-ready: the node joins but stays NotReady while the others become Ready", async () => {
  const infra = await provisionInfra(sim, { count: 3, namePrefix: "nr" });
  const cluster = await bootstrapCluster(infra);
  try {
    const stuck = infra.nodes[1].name;
    expect(stuck).toBe("nr-node-2");
    // The others get Ready after the readiness delay (10 s realistic); wait well past it.
    const deadline = Date.now() + 20_000;
    let nodes = await kubectlNodes(cluster.kubeconfigPath);
    while (Date.now() < deadline && nodes.filter((n) => n.ready).length < 2) {
      await sleep(200);
      nodes = await kubectlNodes(cluster.kubeconfigPath);
    }
    await sleep(500);
    nodes = await kubectlNodes(cluster.kubeconfigPath);
    expect(nodes.map((n) => n.name).sort()).toEqual(infra.nodes.map((n) => n.name).sort());
    expect(nodes.filter((n) => !n.ready).map((n) => n.name)).toEqual([stuck]);
    expect((await kubectl(cluster.kubeconfigPath, ["get", "nodes"])).stdout).toMatch(new RegExp(`^${stuck}\\s+NotReady\\s`, "m"));
    await expect(waitForReadyNodes(cluster.kubeconfigPath, 3, 1000)).rejects.toThrow(/timed out/);
  } finally {
    await cluster.cleanup();
  }
});
