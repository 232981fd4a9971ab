// SSH sessions to cluster nodes: connect with retries until a deadline (the VM may still be booting,
// or cloud-init may not have installed the key yet), pin the host key, and run commands with stdin and
// per-command timeouts. Connection drops mid-command surface as SshDisconnectedError (retryable).
import { Client, ClientChannel } from "ssh2";
import { z } from "zod";
import {
  SshAbortedError,
  SshCommandError,
  SshConnectError,
  SshDisconnectedError,
  SshHostKeyMismatchError,
  SshTimeoutError,
} from "./errors";
import { watchAbort } from "../cloudstack/abort";
import { hostKeyFingerprint, normaliseFingerprint } from "./keys";
import { redact, tail } from "./redact";

/** Where and as whom to connect. privateKey is secret. */
export const sshTargetSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  username: z.string().min(1),
  privateKey: z.string().min(1),
  /** Pinned host key, "SHA256:<base64>" as OpenSSH prints it; a different key is refused. */
  hostKeySha256: z.string().min(1).optional(),
});
export type SshTarget = z.infer<typeof sshTargetSchema>;

/** Options of openSession. */
export interface OpenSessionOptions {
  /** Absolute deadline in epoch ms (Date.now() + x); values below 1e12 are taken as a duration from now. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Names the node in every error and progress message, e.g. "mycluster/control-1". */
  label: string;
  /** Per attempt: TCP connect + SSH handshake + auth. Default 10000 (as CKS). */
  connectTimeoutMs?: number;
  /** First retry delay; doubles up to maxBackoffMs. Defaults 250 / 5000. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called before each retry with the (non-secret) reason. */
  onRetry?: (info: { label: string; attempt: number; reason: string; delayMs: number }) => void;
}

/** A command with its redacted display form (provider/kubernetes NodeCommand fits). */
export interface CommandSpec {
  command: string;
  display: string;
  stdin?: string;
  secrets?: string[];
}

/** Options of exec/run. */
export interface ExecOptions {
  stdin?: string;
  /** Close the channel and fail with SshTimeoutError after this long. Default: none. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra secret values to scrub from the display form and stderr tails. */
  secrets?: string[];
  /** Stop collecting output beyond this many bytes per stream. Default 32 MiB. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

const RETRYABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "EAI_AGAIN", "ECONNABORTED"]);
const RETRYABLE_MESSAGES = /Timed out while waiting for handshake|All configured authentication methods failed|Connection lost before handshake|closed before ready|socket hang up|Keepalive timeout|Not connected/i;

/** A problem with what we were given (key, options), not with the network: retrying cannot help. */
class SshConfigurationError extends Error {}

function isRetryable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === "string" && RETRYABLE_CODES.has(e.code)) return true;
  return typeof e.message === "string" && RETRYABLE_MESSAGES.test(e.message);
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e.message === "string" ? e.message : String(err);
  return redact(typeof e.code === "string" && !msg.includes(e.code) ? `${e.code}: ${msg}` : msg);
}

function absoluteDeadline(deadlineMs: number): number {
  return deadlineMs < 1e12 ? Date.now() + deadlineMs : deadlineMs;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      stopWatching();
      resolve(true);
    }, ms);
    const stopWatching = signal
      ? watchAbort(signal, () => {
          clearTimeout(timer);
          resolve(false);
        })
      : () => undefined;
  });
}

class HostKeyMismatch extends Error {
  constructor(public readonly actual: string) {
    super("host key mismatch");
  }
}

