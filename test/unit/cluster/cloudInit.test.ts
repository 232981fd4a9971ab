// cloud-init's exit codes from `cloud-init status --wait` (cloud-init >= 23.4: 0 done, 1 error,
// 2 done with recoverable errors): the cloud-init phase continues with a warning on 2, fails on 1.
import { ClusterContext } from "../../../provider/cluster/context";
import { Deadline } from "../../../provider/cluster/deadline";
import { Progress } from "../../../provider/cluster/progress";
import { planNodes, type ClusterState } from "../../../provider/cluster/clusterState";
import type { NodeConnector, ShellResult } from "../../../provider/cluster/nodeShell";
import { cloudInitPhase } from "../../../provider/cluster/phases/bootstrap";
import { FakeCloud } from "./fakeCloud";
import { CLUSTER_ID, inputs } from "./helpers";

function contextWith(answer: (node: string, command: string) => ShellResult, lines: string[]) {
  const inp = inputs({ size: 1 });
  const state: ClusterState = {
    clusterId: CLUSTER_ID, prefix: "demo-0a1b2c", state: "Creating", hostKeys: {}, nodes: planNodes("demo-0a1b2c", inp), virtualMachineIds: [],
    ipAddress: "203.0.113.9", sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n",
  } as ClusterState;
  const ran: string[] = [];
  const connector: NodeConnector = {
    connect: async (req) => ({
      hostKeySha256: "SHA256:fake",
      shell: {
        exec: async (cmd) => {
          ran.push(cmd.command);
          return answer(req.node.name, cmd.command);
        },
        run: async (cmd) => {
          ran.push(cmd.command);
          const r = answer(req.node.name, cmd.command);
          if (r.code !== 0) throw new Error(`${cmd.display} exited with code ${r.code}`);
          return r;
        },
        close: () => undefined,
      },
    }),
  };
  const ctx = new ClusterContext({ api: new FakeCloud(), inputs: inp, state, connector, deadline: Deadline.in(20_000, "test"), progress: new Progress("cluster", inp.name, (l) => lines.push(l)), concurrency: 2 });
  return { ctx, ran };
}

describe("cloud-init phase: cloud-init status --wait exit codes", () => {
  it("exit 2 (degraded: recoverable errors) is a warning naming the node, and the phase goes on", async () => {
    const lines: string[] = [];
    const { ctx, ran } = contextWith((node) => (node.endsWith("worker-1") ? { code: 2, stdout: "..\nstatus: done\n", stderr: "Deprecated cloud-config provided: chpasswd.list\n" } : { code: 0, stdout: "status: done\n", stderr: "" }), lines);
    await expect(cloudInitPhase(ctx)).resolves.toBeUndefined();
    expect(ran.filter((c) => c === "sudo cloud-init status --wait")).toHaveLength(2);
    const warning = lines.filter((l) => l.includes("WARNING"));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/^\[cluster demo\] cloud-init: WARNING: cloud-init finished with recoverable errors \(degraded, exit 2\); continuing.*status: done \| Deprecated cloud-config provided: chpasswd\.list \(demo-0a1b2c-worker-1\)$/);
  });

  it("exit 1 (error) fails the phase, naming the node and cloud-init's output", async () => {
    const { ctx } = contextWith((node) => (node.endsWith("control-1") ? { code: 1, stdout: "status: error\n", stderr: "" } : { code: 0, stdout: "status: done\n", stderr: "" }), []);
    await expect(cloudInitPhase(ctx)).rejects.toThrow(/^cloud-init failed on demo-0a1b2c-control-1: `sudo cloud-init status --wait` exited with code 1: cloud-init failed on the node: status: error\. See \/var\/log\/cloud-init-output\.log/);
  });

  it("exit 0 on every node is silent", async () => {
    const lines: string[] = [];
    const { ctx } = contextWith(() => ({ code: 0, stdout: "status: done\n", stderr: "" }), lines);
    await cloudInitPhase(ctx);
    expect(lines.every((l) => !l.includes("WARNING"))).toBe(true);
  });
});
