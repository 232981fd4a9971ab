import { nodeIndex } from "../../../provider/cluster/readCluster";

describe("node index on read", () => {
  it("comes from the VM's deterministic name (VM tags no longer carry it), else from an older index tag", () => {
    expect(nodeIndex("demo-0a1b2c-worker-12", undefined)).toBe(12);
    expect(nodeIndex("demo-0a1b2c-control-1", "7")).toBe(1);
    expect(nodeIndex("renamed", "3")).toBe(3);
    expect(nodeIndex("renamed", undefined)).toBe(0);
  });
});
