// A 12-worker create (maxClusterSize raised) must not make Node print MaxListenersExceededWarning
// ("11 abort listeners added to [AbortSignal]"), which users would see in `pulumi up` (issue 14).
// The create runs in a child process, where process.on("warning") sees Node's own warnings.
import { execFile } from "node:child_process";
import * as path from "node:path";

it("creates a 12-worker cluster without any process warning", async () => {
  const child = path.join(__dirname, "wideCreate.child.ts");
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    const proc = execFile(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), child],
      { cwd: path.resolve(__dirname, "../../.."), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (err, out, errOut) => resolve({ stdout: String(out), stderr: String(errOut), code: err ? (proc.exitCode ?? 1) : 0 }),
    );
  });
  expect(stderr).not.toMatch(/MaxListenersExceededWarning/);
  expect(code).toBe(0);
  const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { state: string; size: number; warnings: { name: string; message: string }[] };
  expect(report).toMatchObject({ state: "Running", size: 12 });
  expect(report.warnings).toEqual([]);
}, 300_000);
