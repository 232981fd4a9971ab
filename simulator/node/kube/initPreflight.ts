// `kubeadm init` preflight checks: resources, ports, container runtime, binaries on PATH, versions,
// leftovers of an earlier init, IPv4 forwarding, external etcd reachability (through the fabric) and
// imported images. Order and names follow InitNodeChecks in kubernetes cmd/kubeadm/app/preflight/checks.go.
import * as http from "http";
import type { NodeMachine } from "../types";
import type { KubeToolsContext } from "./context";
import { settlePreflight, type PreflightIssue } from "./failure";
import type { InitPlan } from "./kubeadmInit";
import { ETCD_PORTS, KUBELET_PORT, KUBE_CONTROLLER_MANAGER_PORT, KUBE_SCHEDULER_PORT, execChecks, inPathIssues, ipv4Issues, lookPath, portIssues } from "./hostPreflight";
import { containerdActive, imagePresent, importedImages, installedVersion } from "./nodeFacts";
import { compareVersions, formatVersion, requiredImages } from "./versions";

function etcdReachable(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: "/version", timeout: 5_000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `unexpected HTTP status ${res.statusCode ?? 0}`);
    });
    req.on("timeout", () => req.destroy(new Error("i/o timeout")));
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED" ? "connect: connection refused" : err.message));
  });
}

async function externalEtcdIssues(ctx: KubeToolsContext, machine: NodeMachine, endpoints: string[]): Promise<PreflightIssue[]> {
  const issues: PreflightIssue[] = [];
  for (const endpoint of endpoints) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      issues.push({ name: "ExternalEtcdVersion", message: `invalid etcd endpoint "${endpoint}"` });
      continue;
    }
    const port = url.port ? Number(url.port) : 2379;
    const target = ctx.env.fabric.resolve(machine.spec.vmId, url.hostname, port);
    const problem = target ? await etcdReachable(target.host, target.port) : "connect: connection refused";
    if (problem) {
      issues.push({ name: "ExternalEtcdVersion", message: `could not connect to etcd: Get "${url.origin}/version": dial tcp ${url.hostname}:${port}: ${problem}` });
    }
  }
  return issues;
}

/** `path`: the PATH kubeadm runs with (under sudo: secure_path unless the caller sets one). */
export async function initPreflight(ctx: KubeToolsContext, machine: NodeMachine, p: InitPlan, path: string): Promise<string[]> {
  const issues: PreflightIssue[] = [];
  if (machine.spec.cpuNumber < 2) issues.push({ name: "NumCPU", message: `the number of available CPUs ${machine.spec.cpuNumber} is less than the required 2` });
  if (machine.spec.memoryMb < 1700) issues.push({ name: "Mem", message: `the system RAM (${machine.spec.memoryMb} MB) is less than the minimum 1700 MB` });
  if (!containerdActive(machine)) {
    issues.push({ name: "CRI", message: 'container runtime is not running: output: time="" level=fatal msg="validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///var/run/containerd/containerd.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory\\""\n, error: exit status 1' });
  }
  if (compareVersions(p.version, { ...p.kubeadm, patch: Number.MAX_SAFE_INTEGER }) > 0) {
    issues.push({ name: "KubernetesVersion", message: `Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: ${formatVersion(p.version).slice(1)}. Kubeadm version: ${p.kubeadm.major}.${p.kubeadm.minor}.x` });
  }
  issues.push(...portIssues(machine, [p.bindPort, KUBE_SCHEDULER_PORT, KUBE_CONTROLLER_MANAGER_PORT]));
  issues.push(...inPathIssues(machine.fs, path, execChecks(p.kubeadm, p.version)));
  // KubeletVersionCheck runs `kubelet --version` found on PATH (checks.go), not a fixed path.
  const kubeletPath = lookPath(machine.fs, "kubelet", path);
  const kubelet = kubeletPath ? installedVersion(machine, "kubelet", [kubeletPath]) : undefined;
  if (!kubeletPath || !kubelet) {
    issues.push({ name: "KubeletVersion", message: "couldn't get kubelet version: cannot execute 'kubelet --version': executable file not found in $PATH" });
  } else if (compareVersions(kubelet, p.version) > 0 && (kubelet.minor !== p.version.minor || kubelet.major !== p.version.major)) {
    issues.push({ name: "KubeletVersion", message: `the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "${formatVersion(kubelet).slice(1)}" Control plane version: "${formatVersion(p.version).slice(1)}"` });
  }
  issues.push(...portIssues(machine, [KUBELET_PORT]));
  issues.push(...ipv4Issues(machine, p.kubeadm));
  if (p.etcd.mode === "stacked") issues.push(...portIssues(machine, ETCD_PORTS));
  const manifests = machine.fs.list("/etc/kubernetes/manifests");
  if (manifests && manifests.length > 0) issues.push({ name: "DirAvailable--etc-kubernetes-manifests", message: "/etc/kubernetes/manifests is not empty" });
  for (const conf of ["admin.conf", "kubelet.conf"]) {
    if (machine.fs.exists(`/etc/kubernetes/${conf}`)) issues.push({ name: `FileAvailable--etc-kubernetes-${conf.replace(".", "-")}`, message: `/etc/kubernetes/${conf} already exists` });
  }
  if (p.etcd.mode === "stacked") {
    const etcdDir = machine.fs.list("/var/lib/etcd");
    if (etcdDir && etcdDir.length > 0) issues.push({ name: "DirAvailable--var-lib-etcd", message: "/var/lib/etcd is not empty" });
  } else {
    issues.push(...(await externalEtcdIssues(ctx, machine, p.etcd.endpoints)));
  }
  const images = importedImages(machine);
  for (const image of requiredImages(p.version, p.imageRepository)) {
    if (p.etcd.mode === "external" && image.includes("/etcd:")) continue;
    const strict = /kube-(apiserver|controller-manager|scheduler|proxy):/.test(image);
    if (!imagePresent(images, image, strict)) {
      issues.push({ name: "ImagePull", message: `failed to pull image ${image}: failed to pull image ${image}: dial tcp: lookup ${p.imageRepository.split("/")[0]}: no such host` });
    }
  }
  return settlePreflight(issues, p.ignored);
}

