// kubeadm's validation of a decoded config, the rules the simulator can check without a host:
// cmd/kubeadm/app/apis/kubeadm/validation/validation.go (v1.29.15 and v1.33.5 agree on these):
// ValidateInitConfiguration, ValidateClusterConfiguration (ValidateEtcd, ValidateHostPort),
// ValidateJoinConfiguration (ValidateDiscovery, ValidateDiscoveryBootstrapToken, ValidateToken,
// ValidateJoinControlPlane, ValidateCertificateKey), and the bootstrap-token string's own decoding
// (cmd/kubeadm/app/apis/bootstraptoken/v1/utils.go NewBootstrapTokenString).
// Messages follow k8s.io/apimachinery/pkg/util/validation/field ("<path>: Invalid value: <v>: <detail>"),
// except that secret values (tokens, certificate keys) are never echoed: the simulator's output is
// logged, and the project never writes secrets to logs.
import { validateEtcd } from "./kubeadmEtcdValidation";
import { isIP } from "net";
import type { ClusterConfiguration, InitConfiguration, JoinConfiguration } from "./kubeadmConfig";

/** k8s.io/cluster-bootstrap/token/api BootstrapTokenPattern. */
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const HIDDEN = '"<hidden>"';
/** Go's %q of bootstrapapi.BootstrapTokenPattern `\A([a-z0-9]{6})\.([a-z0-9]{16})\z`, as kubeadm prints it. */
export const TOKEN_PATTERN_QUOTED = String.raw`"\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z"`;

function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${value}: ${detail}`;
}

/** ValidateCertificateKey: hex.DecodeString must succeed and give constants.CertificateKeySize (32) bytes. */
export function certificateKeyProblem(key: string): string | undefined {
  if (key.length === 0) return undefined;
  const bad = /[^0-9a-fA-F]/.exec(key);
  if (bad) return `certificate key decoding error: encoding/hex: invalid byte: U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")} ${JSON.stringify(bad[0]).replace(/^"|"$/g, "'")}`;
  if (key.length % 2 === 1) return "certificate key decoding error: encoding/hex: odd length hex string";
  if (key.length / 2 !== 32) return `invalid certificate key size ${key.length / 2}, the key must be an AES key of size 32`;
  return undefined;
}

/** net.SplitHostPort's verdict on "host:port" (ValidateDiscoveryTokenAPIServer). */
export function hostPortProblem(endpoint: string): string | undefined {
  if (/^\[[^\]]*\]:\d*$/.test(endpoint)) return undefined;
  const colons = endpoint.split(":").length - 1;
  if (colons === 0) return `address ${endpoint}: missing port in address`;
  if (colons > 1) return `address ${endpoint}: too many colons in address`;
  return undefined;
}

/** kubeadmutil.ParseHostPort (ValidateHostPort for controlPlaneEndpoint): host[:port], port 1-65535. */
function controlPlaneEndpointValid(endpoint: string): boolean {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(endpoint);
  if (!m) return false;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return false;
  const host = (m[1] ?? "").replace(/^\[|\]$/g, "");
  return isIP(host) !== 0 || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host);
}

function apiEndpoint(path: string, ep: { advertiseAddress?: string; bindPort?: number } | undefined): string[] {
  const errors: string[] = [];
  if (ep?.advertiseAddress !== undefined && ep.advertiseAddress !== "" && isIP(ep.advertiseAddress) === 0) {
    errors.push(invalid(`${path}.advertiseAddress`, JSON.stringify(ep.advertiseAddress), "ip address is not valid"));
  }
  if (ep?.bindPort !== undefined && ep.bindPort !== 0 && (ep.bindPort < 1 || ep.bindPort > 65535)) {
    errors.push(invalid(`${path}.bindPort`, String(ep.bindPort), "port number is not valid"));
  }
  return errors;
}

/** Decoding a BootstrapTokenString fails on a malformed token, before any validation (a decode error, exit 1). */
export function bootstrapTokenDecodeProblem(init: InitConfiguration): string | undefined {
  const bad = (init.bootstrapTokens ?? []).find((t) => !BOOTSTRAP_TOKEN_PATTERN.test(t.token));
  return bad ? `the bootstrap token ${HIDDEN} was not of the form ${TOKEN_PATTERN_QUOTED}` : undefined;
}

