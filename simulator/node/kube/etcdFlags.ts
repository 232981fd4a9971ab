// The etcd command line as etcd reads it (server/etcdmain/config.go: Go's flag package, so `--flag v`,
// `--flag=v`, `-flag v`), reduced to what decides whether a member can bootstrap and with whom: its
// name, peer and client URLs, the initial cluster and its token. Checks are those etcd makes before it
// serves (server/embed/config.go Validate, server/config/config.go VerifyBootstrap).
import { CommandFailure } from "./failure";

export interface EtcdMemberConfig {
  name: string;
  dataDir: string;
  listenClientUrls: URL[];
  advertiseClientUrls: URL[];
  listenPeerUrls: URL[];
  initialAdvertisePeerUrls: URL[];
  /** member name → its peer URLs (normalised strings). */
  initialCluster: Map<string, string[]>;
  initialClusterState: "new" | "existing";
  initialClusterToken: string;
}

/** String-valued flags of etcd 3.4/3.5 (etcd --help); a flag not here or in BOOL_FLAGS is refused as etcd refuses it. */
const STRING_FLAGS = new Set([
  "name", "data-dir", "wal-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls", "initial-advertise-peer-urls",
  "initial-cluster", "initial-cluster-state", "initial-cluster-token", "listen-metrics-urls", "heartbeat-interval", "election-timeout",
  "snapshot-count", "quota-backend-bytes", "max-request-bytes", "max-txn-ops", "auto-compaction-retention", "auto-compaction-mode",
  "cert-file", "key-file", "trusted-ca-file", "peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "client-crl-file", "peer-crl-file",
  "cipher-suites", "log-level", "logger", "log-outputs", "discovery", "discovery-srv", "discovery-fallback", "discovery-proxy",
  "max-snapshots", "max-wals", "grpc-keepalive-min-time", "grpc-keepalive-interval", "grpc-keepalive-timeout", "metrics",
  "config-file", "listen-client-http-urls", "tls-min-version", "tls-max-version", "auth-token", "cors", "host-whitelist",
]);
const BOOL_FLAGS = new Set([
  "client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls", "strict-reconfig-check", "enable-pprof",
  "force-new-cluster", "enable-v2", "pre-vote", "debug", "version", "help", "experimental-initial-corrupt-check",
]);

function urls(flag: string, text: string): URL[] {
  return text.split(",").filter((u) => u !== "").map((u) => {
    try {
      const url = new URL(u);
      if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "unix:" && url.protocol !== "unixs:") throw new Error("scheme");
      return url;
    } catch {
      throw new CommandFailure(`{"level":"fatal","msg":"invalid value \\"${text}\\" for flag -${flag}: URL scheme must be http, https, unix, or unixs: ${u}"}`);
    }
  });
}

function norm(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/** Parses the arguments after the etcd binary; throws a CommandFailure carrying etcd's message. */
export function parseEtcdArgs(args: string[]): EtcdMemberConfig {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new CommandFailure(`{"level":"fatal","msg":"'${a}' is not a valid flag"}`);
    const name = m[1];
    if (BOOL_FLAGS.has(name)) {
      values.set(name, m[2] ?? "true");
      continue;
    }
    // Go's flag package: "flag provided but not defined: -x", then the usage, exit 2.
    if (!STRING_FLAGS.has(name)) throw new CommandFailure(`flag provided but not defined: -${name}`);
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new CommandFailure(`flag needs an argument: -${name}`);
    values.set(name, value);
  }
  const name = values.get("name") ?? "default";
  const initialAdvertisePeerUrls = urls("initial-advertise-peer-urls", values.get("initial-advertise-peer-urls") ?? "http://localhost:2380");
  const initialCluster = new Map<string, string[]>();
  const clusterText = values.get("initial-cluster") ?? `${name}=${initialAdvertisePeerUrls.map(norm).join(",")}`;
  for (const entry of clusterText.split(",").filter((e) => e !== "")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new CommandFailure(`{"level":"fatal","msg":"failed to parse initial-cluster","error":"expected name=url, got ${entry}"}`);
    const list = initialCluster.get(entry.slice(0, eq)) ?? [];
    list.push(...urls("initial-cluster", entry.slice(eq + 1)).map(norm));
    initialCluster.set(entry.slice(0, eq), list);
  }
  const state = values.get("initial-cluster-state") ?? "new";
  if (state !== "new" && state !== "existing") throw new CommandFailure(`invalid value "${state}" for flag -initial-cluster-state: invalid value "${state}"`);
  const cfg: EtcdMemberConfig = {
    name,
    dataDir: values.get("data-dir") ?? `${name}.etcd`,
    listenClientUrls: urls("listen-client-urls", values.get("listen-client-urls") ?? "http://localhost:2379"),
    advertiseClientUrls: urls("advertise-client-urls", values.get("advertise-client-urls") ?? "http://localhost:2379"),
    listenPeerUrls: urls("listen-peer-urls", values.get("listen-peer-urls") ?? "http://localhost:2380"),
    initialAdvertisePeerUrls,
    initialCluster,
    initialClusterState: state,
    initialClusterToken: values.get("initial-cluster-token") ?? "etcd-cluster",
  };
  verifyBootstrap(cfg);
  return cfg;
}

/** server/config/config.go VerifyBootstrap / verifyLocalMember: this member is in --initial-cluster with its own peer URLs. */
function verifyBootstrap(cfg: EtcdMemberConfig): void {
  const own = cfg.initialCluster.get(cfg.name);
  const advertised = cfg.initialAdvertisePeerUrls.map(norm).sort();
  const clusterText = [...cfg.initialCluster].map(([n, us]) => us.map((u) => `${n}=${u}`).join(",")).join(",");
  if (!own) {
    throw new CommandFailure(`{"level":"fatal","msg":"discovery failed","error":"couldn't find local name \\"${cfg.name}\\" in the initial cluster configuration"}`);
  }
  if ([...own].sort().join(",") !== advertised.join(",")) {
    throw new CommandFailure(`{"level":"fatal","msg":"discovery failed","error":"--initial-cluster has ${cfg.name}=${own.join(",")} but missing from --initial-advertise-peer-urls=${advertised.join(",")} (\\"${clusterText}\\")"}`);
  }
}

/** Same initial cluster (names and URLs): etcd derives the cluster ID from it and the token. */
export function sameInitialCluster(a: EtcdMemberConfig, b: EtcdMemberConfig): boolean {
  const text = (c: EtcdMemberConfig): string => [...c.initialCluster].map(([n, us]) => `${n}=${[...us].sort().join(",")}`).sort().join(";");
  return a.initialClusterToken === b.initialClusterToken && text(a) === text(b);
}
