// The fields kubeadm's config types know, per API version, for strict decoding: every JSON name and
// its Go type class, as written in the json tags of
//   cmd/kubeadm/app/apis/kubeadm/v1beta3/types.go and v1beta4/types.go (kubernetes v1.29.15, v1.33.5),
//   cmd/kubeadm/app/apis/bootstraptoken/v1/types.go (BootstrapToken),
//   k8s.io/api/core/v1 Taint and EnvVar, metav1.TypeMeta (inlined).
// Inline structs (TypeMeta, ControlPlaneComponent in APIServer, ImageMeta in DNS and LocalEtcd) are
// flattened here, as encoding/json flattens them.

/** A leaf's Go type class: what JSON value decodes into it without a type error. */
export type Leaf = "string" | "int" | "bool" | "duration" | "time" | "stringList" | "boolMap" | "stringMap" | "any";

/** A struct: known JSON field names. */
export interface StructSpec {
  [field: string]: FieldSpec;
}

export type FieldSpec = Leaf | StructSpec | { list: StructSpec };

const typeMeta: StructSpec = { apiVersion: "string", kind: "string" };
const imageMeta: StructSpec = { imageRepository: "string", imageTag: "string" };
const taint: StructSpec = { key: "string", value: "string", effect: "string", timeAdded: "time" };
const bootstrapToken: StructSpec = { token: "string", description: "string", ttl: "duration", expires: "time", usages: "stringList", groups: "stringList" };
const apiEndpoint: StructSpec = { advertiseAddress: "string", bindPort: "int" };
const hostPathMount: StructSpec = { name: "string", hostPath: "string", mountPath: "string", readOnly: "bool", pathType: "string" };
const patches: StructSpec = { directory: "string" };
const externalEtcd: StructSpec = { endpoints: "stringList", caFile: "string", certFile: "string", keyFile: "string" };
const networking: StructSpec = { serviceSubnet: "string", podSubnet: "string", dnsDomain: "string" };

export type KubeadmApi = "v1beta3" | "v1beta4";

function v1beta3(): Record<string, StructSpec> {
  const component: StructSpec = { extraArgs: "stringMap", extraVolumes: { list: hostPathMount } };
  const nodeRegistration: StructSpec = { name: "string", criSocket: "string", taints: { list: taint }, kubeletExtraArgs: "stringMap", ignorePreflightErrors: "stringList", imagePullPolicy: "string" };
  return {
    InitConfiguration: { ...typeMeta, bootstrapTokens: { list: bootstrapToken }, nodeRegistration, localAPIEndpoint: apiEndpoint, certificateKey: "string", skipPhases: "stringList", patches },
    ClusterConfiguration: {
      ...typeMeta,
      etcd: { local: { ...imageMeta, dataDir: "string", extraArgs: "stringMap", serverCertSANs: "stringList", peerCertSANs: "stringList" }, external: externalEtcd },
      networking,
      kubernetesVersion: "string",
      controlPlaneEndpoint: "string",
      apiServer: { ...component, certSANs: "stringList", timeoutForControlPlane: "duration" },
      controllerManager: component,
      scheduler: component,
      dns: { ...imageMeta },
      certificatesDir: "string",
      imageRepository: "string",
      featureGates: "boolMap",
      clusterName: "string",
    },
    JoinConfiguration: {
      ...typeMeta,
      nodeRegistration,
      caCertPath: "string",
      discovery: {
        bootstrapToken: { token: "string", apiServerEndpoint: "string", caCertHashes: "stringList", unsafeSkipCAVerification: "bool" },
        file: { kubeConfigPath: "string" },
        tlsBootstrapToken: "string",
        timeout: "duration",
      },
      controlPlane: { localAPIEndpoint: apiEndpoint, certificateKey: "string" },
      skipPhases: "stringList",
      patches,
    },
  };
}

/** v1beta4 as kubeadm 1.31+ reads it (the 1.33.5 types; 1.29/1.30 only know it as experimental). */
function v1beta4(): Record<string, StructSpec> {
  const arg: StructSpec = { name: "string", value: "string" };
  const envVar: StructSpec = { name: "string", value: "string", valueFrom: "any" };
  const component: StructSpec = { extraArgs: { list: arg }, extraVolumes: { list: hostPathMount }, extraEnvs: { list: envVar } };
  const timeouts: StructSpec = {
    controlPlaneComponentHealthCheck: "duration",
    kubeletHealthCheck: "duration",
    kubernetesAPICall: "duration",
    etcdAPICall: "duration",
    tlsBootstrap: "duration",
    discovery: "duration",
    upgradeManifests: "duration",
  };
  const nodeRegistration: StructSpec = {
    name: "string",
    criSocket: "string",
    taints: { list: taint },
    kubeletExtraArgs: { list: arg },
    ignorePreflightErrors: "stringList",
    imagePullPolicy: "string",
    imagePullSerial: "bool",
  };
  return {
    InitConfiguration: { ...typeMeta, bootstrapTokens: { list: bootstrapToken }, dryRun: "bool", nodeRegistration, localAPIEndpoint: apiEndpoint, certificateKey: "string", skipPhases: "stringList", patches, timeouts },
    ClusterConfiguration: {
      ...typeMeta,
      etcd: { local: { ...imageMeta, dataDir: "string", extraArgs: { list: arg }, extraEnvs: { list: envVar }, serverCertSANs: "stringList", peerCertSANs: "stringList" }, external: externalEtcd },
      networking,
      kubernetesVersion: "string",
      controlPlaneEndpoint: "string",
      apiServer: { ...component, certSANs: "stringList" },
      controllerManager: component,
      scheduler: component,
      dns: { ...imageMeta, disabled: "bool" },
      proxy: { disabled: "bool" },
      certificatesDir: "string",
      imageRepository: "string",
      featureGates: "boolMap",
      clusterName: "string",
      encryptionAlgorithm: "string",
      certificateValidityPeriod: "duration",
      caCertificateValidityPeriod: "duration",
    },
    JoinConfiguration: {
      ...typeMeta,
      dryRun: "bool",
      nodeRegistration,
      caCertPath: "string",
      discovery: {
        bootstrapToken: { token: "string", apiServerEndpoint: "string", caCertHashes: "stringList", unsafeSkipCAVerification: "bool" },
        file: { kubeConfigPath: "string" },
        tlsBootstrapToken: "string",
      },
      controlPlane: { localAPIEndpoint: apiEndpoint, certificateKey: "string" },
      skipPhases: "stringList",
      patches,
      timeouts,
    },
  };
}

export const KNOWN_FIELDS: Record<KubeadmApi, Record<string, StructSpec>> = { v1beta3: v1beta3(), v1beta4: v1beta4() };
