// The simulator's kubeadm reads --config files as the real kubeadm of the node's version does:
// strict decoding (a warning on init/join, an error in `config validate`), the apiVersion window,
// validation of tokens, certificate keys, discovery hashes and external etcd, and the flags that may
// be mixed with --config. Each expectation names the upstream rule (see docs/fidelity.md "kubeadm").
import { KubeadmConfigError, loadInitConfiguration, loadJoinConfiguration, validateKubeadmConfig } from "../../../simulator/node/kube/kubeadmConfig";
import { allowedWithConfig } from "../../../simulator/node/kube/kubeadmMixedArgs";
import { parseKubeVersion, type KubeVersion } from "../../../simulator/node/kube/versions";
import { World } from "./harness";

const v = (text: string): KubeVersion => parseKubeVersion(text) ?? { major: 0, minor: 0, patch: 0 };
const KEY = "0123456789abcdef".repeat(4);
const HASH = `sha256:${"ab".repeat(32)}`;

const init = (api: string, extra = "") => `apiVersion: kubeadm.k8s.io/${api}
kind: InitConfiguration
bootstrapTokens:
- token: abcdef.0123456789abcdef
certificateKey: ${KEY}
localAPIEndpoint:
  advertiseAddress: 10.1.1.10
  bindPort: 6443
${extra}---
apiVersion: kubeadm.k8s.io/${api}
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
controlPlaneEndpoint: 203.0.113.5:6443
`;

const join = (api: string, body: string) => `apiVersion: kubeadm.k8s.io/${api}\nkind: JoinConfiguration\n${body}`;

function refusal(fn: () => unknown): KubeadmConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeadmConfigError) return err;
    throw err;
  }
  throw new Error("expected kubeadm to refuse the config");
}

describe("strict decoding (util/config/strict, apimachinery strict serializer)", () => {
  const withUnknown = init("v1beta3", "nodeRegistration:\n  name: a\n  name: b\n  bogus: 1\n");

  it("is an error in `config validate`, listing duplicates and sorted unknown fields", () => {
    const err = refusal(() => validateKubeadmConfig(withUnknown, v("1.29.15")));
    expect(err.message).toBe(
      'error unmarshaling configuration schema.GroupVersionKind{Group:"kubeadm.k8s.io", Version:"v1beta3", Kind:"InitConfiguration"}: strict decoding error: yaml: unmarshal errors:\n  line 11: key "name" already set in map, unknown field "nodeRegistration.bogus"',
    );
    expect(err.exitCode).toBe(1);
  });

  it("is a klog warning on init --config, which goes on", () => {
    const docs = loadInitConfiguration(withUnknown, v("1.29.15"));
    expect(docs.init?.nodeRegistration?.name).toBe("b");
    expect(docs.warnings).toHaveLength(1);
    expect(docs.warnings[0]).toMatch(/^W\d{4} \d\d:\d\d:\d\d\.\d{6} .*\] error unmarshaling configuration [\s\S]*unknown field "nodeRegistration.bogus"$/);
  });

  it("is a warning on join --config too", () => {
    const docs = loadJoinConfiguration(join("v1beta4", `discovery:\n  bootstrapToken:\n    token: abcdef.0123456789abcdef\n    apiServerEndpoint: 10.0.0.1:6443\n    caCertHashes: [${HASH}]\n  timeout: 5m\n`), v("1.33.5"));
    // discovery.timeout moved to timeouts.discovery in v1beta4.
    expect(docs.warnings.join("\n")).toContain('unknown field "discovery.timeout"');
  });

  it("refuses type errors in every mode, naming the Go struct", () => {
    const text = init("v1beta3").replace("bindPort: 6443", 'bindPort: "6443"');
    expect(refusal(() => loadInitConfiguration(text, v("1.29.15"))).message).toBe("json: cannot unmarshal string into Go struct field APIEndpoint.localAPIEndpoint.bindPort of type int32");
  });

  it("reads YAML 1.1 as go-yaml v2 does: `yes` is a boolean, not a string", () => {
    const text = init("v1beta3").replace("kubernetesVersion: v1.31.4", "kubernetesVersion: yes");
    expect(refusal(() => validateKubeadmConfig(text, v("1.29.15"))).message).toContain("cannot unmarshal bool into Go struct field ClusterConfiguration.kubernetesVersion of type string");
  });

  it("wants apiVersion and kind on every document, and each kind once", () => {
    expect(refusal(() => validateKubeadmConfig("apiVersion: v1\nkind: ConfigMap\n", v("1.33.5"))).message).toBe(
      "invalid configuration for GroupVersionKind /v1, Kind=ConfigMap: kind and apiVersion is mandatory information that must be specified",
    );
    const twice = refusal(() => validateKubeadmConfig(`${init("v1beta3")}---\n${init("v1beta3").split("---\n")[0] ?? ""}`, v("1.29.15")));
    expect(twice.message).toBe('invalid configuration: kind "InitConfiguration" is specified twice in YAML file');
    expect(twice.exitCode).toBe(3);
  });
});

