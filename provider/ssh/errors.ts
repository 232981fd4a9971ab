// SSH error types. Every message names the node (label) and shows commands only in their redacted form.

/** A command ran and exited non-zero (or was killed by a signal). */
export class SshCommandError extends Error {
  constructor(
    /** The node, e.g. "cluster-a/control-1". */
    public readonly label: string,
    /** The command with secrets redacted. */
    public readonly command: string,
    public readonly code: number | null,
    /** Last lines of stderr, secrets redacted. */
    public readonly stderrTail: string,
    public readonly signal?: string,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    super(`${label}: \`${command}\` ${how}${stderrTail ? `:\n${stderrTail}` : " (no stderr)"}`);
    this.name = "SshCommandError";
  }
}

/** The connection dropped while a command ran; retryable (the node may have rebooted or the link blipped). */
export class SshDisconnectedError extends Error {
  readonly retryable = true;
  constructor(public readonly label: string, public readonly command?: string) {
    super(`${label}: SSH connection lost${command ? ` while running \`${command}\`` : ""}; the command may or may not have completed`);
    this.name = "SshDisconnectedError";
  }
}

/** A command did not finish within its timeout; its channel was closed. */
export class SshTimeoutError extends Error {
  readonly retryable = true;
  constructor(public readonly label: string, public readonly command: string, public readonly timeoutMs: number) {
    super(`${label}: \`${command}\` did not finish within ${timeoutMs} ms`);
    this.name = "SshTimeoutError";
  }
}

/** Could not connect before the deadline; `lastError` is the last underlying cause. */
export class SshConnectError extends Error {
  constructor(public readonly label: string, public readonly target: string, public readonly attempts: number, public readonly lastError: string) {
    super(
      `${label}: could not open SSH to ${target} after ${attempts} attempt(s): ${lastError}. ` +
        "Check that the VM is running, the port-forwarding and firewall rules exist, and cloud-init installed the cluster key.",
    );
    this.name = "SshConnectError";
  }
}

/** The server's host key differs from the pinned one: never retried, never bypassed. */
export class SshHostKeyMismatchError extends Error {
  constructor(public readonly label: string, public readonly expected: string, public readonly actual: string) {
    super(
      `${label}: SSH host key mismatch: expected ${expected}, got ${actual}. The VM was replaced or the ` +
        "connection is intercepted; if the VM was rebuilt on purpose, clear its pinned host key.",
    );
    this.name = "SshHostKeyMismatchError";
  }
}

/** The caller aborted (AbortSignal). */
export class SshAbortedError extends Error {
  constructor(public readonly label: string) {
    super(`${label}: SSH operation aborted`);
    this.name = "SshAbortedError";
  }
}
