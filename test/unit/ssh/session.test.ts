import { getEventListeners } from "events";
import * as net from "net";
import { generateClusterKeyPair, publicKeyFingerprint } from "../../../provider/ssh/keys";
import { openSession, SshSession } from "../../../provider/ssh/session";
import {
  SshAbortedError,
  SshCommandError,
  SshConnectError,
  SshDisconnectedError,
  SshHostKeyMismatchError,
  SshTimeoutError,
} from "../../../provider/ssh/errors";
import { freePort, startTestServer, TestServer } from "./testServer";

const keys = generateClusterKeyPair("test");
const otherKeys = generateClusterKeyPair("intruder");

function target(server: { host: string; port: number }, extra: Partial<{ privateKey: string; hostKeySha256: string }> = {}) {
  return { host: server.host, port: server.port, username: "cloud", privateKey: keys.privateKey, ...extra };
}

describe("openSession + exec against a real ssh2 server", () => {
  let server: TestServer;
  let session: SshSession;
  beforeAll(async () => {
    server = await startTestServer({ authorizedKey: keys.publicKey });
    session = await openSession(target(server), { deadlineMs: 5000, label: "test/node-1" });
  });
  afterAll(async () => {
    session.close();
    await server.close();
  });

  it("exposes the server's host key fingerprint as OpenSSH prints it", () => {
    expect(session.hostKeySha256).toBe(publicKeyFingerprint(server.hostPublicKey));
    expect(session.hostKeySha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("returns stdout and exit code 0", async () => {
    const r = await session.exec("echo hello; echo oops >&2");
    expect(r).toEqual({ code: 0, stdout: "hello\n", stderr: "oops\n" });
  });

  it("returns non-zero exit codes without throwing from exec", async () => {
    const r = await session.exec("exit 7");
    expect(r.code).toBe(7);
  });

  it("feeds stdin", async () => {
    const r = await session.exec("tr a-z A-Z", { stdin: "secret content\n" });
    expect(r.stdout).toBe("SECRET CONTENT\n");
  });

  it("takes stdin from a CommandSpec", async () => {
    const r = await session.exec({ command: "wc -c", display: "wc -c", stdin: "12345" });
    expect(r.stdout.trim()).toBe("5");
  });

  it("run() throws SshCommandError with label, redacted command, code and a redacted 20-line stderr tail", async () => {
    const token = "abcdef.0123456789abcdef";
    const cmd = `for i in $(seq 1 30); do echo line$i >&2; done; echo "bad token ${token}" >&2; exit 3`;
    const err = await session.run({ command: cmd, display: cmd.replace(token, "<redacted>"), secrets: [token] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshCommandError);
    const e = err as SshCommandError;
    expect(e.label).toBe("test/node-1");
    expect(e.code).toBe(3);
    expect(e.message).not.toContain(token);
    expect(e.stderrTail).toContain("bad token <redacted>");
    expect(e.stderrTail.split("\n")).toHaveLength(20);
    expect(e.stderrTail).not.toContain("line10\n");
    expect(e.stderrTail).toContain("line30");
  });

  it("run() resolves on success", async () => {
    await expect(session.run("true")).resolves.toMatchObject({ code: 0 });
  });

  it("runs several commands concurrently on one session", async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => session.exec(`sleep 0.1; echo ${i}; exit ${i}`)));
    expect(results.map((r) => [r.code, r.stdout])).toEqual([1, 2, 3, 4, 5].map((i) => [i, `${i}\n`]));
  });

  it("times out a command and keeps the session usable", async () => {
    const started = Date.now();
    await expect(session.exec("sleep 5", { timeoutMs: 200 })).rejects.toBeInstanceOf(SshTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(session.exec("echo still-here")).resolves.toMatchObject({ stdout: "still-here\n" });
  });

  it("aborts a running command", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(session.exec("sleep 5", { signal: ac.signal })).rejects.toBeInstanceOf(SshAbortedError);
  });

  it("12 commands sharing one signal add at most one abort listener, and abort ends them all", async () => {
    const ac = new AbortController();
    const runs = Array.from({ length: 12 }, () => session.exec("sleep 5", { signal: ac.signal }));
    expect(getEventListeners(ac.signal, "abort").length).toBeLessThanOrEqual(1);
    ac.abort();
    const outcomes = await Promise.allSettled(runs);
    expect(outcomes.every((o) => o.status === "rejected" && o.reason instanceof SshAbortedError)).toBe(true);
    await expect(session.exec("echo after")).resolves.toMatchObject({ stdout: "after\n" });
  });
});

describe("connection handling", () => {
  it("refuses a pinned host key that differs, without retrying", async () => {
    const server = await startTestServer({ authorizedKey: keys.publicKey });
    try {
      const wrong = publicKeyFingerprint(otherKeys.publicKey);
      const started = Date.now();
      const err = await openSession(target(server, { hostKeySha256: wrong }), { deadlineMs: 10000, label: "n" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshHostKeyMismatchError);
      expect((err as SshHostKeyMismatchError).actual).toBe(publicKeyFingerprint(server.hostPublicKey));
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });

  it("accepts the right pinned host key, with or without the SHA256: prefix", async () => {
    const server = await startTestServer({ authorizedKey: keys.publicKey });
    try {
      const fp = publicKeyFingerprint(server.hostPublicKey);
      const s1 = await openSession(target(server, { hostKeySha256: fp }), { deadlineMs: 5000, label: "n" });
      s1.close();
      const s2 = await openSession(target(server, { hostKeySha256: fp.slice("SHA256:".length) + "=" }), { deadlineMs: 5000, label: "n" });
      s2.close();
    } finally {
      await server.close();
    }
  });

  it("retries until the server comes up", async () => {
    const port = await freePort();
    let server: TestServer | undefined;
    const timer = setTimeout(async () => {
      server = await startTestServer({ authorizedKey: keys.publicKey, port });
    }, 600);
    const retries: string[] = [];
    try {
      const session = await openSession(
        { host: "127.0.0.1", port, username: "cloud", privateKey: keys.privateKey },
        { deadlineMs: Date.now() + 10000, label: "n", initialBackoffMs: 100, maxBackoffMs: 200, onRetry: (i) => retries.push(i.reason) },
      );
      expect((await session.exec("echo up")).stdout).toBe("up\n");
      session.close();
      expect(retries.length).toBeGreaterThan(0);
      expect(retries[0]).toMatch(/ECONNREFUSED/);
    } finally {
      clearTimeout(timer);
      await server?.close();
    }
  });

  it("retries when the connection is cut before the SSH handshake (a port forward whose VM is still booting)", async () => {
    // A simulator or VR port forward accepts TCP and then drops it while nothing listens behind it:
    // ssh2 reports "Connection lost before handshake" and flags it fatal, yet it is worth another attempt.
    const server = await startTestServer({ authorizedKey: keys.publicKey });
    let cuts = 2;
    const front = net.createServer((socket) => {
      if (cuts-- > 0) return socket.destroy();
      const back = net.connect(server.port, server.host);
      socket.pipe(back).pipe(socket);
      back.on("error", () => socket.destroy());
      socket.on("error", () => back.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const port = (front.address() as net.AddressInfo).port;
    const retries: string[] = [];
    try {
      const session = await openSession(
        { host: "127.0.0.1", port, username: "cloud", privateKey: keys.privateKey },
        { deadlineMs: Date.now() + 10000, label: "n", initialBackoffMs: 50, maxBackoffMs: 100, onRetry: (i) => retries.push(i.reason) },
      );
      expect((await session.exec("echo through")).stdout).toBe("through\n");
      session.close();
      expect(retries).toHaveLength(2);
      expect(retries[0]).toMatch(/before handshake|ECONNRESET/i);
    } finally {
      front.close();
      await server.close();
    }
  });

  it("retries while the key is not yet authorised (cloud-init still running)", async () => {
    const server = await startTestServer({ authorizedKey: keys.publicKey, rejectFirst: 2 });
    try {
      const reasons: string[] = [];
      const session = await openSession(target(server), { deadlineMs: 10000, label: "n", initialBackoffMs: 50, onRetry: (i) => reasons.push(i.reason) });
      session.close();
      expect(server.authAttempts()).toBe(3);
      expect(reasons).toHaveLength(2);
      expect(reasons[0]).toMatch(/authentication methods failed/);
    } finally {
      await server.close();
    }
  });

  it("gives up at the deadline with the last cause", async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await openSession(
      { host: "127.0.0.1", port, username: "cloud", privateKey: keys.privateKey },
      { deadlineMs: 700, label: "cluster/worker-2", initialBackoffMs: 100 },
    ).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(SshConnectError);
    const e = err as SshConnectError;
    expect(e.attempts).toBeGreaterThan(1);
    expect(e.message).toContain("cluster/worker-2");
    expect(e.message).toContain("ECONNREFUSED");
    expect(e.message).not.toContain("PRIVATE KEY");
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(3000);
  });

  it("stops retrying when aborted", async () => {
    const port = await freePort();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    await expect(
      openSession({ host: "127.0.0.1", port, username: "cloud", privateKey: keys.privateKey }, { deadlineMs: 10000, label: "n", signal: ac.signal, initialBackoffMs: 100 }),
    ).rejects.toBeInstanceOf(SshAbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fails at once on an unparsable private key, without echoing it", async () => {
    const server = await startTestServer({ authorizedKey: keys.publicKey });
    try {
      const bogus = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key\n-----END OPENSSH PRIVATE KEY-----\n";
      const err = await openSession(target(server, { privateKey: bogus }), { deadlineMs: 10000, label: "n" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshConnectError);
      expect((err as Error).message).not.toContain("not-a-key");
      expect((err as SshConnectError).attempts).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("surfaces a connection drop mid-command as SshDisconnectedError, and later calls too", async () => {
    const server = await startTestServer({ authorizedKey: keys.publicKey });
    try {
      const session = await openSession(target(server), { deadlineMs: 5000, label: "n" });
      const err = await session.exec("__drop__").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshDisconnectedError);
      expect((err as SshDisconnectedError).retryable).toBe(true);
      expect(session.isClosed).toBe(true);
      await expect(session.exec("echo x")).rejects.toBeInstanceOf(SshDisconnectedError);
    } finally {
      await server.close();
    }
  });
});