function connectOnce(target: SshTarget, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ client: Client; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const pinned = target.hostKeySha256 ? normaliseFingerprint(target.hostKeySha256) : undefined;
    let fingerprint = "";
    let mismatch: string | undefined;
    let settled = false;
    const finish = (err: unknown, ok?: boolean): void => {
      if (settled) return;
      settled = true;
      stopWatching();
      if (ok) return resolve({ client, fingerprint });
      client.removeAllListeners("ready");
      client.on("error", () => undefined); // late errors of a discarded client must not crash the process
      client.end();
      reject(mismatch ? new HostKeyMismatch(mismatch) : err);
    };
    const onAbort = (): void => finish(new SshAbortedError("ssh"));
    const stopWatching = signal ? watchAbort(signal, onAbort) : () => undefined;
    client.on("ready", () => finish(undefined, true));
    client.on("error", (err) => finish(err));
    client.on("close", () => finish(new Error("connection closed before ready")));
    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        readyTimeout: Math.max(1, timeoutMs),
        keepaliveInterval: 10000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer): boolean => {
          fingerprint = hostKeyFingerprint(key);
          if (pinned && fingerprint !== pinned) {
            mismatch = fingerprint;
            return false;
          }
          return true;
        },
      });
    } catch (err) {
      // Synchronous failures are configuration errors (e.g. an unparsable private key): not retryable.
      finish(new SshConfigurationError(`invalid SSH configuration: ${describe(err)}`));
    }
  });
}

/**
 * Opens an SSH session, retrying with exponential backoff on refused/reset/timed-out connections and
 * on "All configured authentication methods failed" (cloud-init may not have installed the key yet),
 * until the deadline. A host key that differs from `target.hostKeySha256` fails at once.
 */
