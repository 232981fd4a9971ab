// kubeadm configuration files (--config) read as the real kubeadm of the node's version reads them:
// documents split and typed (cmd/kubeadm/app/util/marshal.go SplitYAMLDocuments), the apiVersion
// checked against the kubeadm version (util/config/common.go validateSupportedVersion), strict
// decoding (util/config/strict), then the values the simulator acts on extracted with zod, and
// kubeadm's validation (kubeadmConfigValidate.ts).
//
// Strictness depends on the command, exactly as upstream (util/config/initconfiguration.go
// BytesToInitConfiguration and joinconfiguration.go LoadJoinConfigurationFromFile pass
// strictErrors=false; common.go ValidateConfig passes true), the same in every minor we ship (read in
// v1.29.15, v1.30.14, v1.31.13, v1.32.9 and v1.33.5):
//   - `kubeadm init|join --config`: unknown or duplicate fields are printed as a klog warning and the
//     command goes on;
//   - `kubeadm config validate`: the same findings are errors.
// Type errors (a string where a number belongs) fail in every mode: the lax decoder fails on them too.
import { z } from "zod";
import { KNOWN_FIELDS, type KubeadmApi } from "./kubeadmFields";
import { decodeDocument, goGvk, KubeadmConfigError, splitDocuments, strictCheck } from "./kubeadmStrict";
import { bootstrapTokenDecodeProblem, validateCluster, validateInit, validateJoin } from "./kubeadmConfigValidate";
import type { KubeVersion } from "./versions";

export { KubeadmConfigError } from "./kubeadmStrict";

const GROUP = "kubeadm.k8s.io";
/** Component-config groups kubeadm's componentconfigs.Scheme registers (cmd/kubeadm/app/componentconfigs). */
const COMPONENT_GROUPS = ["kubelet.config.k8s.io", "kubeproxy.config.k8s.io"];

// v1beta3: extraArgs is a map; v1beta4: a list of {name, value}.
const extraArgsV3 = z.record(z.string(), z.string());
const extraArgsV4 = z.array(z.object({ name: z.string(), value: z.string() }));

const bootstrapToken = z.looseObject({
  token: z.string(),
  ttl: z.string().optional(),
  description: z.string().optional(),
  usages: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});

const nodeRegistration = (extraArgs: z.ZodType) =>
  z.looseObject({
    name: z.string().optional(),
    criSocket: z.string().optional(),
    kubeletExtraArgs: extraArgs.optional(),
    ignorePreflightErrors: z.array(z.string()).optional(),
  });

const apiEndpoint = z.looseObject({ advertiseAddress: z.string().optional(), bindPort: z.number().int().optional() });

const initConfiguration = (extraArgs: z.ZodType) =>
  z.looseObject({
    kind: z.literal("InitConfiguration"),
    bootstrapTokens: z.array(bootstrapToken).optional(),
    localAPIEndpoint: apiEndpoint.optional(),
    nodeRegistration: nodeRegistration(extraArgs).optional(),
    certificateKey: z.string().optional(),
    skipPhases: z.array(z.string()).optional(),
  });

const clusterConfiguration = (extraArgs: z.ZodType) =>
  z.looseObject({
    kind: z.literal("ClusterConfiguration"),
    kubernetesVersion: z.string().optional(),
    controlPlaneEndpoint: z.string().optional(),
    clusterName: z.string().optional(),
    imageRepository: z.string().optional(),
    apiServer: z.looseObject({ certSANs: z.array(z.string()).optional(), extraArgs: extraArgs.optional() }).optional(),
    networking: z.looseObject({ podSubnet: z.string().optional(), serviceSubnet: z.string().optional(), dnsDomain: z.string().optional() }).optional(),
    etcd: z
      .looseObject({
        local: z.looseObject({}).optional(),
        external: z
          .looseObject({
            endpoints: z.array(z.string()).default([]),
            caFile: z.string().optional(),
            certFile: z.string().optional(),
            keyFile: z.string().optional(),
          })
          .optional(),
      })
      .optional(),
  });

const joinConfiguration = (extraArgs: z.ZodType) =>
  z.looseObject({
    kind: z.literal("JoinConfiguration"),
    caCertPath: z.string().optional(),
    discovery: z
      .looseObject({
        bootstrapToken: z
          .looseObject({
            token: z.string().default(""),
            apiServerEndpoint: z.string().optional(),
            caCertHashes: z.array(z.string()).optional(),
            unsafeSkipCAVerification: z.boolean().optional(),
          })
          .optional(),
        file: z.looseObject({ kubeConfigPath: z.string().optional() }).optional(),
        tlsBootstrapToken: z.string().optional(),
      })
      .default({}),
    controlPlane: z
      .looseObject({
        localAPIEndpoint: apiEndpoint.optional(),
        certificateKey: z.string().optional(),
      })
      .optional(),
    nodeRegistration: nodeRegistration(extraArgs).optional(),
  });

