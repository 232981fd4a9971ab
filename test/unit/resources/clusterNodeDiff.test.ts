// ClusterNode diff: offline, and the cluster facts only used to reach it are not desired state, so a
// refresh that adds the external node to the cluster's nodes output does not make the node change.
import { makeClusterNodeProvider } from "../../../provider/resources/clusterNode";

const provider = makeClusterNodeProvider();
const olds = {
  clusterId: "c1",
  virtualMachineId: "vm1",
  networkId: "n1",
  keypairName: "k",
  sshPrivateKey: "secret",
  sshPublicKey: "ssh-rsa AAAA",
  clusterNodes: [{ name: "c-control-1", role: "control", index: 1, sshPort: 2222 }],
  hostKeys: { "c-control-1": "SHA256:x" },
  kubernetesVersionId: "iso1",
  labels: { a: "1" },
  taints: [],
  manualUpgrade: false,
  nodeName: "vm-1",
  state: "Ready",
};

describe("ClusterNode diff", () => {
  it("ignores the cluster's nodes list and host keys", async () => {
    const news = { ...olds, clusterNodes: [...olds.clusterNodes, { name: "vm-1", role: "worker", index: 0, sshPort: 2232, external: true }], hostKeys: { ...olds.hostKeys, "vm-1": "SHA256:y" } };
    expect(await provider.diff!("id", olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("changes labels, taints and manualUpgrade in place, and replaces (delete first) for another VM or cluster", async () => {
    for (const patch of [{ labels: { a: "2" } }, { taints: [{ key: "t", effect: "NoSchedule" }] }, { manualUpgrade: true }]) {
      expect(await provider.diff!("id", olds, { ...olds, ...patch })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
    expect(await provider.diff!("id", olds, { ...olds, virtualMachineId: "vm2" })).toEqual({ changes: true, replaces: ["virtualMachineId"], deleteBeforeReplace: true });
    expect(await provider.diff!("id", olds, { ...olds, clusterId: "c2" })).toEqual({ changes: true, replaces: ["clusterId"], deleteBeforeReplace: true });
  });
});
