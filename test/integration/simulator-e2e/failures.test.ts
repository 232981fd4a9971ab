// What goes wrong for an operator bootstrapping by hand, and how the simulated cloud says so: unknown
// SSH keys, joins with a wrong discovery hash or an expired token, an upgrade that skips a minor, the
// API without a client certificate, and a broken cloud-config.
import * as https from "node:https";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Simulator } from "../../../simulator";
import {
  bootstrapCluster,
  generateKey,
  MOUNT_POINT,
  provisionInfra,
  registerBinariesIso,
  sshTo,
  startE2eSimulator,
  waitForReadyNodes,
  type BootstrappedCluster,
} from "../../helpers/sim-cluster";
import { SimSshClient } from "../../helpers/sim-ssh";

let sim: Simulator;
let cluster: BootstrappedCluster;

beforeAll(async () => {
  sim = await startE2eSimulator();
  // Node 3 is installed but left out of the cluster, for the join tests.
  cluster = await bootstrapCluster(await provisionInfra(sim), { workers: 1 });
}, 60_000);

afterAll(async () => {
  await cluster?.cleanup();
  await sim?.stop();
});

const spare = (): SimSshClient => cluster.sessions[2];
const control = (): SimSshClient => cluster.sessions[0];

describe("SSH", () => {
  test("a key that is not in the VM's userdata is refused; the cluster key is accepted", async () => {
    const node = cluster.infra.nodes[1];
    const login = { host: cluster.infra.publicIp.address, port: node.sshPort, username: "cloud" };
    await expect(SimSshClient.connect({ ...login, privateKey: generateKey("stranger").privateKey })).rejects.toThrow(/All configured authentication methods failed/);
    // The right key for a user it was never authorised for is refused too.
    await expect(SimSshClient.connect({ ...login, username: "root", privateKey: cluster.infra.key.privateKey })).rejects.toThrow(/authentication methods failed/);
    const ok = await SimSshClient.connect({ ...login, privateKey: cluster.infra.key.privateKey });
    try {
      expect((await ok.run("hostname")).trim()).toBe(node.name);
      expect((await ok.run("whoami")).trim()).toBe("cloud");
    } finally {
      ok.close();
    }
  });
});

