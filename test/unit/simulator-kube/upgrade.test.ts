// kubeadm upgrade plan|apply|node against kubeadm's rules (cmd/kubeadm/app/phases/upgrade/policy.go,
// health.go, compute.go; cmd/kubeadm/app/cmd/upgrade/*.go), the kubelet version a node reports after
// its binary is replaced and it restarts, and the certificates an upgrade renews.
import { connect } from "node:tls";
import { certificateFacts } from "../../../simulator/node/kube/pki";
import { parseTarget, policyFailure, versionPolicy } from "../../../simulator/node/kube/upgradePolicy";
import { CNI_MANIFEST, World, imagesFor, type TestMachine } from "./harness";

const ENV = { KUBECONFIG: "/etc/kubernetes/admin.conf" };
const KEY = "1".repeat(64);
const v = (text: string) => parseTarget(text)!;

/** What installing a newer binaries ISO does: kubeadm, kubelet, kubectl and the images. */
function install(world: World, m: TestMachine, version: string): void {
  for (const tool of ["kubeadm", "kubelet", "kubectl"]) world.installBinary(m, tool, version);
  const images = (m.ext.get("containerd.images") as Set<string> | undefined) ?? new Set<string>();
  for (const i of imagesFor(version)) images.add(i);
  m.ext.set("containerd.images", images);
}

async function haCluster(world: World, version: string) {
  const cp1 = world.machine("cp-1", version);
  expect((await world.run(cp1, `kubeadm init --control-plane-endpoint 10.9.9.9:6443 --upload-certs --certificate-key ${KEY} --token abcdef.0123456789abcdef`)).code).toBe(0);
  world.forwards.set("10.9.9.9:6443", { machine: cp1, port: 6443 });
  const cp2 = world.machine("cp-2", version);
  expect((await world.run(cp2, `kubeadm join 10.9.9.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification --control-plane --certificate-key ${KEY}`)).code).toBe(0);
  const w1 = world.machine("w-1", version);
  expect((await world.run(w1, "kubeadm join 10.9.9.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification")).code).toBe(0);
  cp1.fs.write("/root/cni.yaml", CNI_MANIFEST);
  expect((await world.run(cp1, "kubectl apply -f /root/cni.yaml", { env: ENV })).code).toBe(0);
  return { cp1, cp2, w1 };
}

async function kubeletVersions(world: World, m: TestMachine): Promise<Record<string, string>> {
  const doc = JSON.parse((await world.run(m, "kubectl get nodes -o json", { env: ENV })).stdout) as { items: Array<{ metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string } } }> };
  return Object.fromEntries(doc.items.map((n) => [n.metadata.name, n.status.nodeInfo.kubeletVersion]));
}

describe("kubeadm's version-skew policy (policy.go)", () => {
  const errs = (target: string, cluster: string, kubeadm: string, kubelets: string[] = [cluster]) => versionPolicy(v(target), target, v(cluster), v(kubeadm), kubelets.map(v));
  test("no skipped minor, kubeadm's own minor at most, downgrades one minor at a time", () => {
    expect(errs("v1.33.1", "v1.32.4", "v1.33.1")).toEqual({ mandatory: [], skippable: [] });
    expect(errs("v1.34.0", "v1.32.4", "v1.34.0").mandatory).toEqual(['Specified version to upgrade to "v1.34.0" is too high; kubeadm can upgrade only 1 minor version at a time']);
    expect(errs("v1.33.1", "v1.32.4", "v1.32.4").mandatory).toEqual(['Specified version to upgrade to "v1.33.1" is at least one minor release higher than the kubeadm minor release (33 > 32). Such an upgrade is not supported']);
    expect(errs("v1.33.2", "v1.32.4", "v1.33.1")).toEqual({ mandatory: [], skippable: ['Specified version to upgrade to "v1.33.2" is higher than the kubeadm version "v1.33.1". Upgrade kubeadm first using the tool you used to install kubeadm'] });
    expect(errs("v1.32.5", "v1.32.4", "v1.33.1").skippable).toEqual(["Kubeadm version v1.33.1 can only be used to upgrade to Kubernetes version 1.33"]);
    expect(errs("v1.31.4", "v1.32.4", "v1.31.4")).toEqual({ mandatory: [], skippable: [] });
    expect(errs("v1.30.4", "v1.32.4", "v1.30.4").mandatory).toEqual(['Specified version to downgrade to "v1.30.4" is too low; kubeadm can downgrade only 1 minor version at a time']);
    expect(errs("v1.32.0", "v1.32.0", "v1.33.0").mandatory[0]).toContain("is equal to or lower than the minimum supported version");
    expect(errs("v1.33.0-rc.1", "v1.32.4", "v1.33.0").skippable).toContainEqual('Specified version to upgrade to "v1.33.0-rc.1" is an unstable version and such upgrades weren\'t allowed via setting the --allow-*-upgrades flags');
  });

  test("kubelets more than three minors older are a skippable error; fatal errors are not skippable with --force", () => {
    expect(errs("v1.33.1", "v1.32.4", "v1.33.1", ["v1.32.4", "v1.29.9"]).skippable).toEqual(["There are kubelets in this cluster that are too old that have these versions [v1.29.9]"]);
    expect(errs("v1.33.1", "v1.32.4", "v1.33.1", ["v1.30.9"]).skippable).toEqual([]);
    const fatal = policyFailure({ mandatory: ["x"], skippable: ["y"] }, true, v("v1.32.0"));
    expect(fatal).toBe("error execution phase preflight: the version argument is invalid due to these fatal errors:\n\n\t- x\n\nPlease fix the misalignments highlighted above and try upgrading again");
    expect(policyFailure({ mandatory: [], skippable: ["y"] }, false, v("v1.29.0"))).toBe("[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- y\n\nCan be bypassed if you pass the --force flag");
    expect(policyFailure({ mandatory: [], skippable: ["y"] }, true, v("v1.32.0"))).toBeUndefined();
  });
});