export type InitConfiguration = z.infer<ReturnType<typeof initConfiguration>>;
export type ClusterConfiguration = z.infer<ReturnType<typeof clusterConfiguration>>;
export type JoinConfiguration = z.infer<ReturnType<typeof joinConfiguration>>;

export interface KubeadmConfigDocs {
  apiVersion: string;
  init?: InitConfiguration;
  cluster?: ClusterConfiguration;
  join?: JoinConfiguration;
  /** What kubeadm prints to stderr and goes on: strict-decoding findings, deprecated APIs, ignored kinds. */
  warnings: string[];
}

export interface LoadOptions {
  /** true in `kubeadm config validate`; false in init/join --config. */
  strictErrors: boolean;
  /** `config validate` and `config migrate` accept deprecated APIs without a warning. */
  allowDeprecated?: boolean;
  /** `--allow-experimental-api` of `config validate` / `config migrate`. */
  allowExperimental?: boolean;
}

interface Doc {
  group: string;
  version: string;
  kind: string;
  value: Record<string, unknown>;
  duplicates?: string;
}

/** klog's warning line ("W1204 01:23:45.678901    1234 file.go:N] msg"), as kubeadm prints it to stderr. */
function klogWarning(message: string): string {
  const now = new Date();
  const p2 = (n: number) => String(n).padStart(2, "0");
  const stamp = `W${p2(now.getUTCMonth() + 1)}${p2(now.getUTCDate())} ${p2(now.getUTCHours())}:${p2(now.getUTCMinutes())}:${p2(now.getUTCSeconds())}.${String(now.getUTCMilliseconds() * 1000).padStart(6, "0")}`;
  return `${stamp}    1234 initconfiguration.go:332] ${message}`;
}

/** SplitYAMLDocuments: every document needs group, version and kind; each kind once. */
function documents(text: string): Doc[] {
  const docs: Doc[] = [];
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const chunk of splitDocuments(text)) {
    const decoded = decodeDocument(chunk);
    const value = decoded.value;
    if (value !== null && value !== undefined && (typeof value !== "object" || Array.isArray(value))) {
      throw new KubeadmConfigError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
    }
    const obj = (value ?? {}) as Record<string, unknown>;
    const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
    const kind = typeof obj.kind === "string" ? obj.kind : "";
    const slash = apiVersion.indexOf("/");
    const group = slash >= 0 ? apiVersion.slice(0, slash) : "";
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    if (!group || !version || !kind) {
      throw new KubeadmConfigError(`invalid configuration for GroupVersionKind ${group}/${version}, Kind=${kind}: kind and apiVersion is mandatory information that must be specified`);
    }
    if (seen.has(kind)) {
      twice.push(`invalid configuration: kind "${kind}" is specified twice in YAML file`);
      continue;
    }
    seen.add(kind);
    docs.push({ group, version, kind, value: obj, duplicates: decoded.duplicates });
  }
  // k8s.io/apimachinery/pkg/util/errors NewAggregate: one error prints bare, several as "[a, b]"; an
  // aggregate exits with status 3 (cmd/kubeadm/app/util/error.go checkErr), as real kubeadm does here.
  if (twice.length === 1) throw new KubeadmConfigError(twice[0] ?? "", 3);
  if (twice.length > 1) throw new KubeadmConfigError(`[${twice.join(", ")}]`, 3);
  // v1.33 sorts by GVK string so ClusterConfiguration decodes first (initconfiguration.go); order only
  // decides which error comes first.
  return docs.sort((a, b) => `${a.group}/${a.version}, Kind=${a.kind}`.localeCompare(`${b.group}/${b.version}, Kind=${b.kind}`));
}

/** Whether this kubeadm's scheme has the version at all (cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go). */
function registered(version: string, kubeadm: KubeVersion): boolean {
  if (version === "v1beta3") return kubeadm.minor >= 22 && kubeadm.minor <= 34;
  if (version === "v1beta4") return kubeadm.minor >= 28;
  return false;
}

