// A plain ssh2 client for the end-to-end tests: the tests act as an operator with `ssh`, so they use
// the SSH protocol directly (not the provider's session layer) and see exactly what a client sees,
// including authentication refusals.
import { Client } from "ssh2";

export interface SshLogin {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key (test-generated; never logged). */
  privateKey: string;
}

export interface SshExecResult {
  /** null when the channel closed without an exit status (connection cut). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export class SimSshClient {
  private constructor(
    private readonly conn: Client,
    readonly label: string,
    readonly hostKey: Buffer,
  ) {}

  /** One connection attempt; rejects with ssh2's error (e.g. "All configured authentication methods failed"). */
  static connect(login: SshLogin, timeoutMs = 10_000): Promise<SimSshClient> {
    return new Promise((resolve, reject) => {
      const conn = new Client();
      let hostKey: Buffer = Buffer.alloc(0);
      const done = (err?: Error): void => {
        clearTimeout(timer);
        if (err) {
          conn.end();
          reject(err);
        } else {
          resolve(new SimSshClient(conn, `${login.username}@${login.host}:${login.port}`, hostKey));
        }
      };
      const timer = setTimeout(() => done(new Error(`ssh connect to ${login.host}:${login.port} timed out`)), timeoutMs);
      conn.once("ready", () => done());
      conn.once("error", (err) => done(err));
      conn.connect({
        host: login.host,
        port: login.port,
        username: login.username,
        privateKey: login.privateKey,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          hostKey = key;
          return true;
        },
      });
    });
  }

  /** Retries refused / reset / not-yet-authorised connections until the deadline (the VM may still boot). */
  static async connectWithRetry(login: SshLogin, deadlineMs: number): Promise<SimSshClient> {
    const until = Date.now() + deadlineMs;
    let last: unknown;
    for (let delay = 50; Date.now() < until; delay = Math.min(delay * 2, 500)) {
      try {
        return await SimSshClient.connect(login, Math.max(1000, until - Date.now()));
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    throw new Error(`could not ssh to ${login.username}@${login.host}:${login.port} within ${deadlineMs} ms: ${String(last)}`);
  }

  exec(command: string, options: { stdin?: string; timeoutMs?: number } = {}): Promise<SshExecResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: command timed out: ${command}`)), options.timeoutMs ?? 30_000);
      this.conn.exec(command, (err, channel) => {
        if (err) {
          clearTimeout(timer);
          reject(err);
          return;
        }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null = null;
        channel.on("data", (d: Buffer) => out.push(d));
        channel.stderr.on("data", (d: Buffer) => errOut.push(d));
        channel.on("exit", (c: number | null) => {
          code = c;
        });
        channel.on("close", () => {
          clearTimeout(timer);
          resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errOut).toString("utf8") });
        });
        if (options.stdin !== undefined) channel.end(options.stdin);
        else channel.end();
      });
    });
  }

  /** exec, throwing with the command, exit code and stderr when the exit code is not 0. */
  async run(command: string, options: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.exec(command, options);
    if (r.code !== 0) throw new Error(`${this.label}: \`${command}\` exited ${String(r.code)}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  close(): void {
    this.conn.end();
  }
}
