// containerd on the template: `ctr` (image import / list, needs the daemon running), `crictl`
// (from the ISO) and `containerd config default`. Imported images are kept per namespace; the
// k8s.io namespace is also published as ext "containerd.images" (a Set of references) for node/kube.
import { createHash } from "node:crypto";
import type { NodeCommand, NodeMachine } from "../types";
import { fail, readFileFor, tool, usageError } from "./common";
import { readTar } from "./tarReader";
import { containerdDefaultConfig } from "./containerdDefaults";

const K8S_NAMESPACE = "k8s.io";

function namespaces(m: NodeMachine): Map<string, Set<string>> {
  let ns = m.ext.get("containerd.namespaces") as Map<string, Set<string>> | undefined;
  if (!ns) {
    ns = new Map();
    m.ext.set("containerd.namespaces", ns);
  }
  if (!ns.has(K8S_NAMESPACE)) {
    const shared = m.ext.get("containerd.images");
    const set = shared instanceof Set ? (shared as Set<string>) : new Set<string>();
    ns.set(K8S_NAMESPACE, set);
    m.ext.set("containerd.images", set);
  }
  return ns;
}

export function listImages(m: NodeMachine, namespace = K8S_NAMESPACE): string[] {
  return [...(namespaces(m).get(namespace) ?? [])].sort();
}

const IMAGE_REF = /([a-z0-9][a-z0-9.-]*(?::\d+)?\/)?[a-z0-9][a-z0-9._/-]*:[\w][\w.-]*/;

