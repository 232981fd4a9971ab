// How the orchestration runs commands on nodes. The real connector opens ssh2 sessions through
// provider/ssh (user `cloud`, the cluster key, host keys pinned after first contact); unit tests
// substitute a fake that answers commands from a script.
import type { NodeCommand } from "../kubernetes/commands";
import type { NodeRecord } from "./clusterState";

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface NodeShell {
  /** Runs the command; a non-zero exit is returned, not thrown. */
  exec(cmd: NodeCommand, opts?: { timeoutMs?: number }): Promise<ShellResult>;
  /** Runs the command; a non-zero exit throws an error naming the node, the redacted command and stderr. */
  run(cmd: NodeCommand, opts?: { timeoutMs?: number }): Promise<ShellResult>;
  close(): void;
}

export interface ConnectRequest {
  node: NodeRecord;
  host: string;
  port: number;
  privateKey: string;
  /** Pinned host key from an earlier contact, if any. */
  hostKeySha256?: string;
  deadlineAt: number;
  label: string;
}

export interface NodeConnector {
  /** Resolves with the shell and the host key seen (to pin next time). */
  connect(req: ConnectRequest): Promise<{ shell: NodeShell; hostKeySha256: string }>;
}

/** The real connector over provider/ssh, loaded lazily. */
export function sshConnector(): NodeConnector {
  return {
    async connect(req) {
      const ssh = require("../ssh") as typeof import("../ssh");
      const session = await ssh.openSession(
        { host: req.host, port: req.port, username: "cloud", privateKey: req.privateKey, hostKeySha256: req.hostKeySha256 },
        { deadlineMs: req.deadlineAt, label: req.label },
      );
      const shell: NodeShell = {
        exec: (cmd, opts) => session.exec(cmd, { timeoutMs: opts?.timeoutMs, secrets: cmd.secrets }),
        run: (cmd, opts) => session.run(cmd, { timeoutMs: opts?.timeoutMs, secrets: cmd.secrets }),
        close: () => session.close(),
      };
      return { shell, hostKeySha256: session.hostKeySha256 };
    },
  };
}
