import type { Simulator } from "../../../simulator";
import { api, connection, createVersion, providers, startSim } from "./harness";
import { TAG } from "../../../provider/cluster/tags";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

describe("KubernetesSupportedVersion against the simulator", () => {
  it("registers the ISO, waits until Ready, updates state in place, reads, and deletes", async () => {
    const p = providers();
    const { id, outs, semanticVersion } = await createVersion(sim, p);
    expect(outs).toMatchObject({ isoId: id, isoState: "Ready", semanticVersion, state: "Enabled" });
    const tags = (await api(sim).listAll("listTags", { resourcetype: "ISO", resourceid: id, listall: true }, "tag")) as { key: string; value: string }[];
    expect(tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: TAG.semanticVersion, value: semanticVersion })]));

    const updated = await p.version.update!(id, outs, { ...connection(sim), semanticVersion, url: outs.url, checksum: outs.checksum, minCpuNumber: 2, minMemory: 4096, state: "Disabled" });
    expect(updated.outs).toMatchObject({ state: "Disabled", minMemory: 4096 });
    const read = await p.version.read!(id, updated.outs);
    expect(read.props).toMatchObject({ state: "Disabled", minMemory: 4096, isoState: "Ready" });

    await p.version.delete!(id, updated.outs);
    expect((await p.version.read!(id, updated.outs)).id).toBe("");
  });

  it("reads an ISO id CloudStack has never heard of (431 on listIsos id=) as gone, and deletes it as done", async () => {
    const p = providers();
    // A purged or foreign id: CloudStack resolves the id before listing and answers 431.
    const never = "0badc0de-0000-4000-8000-00000000beef";
    const props = { ...connection(sim), semanticVersion: "1.31.4", url: "http://127.0.0.1/x.iso", minCpuNumber: 2, minMemory: 2048, state: "Enabled" };
    expect((await p.version.read!(never, props)).id).toBe("");
    await expect(p.version.delete!(never, props)).resolves.toBeUndefined();
  });

  it("fails with the ISO's status and keeps a partial state on a checksum mismatch", async () => {
    const p = providers();
    const iso = sim.isos[0];
    const err = (await p.version
      .create({ ...connection(sim), semanticVersion: iso.version, url: iso.url, checksum: "0".repeat(64), minCpuNumber: 2, minMemory: 2048, state: "Enabled", __provider: "shim" })
      .catch((e: unknown) => e)) as { message: string; id?: string; properties?: Record<string, unknown> };
    expect(err.message).toMatch(/checksum|failed/i);
    expect(err.id).toBeTruthy();
    expect(err.properties?.__provider).toBe("shim");
    await p.version.delete!(err.id!, err.properties!);
  });
});
