#!/usr/bin/env node
// A language runtime for the real Pulumi CLI where the Go language host `pulumi-language-nodejs`
// cannot be had (the Go module proxy here refuses that module: docs/worklog/pulumi-cli.md). It serves
// @pulumi/pulumi's own LanguageServer (the one the Automation API serves for inline programs) for the
// Pulumi project in <projectDir>, and prints `127.0.0.1:<port>` on its first stdout line; the CLI is
// then run as `pulumi <command> --client=127.0.0.1:<port>`, the engine's entry point for a language
// runtime that is already running (pkg/cmd/pulumi/operations/up.go, flag "client").
//
// Each Run loads the project's `main` afresh (the real host starts a new node per Run), TypeScript
// through ts-node like the real host does for `runtime.options.typescript`. Everything else (engine,
// plan, state, secrets, the dynamic-provider plugin) is the real CLI's.
//
// Usage: node scripts/tools/pulumi-program-host.js <projectDir>     (stops on SIGTERM / stdin end)
"use strict";
const fs = require("fs");
const path = require("path");

const projectDir = path.resolve(process.argv[2] || ".");
// Resolve @pulumi/pulumi the way the program will, so both share one runtime instance.
const fromProject = (id) => require(require.resolve(id, { paths: [projectDir] }));
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] }));
// The grpc-js that @pulumi/pulumi's generated service definitions were made with.
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const { LanguageServer } = fromProject("@pulumi/pulumi/automation/server");
const langrpc = fromProject("@pulumi/pulumi/proto/language_grpc_pb");
const { grpcChannelOptions } = fromProject("@pulumi/pulumi/runtime");
const yaml = fromProject("yaml");

function projectMain() {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no Pulumi.yaml in ${projectDir}`);
  const project = yaml.parse(fs.readFileSync(file, "utf8"));
  return path.resolve(projectDir, project.main || ".");
}

// ts-node as the real host registers it: transpile only when PULUMI_NODEJS_TRANSPILE_ONLY is set.
require(require.resolve("ts-node", { paths: [projectDir] })).register({
  transpileOnly: process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true",
  compilerOptions: { module: "commonjs", target: "es2022", esModuleInterop: true },
});

async function program() {
  // A fresh module graph for the program per Run; @pulumi/pulumi itself stays (its runtime state is
  // reset by LanguageServer.run for each Run).
  // The package under test (linked into node_modules by scripts/link-self.js) resolves to its real
  // path outside node_modules, so it is reloaded too.
  for (const key of Object.keys(require.cache)) {
    if (!key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
  process.chdir(projectDir);
  return require(projectMain());
}

const server = new grpc.Server(grpcChannelOptions);
server.addService(langrpc.LanguageRuntimeService, new LanguageServer(program));
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`pulumi-program-host: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`127.0.0.1:${port}\n`);
});

const stop = () => {
  server.forceShutdown();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
