// Fuzzed shell quoting against the real dash and bash (issue 14 §6): every argv the provider sends over
// SSH is built by shellQuote/nodeCommand; for random and adversarial arguments the real shells must
// hand the program exactly those arguments, so no payload runs as shell syntax.
import { spawnSync } from "child_process";
import fc from "fast-check";
import { nodeCommand, shellQuote } from "../../provider/kubernetes/commands";
import { anyString } from "../unit/resources/fuzz/arbitraries";
import { realTool } from "../helpers/realTools";

const dash = realTool("dash", "apt-get install dash (.ci/install.d/shells.sh)");
const bash = realTool("bash", "apt-get install bash (.ci/install.d/shells.sh)");

/**
 * A NUL cannot be in an argv element (C strings), and Linux caps one argv string (the `sh -c` line) at
 * 128 KiB (MAX_ARG_STRLEN): arguments are fuzzed without NUL and at most 20 000 characters each.
 */
const arg = anyString.map((s) => s.replace(/\0/g, "").slice(0, 20_000));

function argvThrough(shell: string, line: string): string[] {
  // `printf '%s\0'` prints each argument it got, NUL-terminated.
  const r = spawnSync(shell, ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
  if (r.status !== 0) throw new Error(`${shell} exited ${r.status}: ${r.stderr}`);
  const parts = r.stdout.split("\0");
  parts.pop();
  return parts;
}

describe("shell quoting, fuzzed through real shells", () => {
  for (const [name, tool] of [["dash", dash], ["bash", bash]] as const) {
    tool.it(`${name} receives exactly the argv that shellQuote quoted`, () => {
      const shell = tool.require();
      fc.assert(
        fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (argv) => {
          // Invalid UTF-16 (lone surrogates) cannot reach a process as itself: compare as UTF-8 bytes.
          const expected = argv.map((a) => Buffer.from(a, "utf8").toString("utf8"));
          expect(argvThrough(shell, argv.map(shellQuote).join(" "))).toEqual(expected);
        }),
        { seed: 20261204, numRuns: Number(process.env.FUZZ_RUNS ?? 120) },
      );
    });
  }

  dash.it("a nodeCommand's line keeps every payload argument whole", () => {
    const shell = dash.require();
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 3 }), (args) => {
        const cmd = nodeCommand(["printf", "%s\\0", ...args]);
        const r = spawnSync(shell, ["-c", cmd.command], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
        const got = r.stdout.split("\0");
        got.pop();
        expect(got).toEqual(args.map((a) => Buffer.from(a, "utf8").toString("utf8")));
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});