/** The image references an archive names: OCI index annotations, docker RepoTags, or a stand-in line. */
export function imageNames(archive: Buffer): string[] {
  try {
    const entries = readTar(archive);
    const names: string[] = [];
    for (const e of entries) {
      if (e.path.replace(/^\.\//, "") === "index.json") {
        const idx = JSON.parse(e.data.toString("utf8")) as { manifests?: { annotations?: Record<string, string> }[] };
        for (const mf of idx.manifests ?? []) {
          const n = mf.annotations?.["io.containerd.image.name"] ?? mf.annotations?.["org.opencontainers.image.ref.name"];
          if (n && n.includes(":")) names.push(n);
        }
      }
      if (e.path.replace(/^\.\//, "") === "manifest.json") {
        const list = JSON.parse(e.data.toString("utf8")) as { RepoTags?: string[] }[];
        for (const item of list) names.push(...(item.RepoTags ?? []));
      }
    }
    if (names.length > 0) return [...new Set(names)];
  } catch {
    // not a tar: a stand-in text file
  }
  const text = archive.subarray(0, 4096).toString("utf8");
  const standIn = /^#\s*image\s+(\S+)/m.exec(text);
  if (standIn) return [standIn[1]];
  const m = IMAGE_REF.exec(text);
  return m ? [m[0]] : [];
}

function qualified(ref: string): string {
  const first = ref.split("/")[0];
  if (!ref.includes("/")) return `docker.io/library/${ref}`;
  if (!first.includes(".") && !first.includes(":") && first !== "localhost") return `docker.io/${ref}`;
  return ref;
}

function daemonDown(io: Parameters<NodeCommand>[1], m: NodeMachine): boolean {
  if (m.services.get("containerd")?.active === "active") return false;
  io.stderr('ctr: failed to dial "/run/containerd/containerd.sock": connection error: desc = "transport: error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory"\n');
  return true;
}

const ctr: NodeCommand = tool("ctr", async (argv, io, m) => {
  const args = argv.slice(1);
  let ns = "default";
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-n" || a === "--namespace") ns = args[++i] ?? "";
    else if (a.startsWith("--namespace=")) ns = a.slice(12);
    else if (a === "--address" || a === "-a") i++;
    else rest.push(a);
  }
  const [group, verb, ...operands] = rest;
  if (group === "version" || group === "--version" || group === "-v") {
    io.stdout(`ctr containerd.io ${io.binaryVersion ?? "1.7.24"}\n`);
    return 0;
  }
  if (group !== "images" && group !== "image" && group !== "i") return usageError(io, "ctr", `No help topic for '${group ?? ""}'`);
  if (io.user !== "root") {
    io.stderr('ctr: failed to dial "/run/containerd/containerd.sock": connection error: desc = "transport: error while dialing: dial unix /run/containerd/containerd.sock: connect: permission denied"\n');
    return 1;
  }
  if (daemonDown(io, m)) return 1;
  const store = namespaces(m);
  if (!store.has(ns)) store.set(ns, new Set());
  const images = store.get(ns) as Set<string>;
  if (verb === "import") {
    const files = operands.filter((o) => !o.startsWith("-"));
    if (files.length === 0) return fail(io, "ctr", "expected 1 argument");
    const data = readFileFor(m, io, "ctr", files[0]);
    const names = imageNames(data);
    if (names.length === 0) return fail(io, "ctr", `unrecognized image format`);
    for (const n of names) {
      const ref = qualified(n);
      images.add(ref);
      const digest = createHash("sha256").update(ref).digest("hex");
      io.stdout(`unpacking ${ref} (sha256:${digest})...done\n`);
    }
    return 0;
  }
  if (verb === "ls" || verb === "list") {
    const quiet = operands.includes("-q") || operands.includes("--quiet");
    if (!quiet) io.stdout("REF\tTYPE\tDIGEST\tSIZE\tPLATFORMS\tLABELS\n");
    for (const ref of [...images].sort()) {
      io.stdout(quiet ? `${ref}\n` : `${ref}\tapplication/vnd.oci.image.index.v1+json\tsha256:${createHash("sha256").update(ref).digest("hex")}\t10.0 MiB\tlinux/amd64\t-\n`);
    }
    return 0;
  }
  if (verb === "rm" || verb === "remove") {
    for (const o of operands) images.delete(qualified(o));
    return 0;
  }
  return usageError(io, "ctr", `No help topic for '${verb ?? ""}'`);
});

const crictl: NodeCommand = tool("crictl", async (argv, io, m) => {
  const args = argv.slice(1).filter((a) => !a.startsWith("--runtime-endpoint") && !a.startsWith("--image-endpoint"));
  const [verb, ...rest] = args;
  if (verb === "--version" || verb === "version" || verb === "-v") {
    io.stdout(`crictl version v${io.binaryVersion ?? "1.31.1"}\n`);
    return 0;
  }
  if (io.user !== "root") return fail(io, "crictl", "validate service connection: validate CRI v1 runtime API for endpoint \"unix:///run/containerd/containerd.sock\": rpc error: code = Unavailable desc = connection error: permission denied");
  if (m.services.get("containerd")?.active !== "active") {
    return fail(io, "crictl", 'validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unavailable desc = connection error');
  }
  if (verb === "images" || verb === "img") {
    const quiet = rest.includes("-q");
    if (!quiet) io.stdout("IMAGE                                     TAG                 IMAGE ID            SIZE\n");
    for (const ref of listImages(m)) {
      const i = ref.lastIndexOf(":");
      const id = createHash("sha256").update(ref).digest("hex").slice(0, 13);
      io.stdout(quiet ? `sha256:${id}\n` : `${ref.slice(0, i).padEnd(42)}${ref.slice(i + 1).padEnd(20)}${id.padEnd(20)}10MB\n`);
    }
    return 0;
  }
  if (verb === "ps" || verb === "pods") {
    const rows = m.ext.get(verb === "ps" ? "crictl.containers" : "crictl.pods");
    io.stdout(verb === "ps" ? "CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD\n" : "POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME\n");
    if (Array.isArray(rows)) for (const r of rows) if (typeof r === "string") io.stdout(`${r}\n`);
    return 0;
  }
  if (verb === "info") {
    io.stdout(JSON.stringify({ status: { conditions: [{ type: "RuntimeReady", status: true }, { type: "NetworkReady", status: m.fs.exists("/etc/cni/net.d") }] } }, null, 2) + "\n");
    return 0;
  }
  return usageError(io, "crictl", `No help topic for '${verb ?? ""}'`);
});

/** `containerd config default` of the template's default containerd (1.7). */
export const CONTAINERD_DEFAULT_CONFIG = containerdDefaultConfig("1.7.24");

const containerd: NodeCommand = tool("containerd", async (argv, io) => {
  if (argv[1] === "config" && argv[2] === "default") {
    io.stdout(containerdDefaultConfig(io.binaryVersion ?? "1.7.24"));
    return 0;
  }
  if (argv[1] === "--version" || argv[1] === "-v") {
    io.stdout(`containerd containerd.io ${io.binaryVersion ?? "1.7.24"} 88bf19b2105c8b17560993bee28a01ddc2f97182\n`);
    return 0;
  }
  return fail(io, "containerd", "the daemon is managed by systemd here (systemctl start containerd)");
});

export const CONTAINERD_TOOLS: Record<string, NodeCommand> = { ctr, crictl, containerd };
