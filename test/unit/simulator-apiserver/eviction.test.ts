// The eviction subresource and PodDisruptionBudget arithmetic (pkg/registry/core/pod/storage/eviction.go,
// pkg/controller/disruption/disruption.go), directly and over HTTPS.
import { startApiServer, type ApiServerHandle } from "../../../simulator/apiserver";
import { budgetStatus, evictPod, EVICTION_REFUSED } from "../../../simulator/apiserver/disruption";
import { MemoryKubeStore } from "../../../simulator/apiserver/store";
import { KubeHttpError } from "../../../simulator/apiserver/status";
import type { KubeObject } from "../../../simulator/contracts";
import { clusterView } from "./fixtures";
import { call } from "./httpClient";
import { clientCert, createCa, serverCert, type CertAndKey, type TestCa } from "./testPki";

function webPod(name: string, phase = "Running", ready = true): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: { nodeName: "w1", containers: [{ name: "web", image: "nginx" }] },
    status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

function pdb(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: "default" }, spec: { selector: { matchLabels: { app: "web" } }, ...spec } };
}

function storeWith(...objects: KubeObject[]): MemoryKubeStore {
  const store = new MemoryKubeStore();
  for (const o of objects) store.upsert(o);
  return store;
}

function refusal(fn: () => void): KubeHttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeHttpError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("PodDisruptionBudget status and eviction rules", () => {
  test("minAvailable, maxUnavailable and percentages give the disruption controller's numbers", () => {
    const pods = [webPod("a"), webPod("b"), webPod("c", "Running", false)];
    expect(budgetStatus(storeWith(...pods), pdb("p", { minAvailable: 2 }))).toEqual({ expectedPods: 3, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(budgetStatus(storeWith(...pods), pdb("p", { maxUnavailable: 1 }))).toMatchObject({ desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(budgetStatus(storeWith(...pods), pdb("p", { minAvailable: "50%" }))).toMatchObject({ desiredHealthy: 2 });
    expect(budgetStatus(storeWith(webPod("a"), webPod("b")), pdb("p", { minAvailable: 1 }))).toMatchObject({ disruptionsAllowed: 1 });
  });

  test("a budget with no room refuses with 429 and the DisruptionBudget cause; with room the pod is deleted", () => {
    const blocked = storeWith(webPod("a"), webPod("b"), pdb("web", { minAvailable: 2 }));
    const err = refusal(() => evictPod(blocked, "default", "a"));
    expect(err.code).toBe(429);
    expect(err.reason).toBe("TooManyRequests");
    expect(err.message).toBe(EVICTION_REFUSED);
    expect(err.details?.causes).toEqual([{ reason: "DisruptionBudget", message: "The disruption budget web needs 2 healthy pods and has 2 currently" }]);
    expect(blocked.get("v1", "Pod", "a", "default")).toBeDefined();

    const room = storeWith(webPod("a"), webPod("b"), pdb("web", { minAvailable: 1 }));
    evictPod(room, "default", "a");
    expect(room.get("v1", "Pod", "a", "default")).toBeUndefined();
    // The budget is used up: the second pod is refused.
    expect(refusal(() => evictPod(room, "default", "b")).code).toBe(429);
  });

  test("Pending pods are evicted without consulting a budget; two budgets are a 500; a missing pod 404", () => {
    const store = storeWith(webPod("a", "Pending", false), pdb("web", { minAvailable: 5 }));
    evictPod(store, "default", "a");
    expect(store.get("v1", "Pod", "a", "default")).toBeUndefined();
    const two = storeWith(webPod("a"), pdb("one", { minAvailable: 0 }), pdb("two", { minAvailable: 0 }));
    expect(refusal(() => evictPod(two, "default", "a")).code).toBe(500);
    expect(refusal(() => evictPod(two, "default", "zz")).code).toBe(404);
  });
});

describe("POST pods/<name>/eviction over HTTPS", () => {
  let ca: TestCa;
  let admin: CertAndKey;
  let server: ApiServerHandle;
  const store = storeWith(webPod("a"), webPod("b"), pdb("web", { minAvailable: 2 }));
  let writes = 0;

  beforeAll(async () => {
    ca = await createCa("kubernetes");
    const serving = await serverCert(ca, ["127.0.0.1"]);
    admin = await clientCert(ca, "kubernetes-admin", ["system:masters"]);
    const view = clusterView(store, { caCertPem: ca.certPem, serverCertPem: serving.certPem, serverKeyPem: serving.keyPem }, { healthy: true, version: "v1.32.4" });
    server = await startApiServer({ ...view, changed: () => void writes++ });
  });
  afterAll(() => server.close());

  const evict = (name: string) =>
    call(server.port, ca.certPem, `/api/v1/namespaces/default/pods/${name}/eviction`, { client: admin, method: "POST", body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "default" } } });

  it("advertises pods/eviction in discovery and serves policy/v1 poddisruptionbudgets", async () => {
    const list = (await call(server.port, ca.certPem, "/api/v1", { client: admin })).json() as { resources: Array<{ name: string; group?: string; kind: string }> };
    expect(list.resources).toContainEqual(expect.objectContaining({ name: "pods/eviction", group: "policy", version: "v1", kind: "Eviction" }));
    const pdbs = await call(server.port, ca.certPem, "/apis/policy/v1/namespaces/default/poddisruptionbudgets", { client: admin });
    expect(pdbs.status).toBe(200);
    expect(pdbs.json().items.map((o: KubeObject) => o.metadata.name)).toEqual(["web"]);
  });

  it("answers 429 with the budget message, then 201 once the budget allows it, telling the model each write", async () => {
    const refused = await evict("a");
    expect(refused.status).toBe(429);
    expect(refused.json()).toMatchObject({ kind: "Status", status: "Failure", reason: "TooManyRequests", code: 429, message: EVICTION_REFUSED });
    const before = writes;
    const patched = await call(server.port, ca.certPem, "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web", { client: admin, method: "PATCH", contentType: "application/merge-patch+json", body: { spec: { minAvailable: 1 } } });
    expect(patched.status).toBe(200);
    expect(writes).toBe(before + 1);
    const ok = await evict("a");
    expect(ok.status).toBe(201);
    expect(ok.json()).toMatchObject({ kind: "Status", status: "Success" });
    expect(writes).toBe(before + 2);
    expect((await call(server.port, ca.certPem, "/api/v1/namespaces/default/pods/a", { client: admin })).status).toBe(404);
    expect((await evict("a")).status).toBe(404);
  });
});
