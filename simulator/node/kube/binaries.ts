// The other binaries a node gets from the ISO: `kubelet --version`, `etcd --version` and a small
// `etcdctl` (version, endpoint health through the fabric). Running the kubelet or etcd in the
// foreground is not modelled: they run as systemd units (see services.ts).
import * as http from "http";
import type { CommandIO, NodeCommand } from "../types";
import type { KubeToolsContext } from "./context";

function versionOr(io: CommandIO, fallback: string): string {
  return io.binaryVersion ?? fallback;
}

export const kubeletCommand: NodeCommand = async (argv, io) => {
  const args = argv.slice(1);
  if (args.includes("--version") || args.includes("version")) {
    io.stdout(`Kubernetes v${versionOr(io, "0.0.0")}\n`);
    return 0;
  }
  io.stderr("E0000 00:00:00.000000       1 run.go:72] \"command failed\" err=\"failed to load kubelet config file, path: /var/lib/kubelet/config.yaml: run the kubelet through systemd (systemctl start kubelet)\"\n");
  return 1;
};

export const etcdCommand: NodeCommand = async (argv, io) => {
  if (argv.slice(1).includes("--version")) {
    io.stdout(`etcd Version: ${versionOr(io, "3.5.15")}\nGit SHA: 0000000\nGo Version: go1.21.13\nGo OS/Arch: linux/amd64\n`);
    return 0;
  }
  io.stderr("{\"level\":\"fatal\",\"msg\":\"run etcd through systemd (systemctl start etcd)\"}\n");
  return 1;
};

/** etcdctl's --command-timeout defaults to 5s (etcdctl/ctlv3/ctl.go); scaled like every simulated duration. */
const COMMAND_TIMEOUT_MS = 5_000;

function probe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    // A member without quorum holds the request (it serves clients only once ready): the timeout decides.
    const req = http.get({ host, port, path: "/health", timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(false));
  });
}

export function etcdctlCommand(ctx: KubeToolsContext): NodeCommand {
  return async (argv, io, machine) => {
    const args = argv.slice(1);
    const endpointsArg = args.find((a) => a.startsWith("--endpoints="))?.slice("--endpoints=".length);
    const positional = args.filter((a) => !a.startsWith("-"));
    if (positional[0] === "version") {
      io.stdout(`etcdctl version: ${versionOr(io, "3.5.15")}\nAPI version: 3.5\n`);
      return 0;
    }
    if (positional[0] === "endpoint" && positional[1] === "health") {
      const endpoints = (endpointsArg ?? "http://127.0.0.1:2379").split(",").filter(Boolean);
      let healthy = true;
      for (const endpoint of endpoints) {
        let ok = false;
        const started = Date.now();
        try {
          const url = new URL(endpoint);
          const port = url.port ? Number(url.port) : 2379;
          const target = ctx.env.fabric.resolve(machine.spec.vmId, url.hostname, port) ?? (["127.0.0.1", "localhost"].includes(url.hostname) ? localEtcd(machine.spec.vmId, ctx, port) : null);
          ok = target ? await probe(target.host, target.port, Math.max(50, COMMAND_TIMEOUT_MS * ctx.env.clock.scale)) : false;
        } catch {
          ok = false;
        }
        if (ok) io.stdout(`${endpoint} is healthy: successfully committed proposal: took = ${Date.now() - started}ms\n`);
        else io.stderr(`${endpoint} is unhealthy: failed to commit proposal: context deadline exceeded\n`);
        healthy = healthy && ok;
      }
      if (!healthy) io.stderr("Error: unhealthy cluster\n");
      return healthy ? 0 : 1;
    }
    io.stderr(`Error: unknown command "${positional[0] ?? ""}" for "etcdctl"\n`);
    return 1;
  };
}

/** 127.0.0.1:2379 on a VM is that VM's own etcd: reach it through its guest IP. */
function localEtcd(vmId: string, ctx: KubeToolsContext, port: number): { host: string; port: number } | null {
  const machine = ctx.env.machineByVmId(vmId);
  return machine ? ctx.env.fabric.resolve(vmId, machine.spec.guestIp, port) : null;
}