describe("kubeadm upgrade on simulated nodes", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  test("plan lists the target and exits 0 even for one apply refuses; it fails on NotReady control planes and off the control plane", async () => {
    const cp = world.machine("cp-1", "1.32.4");
    expect((await world.run(cp, "kubeadm init --token abcdef.0123456789abcdef")).code).toBe(0);
    const notReady = await world.run(cp, "kubeadm upgrade plan v1.33.1");
    expect(notReady.code).toBe(1);
    expect(notReady.stderr).toContain("[upgrade/health] FATAL: [preflight] Some fatal errors occurred:\n\t[ERROR ControlPlaneNodesReady]: there are NotReady control-planes in the cluster: [cp-1]\n");
    expect((await world.run(cp, "kubeadm upgrade plan v1.33.1 --ignore-preflight-errors=ControlPlaneNodesReady")).code).toBe(0);
    cp.fs.write("/root/cni.yaml", CNI_MANIFEST);
    expect((await world.run(cp, "kubectl apply -f /root/cni.yaml", { env: ENV })).code).toBe(0);

    const plan = await world.run(cp, "kubeadm upgrade plan v1.33.1");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("[upgrade/versions] Cluster version: v1.32.4\n[upgrade/versions] kubeadm version: v1.32.4\n");
    expect(plan.stdout).toMatch(/kubelet\s+cp-1\s+v1\.32\.4\s+v1\.33\.1/);
    expect(plan.stdout).toMatch(/kube-apiserver\s+cp-1\s+v1\.32\.4\s+v1\.33\.1/);
    expect(plan.stdout).toContain("\tkubeadm upgrade apply v1.33.1\n");
    expect(plan.stdout).toContain("Note: Before you can perform this upgrade, you have to update kubeadm to v1.33.1.");
    // Two minors ahead is listed too: plan applies no version policy.
    const skip = await world.run(cp, "kubeadm upgrade plan v1.34.0");
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain("\tkubeadm upgrade apply v1.34.0\n");
    // Older than the cluster: nothing to offer, still 0.
    const older = await world.run(cp, "kubeadm upgrade plan v1.31.4");
    expect(older.code).toBe(0);
    expect(older.stdout).not.toContain("kubeadm upgrade apply");

    const w = world.machine("w-1", "1.32.4");
    expect((await world.run(w, `kubeadm join ${cp.spec.guestIp}:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`)).code).toBe(0);
    const noAdmin = await world.run(w, "kubeadm upgrade plan");
    expect(noAdmin.code).toBe(1);
    expect(noAdmin.stderr).toContain('couldn\'t create a Kubernetes client from file "/etc/kubernetes/admin.conf": failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory');
    w.fs.write("/etc/kubernetes/admin.conf", cp.fs.read("/etc/kubernetes/admin.conf")!);
    install(world, w, "1.33.1");
    const remote = await world.run(w, "kubeadm upgrade apply v1.33.1 -y");
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain("[ERROR StaticPodManifest]: The control plane seems to be Static Pod-hosted, but some of the manifests don't seem to exist on disk. This probably means you're running 'kubeadm upgrade' on a remote machine");
  });

  test("apply refuses what kubeadm refuses, and asks unless -y; --dry-run changes nothing", async () => {
    const { cp1 } = await haCluster(world, "1.32.4");
    const run = (line: string) => world.run(cp1, line);
    const missing = await run("kubeadm upgrade apply -y");
    expect(missing.stderr).toContain("missing one or more required arguments: [version]");
    const above = await run("kubeadm upgrade apply v1.33.1 -y");
    expect(above.code).toBe(1);
    expect(above.stderr).toBe(
      'error execution phase preflight: the version argument is invalid due to these fatal errors:\n\n\t- Specified version to upgrade to "v1.33.1" is at least one minor release higher than the kubeadm minor release (33 > 32). Such an upgrade is not supported\n\nPlease fix the misalignments highlighted above and try upgrading again\nTo see the stack trace of this error execute with --v=5 or higher\n',
    );
    // kubeadm two minors ahead cannot even read the cluster's configuration.
    world.installBinary(cp1, "kubeadm", "1.34.0");
    const skipped = await run("kubeadm upgrade apply v1.34.0 -y");
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toContain("[upgrade/init config] FATAL: this version of kubeadm only supports deploying clusters with the control plane version >= v1.33.0. Current version: v1.32.4");
    expect((await world.run(cp1, "kubeadm upgrade node")).stderr).toContain("unable to fetch the kubeadm-config ConfigMap: this version of kubeadm only supports deploying clusters with the control plane version >= v1.33.0");
    // One minor ahead of kubeadm and two of the cluster: both fatal errors.
    world.installBinary(cp1, "kubeadm", "1.33.1");
    const twoUp = await run("kubeadm upgrade apply v1.34.0 -y");
    expect(twoUp.stderr).toContain("kubeadm can upgrade only 1 minor version at a time");
    expect(twoUp.stderr).toContain("is at least one minor release higher than the kubeadm minor release (34 > 33)");
    world.installBinary(cp1, "kubeadm", "1.33.1");
    const patchAbove = await run("kubeadm upgrade apply v1.33.2 -y");
    expect(patchAbove.stderr).toContain("Can be bypassed if you pass the --force flag");
    expect((await run("kubeadm upgrade apply v1.32.5 -y")).stderr).toContain("Kubeadm version v1.33.1 can only be used to upgrade to Kubernetes version 1.33");
    expect((await run("kubeadm upgrade apply 1.33.x -y")).stderr).toContain('unable to parse normalized version "1.33.x" as a semantic version');
    // Images of the target are not imported yet (the new ISO is not installed).
    const noImages = await run("kubeadm upgrade apply v1.33.1 -y");
    expect(noImages.code).toBe(1);
    expect(noImages.stderr).toContain("[ERROR ImagePull]: failed to pull image registry.k8s.io/kube-apiserver:v1.33.1");
    install(world, cp1, "1.33.1");
    const noYes = await run("kubeadm upgrade apply v1.33.1");
    expect(noYes.code).toBe(1);
    expect(noYes.stdout).toContain("[upgrade] Are you sure you want to proceed? [y/N]: ");
    expect(noYes.stderr).toContain("won't proceed; the user didn't answer (Y|y) in order to continue");
    const dry = await run("kubeadm upgrade apply v1.33.1 --dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("[dryrun] Finished dryrunning successfully!");
    expect((await world.run(cp1, "kubectl version", { env: ENV })).stdout).toContain("Server Version: v1.32.4");
    expect(cp1.fs.read("/etc/kubernetes/manifests/kube-apiserver.yaml")!.toString()).toContain("kube-apiserver:v1.32.4");
  });

  test("HA 1.32 → 1.33: apply, upgrade node on the other control node and the worker, kubelets report their version after a restart", async () => {
    const { cp1, cp2, w1 } = await haCluster(world, "1.32.4");
    // upgrade node before any apply: the ClusterConfiguration still says v1.32.4, so it rewrites that (no-op).
    install(world, cp2, "1.33.1");
    const early = await world.run(cp2, "kubeadm upgrade node");
    expect(early.code).toBe(0);
    expect(early.stdout).toContain('Upgrading your static Pod-hosted control plane to version "v1.32.4"');
    expect(cp2.fs.read("/etc/kubernetes/manifests/kube-apiserver.yaml")!.toString()).toContain("kube-apiserver:v1.32.4");

    install(world, cp1, "1.33.1");
    const certBefore = certificateFacts(cp1.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString());
    world.clock.offset = 30 * 86_400_000;
    const applied = await world.run(cp1, "kubeadm upgrade apply v1.33.1 -y");
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("[upgrade/staticpods] Renewing apiserver certificate\n");
    expect(applied.stdout).toContain('[upgrade] SUCCESS! A control plane node of your cluster was upgraded to "v1.33.1".\n\n[upgrade] Now please proceed with upgrading the rest of the nodes by following the right order.\n');
    const certAfter = certificateFacts(cp1.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString());
    // kube-apiserver was restarted with the new manifest: it serves the renewed certificate.
    const served = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: cp1.exposed.get(6443)!, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().valid_to);
        socket.destroy();
      });
      socket.on("error", reject);
    });
    expect(Date.parse(served)).toBe(certAfter.notAfter.getTime());
    expect(certAfter.notAfter.getTime() - certBefore.notAfter.getTime()).toBeGreaterThan(29 * 86_400_000);
    expect(certAfter.dnsNames).toEqual(certBefore.dnsNames);
    // The API answers with the lowest control-plane version until cp-2 is upgraded too.
    expect((await world.run(cp1, "kubectl version", { env: ENV })).stdout).toContain("Server Version: v1.32.4");
    const cm = JSON.parse((await world.run(cp1, "kubectl get cm kubeadm-config -n kube-system -o json", { env: ENV })).stdout) as { data: { ClusterConfiguration: string } };
    expect(cm.data.ClusterConfiguration).toContain("kubernetesVersion: v1.33.1");

    // Apiservers stay within one minor: the next minor is refused while cp-2 is behind.
    install(world, cp1, "1.34.0");
    const ahead = await world.run(cp1, "kubeadm upgrade apply v1.34.0 -y");
    expect(ahead.stderr).toContain("kubeadm can upgrade only 1 minor version at a time");
    install(world, cp1, "1.33.1");

    const noRenew = cp2.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString();
    const node = await world.run(cp2, "kubeadm upgrade node --certificate-renewal=false");
    expect(node.code).toBe(0);
    expect(node.stdout).toContain('Upgrading your static Pod-hosted control plane to version "v1.33.1"');
    expect(node.stdout).not.toContain("Renewing");
    expect(cp2.fs.read("/etc/kubernetes/pki/apiserver.crt")!.toString()).toBe(noRenew);
    expect((await world.run(cp1, "kubectl version", { env: ENV })).stdout).toContain("Server Version: v1.33.1");

    install(world, w1, "1.33.1");
    const worker = await world.run(w1, "kubeadm upgrade node");
    expect(worker.stdout).toContain("[upgrade/control-plane] Skipping phase. Not a control plane node.");
    // Installed but not restarted: the node still reports the old kubelet.
    expect(await kubeletVersions(world, cp1)).toEqual({ "cp-1": "v1.32.4", "cp-2": "v1.32.4", "w-1": "v1.32.4" });
    for (const m of [cp1, cp2, w1]) {
      await world.systemctl(m, "stop", "kubelet");
      await world.systemctl(m, "start", "kubelet");
    }
    expect(await kubeletVersions(world, cp1)).toEqual({ "cp-1": "v1.33.1", "cp-2": "v1.33.1", "w-1": "v1.33.1" });
    const nodes = await world.run(cp1, "kubectl get nodes", { env: ENV });
    expect(nodes.stdout).toMatch(/w-1\s+Ready\s+<none>\s+\S+\s+v1\.33\.1/);
  });

  test("a worker without kubelet.conf cannot run upgrade node", async () => {
    const lone = world.machine("lone", "1.32.4");
    const r = await world.run(lone, "kubeadm upgrade node");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('couldn\'t create a Kubernetes client from file "/etc/kubernetes/kubelet.conf"');
  });
});

describe("the kubelet binary is busy while kubelet runs", () => {
  test("kubelet start holds /opt/bin/kubelet (ETXTBSY) and stop releases it", async () => {
    const { textBusy } = await import("../../../simulator/node/textBusy");
    const world = new World();
    try {
      const cp = world.machine("cp-1", "1.32.4");
      expect((await world.run(cp, "kubeadm init")).code).toBe(0);
      expect(textBusy(cp, "/opt/bin/kubelet")).toBe(true);
      await world.systemctl(cp, "stop", "kubelet");
      expect(textBusy(cp, "/opt/bin/kubelet")).toBe(false);
      await world.systemctl(cp, "start", "kubelet");
      expect(textBusy(cp, "/opt/bin/kubelet")).toBe(true);
    } finally {
      await world.close();
    }
  });
});
