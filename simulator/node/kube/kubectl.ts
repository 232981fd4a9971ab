// The `kubectl` command: get, apply, delete node, drain, cordon/uncordon, label/annotate, version and
// cluster-info against the cluster named by the kubeconfig, with kubectl's wording for errors.
import YAML from "yaml";
import type { CommandIO, NodeCommand, NodeMachine } from "../types";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { FlagError, flagArray, flagBool, flagString, parseFlags, parseGoDuration, type FlagSpecs } from "./flags";
import { authorize, openSession, type KubectlSession } from "./kubectlClient";
import { applyManifests, deleteManifests } from "./kubectlApply";
import { cordon, deleteObjects, drain, setMetadata } from "./kubectlNodes";
import { matchesSelector, parseSelector, printObjects } from "./kubectlPrint";
import { findResourceType } from "./kubectlResources";
import { taint } from "./kubectlTaint";
import { formatVersion, parseKubeVersion } from "./versions";

const GLOBAL: FlagSpecs = {
  kubeconfig: { kind: "string" },
  namespace: { kind: "string", short: "n" },
  context: { kind: "string" },
  "request-timeout": { kind: "string" },
  v: { kind: "string", short: "v" },
  server: { kind: "string", short: "s" },
  "insecure-skip-tls-verify": { kind: "bool" },
};

const COMMAND_FLAGS: Record<string, FlagSpecs> = {
  get: { output: { kind: "string", short: "o" }, "all-namespaces": { kind: "bool", short: "A" }, selector: { kind: "string", short: "l" }, "no-headers": { kind: "bool" }, "show-labels": { kind: "bool" }, "ignore-not-found": { kind: "bool" }, watch: { kind: "bool", short: "w" } },
  apply: { filename: { kind: "array", short: "f" }, recursive: { kind: "bool", short: "R" }, "server-side": { kind: "bool" }, "force-conflicts": { kind: "bool" }, validate: { kind: "string" }, output: { kind: "string", short: "o" }, "dry-run": { kind: "string" } },
  delete: { filename: { kind: "array", short: "f" }, "ignore-not-found": { kind: "bool" }, wait: { kind: "bool" }, "grace-period": { kind: "string" }, force: { kind: "bool" }, timeout: { kind: "string" } },
  drain: { "ignore-daemonsets": { kind: "bool" }, "delete-emptydir-data": { kind: "bool" }, "delete-local-data": { kind: "bool" }, force: { kind: "bool" }, timeout: { kind: "string" }, "grace-period": { kind: "string" }, "disable-eviction": { kind: "bool" }, "skip-wait-for-delete-timeout": { kind: "string" }, selector: { kind: "string", short: "l" }, "pod-selector": { kind: "string" } },
  cordon: {},
  uncordon: {},
  label: { overwrite: { kind: "bool" } },
  annotate: { overwrite: { kind: "bool" } },
  taint: { overwrite: { kind: "bool" } },
  version: { client: { kind: "bool" }, output: { kind: "string", short: "o" }, short: { kind: "bool" } },
  "cluster-info": {},
};

function clientInfo(io: CommandIO): Record<string, string> {
  const v = (io.binaryVersion ? parseKubeVersion(io.binaryVersion) : undefined) ?? { major: 1, minor: 31, patch: 0 };
  return { major: String(v.major), minor: String(v.minor), gitVersion: formatVersion(v), gitCommit: "0000000000000000000000000000000000000000", gitTreeState: "clean", buildDate: "2024-12-10T11:44:36Z", goVersion: "go1.22.10", compiler: "gc", platform: "linux/amd64" };
}

