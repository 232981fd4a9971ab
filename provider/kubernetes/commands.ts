// Typed builders for every command the provider runs on a node over SSH. Each builder returns one
// NodeCommand: the argv, the exact shell string to send, and a `display` form with secrets replaced,
// which is the only form that may reach logs or error messages.

/** Where the binaries ISO is mounted on a node (docs/binaries-iso.md). */
export const ISO_MOUNT_POINT = "/mnt/k8sdisk";
/** CKS layout: Kubernetes binaries live in /opt/bin. */
export const BIN_DIR = "/opt/bin";
export const CNI_BIN_DIR = "/opt/cni/bin";
export const KUBEADM = `${BIN_DIR}/kubeadm`;
export const KUBECTL = `${BIN_DIR}/kubectl`;
export const ADMIN_KUBECONFIG = "/etc/kubernetes/admin.conf";
/** Where the ISO's network and dashboard manifests are staged (install step 7). */
export const MANIFEST_DIR = "/etc/kubernetes/cks";
export const KUBELET_UNIT_PATH = "/etc/systemd/system/kubelet.service";
export const KUBEADM_DROPIN_PATH = "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf";
export const ETCD_UNIT_PATH = "/etc/systemd/system/etcd.service";
export const CRI_SOCKET = "unix:///run/containerd/containerd.sock";
/**
 * Debian's and Ubuntu's /etc/sudoers `secure_path`: sudo replaces the caller's PATH with it (env_reset),
 * both to find the command and in the command's environment (sudoers(5): secure_path).
 */
export const SUDO_SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/**
 * The PATH kubeadm and kubectl run with. kubeadm's preflight looks up kubelet, crictl, conntrack, ip,
 * iptables, mount and nsenter on PATH (kubernetes cmd/kubeadm/app/preflight/checks_linux.go), and the
 * binaries live in /opt/bin, which secure_path lacks; CKS's node scripts export PATH with /opt/bin too.
 */
export const KUBE_PATH = `${BIN_DIR}:${SUDO_SECURE_PATH}`;

const REDACTED = "<redacted>";

/** One node step: what to run, and how it may be shown. */
export interface NodeCommand {
  /** The program and its arguments, unquoted (sudo not included). */
  argv: string[];
  /** The exact shell command line sent over SSH. */
  command: string;
  /** `command` with every secret replaced by `<redacted>`; safe for logs and errors. */
  display: string;
  /** Data written to the command's standard input (may be secret: never log it). */
  stdin?: string;
  /** The secret values this command carries, so stderr can be scrubbed of them too. */
  secrets: string[];
}

const SAFE_ARG = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument for a POSIX shell: safe characters stay bare, anything else is wrapped in single
 * quotes with embedded single quotes written as `'\''`. The empty string becomes `''`.
 */
