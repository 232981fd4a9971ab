// Every shape of node userdata the provider produces, for the real cloud-init cross-checks: plain per
// role, multipart with a CNI part, with a registry, and per-role files/templates.
import { gunzipSync } from "zlib";
import { renderTemplate, splitCloudConfigRunCmd } from "../../provider/kubernetes/cniTemplate";
import { renderNodeUserData, type NodeUserDataInput, type RenderedUserData } from "../../provider/kubernetes/userdata";
import { generateClusterKeyPair } from "../../provider/ssh/keys";

const keys = [generateClusterKeyPair("cluster").publicKey, generateClusterKeyPair("operator").publicKey];

/** A schema-valid CNI template (quoted mode), with placeholders and a runcmd. */
export const CNI_TEMPLATE =
  "#cloud-config\n" +
  "# demo CNI\n" +
  "write_files:\n" +
  "  - path: /etc/cni/net.d/10-demo.conflist\n" +
  "    permissions: '0644'\n" +
  "    content: |\n" +
  '      {"cniVersion": "1.0.0", "name": "demo", "mtu": {{ MTU }}, "hairpin": "on"}\n' +
  "  - path: /etc/cni/net.d/flag\n" +
  '    content: "on"\n' +
  "runcmd:\n" +
  "  - kubectl apply -f /etc/cni/net.d/10-demo.conflist\n";

/** A template as users write them: unquoted octal mode (an int to PyYAML), yes/no, a timestamp. */
export const CNI_TEMPLATE_LOOSE =
  "#cloud-config\n" +
  "write_files:\n" +
  "  - path: /opt/cni/setup.sh\n" +
  "    permissions: 0755\n" +
  "    content: |\n" +
  "      #!/bin/sh\n" +
  "      echo {{ MTU }}\n" +
  "  - path: /etc/cni/flags\n" +
  "    content: \"on\"\n" +
  "    append: yes\n" +
  "runcmd:\n" +
  "  - [sh, -c, 'echo done']\n" +
  "bootcmd:\n" +
  "  - echo 2024-01-01\n";

export const cniPart = (template: string): string => splitCloudConfigRunCmd(renderTemplate(template, { MTU: "1450" })).withoutRunCmd;

export const SHAPES: Array<[string, NodeUserDataInput]> = [
  ["control", { hostname: "demo-control-18c2f", role: "control", sshPublicKeys: keys }],
  ["worker", { hostname: "demo-node-18c30", role: "worker", sshPublicKeys: keys }],
  ["etcd", { hostname: "demo-etcd-0-18c31", role: "etcd", sshPublicKeys: keys }],
  ["worker-with-files", { hostname: "demo-node-18c34", role: "worker", sshPublicKeys: keys, files: [{ path: "/etc/motd", content: "managed by pulumi\n", permissions: "0644", owner: "root:root" }] }],
  ["worker-with-registry", { hostname: "demo-node-18c32", role: "worker", sshPublicKeys: keys, registry: { url: "registry.example.com:5000", username: "u", password: "p" } }],
  ["control-with-cni", { hostname: "demo-control-18c33", role: "control", sshPublicKeys: keys, extraCloudConfigParts: [cniPart(CNI_TEMPLATE)] }],
  ["worker-with-cni-and-registry", { hostname: "demo-node-18c35", role: "worker", sshPublicKeys: keys, registry: { url: "10.1.1.5:5000" }, extraCloudConfigParts: [cniPart(CNI_TEMPLATE)] }],
  ["tricky-names", { hostname: "yes", role: "worker", sshPublicKeys: keys, loginUser: "on", files: [{ path: "/etc/on", content: "off", permissions: "0600" }] }],
];

/** Shapes whose CNI part is what users often write (schema warnings, but it must still load exactly). */
export const LOOSE_SHAPES: Array<[string, NodeUserDataInput]> = [
  ["worker-with-loose-cni", { hostname: "demo-node-18c36", role: "worker", sshPublicKeys: keys, extraCloudConfigParts: [cniPart(CNI_TEMPLATE_LOOSE)] }],
];

/** The userdata text (un-base64'd, gunzip'd). */
export function userDataText(r: RenderedUserData): string {
  const raw = Buffer.from(r.userData, "base64");
  return (r.gzipped ? gunzipSync(raw) : raw).toString("utf8");
}

/** The cloud-config documents inside rendered userdata (one, or one per MIME part). */
export function cloudConfigs(r: RenderedUserData): string[] {
  const text = userDataText(r);
  if (text.startsWith("#cloud-config")) return [text];
  const boundary = /boundary="([^"]+)"/.exec(text)?.[1];
  if (!boundary) throw new Error("neither #cloud-config nor multipart");
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => part.slice(part.indexOf("\n\n") + 2));
}

export { renderNodeUserData };
