import fc from "fast-check";
import { humanDuration } from "../../../simulator/apiserver/humanDuration";
import { mergePatch } from "../../../simulator/apiserver/mergePatch";
import { parseRoute } from "../../../simulator/apiserver/routes";
import { fieldSelector, labelSelector } from "../../../simulator/apiserver/selectors";
import type { KubeObject } from "../../../simulator/contracts";

const obj = (labels: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels }, ...extra });

describe("humanDuration (kubectl's AGE)", () => {
  it.each([
    [0, "0s"],
    [59_000, "59s"],
    [119_000, "119s"],
    [120_000, "2m"],
    [185_000, "3m5s"],
    [45 * 60_000, "45m"],
    [(3 * 60 + 30) * 60_000, "3h30m"],
    [10 * 3600_000, "10h"],
    [50 * 3600_000, "2d2h"],
    [30 * 86400_000, "30d"],
    [(3 * 365 + 4) * 86400_000, "3y4d"],
  ])("%d ms → %s", (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe("selectors", () => {
  it("matches the label selector forms", () => {
    const o = obj({ app: "web", tier: "front" });
    expect(labelSelector("app=web")(o)).toBe(true);
    expect(labelSelector("app==web,tier=front")(o)).toBe(true);
    expect(labelSelector("app!=web")(o)).toBe(false);
    expect(labelSelector("tier")(o)).toBe(true);
    expect(labelSelector("!tier")(o)).toBe(false);
    expect(labelSelector("app in (api, web)")(o)).toBe(true);
    expect(labelSelector("app notin (api,web)")(o)).toBe(false);
    expect(labelSelector(null)(o)).toBe(true);
    expect(() => labelSelector("a=b=c")).toThrow(/unable to parse/);
  });

  it("matches field selectors on nested fields, unset as empty", () => {
    const o = obj({}, { spec: { nodeName: "n1" } });
    expect(fieldSelector("spec.nodeName=n1")(o)).toBe(true);
    expect(fieldSelector("spec.nodeName!=n1")(o)).toBe(false);
    expect(fieldSelector("metadata.name=p,status.phase=")(o)).toBe(true);
    expect(() => fieldSelector("spec.nodeName in (a)")).toThrow(/field selector/);
  });
});

describe("mergePatch (RFC 7386)", () => {
  it("sets, deletes with null and recurses into objects; arrays replace", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, x: 1 }, e: [3], $retainKeys: ["a"] })).toEqual({ a: 1, b: { d: 3, x: 1 }, e: [3] });
  });

  it("an empty patch changes nothing (property)", () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (target) => expect(mergePatch(target, {})).toEqual({ ...target })));
  });
});

describe("routes", () => {
  it("tells namespaced, cluster-scoped and namespace-object requests apart", () => {
    expect(parseRoute("/api/v1/namespaces/kube-system")).toMatchObject({ kind: "resource", type: { kind: "Namespace" }, name: "kube-system" });
    expect(parseRoute("/api/v1/namespaces/kube-system/pods/x")).toMatchObject({ kind: "resource", type: { kind: "Pod" }, namespace: "kube-system", name: "x" });
    expect(parseRoute("/apis/apps/v1/namespaces/a/deployments")).toMatchObject({ type: { kind: "Deployment" }, namespace: "a" });
    expect(parseRoute("/api/v1/nodes/n1/status")).toMatchObject({ type: { kind: "Node" }, name: "n1", subresource: "status" });
    expect(parseRoute("/readyz/etcd")).toEqual({ kind: "health", check: "readyz" });
    expect(() => parseRoute("/api/v1/nodes/n1/proxy")).toThrow(/could not find/);
    expect(() => parseRoute("/metrics")).toThrow(/could not find/);
  });
});
