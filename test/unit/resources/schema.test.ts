// schema.json and docs/api/ are generated from the zod input schemas and the resource specs; this
// test fails when either drifts: the committed files must be what `npm run schema` writes, every
// output the provider produces must be in the schema, and every replace flag must be what diff() does.
import * as fs from "fs";
import * as path from "path";
import { apiPages, packageSchema, type PropertySpec } from "../../../provider/resources/schema/packageSchema";
import { clusterOutputs } from "../../../provider/resources/kubernetesCluster";
import { diffCluster } from "../../../provider/resources/clusterDiff";
import { ClusterInputsSchema } from "../../../provider/resources/clusterInputs";

const root = path.resolve(__dirname, "..", "..", "..");
const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
const schema = packageSchema(version);
type ResourceJson = { inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec>; requiredInputs: string[] };
const resource = (name: string): ResourceJson => (schema.resources as Record<string, ResourceJson>)[`cloudstack-kubernetes:index:${name}`]!;

describe("schema.json", () => {
  it("is exactly what `npm run schema` generates (run it after changing an input)", () => {
    expect(JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8"))).toEqual(schema);
  });

  it("docs/api is generated from it", () => {
    for (const [file, text] of Object.entries(apiPages(schema))) {
      expect(fs.readFileSync(path.join(root, "docs", "api", file), "utf8")).toBe(text);
    }
  });

  it("describes every KubernetesCluster output the provider produces", () => {
    const inputs = ClusterInputsSchema.parse({ name: "n", zoneId: "z", kubernetesVersionId: "v", serviceOfferingId: "o", description: "d" });
    const outs = clusterOutputs(inputs, { apiUrl: "http://127.0.0.1/client/api", apiKey: "k", secretKey: "s" }, {
      clusterId: "c", prefix: "n-c", state: "Running", stateReason: "r", endpoint: "e", ipAddress: "i", ipAddressId: "ii", networkId: "net", networkCreated: true, directAccess: false,
      keypairName: "kp", sshPublicKey: "pub", sshPrivateKey: "priv", hostKeys: {}, kubernetesVersion: "1.33.5", isoId: "iso", kubeconfig: "kc", nodes: [], virtualMachineIds: [], cpuNumber: 2, memory: 2048,
    });
    const described = resource("KubernetesCluster").properties;
    expect(Object.keys(outs).filter((k) => !(k in described))).toEqual([]);
  });

  it("marks the secrets: API secret key, kubeconfig, SSH private key, registry", () => {
    const cluster = resource("KubernetesCluster");
    for (const key of ["secretKey", "privateRegistry"]) expect(cluster.inputProperties[key]!.secret).toBe(true);
    for (const key of ["secretKey", "kubeconfig", "sshPrivateKey", "privateRegistry"]) expect(cluster.properties[key]!.secret).toBe(true);
    for (const name of ["KubernetesSupportedVersion", "CniConfiguration"]) expect(resource(name).inputProperties.secretKey!.secret).toBe(true);
  });

  it("flags as replacing exactly the inputs whose change diff() answers with a replacement", () => {
    const base = { name: "n", zoneId: "z", kubernetesVersionId: "v", serviceOfferingId: "o", size: 1, controlNodes: 1, etcdNodes: 0, nodeRootDiskSize: 8 };
    const inputs = Object.entries(resource("KubernetesCluster").inputProperties);
    for (const [key, prop] of inputs) {
      const changed = prop.type === "integer" ? 3 : prop.type === "boolean" ? true : prop.$ref || prop.type === "object" ? { control: "x" } : "changed";
      const d = diffCluster(base, { ...base, [key]: changed });
      expect({ key, replaces: d.replaces.includes(key) }).toEqual({ key, replaces: prop.willReplaceOnChanges === true });
    }
    expect(inputs.length).toBeGreaterThan(25);
  });

  it("requires what check requires", () => {
    expect(resource("KubernetesCluster").requiredInputs).toEqual(["kubernetesVersionId", "name", "zoneId"]);
    expect(resource("KubernetesSupportedVersion").requiredInputs).toEqual(["semanticVersion", "url"]);
  });
});