function get(session: KubectlSession, io: CommandIO, args: string[], flags: ReturnType<typeof parseFlags>): void {
  const [typeName, ...names] = args;
  if (!typeName) throw new CommandFailure("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
  const slash = typeName.indexOf("/");
  const type = findResourceType(slash >= 0 ? typeName.slice(0, slash) : typeName, session.cluster.appliedTypes);
  if (slash >= 0) names.unshift(typeName.slice(slash + 1));
  if (!type) throw new CommandFailure(`error: the server doesn't have a resource type "${typeName}"`);
  const allNamespaces = flagBool(flags, "all-namespaces") && type.namespaced;
  const namespace = type.namespaced && !allNamespaces ? session.namespace : undefined;
  authorize(session, names.length > 0 ? "get" : "list", type.plural, namespace);
  const store = session.cluster.store;
  const selectorText = flagString(flags, "selector");
  const selector = selectorText ? parseSelector(selectorText) : [];
  let objects;
  if (names.length > 0) {
    objects = [];
    for (const name of names) {
      const obj = store.get(type.apiVersion, type.kind, name, namespace);
      if (!obj) {
        if (flagBool(flags, "ignore-not-found")) continue;
        throw new CommandFailure(`Error from server (NotFound): ${type.plural}${type.apiVersion.includes("/") ? "." + type.apiVersion.split("/")[0] : ""} "${name}" not found`);
      }
      objects.push(obj);
    }
  } else {
    objects = store.list(type.apiVersion, type.kind, namespace).filter((o) => matchesSelector(o, selector));
  }
  const output = flagString(flags, "output");
  if (objects.length === 0 && names.length === 0 && output !== "json" && output !== "yaml") {
    io.stderr(namespace ? `No resources found in ${namespace} namespace.\n` : "No resources found\n");
    return;
  }
  const pods = store.list("v1", "Pod", namespace);
  io.stdout(printObjects(type, objects, names.length === 1, { output, allNamespaces, noHeaders: flagBool(flags, "no-headers"), pods }));
}

async function withSession(ctx: KubeToolsContext, machine: NodeMachine, io: CommandIO, flags: ReturnType<typeof parseFlags>): Promise<KubectlSession> {
  return openSession(ctx, machine, io, flagString(flags, "kubeconfig"), flagString(flags, "namespace"));
}

async function run(ctx: KubeToolsContext, argv: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  // The command is the first argument that is not a global flag (or its value).
  const rest = argv.slice(1);
  let index = 0;
  while (index < rest.length && (rest[index] ?? "").startsWith("-")) {
    const flag = rest[index] ?? "";
    const name = flag.replace(/^--?/, "").split("=")[0] ?? "";
    const spec = GLOBAL[name] ?? Object.values(GLOBAL).find((s) => s.short === name);
    index += spec && spec.kind !== "bool" && !flag.includes("=") && !/^-[a-z].+/.test(flag) ? 2 : 1;
  }
  const command = rest[index];
  if (command === undefined) {
    io.stdout("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
    return 0;
  }
  const specs = COMMAND_FLAGS[command];
  if (!specs) throw new CommandFailure(`error: unknown command "${command}" for "kubectl"`);
  const flags = parseFlags([...rest.slice(0, index), ...rest.slice(index + 1)], { ...GLOBAL, ...specs });
  const args = flags.positionals;
  if (command === "version") {
    const client = clientInfo(io);
    const kustomize = "v5.4.2";
    const output = flagString(flags, "output");
    if (flagBool(flags, "client")) {
      if (output === "json") io.stdout(JSON.stringify({ clientVersion: client, kustomizeVersion: kustomize }, null, 2) + "\n");
      else if (output === "yaml") io.stdout(YAML.stringify({ clientVersion: client, kustomizeVersion: kustomize }));
      else io.stdout(`Client Version: ${client.gitVersion}\nKustomize Version: ${kustomize}\n`);
      return 0;
    }
    let server: Record<string, string> | undefined;
    let failure: CommandFailure | undefined;
    try {
      const session = await withSession(ctx, machine, io, flags);
      const v = session.cluster.servingVersion();
      server = { ...client, major: String(v.major), minor: String(v.minor), gitVersion: formatVersion(v) };
    } catch (err) {
      if (!(err instanceof CommandFailure)) throw err;
      failure = err;
    }
    if (output === "json") io.stdout(JSON.stringify({ clientVersion: client, kustomizeVersion: kustomize, ...(server ? { serverVersion: server } : {}) }, null, 2) + "\n");
    else if (output === "yaml") io.stdout(YAML.stringify({ clientVersion: client, kustomizeVersion: kustomize, ...(server ? { serverVersion: server } : {}) }));
    else io.stdout(`Client Version: ${client.gitVersion}\nKustomize Version: ${kustomize}\n${server ? `Server Version: ${server.gitVersion}\n` : ""}`);
    if (failure) throw failure;
    return 0;
  }
  const session = await withSession(ctx, machine, io, flags);
  switch (command) {
    case "get":
      get(session, io, args, flags);
      return 0;
    case "apply":
      authorize(session, "create", "objects", session.namespace);
      applyManifests(ctx, session, machine, io, flagArray(flags, "filename"), flagString(flags, "namespace"));
      return 0;
    case "cluster-info":
      io.stdout(`Kubernetes control plane is running at ${session.server}\nCoreDNS is running at ${session.server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
      return 0;
  }
  if (command === "cordon" || command === "uncordon" || command === "drain") {
    authorize(session, "patch", "nodes");
    const name = args[0];
    if (command === "drain") {
      const timeoutText = flagString(flags, "timeout") ?? "0s";
      const timeoutMs = parseGoDuration(timeoutText);
      // pflag DurationVar → time.ParseDuration's errors.
      if (timeoutMs === undefined) throw new FlagError(`invalid argument "${timeoutText}" for "--timeout" flag: time: ${/^\d+(\.\d+)?$/.test(timeoutText) ? "missing unit in" : "invalid"} duration "${timeoutText}"`);
      await drain(session, io, name, {
        ignoreDaemonSets: flagBool(flags, "ignore-daemonsets"),
        deleteEmptyDirData: flagBool(flags, "delete-emptydir-data") || flagBool(flags, "delete-local-data"),
        force: flagBool(flags, "force"),
        disableEviction: flagBool(flags, "disable-eviction"),
        timeoutMs,
        clock: ctx.env.clock,
        signal: io.signal,
      });
    } else cordon(session, io, name, command === "cordon");
    return 0;
  }
  if (command === "taint") {
    authorize(session, "patch", "nodes");
    taint(session, io, args, flagBool(flags, "overwrite"));
    return 0;
  }
  if (command === "delete" && flagArray(flags, "filename").length > 0) {
    authorize(session, "delete", "objects", session.namespace);
    deleteManifests(session, machine, io, flagArray(flags, "filename"), flagBool(flags, "ignore-not-found"));
    return 0;
  }
  // TYPE NAME... or TYPE/NAME...
  const [first, ...others] = args;
  if (!first) throw new CommandFailure("error: You must provide one or more resources by argument or filename.");
  const slash = first.indexOf("/");
  const type = findResourceType(slash >= 0 ? first.slice(0, slash) : first, session.cluster.appliedTypes);
  if (!type) throw new CommandFailure(`error: the server doesn't have a resource type "${slash >= 0 ? first.slice(0, slash) : first}"`);
  const names = slash >= 0 ? [first.slice(slash + 1)] : [];
  const rest2 = others;
  authorize(session, command === "delete" ? "delete" : "patch", type.plural, type.namespaced ? session.namespace : undefined);
  if (command === "delete") {
    deleteObjects(session, io, type, session.namespace, [...names, ...rest2], flagBool(flags, "ignore-not-found"));
  } else {
    const target = names[0] ?? rest2[0];
    const pairs = names.length > 0 ? rest2 : rest2.slice(1);
    setMetadata(session, io, command === "label" ? "labels" : "annotations", type, session.namespace, target, pairs, flagBool(flags, "overwrite"));
  }
  return 0;
}

export function kubectlCommand(ctx: KubeToolsContext): NodeCommand {
  return async (argv, io, machine) => {
    try {
      return await run(ctx, argv, io, machine);
    } catch (err) {
      if (err instanceof FlagError) {
        io.stderr(`error: ${err.message}\nSee 'kubectl --help' for usage.\n`);
        return 1;
      }
      if (err instanceof CommandFailure) {
        io.stderr(err.message.endsWith("\n") ? err.message : err.message + "\n");
        return err.exitCode;
      }
      io.stderr(`error: ${(err as Error).message.split("\n")[0]}\n`);
      return 1;
    }
  };
}