const OLD_APIS: Record<string, string> = { v1alpha1: "v1.11", v1alpha2: "v1.12", v1alpha3: "v1.14", v1beta1: "v1.15", v1beta2: "v1.22" };

/**
 * validateSupportedVersion (util/config/common.go): old APIs are refused naming the kubeadm that can
 * migrate them; v1beta4 is experimental in 1.28-1.30 (refused without --allow-experimental-api) and
 * released in 1.31, which also deprecates v1beta3 (a warning, unless the command allows deprecated).
 * From 1.31 the messages name the kind as well (v1.30.14 has no kind, v1.31.13 has).
 */
function supportedVersion(d: Doc, kubeadm: KubeVersion, opts: LoadOptions, warnings: string[]): void {
  if (d.group !== GROUP) return;
  const gv = `${d.group}/${d.version}`;
  const withKind = kubeadm.minor >= 31;
  const kindPart = withKind ? ` (kind: ${JSON.stringify(d.kind)})` : "";
  // The file names in the advice changed in v1.33 (read in v1.32.9 and v1.33.5).
  const migrate = kubeadm.minor >= 33 ? "'kubeadm config migrate --old-config old-config-file --new-config new-config-file'" : "'kubeadm config migrate --old-config old.yaml --new-config new.yaml'";
  const old = OLD_APIS[d.version];
  if (old) {
    throw new KubeadmConfigError(`your configuration file uses an old API spec: ${JSON.stringify(gv)}${kindPart}. Please use kubeadm ${old} instead and run ${migrate}, which will write the new, similar spec using a newer API version.`);
  }
  if (d.version === "v1beta3" && kubeadm.minor >= 31 && !opts.allowDeprecated) {
    warnings.push(klogWarning(`your configuration file uses a deprecated API spec: ${JSON.stringify(gv)}${kindPart}. Please use ${migrate}, which will write the new, similar spec using a newer API version.`));
  }
  if (d.version === "v1beta4" && kubeadm.minor >= 28 && kubeadm.minor <= 30 && !opts.allowExperimental) {
    throw new KubeadmConfigError(`experimental API spec: ${JSON.stringify(gv)}${kindPart} is not allowed. You can use the --allow-experimental-api flag if the command supports it.`);
  }
}

/** strict.VerifyUnmarshalStrict for one document: its findings, as an error or a warning. */
function verifyStrict(d: Doc, kubeadm: KubeVersion, opts: LoadOptions, warnings: string[]): void {
  const gvk = goGvk(d.group, d.version, d.kind);
  let findings: string[] = [];
  let fatal: string[] = [];
  if (d.group === GROUP && registered(d.version, kubeadm)) {
    const spec = KNOWN_FIELDS[d.version as KubeadmApi][d.kind];
    if (spec) ({ strict: findings, fatal } = strictCheck(d.value, spec, d.kind));
    else if (!["ResetConfiguration", "UpgradeConfiguration"].includes(d.kind)) {
      findings = [];
      fatal = [`unknown configuration ${gvk}`];
    }
  } else if (!COMPONENT_GROUPS.includes(d.group)) {
    fatal = [`unknown configuration ${gvk}`];
  }
  if (fatal.length > 0) {
    const message = fatal[0]?.startsWith("unknown configuration") ? fatal[0] : `error unmarshaling configuration ${gvk}: ${fatal[0] ?? ""}`;
    if (opts.strictErrors) throw new KubeadmConfigError(message);
    // The lax decoder that follows fails on the same type error; an unknown GVK is only skipped.
    if (!message.startsWith("unknown configuration")) throw new KubeadmConfigError(fatal[0] ?? message);
    warnings.push(klogWarning(message));
    return;
  }
  const all = [...(d.duplicates ? [d.duplicates] : []), ...findings];
  if (all.length === 0) return;
  const message = `error unmarshaling configuration ${gvk}: strict decoding error: ${all.join(", ")}`;
  if (opts.strictErrors) throw new KubeadmConfigError(message);
  warnings.push(klogWarning(message));
}

function notRegistered(d: Doc): KubeadmConfigError {
  return new KubeadmConfigError(`no kind "${d.kind}" is registered for version "${d.group}/${d.version}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`);
}

