// kubeadm configuration files (--config): multi-document YAML of InitConfiguration,
// ClusterConfiguration and JoinConfiguration in kubeadm.k8s.io/v1beta3 or v1beta4, validated with zod.
// Only the fields the simulator acts on are checked; other fields are accepted as kubeadm would.
import { z } from "zod";
import YAML from "yaml";
import type { KubeVersion } from "./versions";

const GROUP = "kubeadm.k8s.io";

export class KubeadmConfigError extends Error {}

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

const initConfiguration = (extraArgs: z.ZodType) =>
  z.looseObject({
    kind: z.literal("InitConfiguration"),
    bootstrapTokens: z.array(bootstrapToken).optional(),
    localAPIEndpoint: z.looseObject({ advertiseAddress: z.string().optional(), bindPort: z.number().int().optional() }).optional(),
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
            endpoints: z.array(z.string()).min(1),
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
    discovery: z.looseObject({
      bootstrapToken: z
        .looseObject({
          token: z.string(),
          apiServerEndpoint: z.string().optional(),
          caCertHashes: z.array(z.string()).optional(),
          unsafeSkipCAVerification: z.boolean().optional(),
        })
        .optional(),
      tlsBootstrapToken: z.string().optional(),
    }),
    controlPlane: z
      .looseObject({
        localAPIEndpoint: z.looseObject({ advertiseAddress: z.string().optional(), bindPort: z.number().int().optional() }).optional(),
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
  /** Documents kubeadm ignores with a warning (unknown kinds). */
  warnings: string[];
}

const Header = z.looseObject({ apiVersion: z.string(), kind: z.string() });
const OTHER_COMPONENT_GROUPS = ["kubelet.config.k8s.io/", "kubeproxy.config.k8s.io/"];

function checkApiVersion(apiVersion: string, kind: string, kubeadm: KubeVersion): void {
  const version = apiVersion.slice(GROUP.length + 1);
  if (version === "v1beta1" || version === "v1beta2") {
    throw new KubeadmConfigError(
      `your configuration file uses an old API spec: "${apiVersion}". Please use kubeadm v1.${version === "v1beta1" ? 21 : 24} instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`,
    );
  }
  const registered = version === "v1beta3" ? kubeadm.minor <= 34 : version === "v1beta4" ? kubeadm.minor >= 31 : false;
  if (!registered) {
    if (version === "v1beta3") {
      throw new KubeadmConfigError(
        `your configuration file uses an old API spec: "${apiVersion}". Please use kubeadm v1.34 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`,
      );
    }
    throw new KubeadmConfigError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`);
  }
}

function describe(error: z.ZodError, kind: string): string {
  const issue = error.issues[0];
  const path = issue ? issue.path.join(".") : "";
  return `${kind}: invalid field ${path ? `"${path}"` : ""}: ${issue?.message ?? "invalid"}`.replace(/ {2}/g, " ");
}

/** Parse a kubeadm config file for the given kubeadm version. */
export function parseKubeadmConfig(text: string, kubeadm: KubeVersion): KubeadmConfigDocs {
  let docs: unknown[];
  try {
    docs = YAML.parseAllDocuments(text).map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors[0]?.message ?? "yaml error");
      return d.toJS() as unknown;
    });
  } catch (err) {
    throw new KubeadmConfigError(`error converting YAML to JSON: yaml: ${(err as Error).message.split("\n")[0]}`);
  }
  const out: KubeadmConfigDocs = { apiVersion: "", warnings: [] };
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    const header = Header.safeParse(doc);
    if (!header.success) throw new KubeadmConfigError("Object 'Kind' is missing in the configuration document");
    const { apiVersion, kind } = header.data;
    if (!apiVersion.startsWith(`${GROUP}/`)) {
      if (!OTHER_COMPONENT_GROUPS.some((g) => apiVersion.startsWith(g))) {
        out.warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${apiVersion}, Kind=${kind}`);
      }
      continue;
    }
    checkApiVersion(apiVersion, kind, kubeadm);
    out.apiVersion = apiVersion;
    const extraArgs = apiVersion.endsWith("v1beta4") ? extraArgsV4 : extraArgsV3;
    const schema = kind === "InitConfiguration" ? initConfiguration(extraArgs) : kind === "ClusterConfiguration" ? clusterConfiguration(extraArgs) : kind === "JoinConfiguration" ? joinConfiguration(extraArgs) : undefined;
    if (!schema) {
      out.warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${apiVersion}, Kind=${kind}`);
      continue;
    }
    const parsed = schema.safeParse(doc);
    if (!parsed.success) throw new KubeadmConfigError(describe(parsed.error, kind));
    if (kind === "InitConfiguration") out.init = parsed.data as InitConfiguration;
    else if (kind === "ClusterConfiguration") out.cluster = parsed.data as ClusterConfiguration;
    else out.join = parsed.data as JoinConfiguration;
  }
  return out;
}
