// Real kubeadm (built from the Kubernetes Go modules by scripts/tools/build-kubeadm.sh, oldest and
// newest minor our ISOs ship) judges every kubeadm config the provider writes, and the simulator's
// kubeadm must give the same verdict (and exit status) on the same file. Negative cases: both refuse.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { renderKubeadmInitConfig, type KubeadmInitInput } from "../../provider/kubernetes/kubeadmConfig";
import { kubeadmJoin } from "../../provider/kubernetes/commands";
import { KubeadmConfigError, validateKubeadmConfig } from "../../simulator/node/kube/kubeadmConfig";
import { parseKubeVersion } from "../../simulator/node/kube/versions";
import { realTool } from "../helpers/realTools";

const VERSIONS = ["1.29.15", "1.33.5"] as const;
const INSTALL = "bash .ci/install.d/kubeadm.sh (builds kubeadm from Go modules)";
const tools = Object.fromEntries(VERSIONS.map((v) => [v, realTool(`kubeadm-v${v}`, INSTALL)]));

const dir = mkdtempSync(join(tmpdir(), "kubeadm-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

interface Verdict {
  code: number;
  /** The error's first line (empty when accepted). */
  error: string;
}

function realVerdict(version: string, text: string): Verdict {
  const file = join(dir, `c${counter++}.yaml`);
  writeFileSync(file, text, { mode: 0o600 });
  const r = spawnSync(tools[version]!.require(), ["config", "validate", "--config", file], { encoding: "utf8", timeout: 60_000 });
  const lines = r.stderr.split("\n").filter((l) => l !== "" && !/^[WI]\d{4} /.test(l));
  return { code: r.status ?? -1, error: r.status === 0 ? "" : (lines[0] ?? "") };
}

function simVerdict(version: string, text: string): Verdict {
  const v = parseKubeVersion(version);
  if (!v) throw new Error(version);
  try {
    validateKubeadmConfig(text, v);
    return { code: 0, error: "" };
  } catch (err) {
    if (err instanceof KubeadmConfigError) return { code: err.exitCode, error: err.message.split("\n")[0] ?? "" };
    throw err;
  }
}

const TOKEN = "abcdef.0123456789abcdef";
const KEY = "0123456789abcdef".repeat(4);
const HASH = `sha256:${"ab".repeat(32)}`;

function initInput(version: string, extra: Partial<KubeadmInitInput> = {}): KubeadmInitInput {
  return { kubernetesVersion: version, token: TOKEN, certificateKey: KEY, nodeName: "demo-control-1", advertiseAddress: "10.1.1.10", publicIp: "203.0.113.5", ...extra };
}

/** The provider's join command (its argv) written as the JoinConfiguration kubeadm builds from those flags. */
function joinConfigFromProviderFlags(version: string, controlPlane: boolean): string {
  const cmd = kubeadmJoin({ endpoint: "203.0.113.5:6443", token: TOKEN, caCertHash: HASH, nodeName: controlPlane ? "demo-control-2" : "demo-node-1", ...(controlPlane ? { controlPlane: true, certificateKey: KEY, advertiseAddress: "10.1.1.11" } : {}) });
  const argv = cmd.argv;
  const flag = (name: string) => argv[argv.indexOf(name) + 1] ?? "";
  const api = parseKubeVersion(version)!.minor >= 31 ? "v1beta4" : "v1beta3";
  const lines = [
    `apiVersion: kubeadm.k8s.io/${api}`,
    "kind: JoinConfiguration",
    "discovery:",
    "  bootstrapToken:",
    `    apiServerEndpoint: ${argv[argv.indexOf("join") + 1] ?? ""}`,
    `    token: ${flag("--token")}`,
    "    caCertHashes:",
    `    - ${flag("--discovery-token-ca-cert-hash")}`,
    "nodeRegistration:",
    `  name: ${flag("--node-name")}`,
    `  criSocket: ${flag("--cri-socket")}`,
  ];
  if (argv.includes("--control-plane")) {
    lines.push("controlPlane:", `  certificateKey: ${flag("--certificate-key")}`, "  localAPIEndpoint:", `    advertiseAddress: ${flag("--apiserver-advertise-address")}`);
  }
  return lines.join("\n") + "\n";
}

/** Configs the provider writes (or whose values it passes as flags), per kubeadm version. */
function providerConfigs(version: string): Array<[string, string]> {
  return [
    ["init, stacked etcd", renderKubeadmInitConfig(initInput(version))],
    ["init, external etcd", renderKubeadmInitConfig(initInput(version, { externalEtcdIps: ["10.1.1.20", "10.1.1.21", "10.1.1.22"] }))],
    ["init, extra SANs and API server args", renderKubeadmInitConfig(initInput(version, { extraCertSans: ["api.example.test", "10.1.1.10"], apiServerExtraArgs: { "audit-log-maxage": "7" } }))],
    ["init, shared network endpoint", renderKubeadmInitConfig(initInput(version, { publicIp: "10.1.1.10" }))],
    ["join, control plane", joinConfigFromProviderFlags(version, true)],
    ["join, worker", joinConfigFromProviderFlags(version, false)],
  ];
}

function negativeConfigs(version: string): Array<[string, string]> {
  const good = renderKubeadmInitConfig(initInput(version));
  const api = parseKubeVersion(version)!.minor >= 31 ? "v1beta4" : "v1beta3";
  const wrongApi = parseKubeVersion(version)!.minor >= 31 ? "v1beta2" : "v1beta4";
  return [
    ["unknown field", good.replace("kind: InitConfiguration\n", "kind: InitConfiguration\nbogusField: 1\n")],
    ["unknown nested field", good.replace("nodeRegistration:\n", "nodeRegistration:\n  taintz: []\n")],
    ["duplicate field", good.replace("kind: ClusterConfiguration\n", "kind: ClusterConfiguration\nclusterName: a\n")],
    ["apiVersion that does not fit the version", good.replaceAll(`kubeadm.k8s.io/${api}`, `kubeadm.k8s.io/${wrongApi}`)],
    ["bad bootstrap token", good.replace(TOKEN, "ABCDEF.0123456789abcdef")],
    ["short certificate key", good.replace(KEY, KEY.slice(2))],
    ["non-hex certificate key", good.replace(KEY, `zz${KEY.slice(2)}`)],
    ["a string for a port", good.replace("bindPort: 6443", 'bindPort: "6443"')],
    ["http etcd endpoints with certificates", renderKubeadmInitConfig(initInput(version, { externalEtcdIps: ["10.1.1.20"] })).replace("endpoints:", "caFile: /etc/kubernetes/pki/etcd/ca.crt\n    endpoints:")],
    ["join without CA pinning", joinConfigFromProviderFlags(version, false).replace(/ {4}caCertHashes:\n {4}- .*\n/, "")],
    ["join with a bad token", joinConfigFromProviderFlags(version, false).replace(TOKEN, "abcdef-0123456789abcdef")],
    ["same kind twice", `${good}---\n${good.split("---\n")[1] ?? ""}`],
  ];
}

describe.each(VERSIONS)("kubeadm %s config validate", (version) => {
  const tool = tools[version]!;

  tool.it("accepts every config the provider writes, as the simulator does", () => {
    for (const [name, text] of providerConfigs(version)) {
      const real = realVerdict(version, text);
      expect({ name, ...real }).toEqual({ name, code: 0, error: "" });
      expect({ name, ...simVerdict(version, text) }).toEqual({ name, ...real });
    }
  });

  tool.it("refuses what the simulator refuses, with the same exit status", () => {
    for (const [name, text] of negativeConfigs(version)) {
      const real = realVerdict(version, text);
      const sim = simVerdict(version, text);
      expect({ name, refused: real.code !== 0 }).toEqual({ name, refused: true });
      expect({ name, code: sim.code }).toEqual({ name, code: real.code });
    }
  });

  tool.it("gives the same message where it carries no secret", () => {
    for (const [name, text] of negativeConfigs(version).filter(([n]) => /unknown|duplicate|apiVersion|port|etcd|twice/.test(n))) {
      expect({ name, error: simVerdict(version, text).error }).toEqual({ name, error: realVerdict(version, text).error });
    }
  });
});
