// Real bash and GNU env against the simulator's shell on what the base image's PATH rules rest on:
// an unknown command is "bash: NAME: command not found" with exit 127, and `env PATH=DIR cmd` looks
// cmd up on the PATH it was given (the form the provider uses under sudo: `sudo env PATH=/opt/bin:... kubeadm`).
import { spawnSync } from "child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { realTool } from "../helpers/realTools";
import { shellMachine } from "../unit/simulator-node/helpers";

const bash = realTool("bash", "apt-get install -y bash");
const env = realTool("env", "apt-get install -y coreutils");

/** Runs a real tool as sshd would: argv[0] its base name, a bare environment (no HOME rc files). */
function real(argv: string[], path?: string) {
  const argv0 = argv[0].split("/").pop() ?? argv[0];
  const r = spawnSync(argv[0], argv.slice(1), { argv0, encoding: "utf8", env: { LC_ALL: "C", HOME: "/nonexistent", PATH: path ?? "/usr/bin:/bin" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("base image PATH rules vs real bash and env", () => {
  bash.it("an unknown command: exit 127 and `NAME: command not found`", async () => {
    const m = shellMachine();
    const mine = await m.run("nosuch-tool-xyz --flag", { user: "cloud" });
    const theirs = real([bash.require(), "-c", "nosuch-tool-xyz --flag"]);
    expect(mine.code).toBe(theirs.code);
    expect(theirs.code).toBe(127);
    // Real bash 5.2 run by sshd (`bash -c`) says "bash: line 1: NAME: ..."; the simulator's shell leaves
    // out "line 1: " (a known gap of the node shell, docs/fidelity.md). The rest must be the same.
    expect(theirs.stderr).toMatch(/^bash: (line 1: )?nosuch-tool-xyz: command not found\n$/);
    expect(mine.stderr).toBe(theirs.stderr.replace("line 1: ", ""));
  });

  env.it("`env PATH=DIR cmd` finds cmd only in DIR, as GNU env does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sudo-path-"));
    try {
      writeFileSync(join(dir, "kubeadm"), "#!/bin/sh\necho found-in-dir\n");
      chmodSync(join(dir, "kubeadm"), 0o755);
      const found = real([env.require(), `PATH=${dir}:/usr/bin:/bin`, "kubeadm"]);
      expect(found).toMatchObject({ code: 0, stdout: "found-in-dir\n" });
      const missing = real([env.require(), "PATH=/usr/bin:/bin", "kubeadm"]);
      expect(missing.code).toBe(127);

      const m = shellMachine();
      m.fs.mkdirp("/opt/bin");
      m.fs.write("/opt/bin/kubeadm", "#!/bin/sh\necho found-in-dir\n", { mode: 0o755 });
      expect(await m.run("env PATH=/opt/bin:/usr/bin:/bin kubeadm", { user: "cloud" })).toMatchObject({ code: found.code, stdout: found.stdout });
      const simMissing = await m.run("env PATH=/usr/bin:/bin kubeadm", { user: "cloud" });
      expect(simMissing.code).toBe(missing.code);
      expect(simMissing.stderr).toBe(missing.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
