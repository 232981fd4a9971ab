// Command line for the offline runner, for use outside jest:
//   npx ts-node --transpile-only scripts/runner/cli.ts <up|destroy|refresh> <projectDir>
//       [--stack dev] [--state FILE] [--config key=value]... [--secret key=value]... [--sim FILE]
// --sim reads the JSON line `cloudstack-sim` prints (apiUrl, keys, isos) and fills the examples' config
// (zone, "Medium" offering, newest ISO, admin credentials). Without it, give the config yourself or set
// CLOUDSTACK_API_URL / CLOUDSTACK_API_KEY / CLOUDSTACK_SECRET_KEY.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { OperationSchema } from "./protocol";
import { readProject, runProgram } from ".";
import { simulatorStackConfig } from "./simConfig";

const SimLineSchema = z.object({
  apiUrl: z.string(),
  adminApiKey: z.string(),
  adminSecretKey: z.string(),
  isos: z.array(z.object({ version: z.string(), url: z.string(), sha256: z.string() })),
});

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write("usage: cli.ts <up|destroy|refresh> <projectDir> [--stack dev] [--state FILE] [--config k=v]... [--secret k=v]... [--sim FILE]\n");
  process.exit(2);
}

function keyValue(raw: string | undefined, flag: string): [string, string] {
  const i = raw?.indexOf("=") ?? -1;
  if (!raw || i <= 0) usage(`${flag} needs key=value`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

async function main(argv: string[]): Promise<number> {
  const op = OperationSchema.safeParse(argv[0]);
  if (!op.success || !argv[1]) usage();
  const projectDir = path.resolve(argv[1]);
  const project = readProject(projectDir);
  let stack = "dev";
  let stateFile: string | undefined;
  let simFile: string | undefined;
  const config: Record<string, string> = {};
  const secretConfigKeys: string[] = [];
  const qualify = (k: string): string => (k.includes(":") ? k : `${project.name}:${k}`);
  for (let i = 2; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--stack") stack = argv[++i] ?? usage("--stack needs a name");
    else if (flag === "--state") stateFile = argv[++i] ?? usage("--state needs a file");
    else if (flag === "--sim") simFile = argv[++i] ?? usage("--sim needs a file");
    else if (flag === "--config" || flag === "--secret") {
      const [k, v] = keyValue(argv[++i], flag);
      config[qualify(k)] = v;
      if (flag === "--secret") secretConfigKeys.push(qualify(k));
    } else usage(`unknown argument ${flag}`);
  }
  if (simFile) {
    const sim = SimLineSchema.parse(JSON.parse(fs.readFileSync(simFile, "utf8").trim().split("\n")[0]!));
    const filled = await simulatorStackConfig({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey, isos: sim.isos }, project.name);
    for (const [k, v] of Object.entries(filled.config)) config[k] ??= v;
    secretConfigKeys.push(...filled.secretConfigKeys);
  }
  const result = await runProgram({
    projectDir,
    stack,
    stateFile: stateFile ?? path.join(projectDir, ".runner", `${stack}.json`),
    operation: op.data,
    config,
    secretConfigKeys,
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
  for (const [name, out] of Object.entries(result.outputs)) {
    process.stdout.write(`output ${name}: ${out.secret ? "[secret]" : JSON.stringify(out.value)}\n`);
  }
  for (const error of result.errors) process.stderr.write(`error: ${error}\n`);
  process.stdout.write(`${op.data} ${result.ok ? "succeeded" : "failed"} in ${(result.durationMs / 1000).toFixed(1)}s\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`runner: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
