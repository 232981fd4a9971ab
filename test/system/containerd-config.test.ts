// Real containerd against the provider's config edits: `containerd config default`, then the provider's
// own sed expressions run by real sed, then `containerd --config <file> config dump` must show the ISO's
// pause image as the sandbox, SystemdCgroup = true for runc and the certs.d registry config_path.
// Debian's containerd 1.6 (config version 2) and containerd 2.1.4 built from its Go module (version 3)
// by .ci/install.d/containerd.sh. The simulator's reading of the same files must agree.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { containerdBootEditArgv, editContainerdConfig, sandboxImageEdits } from "../../provider/kubernetes/containerdConfig";
import { containerdDefaultConfig } from "../../simulator/node/tools/containerdDefaults";
import { parseToml, readCriConfig } from "../../simulator/node/tools/containerdConfig";
import { realTool } from "../helpers/realTools";

const INSTALL = "bash .ci/install.d/containerd.sh";
const PAUSE = "registry.k8s.io/pause:3.10";

const tools = [
  { tool: realTool("containerd", INSTALL), simVersion: "1.6.20", configVersion: 2 },
  { tool: realTool("containerd-2.1.4", INSTALL), simVersion: "2.1.4", configVersion: 3 },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "containerd-config-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The provider's boot-time edits (userdata runcmd) and its install-phase sandbox pin, run by real sed. */
function applyProviderEdits(file: string): void {
  const boot = run(containerdBootEditArgv(file));
  expect(boot.stderr).toBe("");
  expect(boot.code).toBe(0);
  const pin = run(editContainerdConfig(sandboxImageEdits(PAUSE), file).argv);
  expect(pin.stderr).toBe("");
  expect(pin.code).toBe(0);
}

describe.each(tools)("real containerd (config version $configVersion)", ({ tool, simVersion, configVersion }) => {
  tool.it("config default + the provider's edits: config dump shows the pinned sandbox, SystemdCgroup and certs.d", () => {
    const bin = tool.require();
    const file = join(dir, `config-v${configVersion}.toml`);
    const def = run([bin, "config", "default"]);
    expect(def.code).toBe(0);
    writeFileSync(file, def.stdout);
    expect(def.stdout).toMatch(new RegExp(`^version = ${configVersion}$`, "m"));
    applyProviderEdits(file);

    const dump = run([bin, "--config", file, "config", "dump"]);
    expect(dump.stderr).not.toMatch(/level=(error|fatal)/);
    expect(dump.code).toBe(0);
    const values = parseToml(dump.stdout);
    if (configVersion === 2) {
      expect(values.get("plugins/io.containerd.grpc.v1.cri/sandbox_image")).toBe(PAUSE);
      expect(values.get("plugins/io.containerd.grpc.v1.cri/containerd/runtimes/runc/options/SystemdCgroup")).toBe(true);
      expect(values.get("plugins/io.containerd.grpc.v1.cri/registry/config_path")).toBe("/etc/containerd/certs.d");
    } else {
      expect(values.get("plugins/io.containerd.cri.v1.images/pinned_images/sandbox")).toBe(PAUSE);
      expect(values.get("plugins/io.containerd.cri.v1.runtime/containerd/runtimes/runc/options/SystemdCgroup")).toBe(true);
      expect(values.get("plugins/io.containerd.cri.v1.images/registry/config_path")).toBe("/etc/containerd/certs.d");
    }
    // The simulator reads the edited file (and the daemon's own dump of it) as containerd does.
    for (const text of [readFileSync(file, "utf8"), dump.stdout]) {
      expect(readCriConfig(text, simVersion)).toMatchObject({ version: configVersion, sandboxImage: PAUSE, systemdCgroup: true, registryConfigPath: "/etc/containerd/certs.d" });
    }
  });

  tool.it("the simulator's `containerd config default` has the real one's format and CRI defaults", () => {
    const real = run([tool.require(), "config", "default"]).stdout;
    const sim = containerdDefaultConfig(simVersion);
    const pick = (text: string) => {
      const c = readCriConfig(text, simVersion);
      return { version: c.version, sandboxImage: c.sandboxImage, systemdCgroup: c.systemdCgroup, registryConfigPath: c.registryConfigPath };
    };
    expect(pick(sim)).toEqual(pick(real));
    // Literal strings ('...') in 2.x, basic strings in 1.x: what the old sed edits tripped over.
    const quote = configVersion === 3 ? "'" : '"';
    expect(real).toContain(`config_path = ${quote}${quote}`);
    expect(sim).toContain(`config_path = ${quote}${quote}`);
    expect(/SystemdCgroup/.test(real)).toBe(/SystemdCgroup/.test(sim));
  });

  tool.it("refuses a key defined twice, as the simulator's containerd does", () => {
    const bin = tool.require();
    const file = join(dir, `dup-v${configVersion}.toml`);
    const table = configVersion === 2 ? `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]` : `[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]`;
    const text = `version = ${configVersion}\n${table}\n  SystemdCgroup = false\n  SystemdCgroup = true\n`;
    writeFileSync(file, text);
    expect(run([bin, "--config", file, "config", "dump"]).code).not.toBe(0);
    expect(() => readCriConfig(text, simVersion)).toThrow(/defined twice/);
  });
});