describe("apiVersion against the kubeadm version (util/config/common.go validateSupportedVersion)", () => {
  it("refuses v1beta4 as experimental before 1.31", () => {
    for (const kubeadm of ["1.29.15", "1.30.14"]) {
      expect(refusal(() => loadInitConfiguration(init("v1beta4"), v(kubeadm))).message).toBe(
        'experimental API spec: "kubeadm.k8s.io/v1beta4" is not allowed. You can use the --allow-experimental-api flag if the command supports it.',
      );
    }
    expect(validateKubeadmConfig(init("v1beta4"), v("1.29.15"), true)).toEqual([]);
  });

  it("accepts v1beta3 on 1.33 with a deprecation warning on init, silently in validate", () => {
    const docs = loadInitConfiguration(init("v1beta3"), v("1.33.5"));
    expect(docs.warnings.join("\n")).toContain(`uses a deprecated API spec: "kubeadm.k8s.io/v1beta3" (kind: "ClusterConfiguration"). Please use 'kubeadm config migrate --old-config old-config-file --new-config new-config-file'`);
    expect(validateKubeadmConfig(init("v1beta3"), v("1.33.5"))).toEqual([]);
  });

  it("refuses v1beta2 and older, naming the kubeadm that migrates them", () => {
    expect(refusal(() => validateKubeadmConfig(init("v1beta2"), v("1.29.15"))).message).toBe(
      `your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta2". Please use kubeadm v1.22 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`,
    );
    expect(refusal(() => validateKubeadmConfig(init("v1beta2"), v("1.33.5"))).message).toContain('old API spec: "kubeadm.k8s.io/v1beta2" (kind: "ClusterConfiguration")');
  });
});

describe("validation (apis/kubeadm/validation/validation.go)", () => {
  it("bootstrap tokens must match [a-z0-9]{6}.[a-z0-9]{16}, and the error does not echo the token", () => {
    const err = refusal(() => loadInitConfiguration(init("v1beta3").replace("abcdef.0123456789abcdef", "ABCDEF.0123456789abcdef"), v("1.29.15")));
    expect(err.message).toBe('the bootstrap token "<hidden>" was not of the form "\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z"');
    expect(err.message).not.toContain("0123456789abcdef");
  });

  it("certificate keys are 32 bytes of hex (either case), exit status 3", () => {
    const short = refusal(() => loadInitConfiguration(init("v1beta3").replace(KEY, KEY.slice(2)), v("1.29.15")));
    expect(short.message).toBe('certificateKey: Invalid value: "<hidden>": invalid certificate key size 31, the key must be an AES key of size 32');
    expect(short.exitCode).toBe(3);
    expect(refusal(() => loadInitConfiguration(init("v1beta3").replace(KEY, `zz${KEY.slice(2)}`), v("1.29.15"))).message).toContain("certificate key decoding error: encoding/hex: invalid byte: U+007A 'z'");
    expect(loadInitConfiguration(init("v1beta3").replace(KEY, KEY.toUpperCase()), v("1.29.15")).init?.certificateKey).toBe(KEY.toUpperCase());
  });

  it("external etcd: http:// only without certificates; cert and key in pairs, with the CA", () => {
    const etcd = (body: string) => init("v1beta3") + `etcd:\n  external:\n${body}`;
    expect(loadInitConfiguration(etcd("    endpoints: [http://10.0.0.1:2379]\n"), v("1.29.15")).cluster?.etcd?.external?.endpoints).toEqual(["http://10.0.0.1:2379"]);
    expect(refusal(() => loadInitConfiguration(etcd("    endpoints: [http://10.0.0.1:2379]\n    caFile: /etc/ca.crt\n"), v("1.29.15"))).message).toBe(
      'etcd.external.endpoints: Invalid value: "http://10.0.0.1:2379": the URL must be using the HTTPS scheme',
    );
    const certOnly = refusal(() => loadInitConfiguration(etcd("    endpoints: [https://10.0.0.1:2379]\n    certFile: /etc/c.crt\n"), v("1.29.15")));
    expect(certOnly.message).toBe(
      '[etcd.external: Invalid value: "": either both or none of .Etcd.External.CertFile and .Etcd.External.KeyFile must be set]'.replace(/^\[|\]$/g, ""),
    );
    expect(refusal(() => loadInitConfiguration(etcd("    endpoints: [https://10.0.0.1:2379]\n    certFile: /etc/c.crt\n    keyFile: /etc/c.key\n"), v("1.29.15"))).message).toContain(
      "setting .Etcd.External.CertFile and .Etcd.External.KeyFile requires .Etcd.External.CAFile",
    );
  });

  it("join discovery needs an endpoint, a valid token and CA pinning", () => {
    const err = refusal(() => loadJoinConfiguration(join("v1beta3", "discovery:\n  bootstrapToken:\n    token: abcdef-0123456789abcdef\n    apiServerEndpoint: 10.0.0.1\n"), v("1.29.15")));
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain("discovery.bootstrapToken.caCertHashes: Invalid value: \"\": using token-based discovery without caCertHashes can be unsafe");
    expect(err.message).toContain('discovery.bootstrapToken.token: Invalid value: "<hidden>": the bootstrap token is invalid');
    expect(err.message).toContain('discovery.bootstrapToken.apiServerEndpoint: Invalid value: "10.0.0.1": address 10.0.0.1: missing port in address');
  });
});