describe("kubeadm join", () => {
  test("a wrong discovery hash fails the join, naming the cluster CA's key that is not pinned", async () => {
    const realHash = /--discovery-token-ca-cert-hash\s+(sha256:[0-9a-f]{64})/.exec(cluster.joinCommand)?.[1];
    expect(realHash).toBeDefined();
    const wrong = cluster.joinCommand.replace(/sha256:[0-9a-f]{64}/, `sha256:${"0".repeat(64)}`);
    const r = await spare().exec(`sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${wrong}`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("couldn't validate the identity of the API Server");
    expect(r.stderr).toContain(`none of the public keys "${String(realHash)}" are pinned`);
    // Nothing was written: the node is not a member.
    expect((await spare().exec("test -f /etc/kubernetes/kubelet.conf")).code).not.toBe(0);
  });

  test("a token past its TTL fails the join; kubeadm token list no longer shows it", async () => {
    const shortLived = (await control().run("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin kubeadm token create --ttl 1s --print-join-command")).trim();
    const tokenId = /--token\s+([a-z0-9]{6})\./.exec(shortLived)?.[1];
    expect(tokenId).toBeDefined();
    // TTLs are wall-clock time in the simulator (clock.now() is real), so wait the real second.
    await new Promise((r) => setTimeout(r, 1500));
    const list = await control().run("sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin kubeadm token list");
    expect(list).not.toContain(`${String(tokenId)}.`);
    const r = await spare().exec(`sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${shortLived}`, { timeoutMs: 20_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`token id "${String(tokenId)}" is invalid for this cluster or it has expired`);
  });

  test("after the failed attempts a valid join still works and the node becomes Ready", async () => {
    await spare().run(`sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${cluster.joinCommand}`, { timeoutMs: 20_000 });
    const nodes = await waitForReadyNodes(cluster.kubeconfigPath, 3);
    expect(nodes.map((n) => n.name)).toContain(cluster.infra.nodes[2].name);
  });
});

describe("kubeadm upgrade", () => {
  test("upgrade apply to a version two minors up is refused, even with a kubeadm of that version", async () => {
    const from = cluster.infra.iso.version;
    const [major, minor] = from.split(".").map(Number);
    const target = cluster.infra.sim.isos.find((i) => i.version.startsWith(`${major}.${minor + 2}.`));
    if (!target) throw new Error(`the simulator serves no ISO for ${major}.${minor + 2}`);
    // The operator brings the newer kubeadm over on its own ISO, as CKS does.
    const client = cluster.infra.client;
    const controlVm = cluster.infra.nodes[0].vmId;
    const iso = await registerBinariesIso(sim, client, target.version);
    await client.detachIso({ virtualmachineid: controlVm });
    await client.attachIso({ id: iso.id, virtualmachineid: controlVm });
    const ssh = control();
    await ssh.run(`sudo mount -o ro /dev/sr0 ${MOUNT_POINT}`);
    await ssh.run(`sudo install -m 0755 ${MOUNT_POINT}/k8s/kubeadm /opt/bin/kubeadm`);
    await ssh.run(`sudo umount ${MOUNT_POINT}`);
    expect((await ssh.run("/opt/bin/kubeadm version -o short")).trim()).toBe(`v${target.version}`);

    const r = await ssh.exec(`sudo env PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin kubeadm upgrade apply v${target.version} --yes`);
    expect(r.code).not.toBe(0);
    // A kubeadm two minors ahead refuses to read the cluster's configuration at all
    // (cmd/kubeadm/app/util/config/common.go NormalizeKubernetesVersion), before any version policy.
    expect(r.stderr).toContain(`this version of kubeadm only supports deploying clusters with the control plane version >= v${major}.${minor + 1}.0. Current version: v${from}`);
    // The cluster did not move.
    const version = await ssh.run("sudo /opt/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf version -o json");
    expect(z.object({ serverVersion: z.object({ gitVersion: z.string() }) }).parse(JSON.parse(version)).serverVersion.gitVersion).toBe(`v${from}`);
  });
});

const KubeconfigUser = z.object({
  clusters: z.array(z.object({ cluster: z.object({ "certificate-authority-data": z.string() }).loose() })),
  users: z.array(z.object({ user: z.object({ "client-certificate-data": z.string(), "client-key-data": z.string() }).loose() })),
});

function get(url: string, tls: { ca: string; cert?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...tls, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

describe("the Kubernetes API through the public IP", () => {
  test("answers 401 without a client certificate and 200 with the admin's", async () => {
    const conf = KubeconfigUser.parse(parseYaml(cluster.adminConf));
    const b64 = (s: string): string => Buffer.from(s, "base64").toString("utf8");
    const ca = b64(conf.clusters[0].cluster["certificate-authority-data"]);
    const url = `https://${cluster.infra.publicIp.address}:6443/api/v1/nodes`;

    // The server certificate verifies against the cluster CA for the public IP (a SAN from --apiserver-cert-extra-sans).
    const anonymous = await get(url, { ca });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 });

    const admin = await get(url, { ca, cert: b64(conf.users[0].user["client-certificate-data"]), key: b64(conf.users[0].user["client-key-data"]) });
    expect(admin.status).toBe(200);
    expect(JSON.parse(admin.body)).toMatchObject({ kind: "NodeList" });
  });
});

describe("a broken cloud-config", () => {
  test("degrades the boot visibly: status degraded done (exit 2), load failure logged, only the deploy key of the default user works", async () => {
    const deployKey = generateKey("deploy");
    const broken = await provisionInfra(sim, {
      count: 1,
      namePrefix: "broken",
      deployKey,
      attachIso: false,
      // An unterminated flow sequence: YAML cannot parse this.
      userData: (k) => `#cloud-config\nusers:\n  - name: cloud\n    ssh_authorized_keys: [${k.publicKey}\n`,
    });
    const node = broken.nodes[0];
    // The key from the userdata was never installed.
    const login = { host: broken.publicIp.address, port: node.sshPort, username: "cloud" };
    const viaDeployKey = await SimSshClient.connectWithRetry({ ...login, privateKey: deployKey.privateKey }, 20_000);
    try {
      await expect(SimSshClient.connect({ ...login, privateKey: broken.key.privateKey })).rejects.toThrow(/authentication methods failed/);
      const status = await viaDeployKey.exec("cloud-init status --wait --long");
      // cloudinit/util.py load_yaml logs a WARNING and the part merges as nothing: a recoverable error,
      // so cloud-init 23.4+ ends "degraded done" and `status --wait` exits 2 (cloudinit/cmd/status.py).
      expect(status.code).toBe(2);
      expect(status.stdout).toContain("extended_status: degraded done");
      expect(status.stdout).toContain("Failed loading yaml blob");
      const log = await viaDeployKey.run("cat /var/log/cloud-init.log");
      expect(log).toMatch(/WARNING.*Failed loading yaml blob/);
      // The default user exists with the deploy keypair's key, as cloud-init's fallback makes it.
      const keys = await viaDeployKey.run("cat /home/cloud/.ssh/authorized_keys");
      expect(keys).toContain(deployKey.publicKey.split(" ")[1]);
      expect(keys).not.toContain(broken.key.publicKey.split(" ")[1]);
    } finally {
      viaDeployKey.close();
    }
    // And the properly configured cluster nodes are unaffected.
    const ok = await sshTo(cluster.infra, cluster.infra.nodes[1]);
    try {
      expect((await ok.exec("cloud-init status")).stdout).toContain("status: done");
    } finally {
      ok.close();
    }
  });
});