/** field.ErrorList.ToAggregate(): one error bare, several as "[a, b]"; exit status 3. */
function throwValidation(errors: string[]): void {
  if (errors.length === 0) return;
  throw new KubeadmConfigError(errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`, 3);
}

function extract<T>(schema: z.ZodType<T>, d: Doc): T {
  const parsed = schema.safeParse(d.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KubeadmConfigError(`${d.kind}: invalid field "${issue ? issue.path.join(".") : ""}": ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** documentMapToInitConfiguration: what `kubeadm init --config` (and its phases) reads. */
export function loadInitConfiguration(text: string, kubeadm: KubeVersion, opts: LoadOptions = { strictErrors: false }): KubeadmConfigDocs {
  const out: KubeadmConfigDocs = { apiVersion: "", warnings: [] };
  for (const d of documents(text)) {
    supportedVersion(d, kubeadm, opts, out.warnings);
    verifyStrict(d, kubeadm, opts, out.warnings);
    if (d.kind !== "InitConfiguration" && d.kind !== "ClusterConfiguration") {
      if (d.group === GROUP) out.warnings.push(klogWarning(`[config] WARNING: Ignored YAML document with GroupVersionKind ${d.group}/${d.version}, Kind=${d.kind}`));
      continue;
    }
    if (d.group !== GROUP || !registered(d.version, kubeadm)) throw notRegistered(d);
    const extraArgs = d.version === "v1beta4" ? extraArgsV4 : extraArgsV3;
    out.apiVersion = `${d.group}/${d.version}`;
    if (d.kind === "InitConfiguration") {
      out.init = extract(initConfiguration(extraArgs), d);
      const tokenProblem = bootstrapTokenDecodeProblem(out.init);
      if (tokenProblem) throw new KubeadmConfigError(opts.strictErrors ? `error unmarshaling configuration ${goGvk(d.group, d.version, d.kind)}: ${tokenProblem}` : tokenProblem);
    } else out.cluster = extract(clusterConfiguration(extraArgs), d);
  }
  if (!out.init && !out.cluster) throw new KubeadmConfigError("no InitConfiguration or ClusterConfiguration kind was found in the YAML file");
  throwValidation([...(out.init ? validateInit(out.init) : []), ...validateCluster(out.cluster)]);
  return out;
}

/** documentMapToJoinConfiguration: only JoinConfiguration documents count; the rest is skipped unread. */
export function loadJoinConfiguration(text: string, kubeadm: KubeVersion, opts: LoadOptions = { strictErrors: false }): KubeadmConfigDocs {
  const out: KubeadmConfigDocs = { apiVersion: "", warnings: [] };
  for (const d of documents(text)) {
    if (d.kind !== "JoinConfiguration") continue;
    supportedVersion(d, kubeadm, opts, out.warnings);
    verifyStrict(d, kubeadm, opts, out.warnings);
    if (d.group !== GROUP || !registered(d.version, kubeadm)) throw notRegistered(d);
    out.apiVersion = `${d.group}/${d.version}`;
    out.join = extract(joinConfiguration(d.version === "v1beta4" ? extraArgsV4 : extraArgsV3), d);
  }
  if (!out.join) throw new KubeadmConfigError("no JoinConfiguration found in the supplied config");
  throwValidation(validateJoin(out.join));
  return out;
}

/**
 * `kubeadm config validate --config` (util/config/common.go ValidateConfig): every GVK must be known
 * (validateKnownGVKs), then the init and join parts are loaded with strict errors and deprecated APIs
 * allowed. Returns the warnings kubeadm would print; throws what it refuses.
 */
export function validateKubeadmConfig(text: string, kubeadm: KubeVersion, allowExperimental = false): string[] {
  const docs = documents(text);
  const unknown = docs.filter((d) => {
    if (d.group === GROUP && OLD_APIS[d.version]) return false;
    if (COMPONENT_GROUPS.includes(d.group)) return false;
    return !(d.group === GROUP && registered(d.version, kubeadm) && ["InitConfiguration", "ClusterConfiguration", "JoinConfiguration", "ResetConfiguration", "UpgradeConfiguration"].includes(d.kind));
  });
  if (unknown.length > 0) throw new KubeadmConfigError(`unknown configuration APIs: []schema.GroupVersionKind{${unknown.map((d) => goGvk(d.group, d.version, d.kind)).join(", ")}}`);
  const opts: LoadOptions = { strictErrors: true, allowDeprecated: true, allowExperimental };
  const warnings: string[] = [];
  if (docs.some((d) => d.kind === "InitConfiguration" || d.kind === "ClusterConfiguration")) warnings.push(...loadInitConfiguration(text, kubeadm, opts).warnings);
  if (docs.some((d) => d.kind === "JoinConfiguration")) warnings.push(...loadJoinConfiguration(text, kubeadm, opts).warnings);
  return warnings;
}