describe("flags next to --config (validation.go isAllowedFlag)", () => {
  it("follows each minor's allow-list", () => {
    for (const minor of ["1.29.15", "1.33.5"]) {
      for (const flag of ["upload-certs", "node-name", "ignore-preflight-errors", "skip-phases", "dry-run", "v"]) expect(allowedWithConfig(flag, v(minor))).toBe(true);
      for (const flag of ["certificate-key", "patches", "token", "control-plane", "apiserver-advertise-address", "cri-socket"]) expect(allowedWithConfig(flag, v(minor))).toBe(false);
    }
    expect(allowedWithConfig("yes", v("1.29.15"))).toBe(false);
    expect(allowedWithConfig("yes", v("1.30.14"))).toBe(true);
    expect(allowedWithConfig("feature-gates", v("1.31.13"))).toBe(true);
    expect(allowedWithConfig("feature-gates", v("1.33.5"))).toBe(false);
  });
});

describe("kubeadm commands on a node", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  afterEach(async () => {
    await world.close();
  });

  it("init --config refuses --certificate-key and --patches next to it", async () => {
    const cp = world.machine("cp-1", "1.31.4");
    cp.fs.write("/root/k.yaml", init("v1beta4"));
    const mixed = await world.run(cp, `kubeadm init --config /root/k.yaml --upload-certs --certificate-key ${KEY} --patches /root/p`);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("can not mix '--config' with arguments [certificate-key patches]");
    const phase = await world.run(cp, `kubeadm init phase upload-certs --upload-certs --config /root/k.yaml --certificate-key ${KEY}`);
    expect(phase.stderr).toContain("can not mix '--config' with arguments [certificate-key]");
    const upgrade = await world.run(cp, "kubeadm upgrade apply v1.31.5 --config /root/k.yaml --patches /root/p --yes");
    expect(upgrade.stderr).toContain("can not mix '--config' with arguments [patches]");
  });

  it("config validate prints ok, or the refusal with kubeadm's exit status", async () => {
    const cp = world.machine("cp-1", "1.31.4");
    cp.fs.write("/root/good.yaml", init("v1beta4"));
    const ok = await world.run(cp, "kubeadm config validate --config /root/good.yaml");
    expect(ok).toMatchObject({ code: 0, stdout: "ok\n" });
    cp.fs.write("/root/bad.yaml", init("v1beta4", "bogus: true\n"));
    const bad = await world.run(cp, "kubeadm config validate --config /root/bad.yaml");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('strict decoding error: unknown field "bogus"');
    const init1 = await world.run(cp, "kubeadm init --config /root/bad.yaml --dry-run");
    expect(init1.stderr).toContain('unknown field "bogus"');
    expect(init1.stderr).not.toContain("can not mix");
  });

  it("join checks the discovery hash format before it connects, and validates flags like a config", async () => {
    const node = world.machine("w-1", "1.31.4");
    const badHash = await world.run(node, "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:abcd");
    expect(badHash.code).toBe(1);
    expect(badHash.stderr).toContain('invalid discovery token CA certificate hash: invalid hash "sha256:abcd", expected a 32 byte SHA-256 hash, found 2 bytes');
    expect(badHash.stdout).not.toContain("[discovery]");
    const badToken = await world.run(node, `kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdeF --discovery-token-ca-cert-hash ${HASH}`);
    expect(badToken.code).toBe(3);
    expect(badToken.stderr).toContain('discovery.bootstrapToken.token: Invalid value: "<hidden>": the bootstrap token is invalid');
    const badKey = await world.run(node, `kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH} --control-plane --certificate-key abcd`);
    expect(badKey.code).toBe(3);
    expect(badKey.stderr).toContain('controlPlane.certificateKey: Invalid value: "<hidden>": invalid certificate key size 2');
  });
});
