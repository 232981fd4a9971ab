// A user's CNI template must reach cloud-init meaning exactly what they wrote. cloud-init reads YAML
// 1.1 (PyYAML): `permissions: 0755` is the int 493 (mode 0755) and a quoted "on" is a string. A YAML 1.2
// round trip in the provider wrote `755` (mode 0o1363) and a bare `on` (the boolean true).
import { renderTemplate, splitCloudConfigRunCmd } from "../../../provider/kubernetes/cniTemplate";
import { renderNodeUserData } from "../../../provider/kubernetes/userdata";
import { createNodeRuntime, generateHostKey } from "../../../simulator/node";
import { AuditLog, Fabric, Faults, bootSpec, fastClock } from "../../unit/simulator-node/helpers";
import { run } from "./sshClient";

const deployKey = generateHostKey();

const TEMPLATE = [
  "#cloud-config",
  "write_files:",
  "  - path: /etc/cni/net.d/setup.sh",
  "    permissions: 0755",
  "    content: |",
  "      #!/bin/sh",
  "      echo mtu={{ MTU }}",
  "  - path: /etc/cni/net.d/flag",
  '    content: "on"',
  "runcmd:",
  "  - [sh, -c, 'echo cni > /tmp/cni']",
  "",
].join("\n");

async function sshPort(rt: ReturnType<typeof createNodeRuntime>, vmId: string): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const ep = rt.endpoint(vmId, 22);
    if (ep) return ep.port;
    if (Date.now() > deadline) throw new Error("timed out waiting for sshd");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("a CNI template on a simulated node", () => {
  it("arrives with mode 0755 for `permissions: 0755` and the string \"on\" for a quoted \"on\"", async () => {
    const { withoutRunCmd, runcmd } = splitCloudConfigRunCmd(renderTemplate(TEMPLATE, { MTU: "1450" }));
    expect(runcmd).toEqual(["sh -c 'echo cni > /tmp/cni'"]);
    const userData = renderNodeUserData({ hostname: "demo-node-1", role: "worker", sshPublicKeys: [deployKey.public], extraCloudConfigParts: [withoutRunCmd] });
    const rt = createNodeRuntime({ clock: fastClock(), audit: new AuditLog(), faults: new Faults(), fabric: new Fabric(), dataDir: "/tmp", extensions: () => undefined });
    try {
      const spec = bootSpec({ name: "demo-node-1", userData: userData.userData, deployKeys: [deployKey.public] });
      await rt.start(spec);
      const port = await sshPort(rt, spec.vmId);
      const st = await run(port, "cloud", deployKey.private, "cloud-init status --wait --long");
      // The user's unquoted 0755 is an int, which cloud-init's schema (permissions: string) warns about:
      // 24.4 finishes "degraded done" (exit 2). The file still gets the int as its mode.
      expect(st.stdout).toContain("extended_status: degraded done");
      expect(st.code).toBe(2);
      const files = await run(port, "cloud", deployKey.private, "stat -c '%a' /etc/cni/net.d/setup.sh; cat /etc/cni/net.d/flag; echo; cat /etc/cni/net.d/setup.sh");
      expect(files.stdout).toBe("755\non\n#!/bin/sh\necho mtu=1450\n");
    } finally {
      await rt.close();
    }
  });
});
