// The `kubeadm` command: dispatch to subcommands, cobra-like errors, failures to stderr.
import type { NodeCommand } from "../types";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { FlagError } from "./flags";
import { kubeadmInit } from "./kubeadmInit";
import { kubeadmJoin } from "./kubeadmJoin";
import { kubeadmCerts } from "./kubeadmCerts";
import { kubeadmReset } from "./kubeadmReset";
import { kubeadmConfig, kubeadmVersion } from "./kubeadmVersion";
import { kubeadmToken } from "./kubeadmToken";
import { kubeadmUpgrade } from "./kubeadmUpgrade";

const USAGE = `
    ┌──────────────────────────────────────────────────────────┐
    │ KUBEADM                                                  │
    │ Easily bootstrap a secure Kubernetes cluster             │
    └──────────────────────────────────────────────────────────┘

Usage:
  kubeadm [command]

Available Commands:
  certs       Commands related to handling kubernetes certificates
  config      Manage configuration for a kubeadm cluster persisted in a ConfigMap in the cluster
  init        Run this command in order to set up the Kubernetes control plane
  join        Run this on any machine you wish to join an existing cluster
  reset       Performs a best effort revert of changes made to this host by 'kubeadm init' or 'kubeadm join'
  token       Manage bootstrap tokens
  upgrade     Upgrade your cluster smoothly to a newer version with this command
  version     Print the version of kubeadm
`;

export function kubeadmCommand(ctx: KubeToolsContext): NodeCommand {
  return async (argv, io, machine) => {
    const [sub, ...args] = argv.slice(1);
    try {
      switch (sub) {
        case undefined:
        case "help":
        case "--help":
        case "-h":
          io.stdout(USAGE);
          return 0;
        case "version":
          return kubeadmVersion(args, io);
        case "init":
          return await kubeadmInit(ctx, args, io, machine);
        case "join":
          return await kubeadmJoin(ctx, args, io, machine);
        case "token":
          return await kubeadmToken(ctx, args, io, machine);
        case "upgrade":
          return await kubeadmUpgrade(ctx, args, io, machine);
        case "reset":
          return await kubeadmReset(ctx, args, io, machine);
        case "certs":
          return await kubeadmCerts(ctx, args, io, machine);
        case "config":
          return kubeadmConfig(args, io, machine);
        default:
          if (sub.startsWith("-")) throw new FlagError(`unknown flag: ${sub.split("=")[0]}`);
          throw new CommandFailure(`unknown command "${sub}" for "kubeadm"\nRun 'kubeadm --help' for usage.`);
      }
    } catch (err) {
      if (err instanceof FlagError) {
        io.stderr(`${err.message}\nTo see the stack trace of this error execute with --v=5 or higher\n`);
        return 1;
      }
      if (err instanceof CommandFailure) {
        io.stderr(err.message.endsWith("\n") ? err.message : err.message + "\n");
        return err.exitCode;
      }
      if (io.signal.aborted) {
        io.stderr("context canceled\n");
        return 130;
      }
      // Unexpected: report without internals that could carry secrets.
      io.stderr(`kubeadm: internal error: ${(err as Error).name}: ${(err as Error).message.split("\n")[0]}\n`);
      return 1;
    }
  };
}