export function validateInit(init: InitConfiguration): string[] {
  const errors: string[] = [];
  errors.push(...apiEndpoint("localAPIEndpoint", init.localAPIEndpoint));
  const keyProblem = certificateKeyProblem(init.certificateKey ?? "");
  if (keyProblem) errors.push(invalid("certificateKey", HIDDEN, keyProblem));
  return errors;
}

export function validateCluster(cc: ClusterConfiguration | undefined): string[] {
  const errors: string[] = [];
  if (!cc) return errors;
  if (cc.controlPlaneEndpoint && !controlPlaneEndpointValid(cc.controlPlaneEndpoint)) {
    errors.push(invalid("controlPlaneEndpoint", JSON.stringify(cc.controlPlaneEndpoint), "endpoint is not valid"));
  }
  errors.push(...validateEtcd(cc.etcd));
  return errors;
}

export function validateJoin(join: JoinConfiguration): string[] {
  const errors: string[] = [];
  const d = join.discovery;
  if (!d.bootstrapToken && !d.file) errors.push(invalid("discovery", '""', "bootstrapToken or file must be set"));
  if (d.bootstrapToken && d.file) errors.push(invalid("discovery", '""', "bootstrapToken and file cannot both be set"));
  const bt = d.bootstrapToken;
  if (bt) {
    const endpoint = bt.apiServerEndpoint ?? "";
    if (endpoint === "") errors.push("discovery.bootstrapToken: Required value: APIServerEndpoint is not set");
    if ((bt.caCertHashes ?? []).length === 0 && bt.unsafeSkipCAVerification !== true) {
      errors.push(invalid("discovery.bootstrapToken.caCertHashes", '""', "using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue"));
    }
    if (!BOOTSTRAP_TOKEN_PATTERN.test(bt.token)) errors.push(invalid("discovery.bootstrapToken.token", HIDDEN, "the bootstrap token is invalid"));
    const hp = hostPortProblem(endpoint);
    if (hp) errors.push(invalid("discovery.bootstrapToken.apiServerEndpoint", JSON.stringify(endpoint), hp));
    // SetDefaults_Discovery copies the discovery token into tlsBootstrapToken when it is empty.
    const tls = d.tlsBootstrapToken || bt.token;
    if (!BOOTSTRAP_TOKEN_PATTERN.test(tls)) errors.push(invalid("discovery.tlsBootstrapToken", HIDDEN, "the bootstrap token is invalid"));
  }
  if (join.controlPlane) {
    errors.push(...apiEndpoint("controlPlane.localAPIEndpoint", join.controlPlane.localAPIEndpoint));
    const keyProblem = certificateKeyProblem(join.controlPlane.certificateKey ?? "");
    if (keyProblem) errors.push(invalid("controlPlane.certificateKey", HIDDEN, keyProblem));
  }
  const caCertPath = join.caCertPath ?? "/etc/kubernetes/pki/ca.crt";
  if (!caCertPath.startsWith("/") || !caCertPath.endsWith(".crt")) errors.push(invalid("caCertPath", JSON.stringify(caCertPath), "the ca certificate path must be an absolute path"));
  return errors;
}

/**
 * pubkeypin.Set.Allow (cmd/kubeadm/app/util/pubkeypin/pubkeypin.go), wrapped by discovery/token:
 * "format:hex", format sha256, 32 bytes of hex. Checked at discovery time, not by validation.
 */
export function caCertHashProblem(hash: string): string | undefined {
  const parts = hash.split(":");
  if (parts.length !== 2) return 'invalid hash, expected "format:hex-value". Known format(s) are: sha256';
  const [format = "", value = ""] = parts;
  if (format.toLowerCase() !== "sha256") return `unknown hash format ${JSON.stringify(format)}. Known format(s) are: sha256`;
  const bytes = Math.floor(value.length / 2);
  if (bytes !== 32) return `invalid hash ${JSON.stringify(hash)}, expected a 32 byte SHA-256 hash, found ${bytes} bytes`;
  if (!/^[0-9a-fA-F]*$/.test(value)) return `invalid hash ${JSON.stringify(hash)}, could not decode SHA-256 from hex: encoding/hex: invalid byte`;
  return undefined;
}
