// `kubeadm version [-o short|json|yaml]`, `kubeadm config images list|pull` and `kubeadm config validate`.
import YAML from "yaml";
import type { CommandIO, NodeMachine } from "../types";
import { CommandFailure } from "./failure";
import { flagBool, flagString, parseFlags } from "./flags";
import { KubeadmConfigError, validateKubeadmConfig } from "./kubeadmConfig";
import { kubeadmVersionOf, readConfigFile } from "./kubeadmShared";
import { formatVersion, parseKubeVersion, requiredImages } from "./versions";

function versionInfo(io: CommandIO): Record<string, string> {
  const v = kubeadmVersionOf(io);
  return {
    major: String(v.major),
    minor: String(v.minor),
    gitVersion: formatVersion(v),
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2024-12-10T11:43:21Z",
    goVersion: "go1.22.10",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function kubeadmVersion(args: string[], io: CommandIO): number {
  const flags = parseFlags(args, { output: { kind: "string", short: "o" }, v: { kind: "string", short: "v" } });
  const info = versionInfo(io);
  const output = flagString(flags, "output") ?? "";
  if (output === "short") io.stdout(`${info.gitVersion}\n`);
  else if (output === "json") io.stdout(JSON.stringify({ clientVersion: info }, null, 2) + "\n");
  else if (output === "yaml") io.stdout(YAML.stringify({ clientVersion: info }));
  else if (output === "") {
    const go = `&version.Info{Major:"${info.major}", Minor:"${info.minor}", GitVersion:"${info.gitVersion}", GitCommit:"${info.gitCommit}", GitTreeState:"${info.gitTreeState}", BuildDate:"${info.buildDate}", GoVersion:"${info.goVersion}", Compiler:"${info.compiler}", Platform:"${info.platform}"}`;
    io.stdout(`kubeadm version: ${go}\n`);
  } else throw new CommandFailure(`invalid output format: ${output}`);
  return 0;
}

/**
 * `kubeadm config validate --config FILE [--allow-experimental-api]` (cmd/kubeadm/app/cmd/config.go
 * newCmdConfigValidate -> util/config ValidateConfig): "ok" on success; strict decoding errors refuse.
 */
function kubeadmConfigValidate(args: string[], io: CommandIO, machine: NodeMachine): number {
  const flags = parseFlags(args, { config: { kind: "string" }, "allow-experimental-api": { kind: "bool" }, kubeconfig: { kind: "string" }, v: { kind: "string", short: "v" }, rootfs: { kind: "string" } });
  const path = flagString(flags, "config");
  if (!path) throw new CommandFailure("the --config flag is mandatory\nTo see the stack trace of this error execute with --v=5 or higher");
  try {
    const warnings = validateKubeadmConfig(readConfigFile(machine, io, path), kubeadmVersionOf(io), flagBool(flags, "allow-experimental-api"));
    for (const w of warnings) io.stderr(w + "\n");
  } catch (err) {
    if (err instanceof KubeadmConfigError) throw new CommandFailure(`${err.message}\nTo see the stack trace of this error execute with --v=5 or higher`, err.exitCode);
    throw err;
  }
  io.stdout("ok\n");
  return 0;
}

export function kubeadmConfig(args: string[], io: CommandIO, machine: NodeMachine): number {
  const [sub, sub2, ...rest] = args;
  if (sub === "validate") return kubeadmConfigValidate(args.slice(1), io, machine);
  if (sub !== "images" || (sub2 !== "list" && sub2 !== "pull")) {
    throw new CommandFailure(sub ? `unknown command "${[sub, sub2].filter(Boolean).join(" ")}" for "kubeadm config"` : 'missing subcommand; "config" is not meant to be run on its own');
  }
  const flags = parseFlags(rest, { "kubernetes-version": { kind: "string" }, "image-repository": { kind: "string" }, config: { kind: "string" }, "cri-socket": { kind: "string" }, "feature-gates": { kind: "string" }, output: { kind: "string", short: "o" }, v: { kind: "string", short: "v" }, "allow-missing-template-keys": { kind: "bool" }, rootfs: { kind: "string" } });
  const requested = flagString(flags, "kubernetes-version");
  const version = requested ? parseKubeVersion(requested) : kubeadmVersionOf(io);
  if (!version) throw new CommandFailure(`couldn't parse Kubernetes version "${requested ?? ""}"`);
  const images = requiredImages(version, flagString(flags, "image-repository") ?? "registry.k8s.io");
  if (sub2 === "pull") throw new CommandFailure(`failed to pull image "${images[0] ?? ""}": dial tcp: lookup registry.k8s.io: no such host`);
  io.stdout(images.join("\n") + "\n");
  return 0;
}
