// curl for what node scripts do with it: probe an HTTP(S) endpoint (e.g. https://<ip>:6443/version).
// Connections go where the network fabric routes them; anything else is refused.
import * as http from "node:http";
import * as https from "node:https";
import type { NodeCommand } from "../types";
import { readFileFor, tool, writeFileFor } from "./common";

export const curl: NodeCommand = tool("curl", async (argv, io, m) => {
  let insecure = false;
  let failOnError = false;
  let silent = false;
  let showError = false;
  let outFile: string | undefined;
  let caFile: string | undefined;
  let maxTime = 30;
  let url: string | undefined;
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-o" || a === "--output") outFile = args[++i];
    else if (a === "--cacert") caFile = args[++i];
    else if (a === "-m" || a === "--max-time" || a === "--connect-timeout") maxTime = Number(args[++i]);
    else if (a === "-H" || a === "--header" || a === "-X" || a === "--request" || a === "-w" || a === "--retry") i++;
    else if (a === "--insecure") insecure = true;
    else if (a === "--fail") failOnError = true;
    else if (a === "--silent") silent = true;
    else if (a === "--show-error") showError = true;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === "k") insecure = true;
        else if (f === "f") failOnError = true;
        else if (f === "s") silent = true;
        else if (f === "S") showError = true;
        else if (f === "L" || f === "v" || f === "I") continue;
        else {
          io.stderr(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
          return 2;
        }
      }
    } else if (a.startsWith("--")) continue;
    else url = a;
  }
  const report = (code: number, msg: string): number => {
    if (!silent || showError) io.stderr(`curl: (${code}) ${msg}\n`);
    return code;
  };
  if (!url) return report(2, "no URL specified");
  let parsed: URL;
  try {
    parsed = new URL(url.includes("://") ? url : `http://${url}`);
  } catch {
    return report(3, "URL rejected: Malformed input to a URL function");
  }
  const secure = parsed.protocol === "https:";
  const port = Number(parsed.port || (secure ? 443 : 80));
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const target = host === "localhost" || host === "127.0.0.1" ? m.fabric.resolve(m.spec.vmId, m.spec.guestIp, port) ?? m.fabric.resolve(m.spec.vmId, host, port) : m.fabric.resolve(m.spec.vmId, host, port);
  if (!target) return report(7, `Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server`);
  const ca = caFile ? readFileFor(m, io, "curl", caFile) : undefined;
  const result = await new Promise<{ status: number; body: Buffer } | { error: number; message: string }>((resolve) => {
    const options: https.RequestOptions = {
      host: target.host,
      port: target.port,
      path: parsed.pathname + parsed.search,
      method: "GET",
      headers: { Host: parsed.host, "User-Agent": "curl/7.88.1", Accept: "*/*" },
      timeout: maxTime * 1000,
      servername: /^[\d.]+$/.test(host) ? undefined : host,
      rejectUnauthorized: !insecure,
      ...(ca ? { ca } : {}),
      // Certificates name the node's public / private address, not the loopback socket.
      checkServerIdentity: () => undefined,
    };
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve({ error: 28, message: `Operation timed out after ${maxTime * 1000} milliseconds` });
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") resolve({ error: 7, message: `Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server` });
      else if (/certificate|self.signed|issuer/i.test(e.message)) resolve({ error: 60, message: "SSL certificate problem: unable to get local issuer certificate" });
      else resolve({ error: 56, message: `Recv failure: ${e.message}` });
    });
    req.end();
  });
  if ("error" in result) return report(result.error, result.message);
  if (failOnError && result.status >= 400) return report(22, `The requested URL returned error: ${result.status}`);
  if (outFile) writeFileFor(m, io, "curl", outFile, result.body);
  else io.stdout(result.body);
  return 0;
});
