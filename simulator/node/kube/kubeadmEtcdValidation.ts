// kubeadm's validation of ClusterConfiguration.etcd: kubernetes/kubernetes
// cmd/kubeadm/app/apis/kubeadm/validation/validation.go ValidateEtcd and ValidateURLs. External etcd
// endpoints may use plain http only when no caFile/certFile/keyFile is set; with any of them every
// endpoint must be https, certFile and keyFile come as a pair, the pair needs caFile, and each path is
// absolute. Kept in its own file so the strict config decoder (kubeadmConfig.ts) stays separate.
import type { ClusterConfiguration } from "./kubeadmConfig";

type EtcdSection = NonNullable<ClusterConfiguration["etcd"]>;

/** field.Invalid rendered as kubeadm prints it: `<path>: Invalid value: "<value>": <detail>`. */
function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

/** ValidateURLs: each endpoint has a scheme, and is https when TLS files are configured. */
function validateUrls(endpoints: readonly string[], requireHttps: boolean, path: string): string[] {
  const errs: string[] = [];
  for (const endpoint of endpoints) {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(endpoint)?.[1] ?? "";
    if (requireHttps && scheme !== "https") errs.push(invalid(path, endpoint, "the URL must be using the HTTPS scheme"));
    if (scheme === "") errs.push(invalid(path, endpoint, "the URL without scheme is not allowed"));
  }
  return errs;
}

function absolute(file: string, path: string): string[] {
  return file.startsWith("/") ? [] : [invalid(path, file, "path is not absolute")];
}

/** The errors kubeadm reports for `etcd`, in its order; empty when valid. */
export function validateEtcd(etcd: EtcdSection | undefined): string[] {
  if (!etcd) return [];
  if (etcd.local && etcd.external) return [invalid("etcd", "", ".Etcd.Local and .Etcd.External are mutually exclusive")];
  const ext = etcd.external;
  if (!ext) return [];
  const ca = ext.caFile ?? "";
  const cert = ext.certFile ?? "";
  const key = ext.keyFile ?? "";
  const errs: string[] = [];
  // "Only allow the http scheme if no certs/keys are passed".
  const requireHttps = !(ca === "" && cert === "" && key === "");
  if ((cert === "") !== (key === "")) errs.push(invalid("etcd.external", "", "either both or none of .Etcd.External.CertFile and .Etcd.External.KeyFile must be set"));
  if (cert !== "" && key !== "" && ca === "") errs.push(invalid("etcd.external", "", "setting .Etcd.External.CertFile and .Etcd.External.KeyFile requires .Etcd.External.CAFile"));
  errs.push(...validateUrls(ext.endpoints, requireHttps, "etcd.external.endpoints"));
  for (const [name, file] of [["caFile", ca], ["certFile", cert], ["keyFile", key]] as const) {
    if (file !== "") errs.push(...absolute(file, `etcd.external.${name}`));
  }
  return errs;
}

/** utilerrors.NewAggregate's message: one error as is, several as `[a, b]`. */
export function etcdValidationMessage(errs: readonly string[]): string | undefined {
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}
