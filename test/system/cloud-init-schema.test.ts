// cloud-init's own schema check on the userdata we render, for every role (and each part of multipart
// userdata). Skipped, with a message, when cloud-init is not installed (apt-get install -y cloud-init).
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gunzipSync } from "zlib";
import { renderNodeUserData, NodeUserDataInput } from "../../provider/kubernetes/userdata";
import { renderTemplate, splitCloudConfigRunCmd } from "../../provider/kubernetes/cniTemplate";
import { generateClusterKeyPair } from "../../provider/ssh/keys";

const hasCloudInit = spawnSync("cloud-init", ["--version"]).status === 0;
if (!hasCloudInit) console.warn("cloud-init is not installed (apt-get install -y cloud-init): skipping the cloud-init schema test");
const maybe = hasCloudInit ? it : it.skip;

/** The cloud-config documents inside rendered userdata (one, or one per MIME part). */
function cloudConfigs(userData: string, gzipped: boolean): string[] {
  const raw = Buffer.from(userData, "base64");
  const text = (gzipped ? gunzipSync(raw) : raw).toString("utf8");
  if (text.startsWith("#cloud-config")) return [text];
  const boundary = /boundary="([^"]+)"/.exec(text)?.[1];
  if (!boundary) throw new Error("neither #cloud-config nor multipart");
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => part.slice(part.indexOf("\n\n") + 2));
}

const dir = mkdtempSync(join(tmpdir(), "cloud-init-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schemaCheck(name: string, doc: string): { status: number | null; output: string } {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, doc);
  const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const keys = [generateClusterKeyPair("cluster").publicKey, generateClusterKeyPair("operator").publicKey];
const cni = splitCloudConfigRunCmd(
  renderTemplate(
    "#cloud-config\nwrite_files:\n  - path: /etc/cni/net.d/10-demo.conflist\n    permissions: '0644'\n    content: |\n      {\"cniVersion\": \"1.0.0\", \"name\": \"demo\", \"mtu\": {{ MTU }}}\nruncmd:\n  - kubectl apply -f /etc/cni/net.d/10-demo.conflist\n",
    { MTU: "1450" },
  ),
).withoutRunCmd;

const cases: Array<[string, NodeUserDataInput]> = [
  ["control", { hostname: "demo-control-18c2f", role: "control", sshPublicKeys: keys }],
  ["worker", { hostname: "demo-node-18c30", role: "worker", sshPublicKeys: keys, files: [{ path: "/etc/motd", content: "managed by pulumi\n", permissions: "0644", owner: "root:root" }] }],
  ["etcd", { hostname: "demo-etcd-0-18c31", role: "etcd", sshPublicKeys: keys }],
  ["worker-with-registry", { hostname: "demo-node-18c32", role: "worker", sshPublicKeys: keys, registry: { url: "registry.example.com:5000", username: "u", password: "p" } }],
  ["control-with-cni", { hostname: "demo-control-18c33", role: "control", sshPublicKeys: keys, extraCloudConfigParts: [cni] }],
];

describe("rendered userdata passes `cloud-init schema`", () => {
  maybe("rejects an invalid document (the check itself works)", () => {
    expect(schemaCheck("invalid", "#cloud-config\nusers: 5\n").status).not.toBe(0);
  });

  maybe.each(cases)("%s", (name, input) => {
    const r = renderNodeUserData(input);
    const docs = cloudConfigs(r.userData, r.gzipped);
    expect(docs.length).toBe(1 + (input.extraCloudConfigParts?.length ?? 0));
    docs.forEach((doc, i) => {
      const result = schemaCheck(`${name}-${i}`, doc);
      expect(result.output).toContain("Valid cloud-config");
      expect(result.status).toBe(0);
    });
  });
});
