// The runner's pure parts: destroy order, secret unwrapping, the checkpoint file.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { deletionOrder, emptyState, loadState, saveState, type ResourceRecord } from "../../scripts/runner/state";
import { SECRET_SIG_KEY, SECRET_SIG_VALUE, unwrapSecrets } from "../../scripts/runner/secrets";

const rec = (name: string, dependencies: string[] = []): ResourceRecord => ({ urn: `urn:${name}`, type: "t", name, id: `${name}-id`, inputs: {}, outputs: {}, dependencies, secretOutputs: [] });

describe("deletionOrder", () => {
  it("deletes dependents before what they depend on, otherwise newest first", () => {
    const order = deletionOrder([rec("net"), rec("version"), rec("cluster", ["urn:net", "urn:version"]), rec("app", ["urn:cluster"]), rec("other")]);
    expect(order.map((r) => r.name)).toEqual(["other", "app", "cluster", "version", "net"]);
  });

  it("puts every resource after all of its dependents, for any acyclic graph", () => {
    // Resources may only depend on earlier ones, as in a program.
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j)))),
    );
    fc.assert(
      fc.property(graph, (deps) => {
        const records = deps.map((d, i) => rec(`r${i}`, d.map((j) => `urn:r${j}`)));
        const order = deletionOrder(records).map((r) => r.name);
        expect([...order].sort()).toEqual(records.map((r) => r.name).sort());
        deps.forEach((d, i) => d.forEach((j) => expect(order.indexOf(`r${i}`)).toBeLessThan(order.indexOf(`r${j}`))));
      }),
    );
  });
});

describe("unwrapSecrets", () => {
  it("removes secret markers at any depth and names the top-level keys that held one", () => {
    const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value });
    const { value, secretKeys } = unwrapSecrets({ apiUrl: "u", secretKey: secret("s"), registry: { password: secret("p"), url: "r" }, list: [secret(1)] });
    expect(value).toEqual({ apiUrl: "u", secretKey: "s", registry: { password: "p", url: "r" }, list: [1] });
    expect(secretKeys.sort()).toEqual(["list", "registry", "secretKey"]);
  });
});

describe("the checkpoint file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-state-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("round-trips, is owner-only, and starts empty when absent", () => {
    const file = path.join(dir, "s", "state.json");
    expect(loadState(file, "p", "dev")).toEqual(emptyState("p", "dev"));
    const state = { ...emptyState("p", "dev"), resources: [rec("a")] };
    saveState(file, state);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadState(file, "p", "dev")).toEqual(state);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["state.json"]);
  });

  it("refuses a file that is not a checkpoint", () => {
    const file = path.join(dir, "junk.json");
    fs.writeFileSync(file, JSON.stringify({ version: 2 }));
    expect(() => loadState(file, "p", "dev")).toThrow(/not a runner checkpoint/);
  });
});