export async function openSession(target: SshTarget, options: OpenSessionOptions): Promise<SshSession> {
  const t = sshTargetSchema.parse(target);
  const deadline = absoluteDeadline(options.deadlineMs);
  const where = `${t.username}@${t.host}:${t.port}`;
  const connectTimeout = options.connectTimeoutMs ?? 10000;
  let delay = options.initialBackoffMs ?? 250;
  const maxDelay = options.maxBackoffMs ?? 5000;
  let attempt = 0;
  let lastError = "deadline already passed";
  for (;;) {
    if (options.signal?.aborted) throw new SshAbortedError(options.label);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new SshConnectError(options.label, where, attempt, lastError);
    attempt++;
    try {
      const { client, fingerprint } = await connectOnce(t, Math.min(connectTimeout, remaining), options.signal);
      return new SshSession(client, options.label, fingerprint);
    } catch (err) {
      if (err instanceof HostKeyMismatch) throw new SshHostKeyMismatchError(options.label, normaliseFingerprint(t.hostKeySha256 ?? ""), err.actual);
      if (err instanceof SshAbortedError) throw new SshAbortedError(options.label);
      lastError = describe(err);
      // Not ssh2's own `fatal` flag: ssh2 marks "Connection lost before handshake" fatal, yet a node that
      // is still booting produces exactly that, and it is worth another attempt.
      if (err instanceof SshConfigurationError || !isRetryable(err)) throw new SshConnectError(options.label, where, attempt, lastError);
    }
    const wait = Math.min(delay, Math.max(0, deadline - Date.now()));
    if (wait <= 0) throw new SshConnectError(options.label, where, attempt, lastError);
    options.onRetry?.({ label: options.label, attempt, reason: lastError, delayMs: wait });
    if (!(await sleep(wait, options.signal))) throw new SshAbortedError(options.label);
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** An open SSH connection to one node. */
export class SshSession {
  private closed = false;

  constructor(
    private readonly client: Client,
    /** Names the node in errors. */
    public readonly label: string,
    /** The server's host key, "SHA256:<base64>": pin it for the next connection. */
    public readonly hostKeySha256: string,
  ) {
    // Each running exec listens for the connection closing; allow many concurrent commands.
    client.setMaxListeners(100);
    const markClosed = (): void => {
      this.closed = true;
    };
    client.on("close", markClosed);
    client.on("end", markClosed);
    client.on("error", markClosed);
  }

  /** True once the connection has ended (closed by either side or dropped). */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs a command and resolves with its exit code and output, whatever the code. Rejects with
   * SshDisconnectedError when the connection drops first, SshTimeoutError after `timeoutMs`,
   * SshAbortedError when `signal` aborts.
   */
  exec(command: string | CommandSpec, options: ExecOptions = {}): Promise<ExecResult> {
    const spec = typeof command === "string" ? { command, display: redact(command, options.secrets) } : command;
    const secrets = [...(options.secrets ?? []), ...(typeof command === "string" ? [] : command.secrets ?? [])];
    const display = redact(spec.display, secrets);
    const stdin = options.stdin ?? (typeof command === "string" ? undefined : command.stdin);
    const limit = options.maxOutputBytes ?? 32 * 1024 * 1024;
    if (this.closed) return Promise.reject(new SshDisconnectedError(this.label, display));
    if (options.signal?.aborted) return Promise.reject(new SshAbortedError(this.label));

    return new Promise<ExecResult>((resolve, reject) => {
      let stream: ClientChannel | undefined;
      let settled = false;
      let exitCode: number | null | undefined;
      let exitSignal: string | undefined;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let timer: NodeJS.Timeout | undefined;

      const cleanup = (): void => {
        if (timer) clearTimeout(timer);
        this.client.removeListener("close", onDrop);
        stopWatching();
      };
      const fail = (e: Error): void => {
        if (settled) return;
        settled = true;
        cleanup();
        stream?.close();
        reject(e);
      };
      const onDrop = (): void => fail(new SshDisconnectedError(this.label, display));
      const onAbort = (): void => fail(new SshAbortedError(this.label));
      this.client.on("close", onDrop);
      const stopWatching = options.signal ? watchAbort(options.signal, onAbort) : () => undefined;
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => fail(new SshTimeoutError(this.label, display, options.timeoutMs as number)), options.timeoutMs);
      }

      try {
        this.client.exec(spec.command, (openErr, channel) => {
          if (settled) {
            channel?.close();
            return;
          }
          if (openErr) {
            return fail(this.closed ? new SshDisconnectedError(this.label, display) : new Error(`${this.label}: could not start \`${display}\`: ${describe(openErr)}`));
          }
          stream = channel;
          channel.on("data", (chunk: Buffer) => {
            if (outBytes < limit) out.push(chunk);
            outBytes += chunk.length;
          });
          channel.stderr.on("data", (chunk: Buffer) => {
            if (errBytes < limit) err.push(chunk);
            errBytes += chunk.length;
          });
          channel.on("exit", (code: number | null, signalName?: string) => {
            exitCode = code;
            if (signalName) exitSignal = signalName;
          });
          channel.on("close", () => {
            if (settled) return;
            // No exit status means the channel died with the connection, not that the command ended.
            if (exitCode === undefined) return fail(new SshDisconnectedError(this.label, display));
            settled = true;
            cleanup();
            const result: ExecResult = { code: exitCode, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
            if (exitSignal) result.signal = exitSignal;
            resolve(result);
          });
          if (stdin !== undefined) channel.end(stdin);
          else channel.end();
        });
      } catch (e) {
        fail(this.closed ? new SshDisconnectedError(this.label, display) : new Error(`${this.label}: could not start \`${display}\`: ${describe(e)}`));
      }
    });
  }

  /** Like exec, but a non-zero exit throws SshCommandError (redacted command and last 20 stderr lines). */
  async run(command: string | CommandSpec, options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.exec(command, options);
    if (result.code !== 0) {
      const secrets = [...(options.secrets ?? []), ...(typeof command === "string" ? [] : command.secrets ?? [])];
      const display = typeof command === "string" ? redact(command, secrets) : redact(command.display, secrets);
      throw new SshCommandError(this.label, display, result.code, tail(result.stderr, 20, secrets), result.signal);
    }
    return result;
  }

  /** Closes the connection. Safe to call twice. */
  close(): void {
    this.closed = true;
    this.client.end();
  }
}

/** Opens a session, runs `fn`, and always closes the session. */
export async function withSession<T>(target: SshTarget, options: OpenSessionOptions, fn: (session: SshSession) => Promise<T>): Promise<T> {
  const session = await openSession(target, options);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
