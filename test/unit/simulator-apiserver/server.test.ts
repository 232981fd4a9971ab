import { startApiServer, type ApiServerHandle } from "../../../simulator/apiserver";
import { clusterView, pod, seededStore } from "./fixtures";
import { call, watchLines } from "./httpClient";
import { clientCert, createCa, serverCert, type CertAndKey, type TestCa } from "./testPki";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

describe("simulated API server over HTTPS", () => {
  let ca: TestCa;
  let admin: CertAndKey;
  let foreign: CertAndKey;
  let server: ApiServerHandle;
  const state = { healthy: true, version: "v1.32.9" };
  const store = seededStore();
  const get = (path: string, opts: Parameters<typeof call>[3] = {}) => call(server.port, ca.certPem, path, { client: admin, ...opts });

  beforeAll(async () => {
    ca = await createCa("kubernetes");
    const serving = await serverCert(ca, ["127.0.0.1"]);
    admin = await clientCert(ca, "kubernetes-admin", ["system:masters"]);
    foreign = await clientCert(await createCa("kubernetes"), "kubernetes-admin", ["system:masters"]);
    server = await startApiServer(clusterView(store, { caCertPem: ca.certPem, serverCertPem: serving.certPem, serverKeyPem: serving.keyPem }, state));
  });
  afterAll(() => server.close());

  describe("authentication", () => {
    const UNAUTHORIZED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

    it("answers /version, /healthz and the cluster-info ConfigMap anonymously", async () => {
      const v = await call(server.port, ca.certPem, "/version");
      expect(v.status).toBe(200);
      expect(v.json()).toMatchObject({ major: "1", minor: "32", gitVersion: "v1.32.9", platform: "linux/amd64" });
      expect((await call(server.port, ca.certPem, "/healthz")).text).toBe("ok");
      const info = await call(server.port, ca.certPem, "/api/v1/namespaces/kube-public/configmaps/cluster-info");
      expect(info.status).toBe(200);
      expect(info.json().data.kubeconfig).toContain("kind: Config");
    });

    it("refuses anything else without a client certificate (401 Status)", async () => {
      for (const path of ["/api/v1/nodes", "/api", "/apis", "/api/v1/namespaces/kube-system/configmaps/cluster-info"]) {
        const r = await call(server.port, ca.certPem, path);
        expect(r.status).toBe(401);
        expect(r.json()).toEqual(UNAUTHORIZED);
      }
      const post = await call(server.port, ca.certPem, "/api/v1/namespaces/kube-public/configmaps/cluster-info", { method: "DELETE" });
      expect(post.status).toBe(401);
    });

    it("refuses a client certificate from another CA", async () => {
      const r = await call(server.port, ca.certPem, "/api/v1/nodes", { client: foreign });
      expect(r.status).toBe(401);
      expect(r.json()).toEqual(UNAUTHORIZED);
    });

    it("accepts a client certificate of the cluster CA", async () => {
      expect((await get("/api/v1/nodes")).status).toBe(200);
    });
  });

  it("reports etcd failure on /healthz, /livez and /readyz when the cluster is unhealthy", async () => {
    state.healthy = false;
    try {
      for (const path of ["/healthz", "/livez", "/readyz", "/readyz?verbose"]) {
        const r = await call(server.port, ca.certPem, path);
        expect(r.status).toBe(500);
        expect(r.text).toContain("[-]etcd failed");
      }
    } finally {
      state.healthy = true;
    }
    expect((await call(server.port, ca.certPem, "/readyz")).status).toBe(200);
  });

  it("serves legacy discovery, also when the aggregated form is asked for", async () => {
    expect((await get("/api")).json()).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const apis = await get("/apis", { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json" });
    expect(apis.contentType).toBe("application/json");
    expect(apis.json().groups).toEqual(expect.arrayContaining([expect.objectContaining({ name: "apps", preferredVersion: { groupVersion: "apps/v1", version: "v1" } })]));
    const core = (await get("/api/v1")).json();
    expect(core.kind).toBe("APIResourceList");
    const names = core.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(["nodes", "namespaces", "pods", "configmaps", "services"]));
    expect(core.resources.find((r: { name: string }) => r.name === "nodes")).toMatchObject({ kind: "Node", namespaced: false, shortNames: ["no"] });
    const apps = (await get("/apis/apps/v1")).json();
    expect(apps.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(["deployments", "daemonsets"]));
    expect((await get("/apis/nope/v1")).status).toBe(404);
  });

  it("publishes an OpenAPI v3 index whose PATCH operations declare fieldValidation (so kubectl validates server-side)", async () => {
    const index = (await get("/openapi/v3")).json();
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(["api/v1", "apis/apps/v1"]));
    const doc = (await get(index.paths["apis/apps/v1"].serverRelativeURL)).json();
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({ group: "apps", version: "v1", kind: "Deployment" });
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));
    expect((await get("/openapi/v3/apis/nope/v1")).status).toBe(404);
  });

  it("lists objects as typed JSON lists", async () => {
    const nodes = (await get("/api/v1/nodes")).json();
    expect(nodes.kind).toBe("NodeList");
    expect(nodes.apiVersion).toBe("v1");
    expect(Number(nodes.metadata.resourceVersion)).toBeGreaterThan(1);
    expect(nodes.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(["sim-control-1", "sim-node-1", "sim-node-2"]);
    const all = (await get("/api/v1/pods")).json();
    expect(all.items).toHaveLength(3);
    const ns = (await get("/api/v1/namespaces/kube-system/pods")).json();
    expect(ns.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(["coredns-7db6d8ff4d-abcde", "etcd-sim-control-1"]);
    const deployments = (await get("/apis/apps/v1/namespaces/kube-system/deployments")).json();
    expect(deployments).toMatchObject({ kind: "DeploymentList", apiVersion: "apps/v1" });
    expect(deployments.items[0]).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "coredns" } });
    expect((await get("/apis/apps/v1/daemonsets")).json().items[0].metadata.name).toBe("kube-proxy");
  });

  it("filters with label and field selectors", async () => {
    const svc = (await get("/api/v1/namespaces/kube-system/services?labelSelector=kubernetes.io%2Fcluster-service%3Dtrue")).json();
    expect(svc.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["kube-dns"]);
    expect((await get("/api/v1/services?labelSelector=kubernetes.io%2Fcluster-service%3Dfalse")).json().items).toEqual([]);
    const onNode = (await get("/api/v1/pods?fieldSelector=spec.nodeName%3Dsim-node-1")).json();
    expect(onNode.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(["coredns-7db6d8ff4d-abcde"]);
    const workers = (await get("/api/v1/nodes?labelSelector=!node-role.kubernetes.io%2Fcontrol-plane")).json();
    expect(workers.items).toHaveLength(2);
    expect((await get("/api/v1/nodes?labelSelector=a%20in%20(b")).status).toBe(400);
  });

  it("renders Tables with server-side columns when asked", async () => {
    const t = (await get("/api/v1/nodes", { accept: TABLE })).json();
    expect(t.kind).toBe("Table");
    expect(t.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`).slice(0, 6)).toEqual([
      "Name:0",
      "Status:0",
      "Roles:0",
      "Age:0",
      "Version:0",
      "Internal-IP:1",
    ]);
    expect(t.rows[0].cells.slice(0, 5)).toEqual(["sim-control-1", "Ready", "control-plane", expect.stringMatching(/^\d+s$/), "v1.31.4"]);
    expect(t.rows[2].cells[1]).toBe("NotReady");
    expect(t.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "sim-control-1" } });
    const pods = (await get("/api/v1/namespaces/default/pods?includeObject=Object", { accept: TABLE })).json();
    expect(pods.rows[0].cells.slice(0, 4)).toEqual(["web-5d8f7c9b6-xyz12", "0/1", "Pending", 1]);
    expect(pods.rows[0].object.kind).toBe("Pod");
    const one = (await get("/api/v1/namespaces", { accept: TABLE })).json();
    expect(one.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 2))).toContainEqual(["kube-system", "Active"]);
  });

  it("answers 404 Status for missing objects and unknown paths", async () => {
    const r = await get("/api/v1/nodes/nope");
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ kind: "Status", status: "Failure", reason: "NotFound", code: 404, message: 'nodes "nope" not found', details: { name: "nope", kind: "nodes" } });
    expect((await get("/apis/apps/v1/namespaces/default/deployments/x")).json().message).toBe('deployments.apps "x" not found');
    expect((await get("/api/v1/widgets")).status).toBe(404);
    expect((await get("/api/v1/namespaces/default/nodes")).status).toBe(404);
  });

  it("streams watch events (ADDED, MODIFIED, DELETED) and honours resourceVersion and selectors", async () => {
    const lines: Array<{ type: string; object: { metadata: { name: string } } }> = [];
    const list = (await get("/api/v1/namespaces/default/configmaps")).json();
    const done = watchLines(server.port, ca.certPem, admin, `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=w%3D1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=2`, lines);
    await new Promise((r) => setTimeout(r, 300));
    const cm = (data: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched", namespace: "default", labels: { w: "1" } }, data: { d: data } });
    store.upsert(cm("a"));
    await new Promise((r) => setTimeout(r, 300));
    store.upsert(cm("b"));
    store.upsert({ ...cm("x"), metadata: { name: "unwatched", namespace: "default", labels: { w: "2" } } });
    await new Promise((r) => setTimeout(r, 300));
    store.delete("v1", "ConfigMap", "watched", "default");
    await done;
    expect(lines.map((l) => `${l.type}:${l.object.metadata.name}`)).toEqual(["ADDED:watched", "MODIFIED:watched", "DELETED:watched"]);
  });

  it("creates, patches, replaces and deletes objects", async () => {
    const created = await get("/api/v1/namespaces/default/pods", { method: "POST", body: pod("ignored", "made-1", "sim-node-1") });
    expect(created.status).toBe(400); // namespace in body differs from the URL
    const ok = await get("/api/v1/namespaces/default/pods", { method: "POST", body: { ...pod("default", "made-1", "sim-node-1") } });
    expect(ok.status).toBe(201);
    expect(ok.json().metadata.uid).toBeDefined();
    expect((await get("/api/v1/namespaces/default/pods", { method: "POST", body: pod("default", "made-1", "sim-node-1") })).status).toBe(409);
    expect(store.get("v1", "Pod", "made-1", "default")).toBeDefined();

    const patched = await get("/api/v1/nodes/sim-node-1", { method: "PATCH", contentType: "application/strategic-merge-patch+json", body: { spec: { unschedulable: true }, metadata: { labels: { extra: "yes" } } } });
    expect(patched.status).toBe(200);
    const node = store.get("v1", "Node", "sim-node-1");
    expect(node?.spec).toEqual({ unschedulable: true });
    expect(node?.metadata.labels).toMatchObject({ extra: "yes", "kubernetes.io/hostname": "sim-node-1" });
    expect((await get("/api/v1/nodes/sim-node-1", { method: "PATCH", contentType: "application/json-patch+json", body: [] })).status).toBe(415);

    const stale = { ...(node as object), metadata: { ...node?.metadata, resourceVersion: "1" } };
    expect((await get("/api/v1/nodes/sim-node-1", { method: "PUT", body: stale })).status).toBe(409);

    const del = await get("/api/v1/namespaces/default/pods/made-1", { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(store.get("v1", "Pod", "made-1", "default")).toBeUndefined();
    expect((await get("/api/v1/namespaces/default/pods/made-1", { method: "DELETE" })).status).toBe(404);
  });
});
