// Node userdata: a #cloud-config that prepares the OS (login user with the cluster key, kernel modules,
// sysctls, containerd config, files). Everything Kubernetes-specific then runs over SSH, step by step.
import { createHash } from "crypto";
import { gzipSync } from "zlib";
import { z } from "zod";
import { registrySchema, renderRegistryHostsToml, registryHostsPath } from "./registry";
import { stringifyForCloudInit } from "./yaml11";
import { containerdBootEditArgv } from "./containerdConfig";

export { renderEtcdUnit } from "./etcdUnit";

/** CloudStack's default `vm.userdata.max.length`: base64 characters. */
export const USERDATA_MAX_BASE64 = 32768;

const fileSchema = z.object({
  path: z.string().regex(/^\/[^\0]*$/, "expected an absolute path"),
  content: z.string(),
  permissions: z.string().regex(/^0?[0-7]{3,4}$/, "expected an octal mode like 0644").default("0644"),
  owner: z.string().regex(/^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$/, "expected user[:group]").default("root:root"),
});

/** Inputs of renderNodeUserData. */
export const nodeUserDataInputSchema = z.object({
  hostname: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a lower-case DNS label"),
  role: z.enum(["control", "worker", "etcd"]),
  sshPublicKeys: z.array(z.string().regex(/^(ssh-|ecdsa-sha2-)[a-z0-9-]+ [A-Za-z0-9+/=]+( .*)?$/, "expected an OpenSSH public key line")).min(1),
  loginUser: z.string().regex(/^[a-z_][a-z0-9_-]*$/).default("cloud"),
  /** Already-rendered #cloud-config documents (e.g. the CNI configuration without its runcmd). */
  extraCloudConfigParts: z.array(z.string().refine((p) => p.startsWith("#cloud-config"), "each extra part must start with #cloud-config")).default([]),
  files: z.array(fileSchema).default([]),
  registry: registrySchema.optional(),
});
export type NodeUserDataInput = z.input<typeof nodeUserDataInputSchema>;

/** Rendered userdata, ready for deployVirtualMachine's `userdata` parameter. */
export interface RenderedUserData {
  /** base64 of the payload (gzip'd when that was needed to fit). */
  userData: string;
  /** Size of the payload before base64. */
  bytes: number;
  /** Length of `userData`: what CloudStack's limit counts. */
  encodedLength: number;
  gzipped: boolean;
  multipart: boolean;
}

const K8S_SYSCTL = ["net.bridge.bridge-nf-call-iptables = 1", "net.bridge.bridge-nf-call-ip6tables = 1", "net.ipv4.ip_forward = 1", ""].join("\n");
const K8S_MODULES = "overlay\nbr_netfilter\n";

// Kubernetes nodes need the systemd cgroup driver and the certs.d registry layout; containerd's
// shipped default has neither, so its config is regenerated once at first boot (as CKS does). The pod
// sandbox image is pinned later, by the install phase, once the ISO's pause image is known.
const CONTAINERD_RUNCMD: Array<string[]> = [
  ["sh", "-c", "mkdir -p /etc/containerd && containerd config default > /etc/containerd/config.toml"],
  // Both config formats (containerd 1.x version = 2, 2.x version = 3): see containerdConfig.ts.
  containerdBootEditArgv(),
  ["systemctl", "restart", "containerd"],
];

const KUBE_RUNCMD: Array<string[]> = [
  ["modprobe", "overlay"],
  ["modprobe", "br_netfilter"],
  ["sysctl", "--system"],
  ["swapoff", "-a"],
  // Keep swap off across reboots. Guarded: minimal images have no fstab, and a failing runcmd entry
  // would mark all of cloud-init as failed. s/// only, so every sed (and the simulator's) understands it.
  ["sh", "-c", "if [ -f /etc/fstab ]; then sed -i 's/^\\([^#].*[[:space:]]swap[[:space:]].*\\)$/#\\1/' /etc/fstab; fi"],
];

