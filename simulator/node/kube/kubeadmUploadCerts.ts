// `kubeadm init phase upload-certs --upload-certs [--certificate-key K | --config FILE]`: re-uploads the
// shared control-plane certificates for two more hours under a (new or given) certificate key.
import type { CommandIO, NodeMachine } from "../types";
import { LIFETIMES, type KubeToolsContext } from "./context";
import { certsToTransfer, kubeadmCertsData, type EtcdMode } from "./copyCerts";
import { etcdValidationMessage, validateEtcd } from "./kubeadmEtcdValidation";
import { CommandFailure } from "./failure";
import { flagBool, flagString, parseFlags } from "./flags";
import { adminCluster } from "./kubeadmAdmin";
import { KubeadmConfigError, loadInitConfiguration } from "./kubeadmConfig";
import { certificateKeyProblem } from "./kubeadmConfigValidate";
import { rejectMixedConfig } from "./kubeadmMixedArgs";
import { generateCertificateKey, kubeadmVersionOf, readConfigFile, requireRootFailure } from "./kubeadmShared";
import { controlPlaneCluster } from "./nodeFacts";

export async function kubeadmInitPhase(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const [phase, ...rest] = args;
  if (phase !== "upload-certs") {
    throw new CommandFailure(phase ? `the simulator's kubeadm does not run phase "${phase}" on its own` : 'missing subcommand; "phase" is not meant to be run on its own');
  }
  const flags = parseFlags(rest, {
    "upload-certs": { kind: "bool" },
    "certificate-key": { kind: "string" },
    config: { kind: "string" },
    kubeconfig: { kind: "string" },
    "skip-certificate-key-print": { kind: "bool" },
    "dry-run": { kind: "bool" },
    v: { kind: "string", short: "v" },
    rootfs: { kind: "string" },
  });
  // Phases share init's data initialiser, ValidateMixedArguments included: --config with --certificate-key is refused.
  rejectMixedConfig(flags.values, kubeadmVersionOf(io));
  const notRoot = requireRootFailure(io);
  if (notRoot) throw notRoot;
  if (!flagBool(flags, "upload-certs")) {
    io.stdout("[upload-certs] Skipping phase. Please see --upload-certs\n");
    return 0;
  }
  let key = flagString(flags, "certificate-key");
  const configPath = flagString(flags, "config");
  // copycerts.go certsToTransfer: the set follows the etcd topology of the configuration this command
  // runs with; without --config that is kubeadm's default configuration (stacked etcd), whatever the
  // cluster really uses.
  let etcdMode: EtcdMode = "stacked";
  if (configPath) {
    try {
      const docs = loadInitConfiguration(readConfigFile(machine, io, configPath), kubeadmVersionOf(io));
      for (const w of docs.warnings) io.stderr(w + "\n");
      key = docs.init?.certificateKey ?? key;
      const etcdInvalid = etcdValidationMessage(validateEtcd(docs.cluster?.etcd));
      if (etcdInvalid) throw new CommandFailure(etcdInvalid);
      if (docs.cluster?.etcd?.external) etcdMode = "external";
    } catch (err) {
      if (err instanceof KubeadmConfigError) throw new CommandFailure(err.message, err.exitCode);
      throw err;
    }
  }
  // The phase's data comes from newInitData, which validates InitConfiguration.CertificateKey (exit 3).
  const keyProblem = certificateKeyProblem(key ?? "");
  if (keyProblem) throw new CommandFailure(`certificateKey: Invalid value: "<hidden>": ${keyProblem}`, 3);
  if (!controlPlaneCluster(ctx, machine)) {
    throw new CommandFailure("error execution phase upload-certs: error uploading certs: failed to load certificate: couldn't load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory");
  }
  const cluster = await adminCluster(ctx, machine, io.user, flagString(flags, "kubeconfig"));
  const certificateKey = key ?? generateCertificateKey();
  cluster.certificateKey = { key: certificateKey, expiresAt: ctx.env.clock.now() + LIFETIMES.certificateKey, certs: certsToTransfer(etcdMode) };
  cluster.store.upsert({ apiVersion: "v1", kind: "Secret", metadata: { name: "kubeadm-certs", namespace: "kube-system" }, type: "Opaque", data: kubeadmCertsData(etcdMode) });
  io.stdout('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n' + certificateKey + "\n");
  return 0;
}