export function shellQuote(arg: string): string {
  if (arg !== "" && SAFE_ARG.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Joins argv into one shell command line, each argument quoted; `sudo` prefixes it when asked. With
 * `path`, the program runs under `env PATH=<path>`: after sudo, so sudo's secure_path cannot undo it.
 */
export function sh(argv: readonly string[], options: { sudo?: boolean; path?: string } = {}): string {
  if (argv.length === 0) throw new Error("sh: empty argv");
  const line = [...(options.path !== undefined ? ["env", `PATH=${options.path}`] : []), ...argv].map(shellQuote).join(" ");
  return options.sudo ? `sudo ${line}` : line;
}

interface BuildOptions {
  sudo?: boolean;
  /** Run the program with this PATH (`env PATH=...`), e.g. KUBE_PATH for kubeadm. */
  path?: string;
  /** Argument values that are secret: shown as `<redacted>` in `display`. */
  secrets?: string[];
  stdin?: string;
  /** Appended verbatim to both command and display (redirections such as `>/dev/null`). */
  suffix?: string;
}

/** Builds a NodeCommand from argv; the low-level builder behind every step builder. */
export function nodeCommand(argv: string[], options: BuildOptions = {}): NodeCommand {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const suffix = options.suffix ? ` ${options.suffix}` : "";
  // The placeholder is left unquoted so the display reads naturally (`--token <redacted>`).
  const shown = argv.map((a) => (secrets.includes(a) ? REDACTED : shellQuote(a))).join(" ");
  const envPrefix = options.path !== undefined ? `env ${shellQuote(`PATH=${options.path}`)} ` : "";
  const cmd: NodeCommand = {
    argv,
    command: sh(argv, { sudo: options.sudo, path: options.path }) + suffix,
    display: (options.sudo ? "sudo " : "") + envPrefix + shown + suffix,
    secrets,
  };
  if (options.stdin !== undefined) cmd.stdin = options.stdin;
  return cmd;
}

/** Runs `first` and, only if it succeeds, `second`, as one command line (`a && b`). */
export function chain(first: NodeCommand, second: NodeCommand): NodeCommand {
  if (first.stdin !== undefined && second.stdin !== undefined) {
    throw new Error("chain: only one of the commands may read stdin");
  }
  const cmd: NodeCommand = {
    argv: second.argv,
    command: `${first.command} && ${second.command}`,
    display: `${first.display} && ${second.display}`,
    secrets: [...first.secrets, ...second.secrets],
  };
  const stdin = first.stdin ?? second.stdin;
  if (stdin !== undefined) cmd.stdin = stdin;
  return cmd;
}

// ---- ISO install sequence (docs/binaries-iso.md) ------------------------------------------------

/**
 * Lists the ISO 9660 devices with their labels (`blkid -t TYPE=iso9660 -o export`); exits 2 while
 * none is attached. The ISO is found by filesystem type, not label: xorriso-built ISOs are labelled
 * ISOIMAGE, mkisofs' CDROM, and config drives (config-2, cidata) are iso9660 too, so the caller picks
 * with pickBinariesIsoDevice (isoLayout.ts). CKS's own etcd template also searches TYPE=iso9660.
 */
export function findIsoDevice(): NodeCommand {
  return nodeCommand(["blkid", "-t", "TYPE=iso9660", "-o", "export"], { sudo: true });
}

/** `mkdir -p` of the given directories. */
export function mkdirs(dirs: string[]): NodeCommand {
  if (dirs.length === 0) throw new Error("mkdirs: no directories");
  return nodeCommand(["mkdir", "-p", ...dirs], { sudo: true });
}

/** Mounts the ISO read-only at /mnt/k8sdisk (creating the mount point first). */
export function mountIso(device: string): NodeCommand {
  return chain(mkdirs([ISO_MOUNT_POINT]), nodeCommand(["mount", "-o", "ro", device, ISO_MOUNT_POINT], { sudo: true }));
}

/**
 * Exits 0 when the ISO is already mounted, so mounting can be skipped. Both layouts (manifest and
 * CKS's create-kubernetes-binaries-iso.sh) carry k8s/kubeadm; only the first has manifest.json.
 */
export function isIsoMounted(): NodeCommand {
  return nodeCommand(["test", "-f", `${ISO_MOUNT_POINT}/k8s/kubeadm`]);
}

/** Prints the ISO's manifest.json (only ISOs of docs/binaries-iso.md's layout have one). */
export function catManifest(): NodeCommand {
  return nodeCommand(["cat", `${ISO_MOUNT_POINT}/manifest.json`]);
}

/**
 * Prints every file and directory of the mounted ISO down to two levels, one absolute path a line
 * (the CKS layout is that flat). A pattern that matches nothing is left out, never printed literally.
 */
export function listIso(): NodeCommand {
  const script = `for f in ${ISO_MOUNT_POINT}/* ${ISO_MOUNT_POINT}/*/*; do if [ -e "$f" ]; then printf '%s\\n' "$f"; fi; done`;
  return nodeCommand(["sh", "-c", script]);
}

/** Prints the image references in containerd's k8s.io namespace, one a line. */
export function listImages(): NodeCommand {
  return nodeCommand(["ctr", "-n", "k8s.io", "images", "ls", "-q"], { sudo: true });
}

/** Absolute path of a file on the mounted ISO, from its manifest-relative path. */
export function isoPath(relative: string): string {
  if (relative.startsWith("/") || relative.split("/").includes("..")) {
    throw new Error(`ISO path must be relative and stay inside the ISO: ${relative}`);
  }
  return `${ISO_MOUNT_POINT}/${relative}`;
}

/** Extracts a gzip'd tar into `dir`; `stripComponents` drops leading path parts (etcd archives). */
export function extractTgz(archive: string, dir: string, stripComponents?: number): NodeCommand {
  const argv = ["tar", "-xzf", archive, "-C", dir];
  if (stripComponents !== undefined) argv.push(`--strip-components=${stripComponents}`);
  return nodeCommand(argv, { sudo: true });
}

/** Installs an executable into /opt/bin (mode 0755) under its own base name. */
export function installBinary(source: string, targetDir: string = BIN_DIR): NodeCommand {
  const name = source.split("/").pop() ?? source;
  return nodeCommand(["install", "-m", "0755", source, `${targetDir}/${name}`], { sudo: true });
}

/** Installs a regular file (units, drop-ins, manifests) with mode 0644, creating parent directories. */
export function installFile(source: string, target: string): NodeCommand {
  return nodeCommand(["install", "-D", "-m", "0644", source, target], { sudo: true });
}

/** Installs the kubelet unit from the ISO. */
export function installKubeletUnit(sourceOnIso: string): NodeCommand {
  return installFile(sourceOnIso, KUBELET_UNIT_PATH);
}

/** Installs the kubeadm drop-in for the kubelet unit from the ISO. */
export function installKubeadmDropIn(sourceOnIso: string): NodeCommand {
  return installFile(sourceOnIso, KUBEADM_DROPIN_PATH);
}

/** Imports one OCI image archive into containerd's k8s.io namespace. */
export function importImage(archive: string): NodeCommand {
  return nodeCommand(["ctr", "-n", "k8s.io", "images", "import", archive], { sudo: true });
}

/** `systemctl daemon-reload`. */
export function daemonReload(): NodeCommand {
  return nodeCommand(["systemctl", "daemon-reload"], { sudo: true });
}

/** `systemctl enable --now <unit>`. */
export function enableNow(unit: string): NodeCommand {
  return nodeCommand(["systemctl", "enable", "--now", unit], { sudo: true });
}

/** `systemctl restart <unit>`. */
export function restartUnit(unit: string): NodeCommand {
  return nodeCommand(["systemctl", "restart", unit], { sudo: true });
}

/** `systemctl stop <unit>`. */
export function stopUnit(unit: string): NodeCommand {
  return nodeCommand(["systemctl", "stop", unit], { sudo: true });
}

/** Restarts containerd (after its configuration or registry credentials change). */
export function restartContainerd(): NodeCommand {
  return restartUnit("containerd");
}

/** Unmounts the ISO so it can be detached. */
export function umountIso(): NodeCommand {
  return nodeCommand(["umount", ISO_MOUNT_POINT], { sudo: true });
}

/**
 * Waits until cloud-init has finished on the node. Exit 0 = done, 1 = failed, 2 = done with recoverable
 * errors (cloud-init >= 23.4, e.g. deprecated keys): use cloudInitOutcome, and run it with exec, not run.
 */
export function cloudInitStatusWait(): NodeCommand {
  return nodeCommand(["cloud-init", "status", "--wait"], { sudo: true });
}

/** Interprets the exit code of cloudInitStatusWait. */
export function cloudInitOutcome(code: number | null): "done" | "degraded" | "error" {
  if (code === 0) return "done";
  if (code === 2) return "degraded";
  return "error";
}

// ---- files ----------------------------------------------------------------------------------------

/**
 * Writes `content` to `path` through stdin (`tee`), so the content never appears on a command line.
 * The file is first created empty with `mode` (default 0600) so secret content is never readable by
 * others, even for a moment; tee keeps the mode when it truncates.
 */
export function writeFile(path: string, content: string, options: { mode?: string } = {}): NodeCommand {
  const mode = options.mode ?? "0600";
  if (!/^0?[0-7]{3}$/.test(mode)) throw new Error(`writeFile: invalid mode ${mode}`);
  const create = nodeCommand(["install", "-D", "-m", mode, "/dev/null", path], { sudo: true });
  const tee = nodeCommand(["tee", path], { sudo: true, stdin: content, suffix: ">/dev/null" });
  return chain(create, tee);
}

/** Installs the external etcd systemd unit (text from renderEtcdUnit). */
export function installEtcdUnit(unitText: string): NodeCommand {
  return writeFile(ETCD_UNIT_PATH, unitText, { mode: "0644" });
}

/**
 * `etcdctl endpoint health` against each member's client URL: passes only once the member serves, i.e.
 * once its cluster has quorum (etcd holds client requests until then).
 */
export function etcdEndpointHealth(endpoints: readonly string[]): NodeCommand {
  if (endpoints.length === 0) throw new Error("etcdEndpointHealth: no endpoints");
  return nodeCommand([`${BIN_DIR}/etcdctl`, `--endpoints=${endpoints.join(",")}`, "endpoint", "health"]);
}

/** Prints the admin kubeconfig (secret output: never log stdout). */
export function catAdminConf(): NodeCommand {
  return nodeCommand(["cat", ADMIN_KUBECONFIG], { sudo: true });
}

// ---- kubeadm --------------------------------------------------------------------------------------

/** `kubeadm init --config <path> --upload-certs`: the token and certificate key live in the file. */
export function kubeadmInit(options: { configPath: string; uploadCerts?: boolean }): NodeCommand {
  const argv = [KUBEADM, "init", "--config", options.configPath];
  if (options.uploadCerts ?? true) argv.push("--upload-certs");
  return nodeCommand(argv, { sudo: true, path: KUBE_PATH });
}

export interface KubeadmJoinOptions {
  /** host:port of the control-plane endpoint. */
  endpoint: string;
  token: string;
  /** `sha256:<hex>`: joins pin the cluster CA (CKS skipped that check). */
  caCertHash: string;
  nodeName: string;
  controlPlane?: boolean;
  /** Required with controlPlane: decrypts the certificates uploaded by `upload-certs`. */
  certificateKey?: string;
  /** Control-plane joins: the node's own address for its API server. */
  advertiseAddress?: string;
}

/** `kubeadm join` for a worker or (with controlPlane) an additional control-plane node. */
export function kubeadmJoin(options: KubeadmJoinOptions): NodeCommand {
  if (!/^sha256:[0-9a-f]{64}$/.test(options.caCertHash)) {
    throw new Error("kubeadmJoin: caCertHash must be sha256:<64 hex digits>");
  }
  const argv = [
    KUBEADM, "join", options.endpoint,
    "--token", options.token,
    "--discovery-token-ca-cert-hash", options.caCertHash,
    "--node-name", options.nodeName,
    "--cri-socket", CRI_SOCKET,
  ];
  const secrets = [options.token];
  if (options.controlPlane) {
    if (!options.certificateKey) throw new Error("kubeadmJoin: a control-plane join needs certificateKey");
    argv.push("--control-plane", "--certificate-key", options.certificateKey);
    secrets.push(options.certificateKey);
    if (options.advertiseAddress) argv.push("--apiserver-advertise-address", options.advertiseAddress);
  }
  return nodeCommand(argv, { sudo: true, path: KUBE_PATH, secrets });
}

/** Creates a fresh 2-hour bootstrap token and prints the full join command (secret output). */
export function kubeadmTokenCreate(options: { ttl?: string } = {}): NodeCommand {
  return nodeCommand([KUBEADM, "token", "create", "--print-join-command", "--ttl", options.ttl ?? "2h"], { sudo: true, path: KUBE_PATH });
}

/**
 * Re-uploads the control-plane certificates (they expire from the cluster after 2 hours). With
 * `certificateKey` our own key is used; otherwise kubeadm generates one and prints it on the last line.
 */
export function kubeadmUploadCerts(options: { configPath?: string; certificateKey?: string } = {}): NodeCommand {
  const argv = [KUBEADM, "init", "phase", "upload-certs", "--upload-certs"];
  const secrets: string[] = [];
  if (options.configPath) argv.push("--config", options.configPath);
  else if (options.certificateKey) {
    argv.push("--certificate-key", options.certificateKey);
    secrets.push(options.certificateKey);
  }
  return nodeCommand(argv, { sudo: true, path: KUBE_PATH, secrets });
}

/** `kubeadm reset -f` (a node leaving the cluster). */
export function kubeadmReset(): NodeCommand {
  return nodeCommand([KUBEADM, "reset", "-f", "--cri-socket", CRI_SOCKET], { sudo: true, path: KUBE_PATH });
}

/** `kubeadm upgrade apply -y v<version>` on the first control-plane node. */
export function kubeadmUpgradeApply(version: string): NodeCommand {
  return nodeCommand([KUBEADM, "upgrade", "apply", "-y", withV(version)], { sudo: true, path: KUBE_PATH });
}

/**
 * `kubeadm upgrade plan v<version>`: kubeadm's health gate (control plane Ready, admin.conf, this node a
 * control-plane node). It exits 0 even for a target kubeadm would refuse, so it is not the version gate.
 */
export function kubeadmUpgradePlan(version: string): NodeCommand {
  return nodeCommand([KUBEADM, "upgrade", "plan", withV(version)], { sudo: true, path: KUBE_PATH });
}

/** `kubeadm upgrade apply -y --dry-run v<version>`: the version gate (the same policy as apply, nothing changed). */
export function kubeadmUpgradeApplyDryRun(version: string): NodeCommand {
  return nodeCommand([KUBEADM, "upgrade", "apply", "-y", "--dry-run", withV(version)], { sudo: true, path: KUBE_PATH });
}

/** `kubeadm upgrade node` on every other node. */
export function kubeadmUpgradeNode(): NodeCommand {
  return nodeCommand([KUBEADM, "upgrade", "node"], { sudo: true, path: KUBE_PATH });
}

/** `kubeadm version -o short` (prints e.g. v1.31.4). */
export function kubeadmVersion(): NodeCommand {
  return nodeCommand([KUBEADM, "version", "-o", "short"]);
}

function withV(version: string): string {
  return version.startsWith("v") ? version : `v${version}`;
}

// ---- kubectl --------------------------------------------------------------------------------------

function kubectl(args: string[]): NodeCommand {
  return nodeCommand([KUBECTL, "--kubeconfig", ADMIN_KUBECONFIG, ...args], { sudo: true, path: KUBE_PATH });
}

/** Lists nodes as JSON (parse with parseNodeList). */
export function kubectlGetNodesJson(): NodeCommand {
  return kubectl(["get", "nodes", "-o", "json"]);
}

/** `kubectl apply -f <file>`. */
export function kubectlApply(file: string): NodeCommand {
  return kubectl(["apply", "-f", file]);
}

/** Annotates one object; values are replaced (`--overwrite`). */
export function kubectlAnnotate(kind: string, name: string, annotations: Record<string, string>, namespace?: string): NodeCommand {
  const pairs = Object.entries(annotations).map(([k, v]) => `${k}=${v}`);
  if (pairs.length === 0) throw new Error("kubectlAnnotate: no annotations");
  const args = ["annotate", "--overwrite", kind, name, ...pairs];
  if (namespace) args.push("-n", namespace);
  return kubectl(args);
}

/** Labels one node; values are replaced (`--overwrite`). */
export function kubectlLabelNode(name: string, labels: Record<string, string>): NodeCommand {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (pairs.length === 0) throw new Error("kubectlLabelNode: no labels");
  return kubectl(["label", "--overwrite", "node", name, ...pairs]);
}

/**
 * Drains a node: DaemonSet pods stay, emptyDir data is deleted, PodDisruptionBudgets are respected until
 * `timeout` (kubectl retries evictions the budget refuses). `force` also deletes pods no controller
 * manages (kubectl's --force never bypasses a budget); `disableEviction` deletes the pods instead of
 * evicting them, so budgets no longer hold (kubectl drain --disable-eviction, k8s.io/kubectl pkg/drain).
 */
export function kubectlDrain(name: string, options: { timeout?: string; force?: boolean; disableEviction?: boolean } = {}): NodeCommand {
  const force = options.force ?? true;
  return kubectl([
    "drain",
    name,
    "--ignore-daemonsets",
    "--delete-emptydir-data",
    ...(force ? ["--force"] : []),
    ...(options.disableEviction ? ["--disable-eviction"] : []),
    `--timeout=${options.timeout ?? "300s"}`,
  ]);
}

/** One pod as JSON (the static kube-apiserver-<node> pod, to read its image and readiness). */
export function kubectlGetPodJson(name: string, namespace: string): NodeCommand {
  return kubectl(["get", "pod", name, "-n", namespace, "-o", "json"]);
}

/** Removes annotations from one object (`key-`); absent keys are not an error. */
export function kubectlRemoveAnnotations(kind: string, name: string, keys: readonly string[]): NodeCommand {
  return kubectl(["annotate", kind, name, ...keys.map((k) => `${k}-`)]);
}

/** `kubectl cordon <node>`. */
export function kubectlCordon(name: string): NodeCommand {
  return kubectl(["cordon", name]);
}

/** `kubectl uncordon <node>`. */
export function kubectlUncordon(name: string): NodeCommand {
  return kubectl(["uncordon", name]);
}

/** Deletes a node object (after drain and reset); absent nodes are not an error. */
export function kubectlDeleteNode(name: string): NodeCommand {
  return kubectl(["delete", "node", name, "--ignore-not-found"]);
}

/** One node taint as `kubectl taint` writes it: `key[=value]:Effect` (kubernetes/kubectl pkg/cmd/taint). */
export interface NodeTaint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** `kubectl taint nodes <name> k=v:Effect... --overwrite` (issue 13: a ClusterNode's taints). */
export function kubectlTaintNode(name: string, taints: readonly NodeTaint[]): NodeCommand {
  if (taints.length === 0) throw new Error("kubectlTaintNode: no taints");
  const specs = taints.map((t) => `${t.key}${t.value !== undefined && t.value !== "" ? `=${t.value}` : ""}:${t.effect}`);
  return kubectl(["taint", "nodes", name, ...specs, "--overwrite"]);
}

/** `kubectl taint nodes <name> key:Effect-...`: removes taints (absent ones fail, so probe first). */
export function kubectlUntaintNode(name: string, taints: readonly Pick<NodeTaint, "key" | "effect">[]): NodeCommand {
  if (taints.length === 0) throw new Error("kubectlUntaintNode: no taints");
  return kubectl(["taint", "nodes", name, ...taints.map((t) => `${t.key}:${t.effect}-`)]);
}

/** `kubectl label node <name> key-...`: removes labels (absent ones are not an error). */
export function kubectlUnlabelNode(name: string, keys: readonly string[]): NodeCommand {
  if (keys.length === 0) throw new Error("kubectlUnlabelNode: no labels");
  return kubectl(["label", "node", name, ...keys.map((k) => `${k}-`)]);
}
