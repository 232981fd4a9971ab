// examples/upgrade under the real Pulumi CLI: create on 1.32, preview the upgrade to 1.33 (a config change:
// an in-place update, never a replace); a worker that never becomes Ready stops it with the cluster in
// Alert and the partial state kept by the engine; the next `pulumi up` carries on, and real kubectl shows
// every node at v1.33.5; a downgrade is refused at preview. Then destroy, leaving nothing behind.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliIt, cliSuite, cliStack, exampleDir, expectSuccess, inventory, type PulumiCli } from "../helpers/pulumi-cli";

jest.setTimeout(900_000);

const suite = cliSuite();

async function kubeletVersions(kubeconfig: string): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    const out: string = await new Promise((resolve, reject) =>
      execFile("kubectl", ["--kubeconfig", file, "get", "nodes", "-o", "jsonpath={.items[*].status.nodeInfo.kubeletVersion}", "--request-timeout=20s"], { timeout: 30_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`kubectl: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
    return out.split(/\s+/).filter((v) => v !== "").sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("examples/upgrade with the real Pulumi CLI", () => {
  let s: PulumiCli;
  const iso = (v: string) => {
    const found = suite.sim.isos.find((i) => i.version === v);
    if (!found) throw new Error(`no ISO ${v}`);
    return found;
  };

  cliIt("pulumi up creates the cluster on 1.32.9", async () => {
    const from = iso("1.32.9");
    const to = iso("1.33.5");
    s = await cliStack(suite.sim, exampleDir("upgrade"), {
      stack: "upgrade",
      extra: { fromVersion: from.version, fromIsoUrl: from.url, fromIsoChecksum: from.sha256, toVersion: to.version, toIsoUrl: to.url, toIsoChecksum: to.sha256, clusterVersion: "1.32.9", workers: "2" },
    });
    suite.stacks.push(s);
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up");
    expect(await kubeletVersions(String((await s.outputs(true)).kubeconfig))).toEqual(["v1.32.9", "v1.32.9", "v1.32.9"]);
  });

  cliIt("changing clusterVersion to 1.33.5 previews an in-place update; a worker that never becomes Ready stops pulumi up with the cluster in Alert", async () => {
    await s.run(["config", "set", "clusterVersion", "1.33.5", "--stack", "upgrade", "--non-interactive"]);
    await s.run(["config", "set", "nodeReadyTimeout", "8s", "--stack", "upgrade", "--non-interactive"]);
    const preview = await s.run(["preview", "--diff", ...s.flags()]);
    expectSuccess(preview, "pulumi preview");
    expect(preview.stdout).toMatch(/~ 1 to update/);
    expect(preview.stdout).not.toMatch(/to replace/);
    suite.sim.faults.set("node-never-ready:match=worker-2:count=1");
    const r = await s.run(["up", "--yes", ...s.flags()]);
    suite.sim.faults.clear();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/workers failed on upgrade-[0-9a-f]+-worker-2: Ready at v1\.33\.5/);
    const partial = await s.outputs(true);
    expect(partial).toMatchObject({ kubernetesVersion: "1.32.9" });
    const exported = JSON.parse((await s.run(["stack", "export", ...s.flags()])).stdout) as { deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] } };
    // The program names the cluster resource "upgrade": its URN ends with "::upgrade".
    const cluster = exported.deployment.resources.find((x) => x.urn.endsWith("::upgrade"));
    expect(cluster?.outputs).toMatchObject({ state: "Alert", upgradeInProgress: { version: "1.33.5" } });
  });

  cliIt("the next pulumi up carries on from the failed worker and every node ends at v1.33.5", async () => {
    const r = await s.run(["up", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi up");
    // control-1 and worker-1 were done: they are only checked, not upgraded again.
    expect(r.stdout).not.toMatch(/kubeadm upgrade apply v1\.33\.5: done/);
    expect(r.stdout).toMatch(/already at v1\.33\.5: done in .*control-1/);
    const outputs = await s.outputs(true);
    expect(outputs.kubernetesVersion).toBe("1.33.5");
    expect(await kubeletVersions(String(outputs.kubeconfig))).toEqual(["v1.33.5", "v1.33.5", "v1.33.5"]);
  });

  cliIt("a downgrade back to 1.32.9 is refused at preview, naming kubernetesVersion", async () => {
    await s.run(["config", "set", "clusterVersion", "1.32.9", "--stack", "upgrade", "--non-interactive"]);
    const preview = await s.run(["preview", ...s.flags()]);
    expect(preview.code).not.toBe(0);
    expect(`${preview.stdout}\n${preview.stderr}`).toMatch(/kubernetesVersion.*1\.33\.5 → 1\.32\.9 is a downgrade/s);
    await s.run(["config", "set", "clusterVersion", "1.33.5", "--stack", "upgrade", "--non-interactive"]);
  });

  cliIt("pulumi destroy leaves nothing behind", async () => {
    const r = await s.run(["destroy", "--yes", ...s.flags()]);
    expectSuccess(r, "pulumi destroy");
    expect(await inventory(suite.sim)).toEqual(suite.before);
  });
});
