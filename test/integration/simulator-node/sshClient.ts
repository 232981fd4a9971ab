// A minimal ssh2 client for the node tests: connect with a key, run one command, collect the result.
import { createHash } from "node:crypto";
import { Client } from "ssh2";

export interface Connected {
  client: Client;
  hostKeySha256: string;
}

export function connect(port: number, username: string, privateKey: string, host = "127.0.0.1", extra: Record<string, unknown> = {}): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKeySha256 = "";
    client.on("ready", () => resolve({ client, hostKeySha256 }));
    client.on("error", reject);
    client.connect({
      host,
      port,
      username,
      privateKey,
      readyTimeout: 5000,
      hostVerifier: (key: Buffer) => {
        hostKeySha256 = createHash("sha256").update(key).digest("base64");
        return true;
      },
      ...extra,
    });
  });
}

export function exec(client: Client, command: string, stdin?: string): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = "";
      let stderr = "";
      let code: number | undefined;
      stream.on("data", (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      stream.on("exit", (c: number | null) => {
        code = c ?? undefined;
      });
      stream.on("close", () => resolve({ code, stdout, stderr }));
      if (stdin !== undefined) stream.end(stdin);
      else stream.end();
    });
  });
}

export async function run(port: number, user: string, key: string, command: string, stdin?: string) {
  const { client } = await connect(port, user, key);
  try {
    return await exec(client, command, stdin);
  } finally {
    client.end();
  }
}
