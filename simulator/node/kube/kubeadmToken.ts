// `kubeadm token create|list|delete|generate`.
import type { CommandIO, NodeMachine } from "../types";
import { storeTokenSecret, deleteTokenSecret } from "./clusterObjects";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { flagBool, flagString, parseFlags, parseGoDuration, type FlagSpecs } from "./flags";
import { adminCluster } from "./kubeadmAdmin";
import { CERTIFICATE_KEY_PATTERN, generateToken, joinCommand, newBootstrapToken } from "./kubeadmShared";

const TOKEN_FLAGS: FlagSpecs = {
  ttl: { kind: "string" },
  "print-join-command": { kind: "bool" },
  "certificate-key": { kind: "string" },
  description: { kind: "string" },
  usages: { kind: "array" },
  groups: { kind: "array" },
  kubeconfig: { kind: "string" },
  "dry-run": { kind: "bool" },
  output: { kind: "string", short: "o" },
  v: { kind: "string", short: "v" },
  rootfs: { kind: "string" },
};

function humanTtl(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 1) return `${hours}h`;
  const minutes = Math.floor(ms / 60_000);
  return minutes >= 1 ? `${minutes}m` : `${Math.max(0, Math.floor(ms / 1000))}s`;
}

export async function kubeadmToken(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const [sub, ...rest] = args;
  const flags = parseFlags(rest, TOKEN_FLAGS);
  const kubeconfig = flagString(flags, "kubeconfig");
  if (sub === "generate") {
    io.stdout(generateToken() + "\n");
    return 0;
  }
  if (sub === "create") {
    const cluster = await adminCluster(ctx, machine, io.user, kubeconfig);
    const ttlText = flagString(flags, "ttl") ?? "24h0m0s";
    const ttl = parseGoDuration(ttlText);
    if (ttl === undefined) throw new CommandFailure(`invalid argument "${ttlText}" for "--ttl" flag: time: invalid duration "${ttlText}"`);
    const text = flags.positionals[0] ?? generateToken();
    const token = newBootstrapToken(text, ttl, ctx.env.clock.now(), flagString(flags, "description") ?? "");
    cluster.tokens.set(token.id, token);
    storeTokenSecret(cluster, token);
    if (flagBool(flags, "print-join-command")) {
      const key = flagString(flags, "certificate-key");
      if (key !== undefined && !CERTIFICATE_KEY_PATTERN.test(key)) throw new CommandFailure("the certificate key must be a hex encoded string of 32 bytes");
      io.stdout(joinCommand(cluster, text, key) + " \n");
    } else {
      io.stdout(text + "\n");
    }
    return 0;
  }
  if (sub === "list") {
    const cluster = await adminCluster(ctx, machine, io.user, kubeconfig);
    const now = ctx.env.clock.now();
    const rows = [...cluster.tokens.values()].filter((t) => t.expiresAt === null || t.expiresAt > now);
    const header = ["TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"];
    const table = rows.map((t) => [
      `${t.id}.${t.secret}`,
      t.expiresAt === null ? "<forever>" : humanTtl(t.expiresAt - now),
      t.expiresAt === null ? "<never>" : new Date(t.expiresAt).toISOString().replace(/\.\d+Z$/, "Z"),
      t.usages.join(","),
      t.description || "<none>",
      t.groups.join(","),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join("");
    io.stdout([line(header), ...table.map(line)].join("\n") + "\n");
    return 0;
  }
  if (sub === "delete") {
    const cluster = await adminCluster(ctx, machine, io.user, kubeconfig);
    if (flags.positionals.length === 0) throw new CommandFailure("missing argument; 'token delete' is missing token of form \"[a-z0-9]{6}\" or \"[a-z0-9]{6}\\.[a-z0-9]{16}\"");
    for (const arg of flags.positionals) {
      const id = arg.split(".")[0] ?? "";
      if (!cluster.tokens.delete(id)) throw new CommandFailure(`failed to delete bootstrap token with id "${id}": secrets "bootstrap-token-${id}" not found`);
      deleteTokenSecret(cluster, id);
      io.stdout(`bootstrap token "${id}" deleted\n`);
    }
    return 0;
  }
  throw new CommandFailure(sub ? `unknown command "${sub}" for "kubeadm token"` : "missing subcommand; \"token\" is not meant to be run on its own");
}

