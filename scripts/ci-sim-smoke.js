// CI system check: `npx cloudstack-sim --port 0` prints exactly one JSON line with the documented fields,
// answers a signed listZones, and exits 0 on SIGTERM.
const { spawn } = require("child_process");
const crypto = require("crypto");
const readline = require("readline");

// Exactly what the README tells users to run in a fresh clone after `npm ci`.
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const child = spawn(npx, ["--no-install", "cloudstack-sim", "--port", "0", "--time-scale", "0.01"], { stdio: ["ignore", "pipe", "inherit"] });
const fail = (msg) => {
  console.error(`sim smoke: ${msg}`);
  child.kill("SIGKILL");
  process.exit(1);
};
const timer = setTimeout(() => fail("no JSON line within 60 s"), 60000);
const lines = [];
readline.createInterface({ input: child.stdout }).on("line", async (line) => {
  lines.push(line);
  if (lines.length > 1) return;
  clearTimeout(timer);
  let info;
  try {
    info = JSON.parse(line);
  } catch {
    return fail(`first stdout line is not JSON: ${line.slice(0, 200)}`);
  }
  for (const k of ["apiUrl", "apiKey", "secretKey", "isoBaseUrl", "pid"]) if (!info[k]) return fail(`JSON line lacks ${k}`);
  // Signed independently of both the provider's client and the simulator (reference §1 recipe).
  const params = { apikey: info.apiKey, command: "listZones", response: "json", signatureversion: "3", expires: new Date(Date.now() + 300000).toISOString().replace(/\.\d+Z$/, "+0000") };
  const enc = (v) => encodeURIComponent(v).replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const canonical = Object.keys(params).sort().map((k) => `${k}=${enc(params[k])}`).join("&").toLowerCase();
  const signature = crypto.createHmac("sha1", info.secretKey).update(canonical).digest("base64");
  const query = Object.entries({ ...params, signature }).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  const res = await fetch(`${info.apiUrl}?${query}`);
  const body = await res.json();
  const zones = body.listzonesresponse && body.listzonesresponse.zone;
  if (res.status !== 200 || !Array.isArray(zones) || zones.length === 0) return fail(`listZones answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  // SIGTERM to the simulator itself (npx runs it as a child); npx then exits with its exit code.
  process.kill(info.pid, "SIGTERM");
});
child.on("exit", (code, signal) => {
  if (lines.length !== 1) return fail(`expected exactly one stdout line, saw ${lines.length}`);
  if (code !== 0) return fail(`exit code ${code} signal ${signal} after SIGTERM`);
  console.log("sim smoke: ok (JSON line, signed listZones, clean SIGTERM exit)");
  process.exit(0);
});
