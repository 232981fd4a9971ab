// Private container registry for containerd (config_path layout: /etc/containerd/certs.d/<host>/hosts.toml).
// The password is a secret, and userdata is readable by anyone who can read the VM's metadata, so the
// userdata only carries a credential-free hosts.toml; the authenticated one is written over SSH (mode 0600).
import { z } from "zod";
import { NodeCommand, chain, restartContainerd, writeFile } from "./commands";

/** Private registry settings (CKS: dockerregistryurl / username / password / email). */
export const registrySchema = z.object({
  url: z.string().min(1),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** Accepted for CKS parity; containerd has no use for it. */
  email: z.string().optional(),
});
export type RegistrySettings = z.infer<typeof registrySchema>;

/** containerd's registry directory. */
export const CONTAINERD_CERTS_DIR = "/etc/containerd/certs.d";

/** Scheme + host[:port] of the registry, e.g. https://registry.example.com:5000. */
export function registryServer(url: string): { server: string; host: string } {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new Error(`registry url is not a URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`registry url must be http(s): ${url}`);
  return { server: `${parsed.protocol}//${parsed.host}`, host: parsed.host };
}

/** Path of the registry's hosts.toml. */
export function registryHostsPath(url: string): string {
  return `${CONTAINERD_CERTS_DIR}/${registryServer(url).host}/hosts.toml`;
}

function tomlString(value: string): string {
  return JSON.stringify(value); // a JSON string literal is a valid TOML basic string
}

/** hosts.toml for the registry; with `withAuth` it carries a Basic Authorization header (secret). */
export function renderRegistryHostsToml(registry: RegistrySettings, options: { withAuth: boolean }): string {
  const { server } = registryServer(registry.url);
  const lines = [
    `server = ${tomlString(server)}`,
    "",
    `[host.${tomlString(server)}]`,
    `  capabilities = ["pull", "resolve"]`,
  ];
  if (options.withAuth) {
    if (!registry.username || !registry.password) throw new Error("registry: username and password are required for authentication");
    const basic = Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
    lines.push(`  [host.${tomlString(server)}.header]`, `    Authorization = ${tomlString(`Basic ${basic}`)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * The SSH step that installs the registry credentials (mode 0600) and restarts containerd. The
 * password and its Basic encoding are marked secret, so they never show in `display` or stderr tails.
 */
export function registryCredentialsCommand(registry: RegistrySettings): NodeCommand {
  const content = renderRegistryHostsToml(registry, { withAuth: true });
  const write = writeFile(registryHostsPath(registry.url), content, { mode: "0600" });
  const basic = Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
  const cmd = chain(write, restartContainerd());
  cmd.secrets.push(registry.password as string, basic);
  return cmd;
}