function mainCloudConfig(cfg: z.infer<typeof nodeUserDataInputSchema>): string {
  const kube = cfg.role !== "etcd";
  const writeFiles: Array<Record<string, string>> = [];
  if (kube) {
    writeFiles.push({ path: "/etc/modules-load.d/k8s.conf", content: K8S_MODULES, permissions: "0644", owner: "root:root" });
    writeFiles.push({ path: "/etc/sysctl.d/k8s.conf", content: K8S_SYSCTL, permissions: "0644", owner: "root:root" });
  }
  if (kube && cfg.registry) {
    // Credential-free on purpose: the authenticated hosts.toml arrives over SSH (registryCredentialsCommand).
    writeFiles.push({ path: registryHostsPath(cfg.registry.url), content: renderRegistryHostsToml(cfg.registry, { withAuth: false }), permissions: "0644", owner: "root:root" });
  }
  for (const f of cfg.files) writeFiles.push({ path: f.path, content: f.content, permissions: f.permissions, owner: f.owner });

  const doc: Record<string, unknown> = {
    hostname: cfg.hostname,
    fqdn: cfg.hostname,
    preserve_hostname: false,
    manage_etc_hosts: true,
    ssh_pwauth: false,
    // The login user is cloud-init's *default* user: only the default user receives the VM's deploy
    // keypairs (the operator's `keypair`); a `users:` list without "default" has no default user.
    user: { name: cfg.loginUser, sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash", lock_passwd: true },
    users: ["default"],
    ssh_authorized_keys: cfg.sshPublicKeys,
  };
  if (writeFiles.length > 0) doc.write_files = writeFiles;
  if (kube) doc.runcmd = [...KUBE_RUNCMD, ...CONTAINERD_RUNCMD];
  // YAML 1.1 as PyYAML reads it: a file mode "0644", a hostname like "on" or "1e3" stay strings.
  return `#cloud-config\n${stringifyForCloudInit(doc)}`;
}

/**
 * Joins cloud-config documents into MIME multipart, each part's text untouched; parts merge (lists
 * append, existing keys kept) instead of replacing (cloudinit/handlers/cloud_config.py + cloudinit/mergers).
 */
export function toMultipart(parts: string[]): string {
  const boundary = `==cks-${createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24)}==`;
  const lines = ['Content-Type: multipart/mixed; boundary="' + boundary + '"', "MIME-Version: 1.0", ""];
  parts.forEach((part, i) => {
    lines.push(
      `--${boundary}`,
      'Content-Type: text/cloud-config; charset="utf-8"',
      "MIME-Version: 1.0",
      "Content-Transfer-Encoding: 8bit",
      // Without this, a later part's write_files/runcmd would replace ours instead of adding to them.
      "Merge-Type: list(append)+dict(no_replace,recurse_list)+str()",
      `Content-Disposition: attachment; filename="part-${i + 1}.cfg"`,
      "",
      part.endsWith("\n") ? part.slice(0, -1) : part,
    );
  });
  lines.push(`--${boundary}--`, "");
  return lines.join("\n");
}

/**
 * Renders a node's userdata (base64, as deployVirtualMachine takes it): one #cloud-config, or MIME
 * multipart when extra parts exist; gzip'd only when the plain base64 would exceed CloudStack's
 * 32768-character limit. Throws naming the role, node and size when even gzip does not fit.
 */
export function renderNodeUserData(input: NodeUserDataInput): RenderedUserData {
  const cfg = nodeUserDataInputSchema.parse(input);
  const main = mainCloudConfig(cfg);
  const multipart = cfg.extraCloudConfigParts.length > 0;
  const text = multipart ? toMultipart([main, ...cfg.extraCloudConfigParts]) : main;
  const plain = Buffer.from(text, "utf8");
  const plainB64 = plain.toString("base64");
  if (plainB64.length <= USERDATA_MAX_BASE64) {
    return { userData: plainB64, bytes: plain.length, encodedLength: plainB64.length, gzipped: false, multipart };
  }
  const gz = gzipSync(plain, { level: 9 });
  const gzB64 = gz.toString("base64");
  if (gzB64.length > USERDATA_MAX_BASE64) {
    throw new Error(
      `userdata for ${cfg.role} node ${cfg.hostname} is ${gzB64.length} base64 characters even gzip'd ` +
        `(${plainB64.length} plain); CloudStack accepts at most ${USERDATA_MAX_BASE64} (vm.userdata.max.length). ` +
        "Shrink the CNI configuration or the extra files.",
    );
  }
  return { userData: gzB64, bytes: gz.length, encodedLength: gzB64.length, gzipped: true, multipart };
}
